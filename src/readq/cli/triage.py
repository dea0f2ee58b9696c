"""Changing what you did with papers: ``readq read``/``unread``/``star``/``unstar`` and
``readq note`` (getting them out, ``readq export``, is in ``exporting``)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import readq
from readq.cli.common import AddCommand, Handler, id_prefix, open_library, out
from readq.errors import EX_NOTFOUND, UsageError
from readq.library import Library
from readq.text import plural

if TYPE_CHECKING:
    from readq.drafts import Draft

# -- readq read / unread / star / unstar ---------------------------------------------------

Setter = Callable[[Library, Iterable[str], bool], int]

# command: (API setter, value, what the papers became)
STATE_COMMANDS: dict[str, tuple[Setter, bool, str]] = {
    "read": (readq.mark_read, True, "read"),
    "unread": (readq.mark_read, False, "unread"),
    "star": (readq.star, True, "starred"),
    "unstar": (readq.star, False, "unstarred"),
}


def targets(lib: Library, args: argparse.Namespace) -> list[str]:
    """The ids a state command applies to: given ids, ``--query`` matches, or ``--all``."""
    given = sum(bool(x) for x in (args.ids, args.query, args.all))
    if given != 1:
        raise UsageError("give paper ids, or --query QUERY, or --all (exactly one of them)")
    if args.ids:
        return list(dict.fromkeys(lib.resolve(i) for i in args.ids))
    if args.all:
        return list(lib.entries)
    result = readq.search_ids(lib, args.query, within=list(lib.entries))
    if result.errors:
        raise UsageError(f"query term not understood: {result.errors[0]}; nothing was changed")
    return result.ids


def make_state_command(setter: Setter, value: bool, verb: str) -> Handler:
    def run(args: argparse.Namespace) -> int:
        prefix = id_prefix(args.ids[0]) if args.ids and len(args.ids) == 1 else None
        lib = open_library(args, catalog_prefix=prefix)
        ids = targets(lib, args)
        if not ids:
            out("no papers match; nothing was changed", file=sys.stderr)
            return EX_NOTFOUND
        changed = setter(lib, ids, value)
        already = f" ({len(ids) - changed} already were)" if changed != len(ids) else ""
        out(f"Marked {plural(changed, 'paper')} {verb}{already}.")
        return 0

    return run


def add_state_commands(add: AddCommand) -> None:
    for name, (setter, value, verb) in STATE_COMMANDS.items():
        sp = add(name, make_state_command(setter, value, verb), f"mark papers {verb}")
        sp.add_argument("ids", nargs="*", metavar="ID")
        sp.add_argument("--query", metavar="QUERY", help="every paper matching QUERY")
        sp.add_argument("--all", action="store_true", help="every paper in the library")


# -- readq note ----------------------------------------------------------------------------


def cmd_note(args: argparse.Namespace) -> int:
    lib = open_library(args, catalog_prefix=id_prefix(args.id))
    pid = lib.resolve(args.id)
    if args.clear and args.text is not None:
        raise UsageError("give a note text or --clear, not both")
    if args.clear or args.text is not None:
        note = readq.set_note(lib, pid, "" if args.clear else args.text)
        out("Note saved." if note else "Note cleared.")
        return 0
    return _note_in_editor(lib, pid)


def _note_in_editor(lib: Library, pid: str) -> int:
    """``readq note ID``: the note (or the draft kept from last time) in $EDITOR, saved
    as a compare-and-set against the note the edit started from."""
    from readq import drafts
    from readq.editor import edit_note

    data = lib.store.root
    current = lib.state(pid).note
    text, base = current, current
    draft = drafts.load_draft(data, pid)
    if draft is not None:
        if _restore_draft(draft):
            text, base = draft.text, current if draft.base is None else draft.base
        else:
            drafts.delete_draft(data, pid)
    edited = edit_note(data, pid, text, base)
    if edited is None:
        out(
            "editor exited with an error; the note was not changed "
            f"(what it wrote is kept as a draft: 'readq note {pid[:8]}' offers it back)",
            file=sys.stderr,
        )
        return 1
    if edited == base and base == current:
        drafts.delete_draft(data, pid)
        out("Note unchanged.")
        return 0
    change = lib.set_note(pid, edited, expected=base)
    drafts.delete_draft(data, pid)
    if change.conflict:
        out("Note saved; another change to it was kept below.")
    else:
        out("Note saved." if lib.state(pid).note else "Note cleared.")
    return 0


def _restore_draft(draft: Draft) -> bool:
    """Offer a kept draft back: asks on a terminal, else restores it (and says so)."""
    preview = draft.text.strip().splitlines()[0][:60] if draft.text.strip() else "(empty)"
    if sys.stdin.isatty():
        out(f"An unsaved draft of this note from {draft.when} was kept: {preview}")
        try:
            answer = input("Restore it? [Y/n] ").strip().lower()
        except EOFError:
            answer = ""
        return answer in ("", "y", "yes")
    out(f"Editing the unsaved draft from {draft.when} (the saved note is kept if it changed).")
    return True


def add_note(add: AddCommand) -> None:
    sp = add("note", cmd_note, "set a paper's note (no TEXT: edit it in $VISUAL/$EDITOR)")
    sp.add_argument("id", metavar="ID")
    sp.add_argument("text", nargs="?", metavar="TEXT")
    sp.add_argument("--clear", action="store_true", help="remove the note")
