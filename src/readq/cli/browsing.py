"""Looking at the library: ``readq list``, ``readq show`` and ``readq stats``."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import readq
from readq.catalog import paper_ids
from readq.cli.common import (
    AddCommand,
    entry_json,
    id_prefix,
    open_library,
    out,
    report_query_errors,
    short_ids,
)
from readq.errors import EX_NOTFOUND, UsageError
from readq.text import for_display, plural
from readq.views import SORTS, View, sorted_ids

if TYPE_CHECKING:
    from readq.library import Library
    from readq.models import Entry

# -- readq list ----------------------------------------------------------------------------


def row(lib: Library, e: Entry, width: int | None, short: Callable[[str], str]) -> str:
    """One paper as a line: id, ✓★✎ marks, date, upvotes, and the title, cut with ``…`` to
    ``width`` on a terminal (``None``: whole, for pipes and files)."""
    st = lib.state(e.id)
    marks = ("✓" if st.read else " ") + ("★" if st.starred else " ") + ("✎" if st.note else " ")
    date = e.published or "          "
    up = f"▲{e.upvotes}" if e.upvotes is not None else ""
    head = f"{short(e.id)} {marks} {date} {up:>5} "
    if width is None:
        return head + for_display(e.title)
    room = max(10, width - len(head))
    shown = for_display(e.title)  # a U+202E in a title must not turn the line around
    title = shown if len(shown) <= room else shown[: room - 1] + "…"
    return head + title


def terminal_width() -> int | None:
    """The terminal's width when standard output is one, else None (no cutting, no wrapping)."""
    if not sys.stdout.isatty():
        return None
    return shutil.get_terminal_size((100, 24)).columns


def query_of(words: list[str] | None) -> str | None:
    """The words after the command, as one query (``readq list speculative decoding``)."""
    return " ".join(words) if words else None


def _view_of(args: argparse.Namespace) -> View:
    view = View.ALL
    for name in ("unread", "read", "starred", "all"):
        if getattr(args, name, False):
            view = View.INBOX if name == "unread" else View(name)
    return view


def removed_selection(lib: Library, query: str | None, sort: str | None) -> readq.Selection:
    """``readq list --removed``: the papers ``readq remove`` hid (``readq unremove``)."""
    ids = [pid for pid, st in lib.states.items() if st.removed and pid in lib.entries]
    errors: list[str] = []
    if query:
        result = readq.search_ids(lib, query, within=ids, on_build=say_building)
        ids, errors = result.ids, result.errors
        if result.ranked and sort is None:
            return readq.Selection(ids, errors)
    return readq.Selection(sorted_ids(lib.entries, ids, sort or "date"), errors)


def _refuse_an_empty_search(query: str) -> None:
    """A query whose every term was not understood would list the whole library, which a
    script would then act on: refuse it (exit 64) instead of searching for nothing."""
    from readq.search.query import parse_query

    parsed, errors = parse_query(query)
    if errors and not parsed.terms and not parsed.filters:
        raise UsageError(f"query term not understood: {errors[0]}; nothing listed")


def say_building(papers: int) -> None:
    """On a terminal, say why this search takes seconds: the index is being built."""
    if sys.stderr.isatty():
        out(
            f"readq: building the search index of {plural(papers, 'paper')}"
            " (once: later searches open it)",
            file=sys.stderr,
        )


def cmd_list(args: argparse.Namespace) -> int:
    if args.limit is not None and args.limit < 1:
        raise UsageError("--limit must be 1 or more")
    query = query_of(args.query)
    if query:
        _refuse_an_empty_search(query)
    # a search prints a few papers: they come from the search index when it is current
    lib = open_library(args, lazy_catalog=bool(query) and not args.removed)
    if args.removed:
        ids, errors = removed_selection(lib, query, args.sort)
    else:
        view = _view_of(args)
        ids, errors = readq.select(
            lib, query, view=view, sort=args.sort, limit=args.limit, on_build=say_building
        )
    for warning in lib.warnings:  # e.g. a damaged search index, rebuilt
        out(f"readq: {warning}", file=sys.stderr)
    report_query_errors(errors)
    if args.limit is not None:
        ids = ids[: args.limit]
    width = terminal_width()
    short = short_ids(paper_ids(lib.entries), shown=ids)
    for pid in ids:
        e = lib.entries[pid]
        line = json.dumps(entry_json(lib, e), ensure_ascii=False) if args.json else None
        out(line if line is not None else row(lib, e, width, short))
    if not ids and not args.json:
        empty = "no papers match" if query else "no papers here yet"
        out(f"readq: {empty}", file=sys.stderr)
    return 0 if ids or not query else EX_NOTFOUND


