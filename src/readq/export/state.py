"""When the previous export ran, for ``readq export --since-last``.

One small JSON file in the data dir, replaced atomically after every export. A file
that exists but cannot be read is an error, never "no previous export": that would
silently export everything again.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from readq.errors import StoreError
from readq.storage import fsutil

STATE_FILE = "export-state.json"
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")


class ExportStateError(StoreError):
    """The export state file is damaged (exit 65); the message says how to go on."""


def state_path(data_dir: Path) -> Path:
    return data_dir / STATE_FILE


def last_export(data_dir: Path) -> str | None:
    """The ISO time of the previous export, None if readq never exported here."""
    path = state_path(data_dir)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ExportStateError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
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
