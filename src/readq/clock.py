"""Time as readq writes it: one UTC clock and the two timestamp formats on disk.

Every stored time is ``iso`` (``2026-12-01T20:30:59Z``); every file name that carries a
time uses ``file_stamp`` (``20261201T203059Z``), which sorts and contains no colon.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def iso(ts: datetime) -> str:
    """A stored timestamp: UTC, second precision, ``Z`` suffix."""
    return ts.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def file_stamp(ts: datetime) -> str:
    """A timestamp for a file name: sortable, no ``:`` (which some file systems refuse)."""
    return ts.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
