"""The one persisted undo history: record, undo, redo, imports, conflicts, concurrency."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from readq import history, views
from readq.export import starred_items
from readq.history import HistoryConflictError, NothingToDoError, Step
from readq.ids import paper_id
from readq.library import Library
from readq.models import Entry, Paper

NOW = "2026-11-22T08:00:00Z"


def paper(title: str, **kw: object) -> Paper:
    return Paper(id=paper_id(title), title=title, abstract=f"About {title}.", **kw)  # type: ignore[arg-type]


def imported(lib: Library, papers: list[Paper], label: str = "import page") -> None:
    before: dict[str, Entry | None] = {p.id: lib.entries.get(p.id) for p in papers}
    report = lib.import_papers(papers)
    ids = report.new_ids + report.changed_ids
    history.record(lib.store, history.import_step(label, NOW, before, lib, ids))


def changed(lib: Library, pids: list[str], name: str, value: object) -> None:
    history.record(lib.store, Step.of_change(lib.set_field(pids, name, value, name), NOW))


A, B, C = paper_id("Alpha"), paper_id("Beta"), paper_id("Gamma")


@pytest.fixture
def lib(data_dir: Path) -> Library:
    lib = Library.open()
    imported(lib, [paper("Alpha"), paper("Beta")])
    return lib


def test_a_step_survives_its_document() -> None:
    step = Step("star", NOW, {A: {"starred": False}}, {A: {"starred": True}}, {B: {"id": B}})
    assert Step.from_doc(step.to_doc()) == step
    assert step.inverse().inverse() == step
    with pytest.raises(ValueError):
        Step.from_doc({"label": "x", "time": NOW, "before": {A: {}}, "after": {}})


def test_undo_and_redo_a_state_change_across_processes(lib: Library) -> None:
    changed(lib, [A, B], "starred", True)
    other = Library.open()  # another readq (the TUI, or a second shell)
    step = history.undo(other)
    assert step.label == "starred" and step.papers == 2
    assert not Library.open().state(A).starred
    history.redo(Library.open())
    assert Library.open().state(B).starred


def test_undo_of_an_import_drops_what_it_added_and_restores_what_it_updated(
    lib: Library,
) -> None:
    imported(lib, [paper("Alpha", authors=4, upvotes=9), paper("Gamma")], "import second")
    assert lib.entries[A].authors == 4 and C in lib.entries
    history.undo(lib)
    assert C not in lib.entries and lib.entries[A].authors is None
    again = Library.open()
    assert C not in again.entries and again.entries[A].upvotes is None
    assert set(again.entries) == {A, B}
    history.redo(again)
    final = Library.open()
    assert C in final.entries and final.entries[A].authors == 4
    assert final.abstract(C) == "About Gamma."
    # and the first import too: the library is empty again
    history.undo(final)
    history.undo(final)
    assert len(Library.open()) == 0


def test_another_process_sees_undone_imports_disappear(lib: Library) -> None:
    watcher = Library.open()
    history.undo(lib)
    _, catalog = watcher.poll()
    assert {A, B} <= catalog and not watcher.entries


def test_undo_refuses_a_paper_that_changed_differently_and_writes_nothing(lib: Library) -> None:
    changed(lib, [A, B], "note", "mine")
    lib.set_note(B, "changed elsewhere, not in the history")
    with pytest.raises(HistoryConflictError, match="note"):
        history.undo(Library.open())
    fresh = Library.open()
    assert (
        fresh.state(A).note == "mine"
        and fresh.state(B).note == "changed elsewhere, not in the history"
    )
    assert len(history.load(fresh.store)[0]) == 2  # the step is still there


def test_undo_of_an_import_refuses_papers_touched_since(lib: Library) -> None:
    lib.set_field([A], "starred", True)  # not recorded
    with pytest.raises(HistoryConflictError, match="starred"):
        history.undo(lib)
    assert A in Library.open().entries


def test_a_new_change_clears_redo_and_the_history_is_bounded(lib: Library) -> None:
    changed(lib, [A], "read", True)
    history.undo(lib)
    changed(lib, [B], "read", True)
    with pytest.raises(NothingToDoError):
        history.redo(lib)
    for i in range(history.LIMIT + 5):
        changed(lib, [A], "read", i % 2 == 0)
    undo_steps, redo_steps = history.load(lib.store)
    assert len(undo_steps) == history.LIMIT and redo_steps == []


def test_nothing_to_undo(data_dir: Path) -> None:
    with pytest.raises(NothingToDoError):
        history.undo(Library.open())


def test_a_damaged_history_is_kept_aside_and_started_afresh(lib: Library, data_dir: Path) -> None:
    (data_dir / history.HISTORY_FILE).write_text("{not json", encoding="utf-8")
    changed(lib, [A], "read", True)
    assert len(history.load(lib.store)[0]) == 1
    assert list(data_dir.glob(history.HISTORY_FILE + ".corrupt-*"))


def _append(data_dir: str, pid: str, n: int) -> None:
    lib = Library.open(data_dir)
    for i in range(n):
        changed(lib, [pid], "read", i % 2 == 0)


def test_two_processes_appending_lose_no_step(lib: Library, data_dir: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_append, args=(str(data_dir), pid, 15)) for pid in (A, B)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    assert len(history.load(lib.store)[0]) == 1 + 30


def test_removed_papers_are_in_no_view_count_search_or_export(lib: Library) -> None:
    lib.set_field([A], "starred", True)
    lib.set_field([A], "removed", True)
    st = lib.state(A)
    assert st.removed and st.removed_at and st.starred  # the state is kept
    for view in views.View:
        assert A not in views.view_rows(list(lib.entries), lib.states, view)
    assert lib.counts()["all"] == 1 and lib.counts()["starred"] == 0
    assert starred_items(lib) == []
    assert Library.open().state(A).removed  # stored
    lib.set_field([A], "removed", False)
    assert A in views.view_rows(list(lib.entries), lib.states, views.View.STARRED)
