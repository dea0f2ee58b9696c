"""Changing what you did with papers: ``readq read``/``unread``/``star``/``unstar``/
``remove``/``unremove`` and ``readq note`` (``readq export`` is in ``exporting``)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

import readq
from readq import history
from readq.cli.common import AddCommand, Handler, id_prefix, open_library, out
from readq.errors import EX_NOTFOUND, ReadqError, UsageError
from readq.library import Library
from readq.text import plural
from readq.views import View, view_rows

if TYPE_CHECKING:
    from readq.drafts import Draft

# -- readq read / unread / star / unstar / remove / unremove -------------------------------

# command: (state field, value, what the papers became, label in the history)
STATE_COMMANDS: dict[str, tuple[str, bool, str]] = {
    "read": ("read", True, "read"),
    "unread": ("read", False, "unread"),
    "star": ("starred", True, "starred"),
    "unstar": ("starred", False, "unstarred"),
    "remove": ("removed", True, "removed"),
    "unremove": ("removed", False, "brought back"),
}
BULK_CONFIRM_OVER = 50
"""A command-line change touching more papers than this asks first (or needs --yes)."""


def targets(lib: Library, args: argparse.Namespace) -> list[str]:
    """The ids a state command applies to: given ids, ``--query`` matches, or ``--all``.

    ``--query`` and ``--all`` see the papers of every view (not removed ones), except for
    ``unremove``, which sees only removed papers.
    """
    given = sum(bool(x) for x in (args.ids, args.query, args.all))
    if given != 1:
        raise UsageError("give paper ids, or --query QUERY, or --all (exactly one of them)")
    if args.ids:
        return list(dict.fromkeys(lib.resolve(i) for i in args.ids))
    if args.command == "unremove":
        pool = [pid for pid, st in lib.states.items() if st.removed and pid in lib.entries]
    else:
        pool = view_rows(list(lib.entries), lib.states, View.ALL)
    if args.all:
        return pool
    result = readq.search_ids(lib, args.query, within=pool)
    if result.errors:
        raise UsageError(f"query term not understood: {result.errors[0]}; nothing was changed")
    return result.ids


class Cancelled(ReadqError):
    """The user answered no: nothing is wrong, nothing was done (exit 1)."""

    exit_code = 1


def confirm_bulk(count: int, what: str, yes: bool) -> None:
    """More than BULK_CONFIRM_OVER papers: ask on a terminal (y/N), else require --yes."""
    if yes or count <= BULK_CONFIRM_OVER:
        return
    if sys.stdin.isatty() and sys.stdout.isatty():
        answer = input(f"{what} {count} papers? [y/N] ").strip().lower()
        if answer in ("y", "yes"):
            return
        raise Cancelled("not confirmed; nothing was changed")
    raise UsageError(
        f"this would change {count} papers (more than {BULK_CONFIRM_OVER}); "
        "add --yes to confirm. Nothing was changed"
    )


def make_state_command(name: str, field: str, value: bool, verb: str) -> Handler:
    def run(args: argparse.Namespace) -> int:
        prefix = id_prefix(args.ids[0]) if args.ids and len(args.ids) == 1 else None
        lib = open_library(args, catalog_prefix=prefix)
        ids = targets(lib, args)
        if not ids:
            out("readq: no papers match; nothing was changed", file=sys.stderr)
            return EX_NOTFOUND
        confirm_bulk(
            len(ids), f"Mark {verb}" if field != "removed" else name.capitalize(), args.yes
        )
        change = history.update(lib, {pid: {field: value} for pid in ids}, name)
        changed = sum(1 for pid in ids if change.before[pid][field] != value)
        already = f" ({len(ids) - changed} already were)" if changed != len(ids) else ""
        if field == "removed":
            back = f" ('readq undo' brings {'it' if changed == 1 else 'them'} back)"
            back = back if value and changed else ""
            out(f"{plural(changed, 'paper').capitalize()} {verb}{already}.{back}")
        else:
            out(f"Marked {plural(changed, 'paper')} {verb}{already}.")
        return 0

    return run


def add_state_commands(add: AddCommand) -> None:
    for name, (field, value, verb) in STATE_COMMANDS.items():
        sp = add(name, make_state_command(name, field, value, verb))
        sp.add_argument("ids", nargs="*", metavar="ID")
        sp.add_argument("--query", metavar="QUERY", help="every paper matching QUERY")
        sp.add_argument("--all", action="store_true", help="every paper in the library")
        sp.add_argument(
            "--yes", action="store_true", help=f"confirm a change of more than {BULK_CONFIRM_OVER}"
        )


# -- readq note ----------------------------------------------------------------------------


def cmd_note(args: argparse.Namespace) -> int:
    lib = open_library(args, catalog_prefix=id_prefix(args.id))
    pid = lib.resolve(args.id)
    words = " ".join(args.text)  # the words after the id are the note, no quotes needed
    if args.clear and args.text:
        raise UsageError("give a note text or --clear, not both")
    if args.clear or args.text:
        text = "" if args.clear else words
        history.update(lib, {pid: {"note": text}}, "note")  # undoable with 'readq undo'
        out("Note saved." if lib.state(pid).note else "Note cleared.")
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
    sp = add("note", cmd_note)
    sp.add_argument("id", metavar="ID")
    sp.add_argument("text", nargs="*", metavar="TEXT")
    sp.add_argument("--clear", action="store_true", help="remove the note")
