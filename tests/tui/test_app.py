"""The app's lifecycle: other processes, failed saves, signals, crashes, exit codes."""

from __future__ import annotations

import os
import signal
import stat

import pytest
from tuihelpers import SIZE, current, header, numbered_papers, screen_of, settle

from readq.errors import StoreWriteError
from readq.library import Library
from readq.tui.app import write_crash_log


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


async def test_an_unexpected_error_while_saving_is_shown_not_dropped(
    make_app, open_library, monkeypatch
):
    app = make_app(numbered_papers(3))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pid = current(app)

        def bug(*args, **kwargs):
            raise ValueError("a bug in the store")

        monkeypatch.setattr(app.library, "update", bug)
        await pilot.press("s")
        await settle(pilot)
        assert not app.library.state(pid).starred and "Starred 0" in header(app)
        said = [str(n.message) for n in app._notifications]
        assert any("Not saved" in m and "ValueError" in m for m in said), said
        assert not any("a bug in the store" in m for m in said)  # details go to the log
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
    monkeypatch.setattr("readq.paths.log_dir", lambda *_: tmp_path / "logs")
    try:
        raise RuntimeError("boom")
    except RuntimeError as err:
        path = write_crash_log(err)
    assert path is not None and "RuntimeError: boom" in path.read_text()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


async def test_unexpected_error_exits_nonzero_with_crash_log(make_app, data_dir):
    """READQ_DATA_DIR moved the library (as in every test): the crash log goes to its
    logs/ folder, where the command line puts its own (readq.paths.log_dir)."""
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
    assert app.crash_log.parent == data_dir / "logs"


def test_crash_logs_follow_the_command_line(monkeypatch, tmp_path, open_library):
    from readq.tui.session import crash_dir

    lib = open_library()
    assert crash_dir(lib, demo=False) == lib.store.root  # READQ_DATA_DIR: <data>/logs
    assert crash_dir(lib, demo=True) is None  # the demo's folder is deleted on exit
    monkeypatch.delenv("READQ_DATA_DIR")
    monkeypatch.setattr("readq.paths.data_dir", lambda override=None: lib.store.root)
    assert crash_dir(lib, demo=False) is None  # the default library: the user log dir


def test_run_app_returns_exit_codes(monkeypatch, data_dir):
    from readq.tui import app as app_module

    Library.open(data_dir)
    monkeypatch.setattr(app_module.ReadqApp, "run", lambda self: self.exit(return_code=3))
    assert app_module.run_app(data_dir) == 3

    def fine(self):
        self._return_code = None

    monkeypatch.setattr(app_module.ReadqApp, "run", fine)
    assert app_module.run_app(data_dir) == 0


async def test_the_palette_key_leaves_the_footer_when_the_terminal_shrinks(make_app):
    from textual.widgets import Footer

    app = make_app(numbered_papers(3))
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        footer = app.screen.query_one(Footer)
        assert footer.query(".-command-palette")
        await pilot.resize_terminal(60, 15)
        await settle(pilot)
        await pilot.pause()
        assert not footer.query(".-command-palette")
        await pilot.resize_terminal(100, 30)
        await settle(pilot)
        await pilot.pause()
        assert footer.query(".-command-palette")
