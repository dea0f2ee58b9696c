"""The ``readq`` command line: scriptable, one-line errors, documented exit codes.

Headless commands never import Textual; only ``readq`` and ``readq demo`` load the TUI.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, TextIO

from readq import __version__, paths
from readq.crashlog import write_crash_log
from readq.errors import (
    EX_NOTFOUND,
    EX_SOFTWARE,
    InputError,
    NoInputError,
    OutputError,
    ReadqError,
    UsageError,
)
from readq.library import ImportReport, Library
from readq.models import Entry, Paper, ParseWarning
from readq.views import SORTS, View, sorted_ids, view_rows

MAX_INPUT_BYTES = 256 * 1024 * 1024  # larger listings are refused (see docs/usage.md)
EX_NO_TTY = 64


class _Parser(argparse.ArgumentParser):
    """argparse that raises UsageError (one line, exit 64) instead of printing usage."""

    def error(self, message: str) -> Any:  # type: ignore[override]
        raise UsageError(f"{message} (see 'readq --help')")


# -- helpers -----------------------------------------------------------------------------


def _out(text: str = "", *, file: TextIO | None = None) -> None:
    print(text, file=file or sys.stdout)


def _short(pid: str) -> str:
    return pid[:8]


def _check_input_path(name: str) -> Path:
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


def _parse_source(
    name: str, encoding: str | None, today: dt.date
) -> tuple[list[Paper], list[ParseWarning]]:
    from readq import listing

    if name == "-":
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
    else:
        path = _check_input_path(name)
        label = name
        if path.stat().st_size == 0:
            raise InputError(f"{name} is empty; no papers to import")
        try:
            result = listing.parse_file(path, today=today, encoding=encoding)
        except InputError as exc:
            msg = str(exc)
            raise type(exc)(msg if msg.startswith(name) else f"{name}: {msg}") from None
    if not result.papers:
        raise InputError(
            f"no papers found in {label}: expected a copied Hugging Face papers page "
            "(a title line followed by its abstract); see docs/listing-format.md"
        )
    return result.papers, result.warnings


def _parse_all(names: Sequence[str], encoding: str | None) -> tuple[list[Paper], list[str]]:
    today = dt.date.today()
    papers: list[Paper] = []
    warnings: list[str] = []
    if list(names).count("-") > 1:
        raise UsageError("'-' (standard input) can be given only once")
    for name in names:
        found, warns = _parse_source(name, encoding, today)
        papers.extend(found)
        label = "stdin" if name == "-" else name
        warnings.extend(f"{label}: {w}" for w in warns)
    return papers, warnings


def _open(args: argparse.Namespace, **kw: Any) -> Library:
    return Library.open(args.data_dir, **kw)


def _entry_json(lib: Library, e: Entry, *, abstract: bool = True) -> dict[str, Any]:
    st = lib.state(e.id)
    doc: dict[str, Any] = {
        "id": e.id,
        "title": e.title,
        "abstract": lib.abstract(e.id) if abstract else None,
        "authors": e.authors,
        "organization": e.organization,
        "published": e.published,
        "upvotes": e.upvotes,
        "links": list(e.links),
        "read": st.read,
        "starred": st.starred,
        "note": st.note,
        "first_seen": e.first_seen,
        "last_seen": e.last_seen,
    }
    return doc


def _row(lib: Library, e: Entry, width: int) -> str:
    st = lib.state(e.id)
    marks = ("✓" if st.read else " ") + ("★" if st.starred else " ") + ("✎" if st.note else " ")
    date = e.published or "          "
    up = f"▲{e.upvotes}" if e.upvotes is not None else ""
    head = f"{_short(e.id)} {marks} {date} {up:>5} "
    room = max(10, width - len(head))
    title = e.title if len(e.title) <= room else e.title[: room - 1] + "…"
    return head + title


def _search_ids(lib: Library, query: str, ids: list[str]) -> tuple[list[str], bool, list[str]]:
    """Run the core search over ``ids``; (matches, ranked, malformed-term messages)."""
    from readq.search.query import parse_query
    from readq.search.index import SearchIndex

    parsed, _errors = parse_query(query)
    # Abstracts are 90% of the library's bytes: only load them when the query can look
    # at them (free words anywhere, or abstract: terms). Filters alone never do.
    needs_abstracts = any(t.field in ("any", "abstract") for t in parsed.terms)
    index = SearchIndex()
    index.add(lib.entries.values())
    # through add_abstracts: from 20k papers the abstracts are tokenised in helper processes
    index.add_abstracts(lib.abstracts() if needs_abstracts else {})
    result = index.search(parsed, states=lib.states, within=set(ids))
    return result.ids, result.ranked, result.errors


def _select(
    lib: Library, args: argparse.Namespace, default_view: View
) -> tuple[list[str], list[str]]:
    view = default_view
    for name in ("unread", "read", "starred", "all"):
        if getattr(args, name, False):
            view = View.INBOX if name == "unread" else View(name)
    ids = view_rows(list(lib.entries), lib.states, view)
    errors: list[str] = []
    query = getattr(args, "query", None)
    if query:
        ids, ranked, errors = _search_ids(lib, query, ids)
        if ranked and getattr(args, "sort", None) is None:
            return ids, errors
    return sorted_ids(lib.entries, ids, getattr(args, "sort", None) or "date"), errors


def _report_errors(errors: Iterable[str]) -> None:
    for err in errors:
        _out(f"readq: warning: query term ignored: {err}", file=sys.stderr)


# -- commands ----------------------------------------------------------------------------


def cmd_parse(args: argparse.Namespace) -> int:
    papers, warnings = _parse_all(args.files, args.encoding)
    seen: set[str] = set()
    for p in papers:
        if p.id in seen:
            continue
        seen.add(p.id)
        if args.json:
            _out(json.dumps(p.to_dict(), ensure_ascii=False))
        else:
            meta = ", ".join(
                x
                for x in (
                    p.published or "",
                    f"{p.authors} authors" if p.authors is not None else (p.organization or ""),
                    f"{p.upvotes} upvotes" if p.upvotes is not None else "",
                )
                if x
            )
            _out(f"{_short(p.id)}  {p.title}" + (f"  ({meta})" if meta else ""))
    for w in warnings:
        _out(f"readq: warning: {w}", file=sys.stderr)
    if not args.json:
        _out(f"{len(seen)} papers parsed; nothing was saved", file=sys.stderr)
    return 0


def _summary(report: ImportReport, warnings: list[str], sources: int) -> str:
    parts = [f"{report.new} new", f"{report.known} already known", f"{report.updated} updated"]
    if report.duplicates:
        parts.append(f"{report.duplicates} repeated in the input")
    line = ", ".join(parts)
    if warnings:
        line += f"; skipped/warned: {len(warnings)} (details above)"
    where = f"{sources} file{'s' if sources != 1 else ''}" if sources else "input"
    return f"Imported from {where}: {line}."


def cmd_add(args: argparse.Namespace) -> int:
    papers, warnings = _parse_all(args.files, args.encoding)
    lib = _open(args)
    report = lib.import_papers(papers)
    for w in warnings:
        _out(f"readq: warning: {w}", file=sys.stderr)
    _out(_summary(report, warnings, len(args.files)))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    if args.limit is not None and args.limit < 0:
        raise UsageError("--limit must be 0 or more")
    lib = _open(args)
    ids, errors = _select(lib, args, View.ALL)
    _report_errors(errors)
    if args.limit is not None:
        ids = ids[: args.limit]
    width = shutil.get_terminal_size((100, 24)).columns
    for pid in ids:
        e = lib.entries[pid]
        _out(
            json.dumps(_entry_json(lib, e), ensure_ascii=False)
            if args.json
            else _row(lib, e, width)
        )
    if not ids and not args.json:
        _out("no papers match" if args.query else "no papers here yet", file=sys.stderr)
    return 0 if ids or not args.query else EX_NOTFOUND


def cmd_show(args: argparse.Namespace) -> int:
    lib = _open(args, catalog_prefix=args.id.strip().lower()[:1] or None)
    pid = lib.resolve(args.id)
    e = lib.entries[pid]
    if args.json:
        _out(json.dumps(_entry_json(lib, e), ensure_ascii=False))
        return 0
    st = lib.state(pid)
    _out(e.title)
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
    _out(" · ".join(meta))
    for link in e.links:
        _out(f"  {link}")
    if st.note:
        _out("\nNote:\n" + st.note)
    abstract = lib.abstract(pid)
    if abstract:
        _out("\n" + abstract)
    return 0


def _targets(lib: Library, args: argparse.Namespace) -> list[str]:
    given = sum(bool(x) for x in (args.ids, args.query, args.all))
    if given != 1:
        raise UsageError("give paper ids, or --query QUERY, or --all (exactly one of them)")
    if args.ids:
        return list(dict.fromkeys(lib.resolve(i) for i in args.ids))
    if args.all:
        return list(lib.entries)
    ids, _ranked, errors = _search_ids(lib, args.query, list(lib.entries))
    if errors:
        raise UsageError(f"query term not understood: {errors[0]}; nothing was changed")
    return ids


def make_state_command(field: str, value: bool, verb: str) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        prefix = args.ids[0][:1].lower() if args.ids and len(args.ids) == 1 else None
        lib = _open(args, catalog_prefix=prefix)
        ids = _targets(lib, args)
        if not ids:
            _out("no papers match; nothing was changed", file=sys.stderr)
            return EX_NOTFOUND
        change = lib.set_field(ids, field, value, verb)
        changed = sum(1 for pid in ids if change.before[pid][field] != value)
        _out(
            f"Marked {changed} paper{'s' if changed != 1 else ''} {verb}"
            + (f" ({len(ids) - changed} already were)" if changed != len(ids) else "")
            + "."
        )
        return 0

    return run


def cmd_note(args: argparse.Namespace) -> int:
    lib = _open(args, catalog_prefix=args.id.strip().lower()[:1] or None)
    pid = lib.resolve(args.id)
    if args.clear and args.text is not None:
        raise UsageError("give a note text or --clear, not both")
    if args.clear:
        text = ""
    elif args.text is not None:
        text = args.text
    else:
        from readq.editor import edit_text

        edited = edit_text(lib.state(pid).note)
        if edited is None:
            _out("editor exited with an error; the note was not changed", file=sys.stderr)
            return 1
        text = edited
    lib.set_note(pid, text)
    _out("Note cleared." if not lib.state(pid).note else "Note saved.")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from readq.export import ExportItem, render_markdown, write_markdown

    lib = _open(args)
    ids = [pid for pid, st in lib.states.items() if st.starred and pid in lib.entries]
    ids = sorted_ids(lib.entries, ids, "date")
    items = [ExportItem(lib.entries[i], lib.abstract(i), lib.state(i)) for i in ids]
    text = render_markdown(items, generated=dt.date.today())
    if args.output in (None, "-"):
        sys.stdout.write(text)
        return 0
    target = Path(args.output)
    if target.is_dir():
        raise OutputError(f"{target} is a directory; give a file name")
    if target.exists() and not args.force:
        raise OutputError(f"{target} already exists; use --force to overwrite it")
    try:
        write_markdown(target, text)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None
    _out(f"Exported {len(items)} starred paper{'s' if len(items) != 1 else ''} to {target}.")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    lib = _open(args)
    counts = lib.counts()
    if args.json:
        _out(json.dumps(counts))
        return 0
    _out(
        f"{counts['all']} papers: {counts['unread']} unread, {counts['read']} read, "
        f"{counts['starred']} starred, {counts['notes']} with notes"
    )
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from readq.storage import backup
    from readq.storage.store import Store

    store = Store(paths.data_dir(args.data_dir))
    if args.list:
        backups = backup.list_backups(store)
        if not backups:
            _out(f"no backups yet in {store.root / backup.BACKUP_DIR}", file=sys.stderr)
            return EX_NOTFOUND
        for b in backups:
            _out(f"{b.label}  {b.path}")
        return 0
    source = Path(args.file) if args.file else None
    chosen = backup.restore(store, source)
    _out(
        f"Restored read/starred/note state from {chosen.path.name} "
        f"({chosen.papers} papers); the previous state was backed up first."
    )
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    from readq.storage import backup
    from readq.storage.store import Store

    findings = backup.doctor(Store(paths.data_dir(args.data_dir)))
    for f in findings:
        _out(("ok    " if f.ok else "PROBLEM ") + f.text)
    bad = [f for f in findings if not f.ok]
    if bad:
        _out(
            f"{len(bad)} problem{'s' if len(bad) != 1 else ''} found; see docs/data.md "
            "('When something goes wrong')",
            file=sys.stderr,
        )
        return 65
    return 0


def cmd_path(args: argparse.Namespace) -> int:
    _out(str(paths.data_dir(args.data_dir)))
    return 0


def _require_tty() -> None:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise ReadqErrorNoTTY(
            "readq needs an interactive terminal for its reading queue; in scripts use "
            "'readq list', 'readq add', 'readq star' and friends (see 'readq --help')"
        )


class ReadqErrorNoTTY(ReadqError):
    exit_code = EX_NO_TTY


def _run_tui(data_dir: Path, *, demo: bool = False) -> int:
    _require_tty()
    from readq.tui.app import run_app

    return run_app(data_dir, demo=demo)


def cmd_tui(args: argparse.Namespace) -> int:
    lib = _open(args)  # fail here, with a one-line message, on a damaged library
    del lib
    return _run_tui(paths.data_dir(args.data_dir))


def sample_listing() -> bytes:
    return resources.files("readq").joinpath("sample.txt").read_bytes()


def cmd_demo(args: argparse.Namespace) -> int:
    """The built-in sample in a throw-away data dir: the real library is never touched."""
    _require_tty()
    from readq import listing

    tmp = Path(tempfile.mkdtemp(prefix="readq-demo-"))
    try:
        lib = Library.open(tmp)
        lib.import_papers(listing.parse_bytes(sample_listing()).papers)
        return _run_tui(tmp, demo=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# -- argument parsing --------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="readq",
        description="Triage research paper listings from your terminal. With no command, "
        "opens the reading queue.",
    )
    p.add_argument("--version", action="version", version=f"readq {__version__}")
    p.add_argument(
        "--data-dir",
        metavar="DIR",
        help="library location (default: $READQ_DATA_DIR "
        "or the platform's user data dir; see 'readq path')",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def add(
        name: str, func: Callable[[argparse.Namespace], int], help: str
    ) -> argparse.ArgumentParser:
        sp = sub.add_parser(name, help=help, description=help)
        sp.set_defaults(func=func)
        return sp

    sp = add(
        "demo", cmd_demo, "open readq on a built-in sample library (your library is untouched)"
    )

    sp = add("add", cmd_add, "import papers from copied listing files ('-' reads standard input)")
    sp.add_argument("files", nargs="+", metavar="FILE")
    sp.add_argument(
        "--encoding",
        help="decode the files with this encoding (default: UTF-8, "
        "or UTF-16 when the file starts with a BOM)",
    )

    sp = add("parse", cmd_parse, "parse listing files and print the papers; saves nothing")
    sp.add_argument("files", nargs="+", metavar="FILE")
    sp.add_argument("--json", action="store_true", help="one JSON object per line")
    sp.add_argument("--encoding", help="decode the files with this encoding")

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

    sp = add("show", cmd_show, "show one paper: metadata, links, note and abstract")
    sp.add_argument("id", metavar="ID", help="paper id, or any unique prefix of it")
    sp.add_argument("--json", action="store_true")

    for name, field, value, verb in (
        ("read", "read", True, "read"),
        ("unread", "read", False, "unread"),
        ("star", "starred", True, "starred"),
        ("unstar", "starred", False, "unstarred"),
    ):
        sp = add(name, make_state_command(field, value, verb), f"mark papers {verb}")
        sp.add_argument("ids", nargs="*", metavar="ID")
        sp.add_argument("--query", metavar="QUERY", help="every paper matching QUERY")
        sp.add_argument("--all", action="store_true", help="every paper in the library")

    sp = add("note", cmd_note, "set a paper's note (no TEXT: edit it in $VISUAL/$EDITOR)")
    sp.add_argument("id", metavar="ID")
    sp.add_argument("text", nargs="?", metavar="TEXT")
    sp.add_argument("--clear", action="store_true", help="remove the note")

    sp = add("export", cmd_export, "write starred papers as Markdown")
    sp.add_argument("-o", "--output", metavar="FILE", help="output file ('-' or omitted: stdout)")
    sp.add_argument("--force", action="store_true", help="overwrite an existing file")

    sp = add("stats", cmd_stats, "count papers by state")
    sp.add_argument("--json", action="store_true")

    sp = add("restore", cmd_restore, "restore read/starred/note state from a backup")
    sp.add_argument("file", nargs="?", metavar="FILE", help="a backup file (default: the newest)")
    sp.add_argument("--list", action="store_true", help="list the backups, newest first")

    add("doctor", cmd_doctor, "check the library files and report problems (changes nothing)")
    add("path", cmd_path, "print where the library lives")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: returns the exit code; no traceback ever reaches the user."""
    try:
        args = build_parser().parse_args(argv)
        func = getattr(args, "func", None) or cmd_tui
        return int(func(args) or 0)
    except ReadqError as exc:
        _out(f"readq: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        _out("readq: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        except OSError:
            pass
        return 0
    except SystemExit as exc:  # argparse --help / --version
        return exc.code if isinstance(exc.code, int) else 0
    except Exception as exc:  # a bug: keep the user's terminal clean, keep the details
        log = write_crash_log(exc)
        where = f"; details in {log}" if log else ""
        _out(f"readq: internal error ({type(exc).__name__}){where}", file=sys.stderr)
        return EX_SOFTWARE


__all__ = ["main", "build_parser", "EX_NOTFOUND"]
