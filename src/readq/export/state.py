"""When the previous export ran, for ``readq export --since-last``.

One small JSON file in the data dir, replaced atomically after every export. A file
that exists but cannot be read is an error, never "no previous export": that would
silently export everything again.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from readq.errors import CorruptFileError, StoreError
from readq.storage import fsutil
from readq.storage.safety import read_regular

STATE_FILE = "export-state.json"
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
_CAP = 64 * 1024  # bytes: the file holds one time


def _unique(pairs: list[tuple[str, object]]) -> dict[str, object]:
    """A JSON object whose keys are unique (two last_export times are damage)."""
    if len({k for k, _ in pairs}) != len(pairs):
        raise ValueError("duplicate key")
    return dict(pairs)


class ExportStateError(StoreError):
    """The export state file is damaged (exit 65); the message says how to go on."""


def state_path(data_dir: Path) -> Path:
    return data_dir / STATE_FILE


def last_export(data_dir: Path) -> str | None:
    """The ISO time of the previous export, None if readq never exported here."""
    path = state_path(data_dir)
    try:  # a regular file only, never a link, never more than a few KB: no hang
        raw = read_regular(path, cap=_CAP)
    except CorruptFileError as exc:
        raise ExportStateError(f"cannot read {path}: {exc.reason}") from None
    except OSError as exc:
        raise ExportStateError(f"cannot read {path}: {exc.strerror or exc}") from None
    if raw is None:
        return None
    try:
        data = json.loads(raw.decode("utf-8"), object_pairs_hook=_unique)
    except (UnicodeDecodeError, ValueError, RecursionError):
        data = None
    value = data.get("last_export") if isinstance(data, dict) else None
    if not isinstance(value, str) or not _ISO.fullmatch(value):
        raise ExportStateError(
            f"cannot read {path}: damaged (no valid last_export time); delete it to "
            "start over, or run an export without --since-last to set it again"
        )
    return value


def record_export(data_dir: Path, when: str) -> None:
    """Remember ``when`` (ISO time) as the time of the latest export, crash-safely."""
    data = json.dumps({"version": 1, "last_export": when}) + "\n"
    fsutil.atomic_write_bytes(state_path(data_dir), data.encode("utf-8"))
