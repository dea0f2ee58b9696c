"""Exporting starred papers from the TUI (pure: runs on the store thread)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from readq.errors import OutputError
from readq.export import ExportItem, render_markdown, write_markdown
from readq.library import Library
from readq.views import sorted_ids


def export_starred(library: Library, path: Path, today: dt.date) -> int:
    """Write the starred papers (newest first) to ``path``; return how many."""
    states = library.states.copy()
    ids = [pid for pid, st in states.items() if st.starred and pid in library.entries]
    ids = sorted_ids(library.entries, ids, "date")
    items = [ExportItem(library.entries[i], library.abstract(i), states[i]) for i in ids]
    text = render_markdown(items, generated=today)
    if path.is_dir():
        raise OutputError(f"{path} is a directory; give a file name")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_markdown(path, text)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    return len(items)
