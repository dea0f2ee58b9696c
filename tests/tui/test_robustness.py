"""Hostile paper text, tiny and changing terminal sizes, and a 100,000-paper list."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tuihelpers import numbered_papers, paper, settle

from readq import ids
from readq.library import Library
from readq.models import Entry, PaperState
from readq.tui.screens.main import MainScreen
from readq.tui.widgets.paper_list import PaperList

HOSTILE = [
    "[bold]x",
    "A [/] B",
    "Foo [/",
    "[red]x[/blue]",
    "[@click=app.quit]Q[/]",
    "[@click=app.screenshot('owned.svg','/tmp')]S[/]",
    "[link=javascript:alert(1)]L[/link]",
    ":warning: x\\",
    "Clear \x1b[2J screen \x1b]52;c;ZWNobw==\x07 and bell \x07",
    "👩‍🔬 Lab Notes: ZWJ 👨‍👩‍👧‍👦 sequences",
    "نموذج لغوي كبير (RTL Title) שלום",
    "漢字とかなの混じったタイトル：長い長い日本語の題名が続く",
    "Combining a\u0301e\u0301 marks",
    "Long " + "word " * 1000,
]


def main_screen(app) -> MainScreen:
    screen = app.screen_stack[0]
    assert isinstance(screen, MainScreen)
    return screen


def screen_text(app) -> str:
    """What the terminal shows, as plain text lines."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def test_hostile_titles_render_literally_and_trigger_nothing(make_app, tmp_path):
    papers = [
        paper(t, day=20 - i, abstract=f"Abstract [bold]{i}[/] [@click=app.quit]x[/]")
        for i, t in enumerate(HOSTILE)
    ]
    app = make_app(papers, states={papers[0].id: {"note": "[@click=app.quit]note[/]"}})
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        shown = screen_text(app)
        assert "[bold]x" in shown
        assert "A [/] B" in shown
        assert "[@click=app.quit]Q[/]" in shown
        assert "\x1b" not in shown and "\x07" not in shown
        for row in range(len(papers)):
            await pilot.click(PaperList, offset=(30, row))
            await pilot.pause()
            assert app.is_running
            assert main_screen(app).paper_list.cursor == row
        await pilot.click("#details", offset=(5, 0))
        await pilot.click("#details", offset=(5, 1))
        for key in ("g", "enter", "j", "j", "escape", "G", "y", "s", "r", "u"):
            await pilot.press(key)
        await settle(pilot)
        assert app.is_running
        details = main_screen(app).details.text
        assert app.library.entries[main_screen(app).paper_list.highlighted].title[:20] in details
        await pilot.press("g")
        await settle(pilot)
        assert "[@click=app.quit]note[/]" in main_screen(app).details.text
        assert "Abstract [bold]0[/] [@click=app.quit]x[/]" in main_screen(app).details.text
    assert not list(tmp_path.rglob("owned.svg"))


async def test_hostile_title_cut_with_ellipsis_never_wrapped(make_app):
    long_title = "Wide 漢字 " * 400
    app = make_app([paper(long_title)])
    async with app.run_test(size=(60, 15)) as pilot:
        await settle(pilot)
        plist = main_screen(app).paper_list
        strip = plist.render_line(0)
        assert strip.cell_length == plist.scrollable_content_region.width
        assert strip.text.rstrip().endswith("…")


async def test_tiny_terminals_and_resizing_keep_the_cursor_paper(make_app):
    app = make_app(numbered_papers(50))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press(*"jjjjjjjjjjjjjjjjjjjj")
        pid = main_screen(app).paper_list.highlighted
        for size in [(1, 1), (10, 3), (20, 5), (0, 0), (60, 15), (300, 100), (2, 40), (80, 24)]:
            await pilot.resize_terminal(*size)
            await pilot.pause()
            await pilot.press("s", "s")
            await settle(pilot)
            assert app.is_running
            assert main_screen(app).paper_list.highlighted == pid
        await pilot.resize_terminal(100, 30)
        await settle(pilot)
        plist = main_screen(app).paper_list
        top = round(plist.scroll_y)
        assert top <= plist.cursor < top + plist.scrollable_content_region.height
        assert not app.library.state(pid).starred


