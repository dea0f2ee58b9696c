"""The way back: ``readq undo [--list]`` and ``readq redo``, on the one history that the
reading queue's ``u`` and ``ctrl+r`` share (see :mod:`readq.history`)."""

from __future__ import annotations

import argparse
import sys

from readq import history
from readq.cli.common import AddCommand, open_library, out
from readq.clock import iso, utc_now
from readq.errors import EX_NOTFOUND
from readq.library import Change, Library
from readq.text import plural


def record_change(lib: Library, change: Change) -> None:
    """Make a change the command line just made undoable."""
    history.record(lib.store, history.Step.of_change(change, iso(utc_now())))


def describe(step: history.Step) -> str:
    """``import: 12 papers added, 3 updated`` or ``starred: 2 papers``."""
    if step.added or step.updated:
        parts = [f"{plural(len(step.added), 'paper')} added"] if step.added else []
        if step.updated:
            parts.append(f"{len(step.updated)} updated")
        return f"{step.label}: {', '.join(parts)}"
    return f"{step.label}: {plural(step.papers, 'paper')}"


def cmd_undo(args: argparse.Namespace) -> int:
    if args.list:
        from readq import paths
        from readq.storage.store import Store

        undo_steps, redo_steps = history.load(Store(paths.data_dir(args.data_dir)))
        if not undo_steps and not redo_steps:
            out("readq: nothing to undo yet", file=sys.stderr)
            return EX_NOTFOUND
        for n, step in enumerate(reversed(undo_steps), 1):
            out(f"{n:>3}  {step.time}  {describe(step)}")
        for step in redo_steps[::-1]:
            out(f"redo  {step.time}  {describe(step)}")
        return 0
    lib = open_library(args)
    step = history.undo(lib)
    out(f"Undone: {describe(step)}. ('readq redo' does it again.)")
    return 0


def cmd_redo(args: argparse.Namespace) -> int:
    lib = open_library(args)
    step = history.redo(lib)
    out(f"Redone: {describe(step)}.")
    return 0


def add_undo(add: AddCommand) -> None:
    sp = add("undo", cmd_undo)
    sp.add_argument(
        "--list", action="store_true", help="show the history, newest first (changes nothing)"
    )


def add_redo(add: AddCommand) -> None:
    add("redo", cmd_redo)
