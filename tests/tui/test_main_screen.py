"""Pilot tests: every key, asserting what the user sees and what is on disk afterwards."""

from __future__ import annotations

import os
import signal
import stat
import sys
from contextlib import nullcontext
from pathlib import Path

import pytest
from textual.widgets import Input, TextArea
from tuihelpers import SAMPLE, TODAY, numbered_papers, paper, settle

from readq.errors import StoreWriteError
from readq.library import Library
from readq.tui.app import write_crash_log
from readq.tui.screens.add_papers import AddPapersScreen
from readq.tui.screens.confirm import ConfirmScreen
from readq.tui.screens.help import HelpScreen
from readq.tui.screens.links import LinkPicker
from readq.tui.screens.main import MainScreen
from readq.tui.screens.note_editor import NoteEditor
from readq.views import View

SIZE = (100, 30)


def screen_of(app) -> MainScreen:
    screen = app.get_default_screen() if False else app.screen_stack[0]
    assert isinstance(screen, MainScreen)
    return screen


def titles(app) -> list[str]:
    screen = screen_of(app)
    lib = app.library
    return [lib.entries[i].title for i in screen.paper_list.rows]


def header(app) -> str:
    return str(screen_of(app).query_one("#header").content)


def status(app) -> str:
    return str(screen_of(app).query_one("#filter-status").content)


def current(app) -> str | None:
    return screen_of(app).paper_list.highlighted


async def test_first_paint_shows_queue_counts_and_details(make_app, open_library):
    app = make_app(numbered_papers(12), states={})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Inbox 12" in header(app) and "All 12" in header(app)
        assert "Starred 0" in header(app) and "Read 0" in header(app)
        assert "newest first" in header(app)
        assert titles(app)[0] == "Paper 000 on diffusion"
        assert "12 papers" in status(app)
        details = screen_of(app).details.text
        assert "Paper 000 on diffusion" in details
        assert "An abstract about paper 000 on diffusion." in details


async def test_movement_keys(make_app):
    app = make_app(numbered_papers(60))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        plist = screen_of(app).paper_list
        await pilot.press("j", "j", "down")
        assert plist.cursor == 3
        await pilot.press("k", "up")
        assert plist.cursor == 1
        await pilot.press("G")
        assert plist.cursor == 59
        assert plist.scroll_y > 0
        await pilot.press("g")
        assert plist.cursor == 0 and plist.scroll_y == 0
        await pilot.press("pagedown")
        assert plist.cursor > 5
        await pilot.press("pageup")
        assert plist.cursor == 0
        await pilot.press("k")
        assert plist.cursor == 0  # clamped


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


async def test_views_and_tab_switching(make_app):
    papers = numbered_papers(6)
    states = {papers[0].id: {"starred": True}, papers[1].id: {"read": True},
              papers[2].id: {"read": True, "starred": True}}
    app = make_app(papers, states=states)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = screen_of(app)
        assert len(screen.paper_list.rows) == 4 and screen.view is View.INBOX
        await pilot.press("2")
        assert screen.view is View.STARRED and len(screen.paper_list.rows) == 2
        await pilot.press("3")
        assert screen.view is View.READ and len(screen.paper_list.rows) == 2
        await pilot.press("4")
        assert screen.view is View.ALL and len(screen.paper_list.rows) == 6
        await pilot.press("tab")
        assert screen.view is View.INBOX
        await pilot.press("shift+tab")
        assert screen.view is View.ALL
        await pilot.press("1")
        assert "Inbox 4" in header(app) and "Starred 2" in header(app)


async def test_sort_cycles_and_is_shown(make_app):
    app = make_app([paper("Zebra", day=3, upvotes=1), paper("Apple", day=1, upvotes=99),
                    paper("Mango", day=2, upvotes=50)])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert titles(app) == ["Zebra", "Mango", "Apple"]
        await pilot.press("S")
        assert "most upvoted" in header(app)
        assert titles(app) == ["Apple", "Mango", "Zebra"]
        await pilot.press("S")
        assert "title A-Z" in header(app)
        assert titles(app) == ["Apple", "Mango", "Zebra"]
        await pilot.press("S")
        assert "recently added" in header(app)
        await pilot.press("S")
        assert "newest first" in header(app)


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


async def test_filter_typo_and_no_match(make_app):
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
        assert "No paper here" in screen_of(app).details.text


async def test_details_follow_the_top_match_once_typing_pauses(make_app):
    app = make_app(numbered_papers(30))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Paper 000" in screen_of(app).details.text
        await pilot.press("/", *"speech")
        await settle(pilot)
        top = titles(app)[0]
        assert "speech" in top
        await pilot.pause(0.3)  # the pause after typing
        details = screen_of(app).details.text
        assert details.startswith(top)
        assert "An abstract about" in details  # with its abstract, not "loading…"


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
        stale = FilterResult(screen.filter_generation - 1, "gra",
                             SearchResult(list(app.library.entries), True))
        screen.post_message(stale)
        await settle(pilot)
        assert titles(app) == newest


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


