"""How a list row writes dates, and the row builder's cut and highlight at any width."""

from __future__ import annotations

import datetime as dt

import pytest
from tuihelpers import numbered_papers, paper, settle

from readq.tui.queue import short_date

TODAY = dt.date(2026, 11, 20)


@pytest.mark.parametrize(
    ("published", "shown"),
    [
        ("2026-11-18", "Nov 18"),
        ("2026-06-01", "Jun 01"),  # within six months: month and day
        ("2026-05-01", "2026"),  # older: the year, so last year's May is not "May 01"
        ("2025-11-18", "2025"),
        ("2019-02-03", "2019"),
        ("2026-12-24", "Dec 24"),  # a little in the future (time zones, pre-prints)
        (None, ""),
        ("2026-13-40", ""),  # garbage never raises
        ("2026", ""),
    ],
)
def test_short_date(published: str | None, shown: str) -> None:
    assert short_date(published, TODAY) == shown


async def test_rows_cut_titles_with_an_ellipsis_and_keep_highlights(make_app) -> None:
    app = make_app(numbered_papers(30))
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"paper")
        await settle(pilot)
        plist = app.screen.paper_list
        for y in range(5):
            strip = plist.render_line(y)
            assert strip.cell_length == plist.scrollable_content_region.width
            text = strip.text
            assert "Paper" in text
            matched = "".join(seg.text for seg in strip if seg.style and seg.style.underline)
            assert matched.lower() == "paper"


async def test_a_long_title_is_cut_with_an_ellipsis_and_wide_characters_fit(make_app) -> None:
    long = "Attention " + "very " * 30 + "late matchword 注意力 at the end"
    wide = "注意力" * 40 + " diffusion"
    app = make_app([paper(long, day=3), paper(wide, day=2)])
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        plist = app.screen.paper_list
        width = plist.scrollable_content_region.width
        for y in range(2):
            strip = plist.render_line(y)
            assert strip.cell_length == width  # wide characters never overflow the row
            assert strip.text.rstrip().endswith("…")
        await pilot.press("slash", *"attention")
        await settle(pilot)
        strip = plist.render_line(0)
        matched = "".join(seg.text for seg in strip if seg.style and seg.style.underline)
        assert matched == "Attention"
        await pilot.press(*" matchword")  # only past the cut: nothing highlighted, no crash
        await settle(pilot)
        strip = plist.render_line(0)
        assert strip.cell_length == width
        assert "matchword" not in strip.text


async def test_the_scrollbar_follows_the_filter(make_app) -> None:
    """The list's scrollable size changes without a relayout: the scrollbar must still
    appear and go, and a list scrolled to its end must show its few matches."""
    app = make_app(numbered_papers(60))
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        plist = app.screen.paper_list
        assert plist.show_vertical_scrollbar
        await pilot.press("G")
        await settle(pilot)
        assert plist.scroll_y > 0
        await pilot.press("slash", *"robotics")
        await settle(pilot)
        assert len(plist.rows) == 6
        assert not plist.show_vertical_scrollbar
        assert plist.scroll_y == 0
        assert "robotics" in plist.render_line(0).text
        assert "robotics" in plist.render_line(5).text
        await pilot.press("escape")
        await settle(pilot)
        assert plist.show_vertical_scrollbar
        assert len(plist.rows) == 60


async def test_a_query_longer_than_the_filter_box_scrolls_to_the_cursor(make_app) -> None:
    """The filter input repaints without a relayout; typing past its width must still
    scroll it so the end of the query (where the cursor is) stays visible."""
    app = make_app(numbered_papers(5))
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        query = "diffusion " * 8 + "endmarker"
        await pilot.press("slash", *query)
        await settle(pilot)
        box = app.screen.filter_input
        assert box.value == query
        assert box.scroll_x > 0
        line = box.render_line(0).text
        assert "endmarker" in line
        await pilot.press("home")
        await settle(pilot)
        assert box.scroll_x == 0
        assert "diffusion" in box.render_line(0).text


async def test_deleting_the_end_of_a_long_query_scrolls_back(make_app) -> None:
    app = make_app(numbered_papers(5))
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *("abcdefghijklmnopqrstuvwxyz" * 2))
        await settle(pilot)
        box = app.screen.filter_input
        await pilot.press(*["left"] * 10, "ctrl+k")
        await settle(pilot)
        assert box.scroll_x <= box.max_scroll_x
        assert box.render_line(0).text.rstrip().endswith("p")  # no blank run on the right


async def test_rows_show_the_upvotes_gained_per_day_from_fetches(make_app, open_library) -> None:
    from dataclasses import replace

    from readq.library import Library

    hot, cold = paper("Rising Paper About Agents", day=3), paper("Quiet Paper", day=2)
    data = open_library().store.root
    for day, votes in ((1, 10), (2, 40)):  # two fetches a day apart: +30 a day
        when = dt.datetime(2026, 11, day, 9, tzinfo=dt.timezone.utc)
        lib = Library.open(data, clock=lambda when=when: when)
        lib.import_papers([replace(hot, upvotes=votes), replace(cold, upvotes=5)], fetched=True)
    app = make_app()
    async with app.run_test(size=(120, 20)) as pilot:
        await settle(pilot)
        await pilot.pause()
        await settle(pilot)
        plist = app.screen.paper_list
        rows = {plist.render_line(y).text for y in range(2)}
        rising = next(r for r in rows if "Rising Paper" in r)
        quiet = next(r for r in rows if "Quiet Paper" in r)
        assert "▲40 +30" in rising
        assert "+" not in quiet.split("Quiet")[0]  # no gain, no number
