"""Reading comfort: zoom, paging, the split, the detail pane's content (issue #10.3) and
the smaller fixes of #10.9."""

from __future__ import annotations

from textual.widgets import Footer
from tuihelpers import SIZE, current, numbered_papers, paper, screen_of, settle

from readq.tui.keymap import help_rows
from readq.tui.widgets.filter_bar import FilterInput

LONG = " ".join(f"Sentence {i} of a long abstract about sparse attention." for i in range(60))


def _long_papers():
    return [
        paper(f"Long paper {i} on sparse attention", abstract=LONG, day=20 - i) for i in range(6)
    ]


def _line_of(pane, text: str) -> int:
    return pane.text.splitlines().index(text)


async def test_z_zooms_the_pane_with_15_abstract_lines_at_80x24_and_q_returns(make_app):
    app = make_app(_long_papers())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = screen_of(app)
        await pilot.press("z")
        await settle(pilot)
        pane = screen.details
        assert screen.has_class("-details-only") and pane.has_focus
        assert not screen.paper_list.display or not screen.paper_list.region.height
        title_and_meta = 3  # title, metadata line, blank line
        assert pane.scrollable_content_region.height - title_and_meta >= 15
        assert pane.virtual_size.height > pane.scrollable_content_region.height  # it scrolls
        await pilot.press("ctrl+d")
        assert pane.scroll_y > 0
        await pilot.press("ctrl+u")
        assert pane.scroll_y == 0
        await pilot.press("ctrl+f")
        assert pane.scroll_y >= pane.scrollable_content_region.height - 1
        await pilot.press("q")  # back to the list, readq does not quit
        await settle(pilot)
        assert app.is_running and app.focused is screen.paper_list
        assert not screen.has_class("-details-only")
        await pilot.press("z", "escape")
        assert app.focused is screen.paper_list
        await pilot.press("z", "z")
        assert app.focused is screen.paper_list
        await pilot.press("z", "slash")  # the filter comes back with the list
        assert not screen.has_class("-details-only") and screen.filter_input.has_focus


async def test_r_moves_on_and_the_next_pane_starts_at_its_top(make_app):
    app = make_app(_long_papers())
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        screen = screen_of(app)
        await pilot.press("enter", "ctrl+d", "ctrl+d")
        assert screen.details.scroll_y > 0
        await pilot.press("escape", "r")
        await settle(pilot)
        assert current(app) == screen.paper_list.rows[0]  # the read one left the Inbox
        assert screen.details.paper_id == current(app)
        assert screen.details.scroll_y == 0


async def test_half_and_whole_pages_in_the_list(make_app):
    app = make_app(numbered_papers(80))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lst = screen_of(app).paper_list
        height = lst.scrollable_content_region.height
        await pilot.press("ctrl+d")
        assert lst.cursor == height // 2
        await pilot.press("ctrl+u")
        assert lst.cursor == 0
        await pilot.press("ctrl+f")
        assert lst.cursor == height - 1
        await pilot.press("ctrl+b")
        assert lst.cursor == 0


async def test_at_120_columns_titles_show_70_characters(make_app):
    title = "A very long title " * 8
    app = make_app([paper(title.strip())])
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        lst = screen_of(app).paper_list
        row = "".join(seg.text for seg in lst.render_line(0))
        shown = row[row.index("A very") :].rstrip().rstrip("…")
        assert len(shown) >= 70
        assert screen_of(app).details_visible


async def test_the_pane_has_one_metadata_line_no_headings_and_highlights(make_app):
    p = paper(
        "Sparse attention for long documents",
        abstract="We make attention sparse. More text follows here.",
        links=("https://github.com/x/y",),
    )
    app = make_app([p], states={p.id: {"note": "Check the ablations."}})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = screen_of(app).details
        lines = pane.text.splitlines()
        assert lines[0] == "Sparse attention for long documents"
        assert lines[1].startswith("Nov 1, 2026 · ▲ 5 · 3 authors · unread")
        assert lines[1].endswith(p.id[:8]) and p.id[:9] not in lines[1]
        assert lines[2] == "https://github.com/x/y"
        for constant in ("Abstract", "Note", "Open (o)"):
            assert constant not in pane.text
        assert "✎ Check the ablations." in pane.text
        await pilot.press("slash", *"sparse", "enter")
        await settle(pilot)
        await pilot.pause(0.2)
        body = pane.query_one("#details-body").content
        marked = {body.plain[s.start : s.end] for s in body.spans if "underline" in str(s.style)}
        assert {"Sparse", "sparse"} <= marked  # in the title and in the abstract


async def test_placeholder_fits_and_footer_has_no_garbled_palette_key(make_app):
    app = make_app(numbered_papers(3))
    for width in (160, 100, 80, 60, 40):
        async with app.run_test(size=(width, 24)) as pilot:
            await settle(pilot)
            box = screen_of(app).query_one(FilterInput)
            assert len(box.placeholder) <= box.size.width - 2
            assert box.placeholder.startswith("/ filter")
            footer = screen_of(app).query_one(Footer)
            assert footer.show_command_palette == (width >= 80)
        app = make_app(numbered_papers(3))


def test_help_lists_triage_before_move():
    groups = list(dict.fromkeys(c.group for c in help_rows()))
    assert groups.index("Triage") < groups.index("Move")
    assert groups[0] == "Triage"
