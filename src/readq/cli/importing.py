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
from typing import TYPE_CHECKING

from readq.cli.common import AddCommand, open_library, out, short, warn
from readq.errors import InputError, NoInputError, UsageError
from readq.library import ImportReport, Library
from readq.listing.readers import MAX_LISTING_BYTES
from readq.models import Paper, ParseWarning
from readq.text import plural

if TYPE_CHECKING:
    from readq.listing.evidence import Evidence

MAX_INPUT_BYTES = MAX_LISTING_BYTES  # larger listings are refused (see docs/usage.md)


def sample_listing() -> bytes:
    """The built-in sample listing of ``readq demo``."""
    return resources.files("readq").joinpath("sample.txt").read_bytes()


# -- reading listings ----------------------------------------------------------------------


def check_input_path(name: str) -> Path:
    """Refuse directories, devices and FIFOs (they would hang or make no sense)."""
    if not name.strip():
        raise UsageError("an empty file name; give a listing file, or '-' for standard input")
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


def _starts_like_json(path: Path) -> bool:
    with path.open("rb") as f:
        head = f.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    return head[:1] in (b"[", b"{")


def is_api_json(data: bytes, name: str) -> bool:
    """A Hugging Face API response (a ``.json`` file, or bytes that parse as JSON)?"""
    from readq.listing.hf_api import looks_like_api_response

    return name.lower().endswith(".json") or looks_like_api_response(data)


def parse_api_json(data: bytes, label: str) -> tuple[list[Paper], list[str]]:
    """The papers of a saved ``/api/daily_papers`` response; JSON that is not one is an
    error (exit 65) naming ``label``."""
    from readq.listing.hf_api import parse_daily_papers

    result = parse_daily_papers(data, source=label)
    prefix = f"{label}: "
    notes = [w.removeprefix(prefix) for w in result.warnings]
    return [p.to_paper() for p in result.papers], notes


def _parse_stdin(
    encoding: str | None, today: dt.date, ev: Evidence
) -> tuple[list[Paper], Sequence[ParseWarning | str], str]:
    from readq import listing

    data = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
    if len(data) > MAX_INPUT_BYTES:
        raise InputError(f"standard input is over {MAX_INPUT_BYTES // 2**20} MB; refused")
    label = "standard input"
    if not data.strip():
        raise InputError(f"{label} is empty; paste a copied papers page")
    if is_api_json(data, "-"):
        papers, notes = parse_api_json(data, label)
        ev.api = bool(papers) or not notes  # an empty day, not a list of junk
        return papers, notes, label
    try:
        result = listing.parse_bytes(data, today=today, encoding=encoding, evidence=ev)
    except InputError as exc:
        raise InputError(f"{label}: {exc}") from None
    return result.papers, result.warnings, label


def _parse_path(
    name: str, encoding: str | None, today: dt.date, ev: Evidence
) -> tuple[list[Paper], Sequence[ParseWarning | str], str]:
    from readq import listing

    path = check_input_path(name)
    if path.stat().st_size == 0:
        raise InputError(f"{name} is empty; no papers to import")
    if name.lower().endswith(".json") or _starts_like_json(path):
        with path.open("rb") as stream:  # counted: a file may grow while it is read
            data = stream.read(MAX_INPUT_BYTES + 1)
        if len(data) > MAX_INPUT_BYTES:
            raise InputError(f"{name} is over {MAX_INPUT_BYTES // 2**20} MB; refused")
        if is_api_json(data, name):
            papers, notes = parse_api_json(data, name)
            ev.api = bool(papers) or not notes  # an empty day, not a list of junk
            return papers, notes, name
    try:
        result = listing.parse_file(path, today=today, encoding=encoding, evidence=ev)
    except InputError as exc:
        msg = str(exc)
        raise type(exc)(msg if msg.startswith(name) else f"{name}: {msg}") from None
    return result.papers, result.warnings, name


def parse_source(
    name: str, encoding: str | None, today: dt.date, *, force: bool = True
) -> tuple[list[Paper], Sequence[ParseWarning | str]]:
    """The papers of one file (``-``: standard input); one-line errors name the source.

    Unless ``force``, text that is not a listing (Markdown, code, CSV) is refused; a
    saved API response is JSON, never prose, so it is never refused.
    """
    from readq.listing import Evidence, require_listing

    ev = Evidence()
    if name == "-":
        papers, warnings, label = _parse_stdin(encoding, today, ev)
    else:
        papers, warnings, label = _parse_path(name, encoding, today, ev)
    if not force:
        require_listing(papers, ev, label)
    if not papers and not ev.api:  # an API day with no papers is a valid, empty day
        raise InputError(
            f"no papers found in {label}: expected a copied Hugging Face papers page "
            "(a title line followed by its abstract) or a saved /api/daily_papers "
            "response; see docs/listing-format.md"
        )
    return papers, warnings


def parse_all(
    names: Sequence[str], encoding: str | None, *, force: bool = True
) -> tuple[list[Paper], list[str]]:
    today = dt.date.today()
    papers: list[Paper] = []
    warnings: list[str] = []
    if list(names).count("-") > 1:
        raise UsageError("'-' (standard input) can be given only once")
    for name in names:
        found, warns = parse_source(name, encoding, today, force=force)
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
    sp = add("parse", cmd_parse)
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


def warn_merges(report: ImportReport) -> None:
    """Name every two different titles that became one paper (docs/data.md)."""
    for pid, kept, other in report.merged_titles:
        warn(f"merged as one paper: {kept!r} and {other!r} (id {short(pid)})")


def cmd_add(args: argparse.Namespace) -> int:
    papers, warnings = parse_all(args.files, args.encoding, force=args.force)
    lib = open_library(args)
    label = "import " + ", ".join("stdin" if n == "-" else Path(n).name for n in args.files)
    report = import_recorded(lib, papers, label)
    for w in warnings:
        warn(w)
    warn_merges(report)
    out(summary(report, warnings, len(args.files)))
    return 0


def import_recorded(
    lib: Library,
    papers: list[Paper],
    label: str,
    *,
    fetched: bool = False,
    last_fetched: dt.date | None = None,
) -> ImportReport:
    """Import, undoably (``readq undo`` drops the papers it added and puts the ones it
    updated back), and keep a current search index on disk current (a no-op if there
    is none, or it was stale). ``fetched``/``last_fetched``: as ``Library.import_papers``."""
    from readq import history
    from readq.search.index import SearchIndex

    index_key = SearchIndex.disk_key(lib)
    report = history.import_papers(
        lib, papers, label[:80], fetched=fetched, last_fetched=last_fetched
    )
    SearchIndex.update_on_disk(lib, index_key, report.new_ids + report.changed_ids)
    return report


def add_add(add: AddCommand) -> None:
    sp = add("add", cmd_add)
    sp.add_argument("files", nargs="+", metavar="FILE")
    sp.add_argument(
        "--encoding",
        help="decode the files with this encoding (default: UTF-8, "
        "or UTF-16 when the file starts with a BOM)",
    )
    sp.add_argument(
        "--force",
        action="store_true",
        help="import even text that does not look like a papers listing (Markdown, code, CSV)",
    )
