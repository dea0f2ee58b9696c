"""Settings that last between runs, kept in a small TOML file the user may edit by hand.

Reading never stops readq from starting: a broken file gives one line naming the file and
the line, and the defaults are used; a bad value gives a warning naming the key, and only
that key falls back to its default. Writing changes one key and keeps everything else
(comments included where possible), and never overwrites a file that does not parse: the
user's hand edits are worth more than a remembered theme.
"""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import os
import re
import sys
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from readq.errors import EX_DATAERR, CorruptFileError, ReadqError
from readq.paths import APP_NAME
from readq.storage.fsutil import atomic_write_bytes
from readq.storage.lock import flock_within
from readq.storage.safety import read_regular
from readq.tomledit import (
    dumps,
    edit_keys_table,
    edit_top_level,
    parses_to,
    toml_key,
    toml_string,
    toml_value,
)
from readq.views import SORTS, View

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

CONFIG_ENV = "READQ_CONFIG"
CONFIG_NAME = "config.toml"
CONFIG_CAP = 1024 * 1024  # bytes read at most: a config file is a few hundred
SAVE_LOCK_TIMEOUT = 10.0  # seconds another process may hold the config dir's lock

VIEWS: tuple[str, ...] = tuple(v.value for v in View)
DEFAULT_SORT = "new"  # "new first"
DEFAULT_SORTS: tuple[str, ...] = SORTS
EXPORT_ORDERS = ("starred", "published")
SPLIT_MIN, SPLIT_MAX = 20, 80


class ConfigError(ReadqError):
    """The config file cannot be read or written; the message says which file and why."""

    exit_code = EX_DATAERR


@dataclass(frozen=True)
class Settings:
    """The effective settings; every field has a default so a missing file is fine."""

    theme: str = "textual-dark"
    default_view: str = "inbox"
    sort: str = DEFAULT_SORT
    export_path: str | None = None
    export_order: str = "starred"
    split: int = 50  # percent of the width given to the list, SPLIT_MIN..SPLIT_MAX
    detail_visible: bool = True
    # action id -> key(s) ("ctrl+q" or "ctrl+q,f10"), ready for Textual's App.set_keymap
    keys: dict[str, str] = field(default_factory=dict, hash=False)


SETTING_NAMES: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Settings))


STARTER = """\
# readq settings (docs/usage.md, "Settings"). Remove the # to change a value.
# theme = "textual-dark"
# default_view = "inbox"      # inbox, starred, read, all
# sort = "new"                # new, date, upvotes, title, added, trending
# export_path = "~/notes/readq-starred.md"
# export_order = "starred"    # starred (when you starred them) or published
# split = 50                  # percent of the width (or height) for the list, 20..80
# detail_visible = true

[keys]
# toggle-star = "s,x"         # action id = keys, comma-separated
"""


def config_path() -> Path:
    """``$READQ_CONFIG`` if set, else ``config.toml`` in the platform's user config dir."""
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env).expanduser().absolute()
    return Path(platformdirs.user_config_path(APP_NAME, appauthor=False)) / CONFIG_NAME


# --- validation -------------------------------------------------------------------------

_Check = Callable[[object], object]  # returns the clean value or raises ValueError(reason)


def _choice(choices: Collection[str]) -> _Check:
    def check(value: object) -> str:
        if not isinstance(value, str):
            raise ValueError(f"should be a string, one of {', '.join(choices)}")
        if value not in choices:
            raise ValueError(f"{value!r} is not one of {', '.join(choices)}")
        return value

    return check


