"""One export from start to finish: choose the papers, render, write, remember.

Behind ``readq export``, the TUI's ``e`` and ``readq.export_starred``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from readq.clock import iso
from readq.errors import OutputError
from readq.export.bibtex import render_bibtex
from readq.export.items import starred_items
from readq.export.markdown import render_markdown
from readq.export.state import last_export, record_export
from readq.storage import fsutil
from readq.storage.lock import library_lock

if TYPE_CHECKING:
    from readq.library import Library

FORMATS = ("markdown", "bibtex")
BIBTEX_SUFFIXES = (".bib", ".bibtex")


@dataclass(frozen=True, slots=True)
class Export:
    """A rendered export, not yet written."""

    text: str
    count: int
    format: str
    started: str  # ISO time taken before the papers were chosen
    since: str | None = None  # with --since-last: the previous export's time, if any
    no_arxiv: int = 0  # BibTeX: papers exported without an eprint


def format_for(path: Path | None, requested: str | None = None) -> str:
    """The requested format, else BibTeX for a ``.bib`` file, else Markdown."""
    if requested is not None:
        if requested not in FORMATS:
            raise ValueError(f"unknown export format {requested!r}")
        return requested
    if path is not None and path.suffix.lower() in BIBTEX_SUFFIXES:
        return "bibtex"
    return "markdown"


def prepare_export(
    library: Library,
    *,
    today: datetime.date,
    format: str = "markdown",
    order: str = "starred",
    since_last: bool = False,
) -> Export:
    """Render the starred papers; with ``since_last`` only those starred since the
    previous export (all of them if there was none). Raises ExportStateError when the
    record of the previous export is damaged."""
    started = iso(library.clock())
    since = last_export(library.store.root) if since_last else None
    items = starred_items(library, order=order, since=since)
    if format == "bibtex":
        text, missing = render_bibtex(items, generated=today)
        return Export(text, len(items), format, started, since, missing)
    text = render_markdown(items, generated=today, since=since)
    return Export(text, len(items), format, started, since)


def record(library: Library, export: Export) -> None:
    """Remember this export's time for the next ``--since-last``.

    Under the library lock, so a recovery sweeping temp files cannot meet ours.
    """
    with library_lock(library.store.root, library.store.lock_timeout):
        record_export(library.store.root, export.started)


def write_markdown(path: Path, text: str) -> None:
    """Write the export atomically (old file intact on failure), UTF-8 with LF endings."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    fsutil.atomic_write_bytes(path, text.encode("utf-8"))


def write_export(
    path: Path, text: str, *, overwrite: bool = True, create_parents: bool = False
) -> None:
    """Write ``text`` to ``path``. Raises OutputError (one line) for a directory, an
    existing file without ``overwrite``, or a failed write (the old file is intact)."""
    if path.is_dir():
        raise OutputError(f"{path} is a directory; give a file name")
    if not overwrite and path.exists():
        raise OutputError(f"{path} already exists")
    try:
        if create_parents:
            path.parent.mkdir(parents=True, exist_ok=True)
        write_markdown(path, text)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None


def export_starred(
    library: Library,
    path: Path,
    *,
    today: datetime.date,
    overwrite: bool = True,
    create_parents: bool = False,
    format: str | None = None,
    order: str = "starred",
) -> int:
    """Write the starred papers of ``library`` to ``path``; return how many.

    The format is ``format``, else BibTeX for a ``.bib`` path, else Markdown.
    """
    export = prepare_export(library, today=today, format=format_for(path, format), order=order)
    write_export(path, export.text, overwrite=overwrite, create_parents=create_parents)
    return export.count
