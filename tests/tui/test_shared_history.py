"""``u`` and ``ctrl+r`` work on the one undo history the command line shares
(``readq undo`` / ``readq redo``), imports included."""

from __future__ import annotations

import dataclasses

from textual import events
from textual.widgets import TextArea
from tuihelpers import SAMPLE, SIZE, TODAY, current, header, numbered_papers, screen_of, settle

from readq import listing
from readq.cli import main


def sample_papers() -> list:
    return listing.parse_bytes(SAMPLE.read_bytes(), today=TODAY).papers


async def paste_and_add(pilot, text: str) -> None:
    await pilot.press("a")
    pilot.app.screen.query_one(TextArea).post_message(events.Paste(text))
    await pilot.pause(0.4)
    await settle(pilot)
    await pilot.press("ctrl+s")
    await settle(pilot)


async def test_u_right_after_adding_papers_undoes_that_import(make_app, open_library):
    sample = sample_papers()
    older = dataclasses.replace(sample[0], upvotes=1)  # the page updates its upvotes
    mine = numbered_papers(2)
    app = make_app([*mine, older])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s")  # an older change: must survive the undo of the import
        await settle(pilot)
        starred = current(app)
        await paste_and_add(pilot, SAMPLE.read_text(encoding="utf-8"))
        assert "All 13" in header(app)
        assert app.library.entries[older.id].upvotes == sample[0].upvotes
        assert screen_of(app).undo_label == "import (pasted)"
        await pilot.press("u")
        await settle(pilot)
        assert "All 3" in header(app)
        assert set(app.library.entries) == {p.id for p in [*mine, older]}
        assert app.library.entries[older.id].upvotes == 1  # put back as it was
        assert app.library.state(starred).starred
        assert any("Undone: import (pasted)" in str(n.message) for n in app._notifications)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert "All 13" in header(app)
        assert any("Redone: import (pasted)" in str(n.message) for n in app._notifications)
    lib = open_library()
    assert len(lib.entries) == 13 and lib.state(starred).starred


async def test_a_change_made_on_the_command_line_is_undone_by_u(make_app, open_library, capsys):
    app = make_app(numbered_papers(3))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pid = current(app)
        assert main(["star", pid]) == 0
        screen_of(app).poll_now()
        await settle(pilot)
        assert app.library.state(pid).starred
        await pilot.press("u")
        await settle(pilot)
        assert not app.library.state(pid).starred
        assert "Starred 0" in header(app)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert app.library.state(pid).starred
    assert open_library().state(pid).starred


async def test_readq_undo_undoes_a_change_made_in_the_reading_queue(make_app, open_library):
    app = make_app(numbered_papers(3))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pid = current(app)
        await pilot.press("s")
        await settle(pilot)
        assert main(["undo"]) == 0
        screen_of(app).poll_now()
        await settle(pilot)
        assert not app.library.state(pid).starred
        assert "Starred 0" in header(app)
        assert main(["redo"]) == 0
        await pilot.press("u")  # the step readq redo put back
        await settle(pilot)
        assert not app.library.state(pid).starred
    assert not open_library().state(pid).starred


async def test_nothing_to_undo_or_redo_is_said(make_app, data_dir):
    app = make_app(numbered_papers(2))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert any("Nothing to undo." in str(n.message) for n in app._notifications)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert any("Nothing to redo." in str(n.message) for n in app._notifications)


async def test_u_undoes_a_readq_add_made_while_the_queue_is_open(make_app, tmp_path):
    page = tmp_path / "page.txt"
    page.write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    app = make_app(numbered_papers(2))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert main(["add", str(page)]) == 0  # not polled yet: u picks it up first
        await pilot.press("u")
        await settle(pilot)
        assert "All 2" in header(app) and len(app.library.entries) == 2
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert "All 13" in header(app)
        await pilot.press("slash", *"dexterous", "enter")  # indexed after the redo
        await settle(pilot)
        assert len(screen_of(app).paper_list.rows) == 1
