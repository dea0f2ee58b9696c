"""Writing the small TOML subset readq's config uses, editing one key in place.

Python reads TOML (``tomllib``) but cannot write it; the config needs only strings,
numbers, booleans and one flat ``[keys]`` table, so a few lines do it, and an in-place
edit keeps the user's comments and layout where a full rewrite would drop them.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Mapping
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f"}
_ESCAPES["\r"] = "\\r"


def toml_string(text: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def toml_key(key: str) -> str:
    return key if _BARE_KEY.match(key) else toml_string(key)


def _toml_float(value: float) -> str:
    if math.isnan(value):
        return "nan"
    return ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(value)


def toml_value(value: object) -> str:
    """One TOML value; enough for readq's settings and whatever else a user keeps there."""
    text: str | None = None
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        text = toml_string(value)
    elif isinstance(value, int):
        text = str(value)
    elif isinstance(value, float):
        text = _toml_float(value)
    elif isinstance(value, list):
        text = "[" + ", ".join(toml_value(v) for v in value) + "]"
    elif isinstance(value, dict):
        items = ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items())
        text = "{" + items + "}"
    elif hasattr(value, "isoformat"):  # TOML dates and times
        text = str(value.isoformat())
    if text is None:
        raise ValueError(f"cannot write a value of type {type(value).__name__} to TOML")
    return text


def dumps(data: Mapping[str, Any]) -> str:
    """TOML text for ``data``: plain keys first, then one ``[table]`` per dict."""
    lines = [f"{toml_key(k)} = {toml_value(v)}" for k, v in data.items() if not _is_table(v)]
    for name, table in data.items():
        if _is_table(table):
            lines += ["", f"[{toml_key(name)}]"]
            lines += [f"{toml_key(k)} = {toml_value(v)}" for k, v in table.items()]
    return "\n".join(lines).lstrip("\n") + "\n"


def _is_table(value: object) -> bool:
    return isinstance(value, dict)


_HEADER = re.compile(r"^\s*\[")


def _first_header(lines: list[str]) -> int:
    return next((i for i, line in enumerate(lines) if _HEADER.match(line)), len(lines))


def edit_top_level(text: str, key: str, value: object) -> str:
    """Change (or add, or remove when None) one top-level ``key = ...`` line in place."""
    lines = text.splitlines(keepends=True)
    end = _first_header(lines)
    pattern = re.compile(rf"^\s*(?:{re.escape(key)}|\"{re.escape(key)}\")\s*=")
    new = None if value is None else f"{key} = {toml_value(value)}\n"
    for i in range(end):
        if pattern.match(lines[i]):
            lines[i : i + 1] = [] if new is None else [new]
            return "".join(lines)
    if new is None:
        return text
    at = end
    while at > 0 and not lines[at - 1].strip():  # keep the blank line before a table
        at -= 1
    if at and not lines[at - 1].endswith("\n"):
        lines[at - 1] += "\n"
    lines.insert(at, new)
    return "".join(lines)


def edit_keys_table(text: str, keys: Mapping[str, str]) -> str:
    """Replace the body of the ``[keys]`` table (added at the end if there is none)."""
    lines = text.splitlines(keepends=True)
    body = [f"{toml_key(k)} = {toml_string(v)}\n" for k, v in keys.items()]
    start = next((i for i, ln in enumerate(lines) if re.match(r"^\s*\[\s*keys\s*\]", ln)), None)
    if start is None:
        if not keys:
            return text
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
        sep = ["\n"] if lines else []
        return "".join([*lines, *sep, "[keys]\n", *body])
    stop = start + 1 + _first_header(lines[start + 1 :])
    keep = stop
    while keep > start + 1 and not lines[keep - 1].strip():  # keep blank lines before next
        keep -= 1
    tail_comments = [ln for ln in lines[start + 1 : keep] if ln.lstrip().startswith("#")]
    lines[start + 1 : keep] = tail_comments + body
    return "".join(lines)


def parses_to(text: str, expected: Mapping[str, Any]) -> bool:
    try:
        return bool(tomllib.loads(text) == expected)
    except tomllib.TOMLDecodeError:
        return False