async def test_note_editor_saves_and_cancels(make_app, open_library):
    app = make_app(numbered_papers(3))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pid = current(app)
        await pilot.press("n")
        assert isinstance(app.screen, NoteEditor)
        await pilot.press(*"Read [bold]later[/]", "enter", *"line two")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, NoteEditor)
        assert app.library.state(pid).note == "Read [bold]later[/]\nline two"
        assert "Read [bold]later[/]" in screen_of(app).details.text
        await pilot.press("n", *"xxx", "escape")
        await settle(pilot)
        assert app.library.state(pid).note == "Read [bold]later[/]\nline two"
    assert open_library().state(pid).note == "Read [bold]later[/]\nline two"


async def test_external_editor(make_app, open_library, monkeypatch, tmp_path):
    script = tmp_path / "fake-editor"
    script.write_text(f"#!{sys.executable}\nimport sys\n"
                      "open(sys.argv[1], 'w').write('from my editor\\n')\n")
    script.chmod(0o755)
    app = make_app(numbered_papers(3))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pid = current(app)
        await pilot.press("N")  # no $EDITOR: a message, nothing else
        await settle(pilot)
        assert any("EDITOR" in str(n.message) for n in app._notifications)
        monkeypatch.setenv("EDITOR", str(script))
        monkeypatch.setattr(app, "suspend", lambda: nullcontext())
        await pilot.press("N")
        await settle(pilot)
        assert app.library.state(pid).note == "from my editor"
    assert open_library().state(pid).note == "from my editor"


async def test_open_and_copy(make_app, monkeypatch):
    p1 = paper("Plain Paper", day=5)
    p2 = paper("Linked Paper", day=4, links=("https://github.com/x/y", "javascript:alert(1)"))
    app = make_app([p1, p2])
    opened: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        monkeypatch.setattr(app, "open_url", lambda url, **kw: opened.append(url))
        await settle(pilot)
        await pilot.press("o")
        assert opened == ["https://huggingface.co/papers?q=Plain+Paper"]
        await pilot.press("y")
        assert app.clipboard == "Plain Paper\nhttps://huggingface.co/papers?q=Plain+Paper"
        await pilot.press("j", "o")
        assert isinstance(app.screen, LinkPicker)
        assert app.screen.links == ["https://huggingface.co/papers?q=Linked+Paper",
                                    "https://github.com/x/y"]
        await pilot.press("down", "enter")
        assert opened[-1] == "https://github.com/x/y"
        await pilot.press("y")
        assert app.clipboard == "Linked Paper\nhttps://github.com/x/y"


async def test_add_papers_by_paste_and_by_path(make_app, open_library, tmp_path):
    app = make_app([])
    text = SAMPLE.read_text(encoding="utf-8")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert screen_of(app).has_class("-empty")
        assert "readq add FILE" in screen_of(app).query_one("#welcome").content.plain
        await pilot.press("a")
        assert isinstance(app.screen, AddPapersScreen)
        app.screen.query_one(TextArea).post_message(__import__("textual").events.Paste(text))
        await pilot.pause(0.4)
        await settle(pilot)
        preview = str(app.screen.query_one("#add-preview").content)
        assert "11 papers" in preview and "11 new" in preview
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not screen_of(app).has_class("-empty")
        assert "All 11" in header(app)
        assert len(titles(app)) == 11
        # The same page again, as a file path: all known, nothing new.
        page = tmp_path / "page.txt"
        page.write_text(text, encoding="utf-8")
        await pilot.press("a")
        app.screen.query_one(TextArea).insert(str(page))
        await pilot.pause(0.4)
        await settle(pilot)
        preview = str(app.screen.query_one("#add-preview").content)
        assert "11 already known" in preview and "0 new" in preview
        await pilot.press("escape")
    assert len(open_library().entries) == 11


async def test_export_writes_to_proposed_path(make_app, home):
    papers = numbered_papers(4)
    app = make_app(papers, states={papers[1].id: {"starred": True, "note": "good"}})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        field = app.screen.query_one(Input)
        expected = home / f"readq-starred-{TODAY:%Y-%m-%d}.md"
        assert field.value == str(expected)
        await pilot.press("enter")
        await settle(pilot)
        assert expected.exists()
        body = expected.read_text(encoding="utf-8")
        assert "Paper 001" in body and "good" in body
        assert any(str(expected) in str(n.message) for n in app._notifications)
        # Exporting again to the same file asks before replacing it.
        await pilot.press("e", "enter")
        assert "exists" in str(app.screen.query_one("#export-warning").content)
        await pilot.press("escape")


async def test_help_and_quit(make_app):
    app = make_app(numbered_papers(2))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        await pilot.press("q")
    assert app.return_code == 0


