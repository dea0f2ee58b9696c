"""Saving a note checks it against the note the edit started from (compare-and-set):
a note another process changed meanwhile is kept, below a conflict marker."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from readq import ids
from readq.library import Library
from readq.models import Paper

NOW = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.timezone.utc)


def _lib(data_dir: Path) -> tuple[Library, str]:
    lib = Library.open(data_dir, clock=lambda: NOW)
    p = Paper(id=ids.paper_id("T", "A"), title="T", abstract="A")
    lib.import_papers([p])
    return lib, p.id


def test_unchanged_note_is_simply_replaced(data_dir: Path) -> None:
    lib, pid = _lib(data_dir)
    lib.set_note(pid, "first")
    change = lib.set_note(pid, "second", expected="first")
    assert not change.conflict
    assert lib.state(pid).note == "second"


def test_a_note_changed_elsewhere_is_kept_below_a_marker(data_dir: Path) -> None:
    mine, pid = _lib(data_dir)
    mine.set_note(pid, "start")
    other = Library.open(data_dir, clock=lambda: NOW)
    other.set_note(pid, "theirs")
    change = mine.set_note(pid, "mine", expected="start")
    assert change.conflict and change.conflicts == (pid,)
    note = Library.open(data_dir).state(pid).note
    assert note.startswith("mine\n\n--- conflict: this note was also changed elsewhere at")
    assert "2026-11-20 09:30:00 UTC" in note
    assert note.endswith("---\ntheirs")


def test_no_conflict_when_the_other_change_is_the_same_text_or_a_clear(data_dir: Path) -> None:
    mine, pid = _lib(data_dir)
    other = Library.open(data_dir)
    other.set_note(pid, "same")
    assert not mine.set_note(pid, "same", expected="").conflict
    other.set_note(pid, "")
    assert not mine.set_note(pid, "new", expected="same").conflict
    assert Library.open(data_dir).state(pid).note == "new"


def test_without_expected_the_old_behaviour_stays(data_dir: Path) -> None:
    mine, pid = _lib(data_dir)
    Library.open(data_dir).set_note(pid, "theirs")
    assert not mine.set_note(pid, "mine").conflict
    assert mine.state(pid).note == "mine"


def test_undo_of_a_note_keeps_a_note_changed_since(data_dir: Path) -> None:
    mine, pid = _lib(data_dir)
    change = mine.set_note(pid, "v1", expected="")
    Library.open(data_dir).set_note(pid, "edited elsewhere")
    undone = mine.undo(change)
    assert undone.conflict
    note = Library.open(data_dir).state(pid).note
    assert note.startswith("--- conflict:") and note.endswith("edited elsewhere")
    # a plain undo / redo with nothing changed meanwhile is exact
    mine2, pid2 = mine, pid
    c = mine2.set_note(pid2, "a")
    c2 = mine2.set_note(pid2, "b")
    assert not mine2.undo(c2).conflict and mine2.state(pid2).note == "a"
    assert not mine2.redo(c2).conflict and mine2.state(pid2).note == "b"
    assert c