def add_list(add: AddCommand) -> None:
    sp = add("list", cmd_list)
    sp.add_argument(
        "query",
        nargs="*",
        metavar="QUERY",
        help="search query (see docs/search.md); several words need no quotes",
    )
    group = sp.add_mutually_exclusive_group()
    group.add_argument("--unread", action="store_true", help="only unread papers (the inbox)")
    group.add_argument("--read", action="store_true", help="only read papers")
    group.add_argument("--starred", action="store_true", help="only starred papers")
    group.add_argument("--all", action="store_true", help="every paper (the default)")
    group.add_argument(
        "--removed", action="store_true", help="only removed papers ('readq unremove ID')"
    )
    sp.add_argument(
        "--sort", choices=SORTS, help="order (default: relevance for a QUERY, else date)"
    )
    sp.add_argument("--limit", type=int, metavar="N", help="show at most N papers")
    sp.add_argument("--json", action="store_true", help="one JSON object per line")


# -- readq show ----------------------------------------------------------------------------


def _meta_line(lib: Library, pid: str, e: Entry) -> str:
    st = lib.state(pid)
    meta = [f"id {short_ids(lib.entries, shown=[pid])(pid)}"]
    if e.published:
        meta.append(f"published {e.published}")
    if e.authors is not None:
        meta.append(f"{e.authors} authors")
    elif e.organization:
        meta.append(e.organization)
    if e.upvotes is not None:
        meta.append(f"{e.upvotes} upvotes")
    if e.comments is not None:
        meta.append(plural(e.comments, "comment"))
    meta.append(("read" if st.read else "unread") + (", starred" if st.starred else ""))
    if st.removed:
        meta.append("removed ('readq unremove' brings it back)")
    return " · ".join(meta)


def author_list(names: Sequence[str], most: int = 3) -> str:
    """``A, B, C`` or, for more than ``most`` names, ``A, B, C et al. (12 authors)``."""
    if len(names) <= most:
        return ", ".join(names)
    return ", ".join(names[:most]) + f" et al. ({len(names)} authors)"


def cmd_show(args: argparse.Namespace) -> int:
    import textwrap

    from readq.links import paper_links

    lib = open_library(args, catalog_prefix=id_prefix(args.id))
    pid = lib.resolve(args.id)
    e = lib.entries[pid]
    if args.json:
        out(json.dumps(entry_json(lib, e), ensure_ascii=False))
        return 0
    width = terminal_width()

    def para(text: str, indent: str = "") -> str:
        if width is None:
            return indent + text
        return textwrap.fill(
            text,
            width=max(20, width - 1),
            initial_indent=indent,
            subsequent_indent=indent,
            break_on_hyphens=False,
        )

    out(para(for_display(e.title)))
    out(para(_meta_line(lib, pid, e)))
    if e.arxiv_id:
        out(f"arXiv {e.arxiv_id}")
    if e.author_names:
        out(para(f"by {author_list(e.author_names)}"))
    links = paper_links(e)
    label_width = max(len(label) for label, _ in links)
    for label, url in links:  # never wrapped: a link must stay whole to be clicked or copied
        out(f"  {label:<{label_width}}  {url}")
    note = lib.state(pid).note
    if note:
        lines = for_display(note, keep_newlines=True).splitlines()
        out("\nNote:\n" + "\n".join(para(line) for line in lines))
    abstract = lib.abstract(pid)
    if abstract:
        out("\n" + para(for_display(abstract)))
    return 0


def add_show(add: AddCommand) -> None:
    sp = add("show", cmd_show)
    sp.add_argument("id", metavar="ID", help="paper id, or any unique prefix of it")
    sp.add_argument("--json", action="store_true")


# -- readq stats ---------------------------------------------------------------------------


def cmd_stats(args: argparse.Namespace) -> int:
    counts = open_library(args).counts()
    if args.json:
        out(json.dumps(counts))
        return 0
    out(
        f"{counts['all']} papers: {counts['unread']} unread, {counts['read']} read, "
        f"{counts['starred']} starred, {counts['notes']} with notes"
    )
    return 0


def add_stats(add: AddCommand) -> None:
    sp = add("stats", cmd_stats)
    sp.add_argument("--json", action="store_true")
