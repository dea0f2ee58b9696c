"""What every command module shares: printing, opening the library, registering commands."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Protocol, TextIO

import readq
from readq.ids import SHORT_ID as SHORT_ID
from readq.ids import short_ids as short_ids
from readq.text import for_display

if TYPE_CHECKING:
    from readq.library import Library
    from readq.models import Entry

Handler = Callable[[argparse.Namespace], int]


class AddCommand(Protocol):
    """``add(name, handler)``: the subparser of one command (readq.cli.app.COMMANDS names it
    and gives its help), its arguments to come."""

    def __call__(self, name: str, func: Handler) -> argparse.ArgumentParser: ...


# What the glyphs become on a terminal or pipe that cannot show them (LANG=C, ASCII).
ASCII_GLYPHS = str.maketrans(
    {
        "▲": "^",
        "•": "*",
        "✦": "+",
        "★": "*",
        "✎": "n",
        "…": "...",
        "·": "-",
        "—": "-",
        "–": "-",
        "│": "|",
        "↓": "v",
        "↑": "^",
    }
)


def out(text: str = "", *, file: TextIO | None = None) -> None:
    stream = file or sys.stdout
    if _is_terminal(stream):  # the second guard: nothing can drive the user's terminal
        text = for_display(text, keep_newlines=True)
    try:
        print(text, file=stream)
    except UnicodeEncodeError:  # not UTF-8: ASCII glyphs, then "?" for what is left
        encoding = getattr(stream, "encoding", None) or "ascii"
        safe = text.translate(ASCII_GLYPHS).encode(encoding, "replace").decode(encoding)
        print(safe, file=stream)


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def warn(text: str) -> None:
    out(f"readq: warning: {text}", file=sys.stderr)


def short(pid: str) -> str:
    return pid[:SHORT_ID]


def id_prefix(given: str) -> str | None:
    """The catalog shard a command naming one paper needs (its first hex digit)."""
    return given.strip().lower()[:1] or None


def open_library(args: argparse.Namespace, **kw: Any) -> Library:
    """The library of ``--data-dir`` (or the default one), through the public API.

    Says once on stderr what opening did by itself (upgrading an older library)."""
    lib = readq.open_library(args.data_dir, **kw)
    for notice in lib.notices:
        out(f"readq: {notice}", file=sys.stderr)
    return lib


def entry_json(lib: Library, e: Entry, *, abstract: bool = True) -> dict[str, Any]:
    """The ``list --json`` / ``show --json`` object of one paper."""
    st = lib.state(e.id)
    return {
        "id": e.id,
        "title": e.title,
        "abstract": lib.abstract(e.id) if abstract else None,
        "arxiv_id": e.arxiv_id,
        "authors": list(e.author_names),
        "author_count": e.authors,
        "organization": e.organization,
        "published": e.published,
        "upvotes": e.upvotes,
        "comments": e.comments,
        "github": e.github,
        "project_page": e.project_page,
        "links": list(e.links),
        "read": st.read,
        "starred": st.starred,
        "note": st.note,
        "first_seen": e.first_seen,
        "last_seen": e.last_seen,
    }


def report_query_errors(errors: Iterable[str]) -> None:
    for err in errors:  # an unclosed quote is not ignored: it is searched as a phrase
        warn(err if "unclosed quote" in err else f"query term ignored: {err}")
