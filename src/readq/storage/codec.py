"""The bytes of a data file: compact JSON out, strictly checked TinyDB JSON in.

Nothing ever treats an unreadable file as empty: only a missing file reads as ``None``;
anything else that is not the expected shape raises ``CorruptFileError``. Reading goes
through :mod:`readq.storage.safety` (no symlinks, regular files only, a size cap,
strict JSON).
"""

from __future__ import annotations

import json
import re
from itertools import repeat
from pathlib import Path
from typing import Any

from readq.errors import CorruptFileError
from readq.storage import safety

_DOC_KEY = re.compile(r"0|[1-9][0-9]{0,19}")
_HEX_ID = re.compile(r"[0-9a-f]{16}")
_DOC_KEYS = re.compile(r"(?:0|[1-9][0-9]{0,19})(?:,(?:0|[1-9][0-9]{0,19}))*")
_HEX_IDS = re.compile(r"[0-9a-f]*")


def encode(data: object) -> bytes:
    """Serialise before touching the disk, so an unencodable value changes nothing.

    Compact (no indent): a 100,000-paper library loads 25% faster, and ``jq`` or any
    JSON viewer still shows the notes to a human in an emergency.
    """
    return json.dumps(
        data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
    ).encode("utf-8")


def read_json_file(
    path: Path,
    *,
    tinydb_shape: bool = True,
    tables: frozenset[str] | None = None,
    fast: bool | str = False,
) -> dict[str, Any] | None:
    """Parse a TinyDB file; None only when it does not exist. Damage raises.

    With ``tables``, the only table names the file may have. ``fast``: see
    :func:`readq.storage.safety.loads_strict`; duplicate keys are then caught by
    counting the keys in the raw bytes (``"keys"``: every key, for files whose documents
    hold only scalars; ``True``: the documents' ids)."""
    raw = safety.read_regular(path)
    if raw is None:
        return None
    if not raw.strip():
        raise CorruptFileError(path, "the file is empty (0 bytes of data)")
    data = safety.loads_strict(path, raw, fast=bool(fast))
    if tinydb_shape:
        check_shape(path, data, tables)
        if fast:
            _check_counts(path, raw, data, fast)
    else:
        if not isinstance(data, dict):
            raise CorruptFileError(path, "expected a JSON object")
        safety.check_depth(path, data)
    return data  # type: ignore[no-any-return]


def _check_counts(path: Path, raw: bytes, data: dict[str, Any], fast: bool | str) -> None:
    if fast == "keys":
        # In compact JSON a key ends with '":'; inside a string that sequence is '\\":'.
        found = raw.count(b'":') - raw.count(b'\\":')
        parsed = len(data) + sum(len(t) + sum(len(d) for d in t.values()) for t in data.values())
    else:
        found = safety.count_ids(raw)
        parsed = sum(len(t) for t in data.values())
    if found != parsed:
        raise CorruptFileError(path, "a key appears twice in one object")


def check_shape(path: Path, data: object, tables: frozenset[str] | None = None) -> None:
    """A TinyDB file is ``{table: {doc_id: {field: value}}}``; anything else is damage.

    Document ids are decimal integers (field types are checked where documents are read,
    see :mod:`readq.storage.documents`). With ``tables``, a table of another name is
    damage too (a damaged name would otherwise read as an empty table). The checks run
    over whole tables at once: a 100,000-paper library is read on every start.
    """
    if not isinstance(data, dict):
        raise CorruptFileError(path, f"expected a JSON object, found {type(data).__name__}")
    for name, table in data.items():
        if tables is not None and name not in tables:
            raise CorruptFileError(path, f"unexpected table {name[:40]!r}")
        if not isinstance(table, dict):
            raise CorruptFileError(path, f"table {name[:40]!r} is not a JSON object")
        joined = ",".join(table)
        if (
            table and not (joined.count(",") == len(table) - 1 and _DOC_KEYS.fullmatch(joined))
        ) or not all(type(doc) is dict for doc in table.values()):
            for key, doc in table.items():
                if not _DOC_KEY.fullmatch(key) or not isinstance(doc, dict):
                    raise CorruptFileError(
                        path, f"table {name[:40]!r} has a malformed document {key[:40]!r}"
                    )


def check_ids(path: Path, docs: dict[str, Any], prefix: str) -> None:
    """Every document is keyed by its own paper id (TinyDB's integer form of the hex id)
    and belongs in this shard (its id starts with ``prefix``)."""
    if not docs:
        return
    ids = [doc.get("id") for doc in docs.values()]
    try:
        joined = "".join(ids)  # TypeError unless every id is a string
        ok = (
            set(map(len, ids)) == {16}
            and _HEX_IDS.fullmatch(joined) is not None
            and all(set(joined[i::16]) == {c} for i, c in enumerate(prefix))
            # keys are canonical decimals (check_shape), so comparing ints suffices
            and list(map(int, ids, repeat(16))) == list(map(int, docs))
        )
    except TypeError:
        ok = False
    if ok:
        return
    for key, doc in docs.items():  # find the culprit, for the message
        pid = doc.get("id")
        if not (
            type(pid) is str
            and _HEX_ID.fullmatch(pid)
            and pid.startswith(prefix)
            and str(int(pid, 16)) == key
        ):
            shown = pid[:40] if type(pid) is str else type(pid).__name__
            raise CorruptFileError(path, f"document {key} does not match its paper id {shown!r}")
    raise CorruptFileError(path, "the document ids do not match their papers")


def check_fields(path: Path, docs: dict[str, Any], known: frozenset[str]) -> None:
    """Every field of every document is one readq writes (checked per table at once)."""
    if docs and not known.issuperset(set().union(*map(dict.keys, docs.values()))):
        for key, doc in docs.items():
            extra = sorted(doc.keys() - known)
            if extra:
                raise CorruptFileError(
                    path, f"document {key} has an unknown field {extra[0][:40]!r}"
                )
