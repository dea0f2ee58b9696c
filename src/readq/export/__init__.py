"""Exporting starred papers: Markdown to paste into notes, BibTeX to cite.

Pure functions apart from the writing in :mod:`readq.export.run`; no Textual import.

* :mod:`~readq.export.escape` — untrusted text made inert in CommonMark;
* :mod:`~readq.export.note` — the note as the user's own (made safe) Markdown;
* :mod:`~readq.export.urls` — the paper's pages (arXiv, Hugging Face) or searches;
* :mod:`~readq.export.markdown` and :mod:`~readq.export.bibtex` — the two documents;
* :mod:`~readq.export.items` — which papers, in which order;
* :mod:`~readq.export.state` — when the previous export ran (``--since-last``);
* :mod:`~readq.export.run` — one export from start to finish.
"""

from __future__ import annotations

from readq.export.bibtex import render_bibtex
from readq.export.escape import code_span, display_title, escape_inline, fenced_block
from readq.export.items import ORDERS, ExportItem, starred_items
from readq.export.markdown import render_markdown
from readq.export.note import note_markdown, sanitize_note
from readq.export.run import (
    FORMATS,
    Export,
    export_starred,
    format_for,
    prepare_export,
    record,
    write_export,
    write_markdown,
)
from readq.export.state import ExportStateError, last_export
from readq.export.urls import arxiv_search_url, hf_search_url

__all__ = [
    "FORMATS",
    "ORDERS",
    "Export",
    "ExportItem",
    "ExportStateError",
    "arxiv_search_url",
    "code_span",
    "display_title",
    "escape_inline",
    "export_starred",
    "fenced_block",
    "format_for",
    "hf_search_url",
    "last_export",
    "note_markdown",
    "prepare_export",
    "record",
    "render_bibtex",
    "render_markdown",
    "sanitize_note",
    "starred_items",
    "write_export",
    "write_markdown",
]
