"""Keys act on the paper the user sees: after a filter change, on the top match; after
a view switch, on the same paper or the top one (issue #10.1)."""

from __future__ import annotations

from textual import events
from tuihelpers import SIZE, current, numbered_papers, paper, screen_of, settle, titles


def _burst(app, *keys: str, paste: str = "") -> None:
    """Keys (and a paste) sent in one burst, with no pause between them."""
    for key in keys:
        char = {"slash": "/", "enter": "\r"}.get(key, key)
        event = events.Key(key, char if len(char) == 1 else None)
        event.set_sender(app)
        app._driver.send_message(event)
        if key == "slash" and paste:
            pasted = events.Paste(paste)
            pasted.set_sender(app)
            app._driver.send_message(pasted)


def _papers():
    # Five papers that do not match "model", then three that do (further down).
    other = [paper(f"Plain paper {i} on graphs", day=28 - i) for i in range(5)]
    models = [paper(f"A language model number {i}", day=10 - i) for i in range(3)]
    return other + models


async def test_pasted_filter_then_enter_s_stars_the_top_match(make_app, open_library):
    papers = _papers()
    app = make_app(papers)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4", "j", "j", "j", "j")
        row5 = current(app)
        _burst(app, "slash", "enter", "s", paste="model")
        await settle(pilot)
        top = titles(app)[0]
        assert "model" in top
        assert current(app) == screen_of(app).paper_list.rows[0]
        await pilot.pause(0.3)
        assert top in screen_of(app).details.text
    states = open_library().states
    assert not (row5 in states and states[row5].starred)
    starred = [pid for pid, s in states.items() if s.starred]
    assert [open_library().entries[p].title for p in starred] == [top]


async def test_typed_filter_moves_the_cursor_to_the_top_match(make_app, open_library):
    app = make_app(_papers())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "j", "j", "j", "j")  # on a "model" paper, not the top one
        on = current(app)
        assert "model" in app.library.entries[on].title
        await pilot.press("slash", *"model")
        await settle(pilot)
        assert current(app) == screen_of(app).paper_list.rows[0] != on
        await pilot.press("enter")
        await pilot.pause(0.05)
        assert titles(app)[0] in screen_of(app).details.text
        # typing more, then deleting, goes to the top match each time
        await pilot.press("down", "slash", "backspace")
        await settle(pilot)
        assert current(app) == screen_of(app).paper_list.rows[0]


async def test_burst_typed_filter_and_s_stars_the_top_match(make_app, open_library):
    app = make_app(_papers())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4", "j", "j", "j", "j")
        _burst(app, "slash", *"model", "enter", "s")
        await settle(pilot)
        top = titles(app)[0]
    starred = [p for p, s in open_library().states.items() if s.starred]
    assert [open_library().entries[p].title for p in starred] == [top]


async def test_view_switch_keeps_the_paper_or_goes_to_the_top(make_app, open_library):
    papers = numbered_papers(8)
    states = {papers[0].id: {"starred": True}, papers[5].id: {"starred": True}}
    app = make_app(papers, states=states)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "j")  # paper 3: not starred
        assert current(app) == papers[3].id
        await pilot.press("2")
        await settle(pilot)
        assert current(app) == screen_of(app).paper_list.rows[0]  # the top, not row 4
        await pilot.press("s")  # unstars the top starred paper: the one on screen
        await settle(pilot)
        assert not open_library().state(papers[0].id).starred
        assert open_library().state(papers[5].id).starred
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("G")
        last = current(app)
        await pilot.press("1")  # the last paper is unread: still on it in the Inbox
        await settle(pilot)
        assert current(app) == last


async def test_view_switch_with_a_filter_goes_to_the_top_match_of_the_new_view(make_app):
    papers = numbered_papers(30)  # every 10th paper is on the same topic
    robotics = [p for p in papers if "robotics" in p.title]
    states = {robotics[0].id: {"starred": True}, robotics[1].id: {"starred": True}}
    app = make_app(papers, states=states)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"robotics", "enter")
        await settle(pilot)
        lst = screen_of(app).paper_list
        lst.cursor = list(lst.rows).index(robotics[2].id)  # not starred, below the others
        await pilot.press("2")
        await settle(pilot)
        assert set(lst.rows) == {robotics[0].id, robotics[1].id}
        assert current(app) == lst.rows[0]
