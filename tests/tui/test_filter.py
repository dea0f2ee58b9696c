"""The filter bar: filtering as you type, its status, stale results."""

from __future__ import annotations

from textual.widgets import Input
from tuihelpers import SIZE, current, numbered_papers, screen_of, settle, status, titles, until


async def test_filter_as_you_type_then_act_on_matches(make_app, open_library):
    app = make_app(numbered_papers(30))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("/")
        assert isinstance(app.focused, Input)
        await pilot.press(*"robotics")
        await settle(pilot)
        shown = titles(app)
        assert shown and all("robotics" in t for t in shown)
        assert f"{len(shown)} of 30" in status(app)
        await pilot.press("enter")
        assert app.focused is screen_of(app).paper_list
        assert screen_of(app).query_text == "robotics"  # filter kept
        await pilot.press("s")
        await settle(pilot)
        starred = current(app)
        assert "robotics" in app.library.entries[starred].title
        await pilot.press("/", "escape")
        await settle(pilot)
        assert screen_of(app).query_text == ""
        assert len(titles(app)) == 30
        assert app.focused is screen_of(app).paper_list
        # `down` also leaves the filter, keeping it.
        await pilot.press("/", *"graphs", "down")
        await settle(pilot)
        assert app.focused is screen_of(app).paper_list
        assert all("graphs" in t for t in titles(app))
    assert open_library().state(starred).starred


async def test_filter_forgives_typos_and_shows_no_match_honestly(make_app):
    app = make_app(numbered_papers(30))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("/", *"robtics")
        await settle(pilot)
        assert titles(app) and all("robotics" in t for t in titles(app))
        await pilot.press(*"zzzzqqq")
        await settle(pilot)
        assert titles(app) == []
        assert "0 of 30" in status(app)
        # the pane follows once the typing pauses (a timer, which settle does not wait for)
        assert await until(pilot, lambda: "No paper here" in screen_of(app).details.text)


async def test_stale_filter_result_never_overwrites_newer(make_app):
    from readq.search.index import SearchResult
    from readq.tui.messages import FilterResult

    app = make_app(numbered_papers(30))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("/", *"graphs")
        await settle(pilot)
        newest = titles(app)
        screen = screen_of(app)
        stale = FilterResult(
            screen.filter_generation - 1, "gra", SearchResult(list(app.library.entries), True)
        )
        screen.post_message(stale)
        await settle(pilot)
        assert titles(app) == newest


async def test_no_match_in_the_view_says_how_many_are_in_all(make_app):
    app = make_app(numbered_papers(30))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")  # Starred: empty
        await pilot.press("/", *"robotics")
        await settle(pilot)
        assert titles(app) == []
        in_all = sum(1 for e in app.library.entries.values() if "robotics" in e.title.lower())
        assert in_all and f"0 here · {in_all} in All: press 4" in status(app)
        await pilot.press("enter", "4")
        await settle(pilot)
        assert len(titles(app)) == in_all
        assert "0 here" not in status(app)
