"""Getting papers in: ``readq add`` and ``readq parse`` (files or standard input)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import stat
import sys
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from readq.cli.common import AddCommand, open_library, out, short, warn
from readq.errors import InputError, NoInputError, UsageError
from readq.library import ImportReport
from readq.models import Paper, ParseWarning
from readq.text import plural

MAX_INPUT_BYTES = 256 * 1024 * 1024  # larger listings are refused (see docs/usage.md)


def sample_listing() -> bytes:
    """The built-in sample listing of ``readq demo``."""
    return resources.files("readq").joinpath("sample.txt").read_bytes()


# -- reading listings ----------------------------------------------------------------------


def check_input_path(name: str) -> Path:
    """Refuse directories, devices and FIFOs (they would hang or make no sense)."""
    path = Path(name)
    try:
        st = path.stat()
    except FileNotFoundError:
        raise NoInputError(f"{name}: no such file") from None
    except PermissionError:
        raise NoInputError(f"{name}: permission denied") from None
    except OSError as exc:
        raise NoInputError(f"{name}: {exc.strerror}") from None
    if stat.S_ISDIR(st.st_mode):
        raise NoInputError(f"{name} is a directory; give a listing file")
    if not stat.S_ISREG(st.st_mode):
        raise NoInputError(f"{name} is not a regular file (pipe it in with 'readq add -' instead)")
    if st.st_size > MAX_INPUT_BYTES:
        raise InputError(
            f"{name} is {st.st_size / 2**20:.0f} MB; listings over "
            f"{MAX_INPUT_BYTES // 2**20} MB are refused (split it into smaller files)"
        )
    if not os.access(path, os.R_OK):
        raise NoInputError(f"{name}: permission denied")
    return path


def _parse_stdin(
    encoding: str | None, today: dt.date
) -> tuple[list[Paper], list[ParseWarning], str]:
    from readq import listing

    data = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
    if len(data) > MAX_INPUT_BYTES:
        raise InputError(f"standard input is over {MAX_INPUT_BYTES // 2**20} MB; refused")
    label = "standard input"
    if not data.strip():
        raise InputError(f"{label} is empty; paste a copied papers page")
    try:
        result = listing.parse_bytes(data, today=today, encoding=encoding)
    except InputError as exc:
        raise InputError(f"{label}: {exc}") from None
    return result.papers, result.warnings, label


def _parse_path(
    name: str, encoding: str | None, today: dt.date
) -> tuple[list[Paper], list[ParseWarning], str]:
    from readq import listing

    path = check_input_path(name)
    if path.stat().st_size == 0:
        raise InputError(f"{name} is empty; no papers to import")
    try:
        result = listing.parse_file(path, today=today, encoding=encoding)
    except InputError as exc:
        msg = str(exc)
        raise type(exc)(msg if msg.startswith(name) else f"{name}: {msg}") from None
    return result.papers, result.warnings, name


def parse_source(
    name: str, encoding: str | None, today: dt.date
) -> tuple[list[Paper], list[ParseWarning]]:
    """The papers of one file (``-``: standard input); one-line errors name the source."""
    if name == "-":
        papers, warnings, label = _parse_stdin(encoding, today)
    else:
        papers, warnings, label = _parse_path(name, encoding, today)
    if not papers:
        raise InputError(
            f"no papers found in {label}: expected a copied Hugging Face papers page "
            "(a title line followed by its abstract); see docs/listing-format.md"
        )
    return papers, warnings


def parse_all(names: Sequence[str], encoding: str | None) -> tuple[list[Paper], list[str]]:
    today = dt.date.today()
    papers: list[Paper] = []
    warnings: list[str] = []
    if list(names).count("-") > 1:
        raise UsageError("'-' (standard input) can be given only once")
    for name in names:
        found, warns = parse_source(name, encoding, today)
        papers.extend(found)
        label = "stdin" if name == "-" else name
        warnings.extend(f"{label}: {w}" for w in warns)
    return papers, warnings


# -- readq parse ---------------------------------------------------------------------------


def _paper_line(p: Paper) -> str:
    meta = ", ".join(
        x
        for x in (
            p.published or "",
            f"{p.authors} authors" if p.authors is not None else (p.organization or ""),
            f"{p.upvotes} upvotes" if p.upvotes is not None else "",
        )
        if x
    )
    return f"{short(p.id)}  {p.title}" + (f"  ({meta})" if meta else "")


def cmd_parse(args: argparse.Namespace) -> int:
    papers, warnings = parse_all(args.files, args.encoding)
    seen: set[str] = set()
    for p in papers:
        if p.id in seen:
            continue
        seen.add(p.id)
        out(json.dumps(p.to_dict(), ensure_ascii=False) if args.json else _paper_line(p))
    for w in warnings:
        warn(w)
    if not args.json:
        out(f"{len(seen)} papers parsed; nothing was saved", file=sys.stderr)
    return 0


def add_parse(add: AddCommand) -> None:
    sp = add("parse", cmd_parse, "parse listing files and print the papers; saves nothing")
    sp.add_argument("files", nargs="+", metavar="FILE")
    sp.add_argument("--json", action="store_true", help="one JSON object per line")
    sp.add_argument("--encoding", help="decode the files with this encoding")


# -- readq add -----------------------------------------------------------------------------


def summary(report: ImportReport, warnings: list[str], sources: int) -> str:
    parts = [f"{report.new} new", f"{report.known} already known", f"{report.updated} updated"]
    if report.duplicates:
        parts.append(f"{report.duplicates} repeated in the input")
    line = ", ".join(parts)
    if warnings:
        line += f"; skipped/warned: {len(warnings)} (details above)"
    where = plural(sources, "file") if sources else "input"
    return f"Imported from {where}: {line}."


def cmd_add(args: argparse.Namespace) -> int:
    papers, warnings = parse_all(args.files, args.encoding)
    from readq.search.index import SearchIndex

    lib = open_library(args)
    index_key = SearchIndex.disk_key(lib)
    report = lib.import_papers(papers)
    # keep the search index on disk current (a no-op if there is none, or it was stale)
    SearchIndex.update_on_disk(lib, index_key, report.new_ids + report.changed_ids)
    for w in warnings:
        warn(w)
    out(summary(report, warnings, len(args.files)))
    return 0


def add_add(add: AddCommand) -> None:
    sp = add("add", cmd_add, "import papers from copied listing files ('-' reads standard input)")
    sp.add_argument("files", nargs="+", metavar="FILE")
    sp.add_argument(
        "--encoding",
        help="decode the files with this encoding (default: UTF-8, "
        "or UTF-16 when the file starts with a BOM)",
    )