def _nonempty_str(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError("should be a string")
    if not value.strip():
        raise ValueError("should not be empty")
    return value


def _split(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"should be a whole number from {SPLIT_MIN} to {SPLIT_MAX}")
    if not SPLIT_MIN <= value <= SPLIT_MAX:
        raise ValueError(f"{value} is outside {SPLIT_MIN}..{SPLIT_MAX}")
    return value


def _bool(value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError("should be true or false")
    return value


def _key_spec(value: object) -> str:
    """A key, a comma-separated list of keys, or a TOML array of keys."""
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        value = ",".join(value)
    if not isinstance(value, str) or not value.strip():
        raise ValueError('should be a key like "ctrl+q", or several: "ctrl+q,f10"')
    return ",".join(part.strip() for part in value.split(","))


def _checks(sorts: Collection[str]) -> dict[str, _Check]:
    return {
        "theme": _nonempty_str,
        "default_view": _choice(VIEWS),
        "sort": _choice(tuple(sorts)),
        "export_path": _nonempty_str,
        "export_order": _choice(EXPORT_ORDERS),
        "split": _split,
        "detail_visible": _bool,
    }


def _keys_table(value: object, where: str, problems: list[str]) -> dict[str, str]:
    if not isinstance(value, dict):
        problems.append(f"{where}: 'keys' should be a table ([keys]); ignored")
        return {}
    keys: dict[str, str] = {}
    for action, spec in value.items():
        try:
            keys[action] = _key_spec(spec)
        except ValueError as exc:
            problems.append(f"{where}: keys.{action} {exc}; ignored")
    return keys


def settings_from_dict(
    data: Mapping[str, object], where: str = CONFIG_NAME, *, sorts: Collection[str] | None = None
) -> tuple[Settings, list[str]]:
    """Settings from parsed TOML; each bad or unknown key gives one warning line."""
    checks = _checks(DEFAULT_SORTS if sorts is None else sorts)
    problems: list[str] = []
    values: dict[str, Any] = {}
    for key, raw in data.items():
        if key == "keys":
            values["keys"] = _keys_table(raw, where, problems)
        elif key in checks:
            try:
                values[key] = checks[key](raw)
            except ValueError as exc:
                default = getattr(Settings(), key)
                problems.append(f"{where}: {key} {exc}; using the default ({_fmt(default)})")
        else:
            hint = difflib.get_close_matches(key, SETTING_NAMES, n=1)
            maybe = f" (did you mean {hint[0]!r}?)" if hint else ""
            problems.append(f"{where}: unknown setting {key!r}{maybe}; ignored")
    return Settings(**values), problems


def _fmt(value: object) -> str:
    return "not set" if value is None else toml_value(value)


# --- reading ----------------------------------------------------------------------------

_TOML_POS = re.compile(r"^(?P<msg>.*?)\s*\(at line (?P<line>\d+), column (?P<col>\d+)\)$")


def _syntax_line(path: Path, exc: Exception, text: str) -> str:
    """One line naming the file and the line of a TOML syntax error."""
    first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    m = _TOML_POS.match(first)
    if m:
        msg, where = m["msg"], f"line {m['line']}, column {m['col']}"
    elif first.endswith("(at end of document)"):
        msg = first.removesuffix("(at end of document)").rstrip()
        where = f"line {len(text.splitlines()) or 1} (the end of the file)"
    else:
        msg, where = first, "syntax error"
    return f"{path} {where}: {msg[:1].lower() + msg[1:]}"


def _read(path: Path) -> tuple[dict[str, Any], str] | None:
    """The parsed file and its text, None if there is none; ConfigError (one line) if the
    file is unusable. Only a regular file (a link is followed), never more than
    :data:`CONFIG_CAP`: a FIFO, a device or a huge file cannot hang readq."""
    try:
        target = path.resolve() if path.is_symlink() else path  # a dotfiles symlink
    except (OSError, RuntimeError) as exc:  # a link loop
        raise ConfigError(f"cannot read {path}: {exc}") from None
    try:
        raw = read_regular(target, cap=CONFIG_CAP)
    except CorruptFileError as exc:
        if exc.reason.startswith("it is a directory"):
            raise ConfigError(f"{path} is a directory, not a config file") from None
        raise ConfigError(f"cannot read {path}: {exc.reason}") from None
    except ReadqError:
        raise ConfigError(f"cannot read {path}: permission denied") from None
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror or exc}") from None
    if raw is None:
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError(f"{path} line {line}: not UTF-8 text") from None
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(_syntax_line(path, exc, text)) from None
    except RecursionError:
        raise ConfigError(f"{path}: nested too deeply to be a readq config") from None


@contextlib.contextmanager
def _saving(directory: Path) -> Iterator[None]:
    """Hold an exclusive lock on the config's directory (no lock file is left behind):
    two processes saving different keys at once both keep theirs."""
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError as exc:
        raise ConfigError(f"cannot write {directory}: {exc.strerror or exc}") from None
    try:
        try:
            locked = flock_within(fd, SAVE_LOCK_TIMEOUT)
        except OSError:  # no locks here (some network file systems): last writer wins
            locked = True
        if not locked:
            raise ConfigError(f"another readq is saving {directory}; this setting was not saved")
        yield
    finally:
        os.close(fd)  # releases the lock


def load_settings(
    path: Path | None = None, *, sorts: Collection[str] | None = None
) -> tuple[Settings, list[str]]:
    """Settings and the problems met; never raises for a bad file (readq must start)."""
    path = config_path() if path is None else path
    try:
        found = _read(path)
    except ConfigError as exc:
        return Settings(), [f"{exc}; using the default settings"]
    if found is None:
        return Settings(), []
    return settings_from_dict(found[0], str(path), sorts=sorts)


def _clean_value(key: str, value: object, sorts: Collection[str] | None) -> object:
    """Validate a value the app wants to save; a bad one is a bug, so ValueError."""
    if key == "keys":
        if not isinstance(value, Mapping):
            raise ValueError("keys should be a mapping of action id to key(s)")
        return {str(k): _key_spec(v) for k, v in value.items()}
    checks = _checks(DEFAULT_SORTS if sorts is None else sorts)
    if key not in checks:
        raise ValueError(f"unknown setting {key!r}")
    if value is None:
        if key != "export_path":
            raise ValueError(f"{key} cannot be unset")
        return None
    try:
        return checks[key](value)
    except ValueError as exc:
        raise ValueError(f"{key} {exc}") from None


def save_setting(
    key: str, value: object, path: Path | None = None, *, sorts: Collection[str] | None = None
) -> None:
    """Write one setting, keeping every other key, comment and the ``[keys]`` table.

    ``key="keys"`` replaces the whole key table; ``value=None`` removes ``export_path``.
    Raises ConfigError, changing nothing, when the existing file does not parse (it is
    the user's, and may hold hours of edits) or the write fails.
    """
    clean = _clean_value(key, value, sorts)
    path = config_path() if path is None else path
    target = path.resolve() if path.is_symlink() else path  # keep a dotfiles symlink
    with _saving(target.parent):
        _save(key, clean, target)


def _save(key: str, clean: object, target: Path) -> None:
    try:
        found = _read(target)
    except ConfigError as exc:
        raise ConfigError(f"{exc}; fix it by hand, this setting was not saved") from None
    data, old_text = found if found is not None else ({}, "")
    expected = dict(data)
    if clean is None:
        expected.pop(key, None)
    else:
        expected[key] = clean
    if key == "keys" and isinstance(clean, dict):
        new_text = edit_keys_table(old_text, clean)
    else:
        new_text = edit_top_level(old_text, key, clean)
    if not parses_to(new_text, expected):
        new_text = dumps(expected)  # the in-place edit misread an unusual layout
    try:
        atomic_write_bytes(target, new_text.encode("utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot write {target}: {exc.strerror or exc}") from None


# --- showing ----------------------------------------------------------------------------


def describe(settings: Settings, path: Path, problems: Collection[str] = ()) -> str:
    """What ``readq config`` prints: where the file is and the settings in effect."""
    if path.is_file():
        state = ""
    elif path.exists():
        state = " (not a file)"
    else:
        state = " (does not exist yet: all defaults)"
    defaults = Settings()
    lines = [f"# config file: {path}{state}"]
    lines += [f"# problem: {p}" for p in problems]
    for name in SETTING_NAMES:
        if name == "keys":
            continue
        value = getattr(settings, name)
        note = "" if value != getattr(defaults, name) else "  # default"
        if value is None:
            lines.append(f"# {name} is not set")
        else:
            lines.append(f"{name} = {toml_value(value)}{note}")
    lines += ["", "[keys]"]
    if not settings.keys:
        lines.append("# none changed: the built-in keys are in use")
    lines += [f"{toml_key(k)} = {toml_string(v)}" for k, v in settings.keys.items()]
    return "\n".join(lines)