async def test_dialogs_fit_a_60x15_terminal(make_app):
    """At the smallest supported size the add dialog still shows its preview and its
    buttons, and the note editor its save hint: nothing the user needs is cut off."""
    from textual.widgets import Button, Static

    app = make_app(sample=True)
    async with app.run_test(size=(60, 15)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        screen_region = app.screen.region
        for widget in (
            app.screen.query_one("#add-preview", Static),
            app.screen.query_one("#add", Button),
            app.screen.query_one("#cancel", Button),
        ):
            assert widget.region.height >= 1
            assert screen_region.contains_region(widget.region), widget
        await pilot.press("escape", "n")
        await settle(pilot)
        hint = app.screen.query_one(".dialog-hint", Static)
        assert hint.region.height == 1 and screen_region.contains_region(hint.region)


async def test_starts_in_a_1x1_terminal(make_app):
    app = make_app(numbered_papers(3))
    async with app.run_test(size=(1, 1)) as pilot:
        await settle(pilot)
        await pilot.press("j", "question_mark", "escape", "slash", "x", "escape", "enter")
        await settle(pilot)
        assert app.is_running


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    width=st.integers(1, 300),
    height=st.integers(1, 100),
    keys=st.lists(st.sampled_from(["j", "k", "G", "g", "enter", "escape", "tab", "s"]), max_size=5),
)
async def test_any_size_with_a_few_keys(make_app, width, height, keys):
    app = make_app(numbered_papers(8))
    async with app.run_test(size=(width, height)) as pilot:
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
        await settle(pilot)
        assert app.is_running


# -- 100,000 papers --------------------------------------------------------------------


def synthetic_entries(n: int) -> dict[str, Entry]:
    base = dt.date(2026, 1, 1)
    entries = {}
    for i in range(n):
        pid = f"{i:016x}"
        entries[pid] = Entry(
            pid,
            f"Synthetic paper number {i} about topic {i % 97}",
            authors=3,
            published=(base - dt.timedelta(days=i % 900)).isoformat(),
            upvotes=i % 500,
        )
    return entries


async def test_100k_list_renders_only_visible_rows():
    from textual.app import App, ComposeResult

    entries = synthetic_entries(100_000)
    states: dict[str, PaperState] = {}
    rows = list(entries)

    class ListApp(App[None]):
        def compose(self) -> ComposeResult:
            yield PaperList(entries, states)

    app = ListApp()
    async with app.run_test(size=(100, 30)) as pilot:
        plist = app.query_one(PaperList)
        plist.set_rows(rows)
        await pilot.pause()
        height = plist.scrollable_content_region.height
        assert plist.virtual_size.height == 100_000
        assert 0 < plist.rows_built <= height
        built = plist.rows_built
        await pilot.press("pagedown")
        await pilot.pause()
        assert plist.rows_built - built <= height
        plist.focus()
        await pilot.press("end")
        await pilot.pause()
        assert plist.cursor == 99_999
        assert plist.rows_built <= 4 * height
        # A new view (every other paper) repaints only the screenful again.
        built = plist.rows_built
        plist.set_rows(rows[::2])
        await pilot.pause()
        assert plist.rows_built - built <= height
        assert plist.highlighted in set(rows[::2])


async def test_100k_library_end_to_end_is_responsive(data_dir, home):
    """A synthetic 100k-paper library through the real app: paints and filters."""
    import time

    from tuihelpers import TODAY

    from readq.models import Paper
    from readq.tui.app import ReadqApp

    lib = Library.open(data_dir)
    topics = ["diffusion", "speech", "graphs", "robots", "agents"]
    lib.import_papers(
        Paper(
            ids.paper_id(f"Paper {i} on {topics[i % 5]}"),
            f"Paper {i} on {topics[i % 5]}",
            "",
            published=f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}",
            upvotes=i % 300,
        )
        for i in range(100_000)
    )
    app = ReadqApp(lib, poll_interval=0, today=lambda: TODAY, home=home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        assert len(screen.paper_list.rows) == 100_000
        assert screen.paper_list.rows_built < 200
        t = time.perf_counter()
        await pilot.press("slash", *"robots")
        await settle(pilot)
        assert len(screen.paper_list.rows) == 20_000
        assert time.perf_counter() - t < 10  # generous: CI machines are slow
        assert "20,000 of 100,000" in str(screen.query_one("#filter-status").content)
