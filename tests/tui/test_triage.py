"""Triage keys: read, star, marks, bulk actions, undo and redo, and what is on disk."""

from __future__ import annotations

from tuihelpers import SIZE, current, header, numbered_papers, screen_of, settle, status, titles

from readq.tui.screens.confirm import ConfirmScreen


async def test_star_survives_quit_and_reopen(make_app, open_library):
    app = make_app(numbered_papers(5))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "s")
        await settle(pilot)
        pid = current(app)
        assert app.library.state(pid).starred
        assert "Starred 1" in header(app)
        await pilot.press("q")
    assert app.return_code == 0
    assert open_library().state(pid).starred


async def test_read_moves_on_and_leaves_the_inbox(make_app, open_library):
    app = make_app(numbered_papers(5))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = current(app)
        second = screen_of(app).paper_list.rows[1]
        await pilot.press("r")
        await settle(pilot)
        assert first not in screen_of(app).paper_list.rows
        assert current(app) == second
        assert "Inbox 4" in header(app) and "Read 1" in header(app)
        # In All, read papers stay (dimmed) and the cursor moves down.
        await pilot.press("4")
        assert current(app) == second  # switching views keeps the cursor's paper
        await pilot.press("r")
        await settle(pilot)
        assert screen_of(app).paper_list.cursor == 2
        assert len(titles(app)) == 5
    lib = open_library()
    assert lib.state(first).read and lib.state(second).read


async def test_undo_and_redo_repeatedly(make_app, open_library):
    app = make_app(numbered_papers(5))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        a = current(app)
        await pilot.press("s", "j")
        b = current(app)
        await pilot.press("s", "n")
        await settle(pilot)
        await pilot.press(*"hello", "ctrl+s")
        await settle(pilot)
        assert app.library.state(b).note == "hello"
        await pilot.press("u")
        await settle(pilot)
        assert app.library.state(b).note == ""
        await pilot.press("u")
        await settle(pilot)
        assert not app.library.state(b).starred
        await pilot.press("u")
        await settle(pilot)
        assert not app.library.state(a).starred
        await pilot.press("u")  # nothing left: harmless
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert app.library.state(a).starred
        assert "Starred 1" in header(app)
    lib = open_library()
    assert lib.state(a).starred and not lib.state(b).starred and lib.state(b).note == ""


async def test_marks_and_bulk_star_undo_as_one_step(make_app, open_library):
    app = make_app(numbered_papers(6))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        rows = list(screen_of(app).paper_list.rows)
        await pilot.press("space", "j", "space")
        assert screen_of(app).paper_list.marked == {rows[0], rows[2]}
        assert "2 marked" in status(app)
        await pilot.press("s")
        await settle(pilot)
        assert app.library.state(rows[0]).starred and app.library.state(rows[2]).starred
        assert not app.library.state(rows[1]).starred
        assert not screen_of(app).paper_list.marked
        await pilot.press("u")
        await settle(pilot)
        assert not any(app.library.state(r).starred for r in rows)
    assert not any(open_library().state(r).starred for r in rows)


async def test_mark_all_read_in_filtered_view_touches_only_matches(make_app, open_library):
    papers = numbered_papers(40)
    app = make_app(papers)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("/", *"agents", "enter")
        await settle(pilot)
        matched = set(screen_of(app).paper_list.rows)
        assert len(matched) == 4
        await pilot.press("A")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)  # a handful: no question
        assert "Inbox 36" in header(app)
        await pilot.press("escape")  # clear the filter
        await settle(pilot)
        await pilot.press("/", *"paper", "enter")
        await settle(pilot)
        n = len(screen_of(app).paper_list.rows)
        assert n == 36
        await pilot.press("A")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "36 papers" in str(app.screen.question)
        await pilot.press("n")
        await settle(pilot)
        assert "Inbox 36" in header(app)
    lib = open_library()
    read = {pid for pid, s in lib.states.items() if s.read}
    assert read == matched


async def test_mark_all_read_confirmed_is_one_undo(make_app, open_library):
    app = make_app(numbered_papers(12))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert "Inbox 0" in header(app) and "Read 12" in header(app)
        await pilot.press("u")
        await settle(pilot)
        assert "Inbox 12" in header(app)
        assert len(titles(app)) == 12
    assert not any(s.read for s in open_library().states.values())