async def test_enter_focuses_details_and_back(make_app):
    app = make_app(numbered_papers(3))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        assert app.focused is screen_of(app).details
        await pilot.press("enter")
        assert app.focused is screen_of(app).paper_list
    small = make_app(numbered_papers(3))
    async with small.run_test(size=(60, 15)) as pilot:
        await settle(pilot)
        screen = screen_of(small)
        assert screen.has_class("-details-hidden")
        await pilot.press("enter")
        assert screen.has_class("-details-only") and small.focused is screen.details
        await pilot.press("escape")
        assert screen.has_class("-details-hidden") and small.focused is screen.paper_list


async def test_command_palette_runs_actions(make_app):
    app = make_app(numbered_papers(3))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pid = current(app)
        await pilot.press("ctrl+p")
        await pilot.press(*"toggle star")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert app.library.state(pid).starred
        # a list action and an app action, run from the palette too
        await pilot.press("ctrl+p", *"last paper")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert screen_of(app).paper_list.cursor == 2
        await pilot.press("ctrl+p", *"help")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        from readq.tui.screens.help import HelpScreen

        assert isinstance(app.screen, HelpScreen)


def test_one_key_table_feeds_footer_help_and_palette() -> None:
    """Every palette command names its key when it has one, and every help row is a key
    some binding really has."""
    from readq.tui.keymap import COMMANDS, bindings, help_rows, palette_commands

    bound = {k for scope in ("app", "screen", "list") for b in bindings(scope)
             for k in b.key.split(",")}
    for cmd in help_rows():
        assert all(k in bound or k == "ctrl+p" for k in cmd.keys.split(","))
    titles = [c.title for c in palette_commands()]
    assert len(titles) == len(set(titles))
    assert {c.action for c in COMMANDS if c.footer} == {
        "focus_filter", "toggle_read", "toggle_star", "edit_note", "undo", "add_papers",
        "export", "help", "quit"}


async def test_changes_from_another_process_show_up_and_survive(make_app, open_library):
    papers = numbered_papers(4)
    app = make_app(papers)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        other = open_library()
        other.set_field([papers[3].id], "starred", True)
        screen_of(app).poll_now()
        await settle(pilot)
        assert "Starred 1" in header(app)
        await pilot.press("s")  # star another paper here
        await settle(pilot)
    lib = open_library()
    assert lib.state(papers[3].id).starred and lib.state(papers[0].id).starred


async def test_failed_save_shows_error_and_keeps_disk_state(make_app, open_library, monkeypatch):
    app = make_app(numbered_papers(3))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pid = current(app)

        def boom(*args, **kwargs):
            raise StoreWriteError("cannot write state: No space left on device")

        monkeypatch.setattr(app.library, "update", boom)
        await pilot.press("s")
        await settle(pilot)
        assert not app.library.state(pid).starred
        assert "Starred 0" in header(app)
        assert any("No space left" in str(n.message) for n in app._notifications)
        assert app.is_running
    assert not open_library().state(pid).starred


async def test_sigterm_saves_note_being_edited(make_app, open_library):
    app = make_app(numbered_papers(2))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pid = current(app)
        await pilot.press("n", *"half-typed")
        app._on_signal(signal.SIGTERM)
        await pilot.pause()
    assert app.return_code == 128 + signal.SIGTERM
    assert open_library().state(pid).note == "half-typed"


def test_crash_log_is_private(monkeypatch, tmp_path):
    monkeypatch.setattr("readq.paths.log_dir", lambda: tmp_path / "logs")
    try:
        raise RuntimeError("boom")
    except RuntimeError as err:
        path = write_crash_log(err)
    assert path is not None and "RuntimeError: boom" in path.read_text()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


async def test_unexpected_error_exits_nonzero_with_crash_log(make_app, monkeypatch, tmp_path):
    monkeypatch.setattr("readq.paths.log_dir", lambda: tmp_path / "logs")
    app = make_app(numbered_papers(2))

    def explode() -> None:
        raise RuntimeError("bug")

    with pytest.raises(RuntimeError):
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            screen_of(app).action_toggle_star = explode  # type: ignore[method-assign]
            await pilot.press("s")
            await pilot.pause()
    assert app.return_code == 1
    assert app.crash_log is not None and app.crash_log.exists()


def test_run_app_returns_exit_codes(monkeypatch, data_dir):
    from readq.tui import app as app_module

    Library.open(data_dir)
    monkeypatch.setattr(app_module.ReadqApp, "run", lambda self: self.exit(return_code=3))
    assert app_module.run_app(data_dir) == 3

    def fine(self):
        self._return_code = None

    monkeypatch.setattr(app_module.ReadqApp, "run", fine)
    assert app_module.run_app(data_dir) == 0


async def test_demo_marker(make_app):
    app = make_app(numbered_papers(2), demo=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "demo" in header(app)


def _unused(path: Path) -> None:  # keep imports honest for linters
    del path
