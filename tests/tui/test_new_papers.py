"""The second morning: papers added since the last session are new (issue #10.2)."""

from __future__ import annotations

import datetime as dt

from tuihelpers import SIZE, current, header, paper, screen_of, settle, status, titles

from readq.library import Library
from readq.models import Entry
from readq.search.index import SearchIndex
from readq.sessions import SESSION_FILE
from readq.tui.app import ReadqApp
from readq.views import sorted_ids

UTC = dt.timezone.utc


def at(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, 0, tzinfo=UTC)


def open_at(data_dir, when: dt.datetime) -> Library:
    return Library.open(data_dir, clock=lambda: when)


def test_begin_session_returns_the_previous_start_and_records_this_one(data_dir):
    assert open_at(data_dir, at(1, 9)).begin_session() == ""
    assert open_at(data_dir, at(2, 9)).begin_session() == "2026-11-01T09:00:00Z"
    assert open_at(data_dir, at(3, 9)).begin_session() == "2026-11-02T09:00:00Z"
    assert (data_dir / SESSION_FILE).read_text() == "2026-11-03T09:00:00Z\n"
    (data_dir / SESSION_FILE).write_text("garbage")  # a broken marker: every paper new
    assert open_at(data_dir, at(4, 9)).begin_session() == ""


def test_new_first_sort_puts_new_papers_on_top_each_group_newest_first():
    entries = {
        e.id: e
        for e in (
            Entry("old-recent", "a", published="2026-11-20", first_seen="2026-11-01T00:00:00Z"),
            Entry("new-older", "b", published="2026-10-01", first_seen="2026-11-02T00:00:00Z"),
            Entry("new-recent", "c", published="2026-11-10", first_seen="2026-11-02T00:00:00Z"),
            Entry("old-older", "d", published="2026-09-01", first_seen="2026-11-01T00:00:00Z"),
        )
    }
    since = "2026-11-01T12:00:00Z"
    assert sorted_ids(entries, entries, "new", since) == [
        "new-recent",
        "new-older",
        "old-recent",
        "old-older",
    ]


def test_is_new_in_a_query_uses_the_index_new_since():
    index = SearchIndex()
    index.add(
        [
            Entry("a" * 16, "old model", first_seen="2026-11-01T00:00:00Z"),
            Entry("b" * 16, "new model", first_seen="2026-11-03T00:00:00Z"),
        ]
    )
    index.prepare()
    index.new_since = "2026-11-02T00:00:00Z"
    assert index.search("is:new", states={}).ids == ["b" * 16]
    assert index.search("model -is:new", states={}).ids == ["a" * 16]


def _second_morning(data_dir) -> tuple[list[str], list[str]]:
    """Day 1: two papers, a session. Day 2: two more papers arrive (older dates)."""
    old = [paper("Old paper alpha", day=20), paper("Old paper beta", day=19)]
    new = [paper("New paper gamma", day=5), paper("New paper delta", day=4)]
    lib = open_at(data_dir, at(1, 8))
    lib.import_papers(old)
    open_at(data_dir, at(1, 9)).begin_session()  # the first session
    open_at(data_dir, at(2, 7)).import_papers(new)  # e.g. a `readq fetch` at night
    return [p.id for p in old], [p.id for p in new]


async def test_the_second_morning_shows_what_is_new(data_dir, home):
    old, new = _second_morning(data_dir)
    app = ReadqApp(open_at(data_dir, at(2, 9)), today=lambda: dt.date(2026, 11, 2), home=home)
    app.session.poll_interval = 0
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "New 2" in header(app)
        assert "new first" in header(app)
        assert titles(app) == [
            "New paper gamma",
            "New paper delta",
            "Old paper alpha",
            "Old paper beta",
        ]
        assert "✦ new" in screen_of(app).details.text
        await pilot.press("G", "right_square_bracket")  # no new paper below the last
        assert current(app) == old[1]
        await pilot.press("left_square_bracket")
        assert current(app) == new[1]
        await pilot.press("left_square_bracket")
        assert current(app) == new[0]
        await pilot.press("slash", *"is:new", "enter")
        await settle(pilot)
        assert sorted(screen_of(app).paper_list.rows) == sorted(new)
        assert "2 of 4" in status(app)
    # the third morning: the user has had a session since they arrived: nothing is new
    app = ReadqApp(open_at(data_dir, at(3, 9)), today=lambda: dt.date(2026, 11, 3), home=home)
    app.session.poll_interval = 0
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "New" not in header(app)
        assert titles(app)[0] == "Old paper alpha"
        await pilot.press("right_square_bracket")
        assert current(app) == old[0]


async def test_papers_added_during_the_session_are_new(data_dir, home):
    _second_morning(data_dir)
    open_at(data_dir, at(2, 9)).begin_session()  # the second morning's session
    app = ReadqApp(open_at(data_dir, at(3, 9)), today=lambda: dt.date(2026, 11, 3), home=home)
    app.session.poll_interval = 0
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "New" not in header(app)
        later = open_at(data_dir, at(3, 10))
        later.import_papers([paper("Arrived during the session", day=1)])
        screen_of(app).poll_now()
        await settle(pilot)
        assert "New 1" in header(app)
        assert titles(app)[0] == "Arrived during the session"


def test_the_queue_new_first_order_is_the_core_sort():
    from readq.tui.queue import Orders

    entries = {}
    for i in range(40):
        seen = f"2026-11-{1 + i % 3:02d}T00:00:00Z"
        e = Entry(f"id{i:02d}", f"t{i}", published=f"2026-10-{1 + i % 7:02d}", first_seen=seen)
        entries[e.id] = e
    since = "2026-11-02T00:00:00Z"
    assert Orders(entries, since).order("new") == sorted_ids(entries, entries, "new", since)
