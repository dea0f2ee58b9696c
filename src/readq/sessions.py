"""Reading-queue sessions: when the last one started, which decides what is *new*.

A paper is new from when it is first added until the user has had a session in the
reading queue after that. The start of each session is one small file in the data dir,
``session-started``, written atomically: a crash leaves the old or the new start, never
a torn one. A marker that cannot be read counts as none (every paper new).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from readq.clock import iso
from readq.storage.fsutil import atomic_write_bytes

SESSION_FILE = "session-started"


def last_session(root: Path) -> str:
    """The start of the latest session (an :func:`~readq.clock.iso` timestamp), or ""."""
    try:
        found = (root / SESSION_FILE).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return ""
    return found if len(found) == 20 and found.endswith("Z") else ""


def begin_session(root: Path, now: datetime) -> str:
    """Record that a session starts ``now``; return when the previous one started.

    Papers first seen after the returned time are new in this session (``first_seen``
    is compared as a string: both are iso timestamps). Raises OSError when the marker
    cannot be written (the caller says so).
    """
    previous = last_session(root)
    root.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(root / SESSION_FILE, (iso(now) + "\n").encode("ascii"))
    return previous
