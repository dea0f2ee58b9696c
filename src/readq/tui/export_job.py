"""Exporting starred papers from the TUI (pure: runs on the store thread)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from readq import export
from readq.library import Library


def export_starred(library: Library, path: Path, today: dt.date) -> int:
    """Write the starred papers (newest first) to ``path``; return how many.

    The TUI creates missing parent directories of the path the user typed.
    """
    return export.export_starred(library, path, today=today, create_parents=True)
