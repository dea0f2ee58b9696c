"""Looking at the library: ``readq list``, ``readq show`` and ``readq stats``."""

from __future__ import annotations

import argparse
import json
import shutil
import sys

import readq
from readq.cli.common import (
    AddCommand,
    entry_json,
    id_prefix,
    open_library,
    out,
    report_query_errors,
    short,
)
from readq.errors import EX_NOTFOUND, UsageError
from readq.library import Library
from readq.models import Entry
from readq.views import SORTS, View

# -- readq list ----------------------------------------------------------------------------


def row(lib: Library, e: Entry, width: int) -> str:
    """One paper as a terminal line: id, ✓★✎ marks, date, upvotes, title cut to fit."""
    st = lib.state(e.id)
    marks = ("✓" if st.read else " ") + ("★" if st.starred else " ") + ("✎" if st.note else " ")
    date = e.published or "          "
    up = f"▲{e.upvotes}" if e.upvotes is not None else ""
    head = f"{short(e.id)} {marks} {date} {up:>5} "
    room = max(10, width - len(head))
    title = e.title if len(e.title) <= room else e.title[: room - 1] + "…"
    return head + title


def _view_of(args: argparse.Namespace) -> View:
    view = View.ALL
    for name in ("unread", "read", "starred", "all"):
        if getattr(args, name, False):
            view = View.INBOX if name == "unread" else View(name)
    return view


def cmd_list(args: argparse.Namespace) -> int:
    if args.limit is not None and args.limit < 0:
        raise UsageError("--limit must be 0 or more")
    lib = open_library(args)
    ids, errors = readq.select(lib, args.query, view=_view_of(args), sort=args.sort)
    for warning in lib.warnings:  # e.g. a damaged search index, rebuilt
        out(f"readq: {warning}", file=sys.stderr)
    report_query_errors(errors)
    if args.limit is not None:
        ids = ids[: args.limit]
    width = shutil.get_terminal_size((100, 24)).columns
    for pid in ids:
        e = lib.entries[pid]
        out(json.dumps(entry_json(lib, e), ensure_ascii=False) if args.json else row(lib, e, width))
    if not ids and not args.json:
        out("no papers match" if args.query else "no papers here yet", file=sys.stderr)
    return 0 if ids or not args.query else EX_NOTFOUND


def add_list(add: AddCommand) -> None:
    sp = add("list", cmd_list, "list papers, optionally matching a search QUERY")
    sp.add_argument("query", nargs="?", metavar="QUERY", help="search query (see docs/search.md)")
    group = sp.add_mutually_exclusive_group()
    group.add_argument("--unread", action="store_true", help="only unread papers (the inbox)")
    group.add_argument("--read", action="store_true", help="only read papers")
    group.add_argument("--starred", action="store_true", help="only starred papers")
    group.add_argument("--all", action="store_true", help="every paper (the default)")
    sp.add_argument(
        "--sort", choices=SORTS, help="order (default: relevance for a QUERY, else date)"
    )
    sp.add_argument("--limit", type=int, metavar="N", help="show at most N papers")
    sp.add_argument("--json", action="store_true", help="one JSON object per line")


# -- readq show ----------------------------------------------------------------------------


def _meta_line(lib: Library, pid: str, e: Entry) -> str:
    st = lib.state(pid)
    meta = [f"id {pid}"]
    if e.published:
        meta.append(f"published {e.published}")
    if e.authors is not None:
        meta.append(f"{e.authors} authors")
    elif e.organization:
        meta.append(e.organization)
    if e.upvotes is not None:
        meta.append(f"{e.upvotes} upvotes")
    meta.append(("read" if st.read else "unread") + (", starred" if st.starred else ""))
    return " · ".join(meta)


def cmd_show(args: argparse.Namespace) -> int:
    lib = open_library(args, catalog_prefix=id_prefix(args.id))
    pid = lib.resolve(args.id)
    e = lib.entries[pid]
    if args.json:
        out(json.dumps(entry_json(lib, e), ensure_ascii=False))
        return 0
    out(e.title)
    out(_meta_line(lib, pid, e))
    for link in e.links:
        out(f"  {link}")
    note = lib.state(pid).note
    if note:
        out("\nNote:\n" + note)
    abstract = lib.abstract(pid)
    if abstract:
        out("\n" + abstract)
    return 0


def add_show(add: AddCommand) -> None:
    sp = add("show", cmd_show, "show one paper: metadata, links, note and abstract")
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
    sp = add("stats", cmd_stats, "count papers by state")
    sp.add_argument("--json", action="store_true")
