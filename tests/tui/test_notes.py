"""The note editor never throws text away: escape asks, drafts survive signals, exits
and crashes and are offered back, and a note changed elsewhere meanwhile is kept."""

from __future__ import annotations

import os
import signal
import stat
import sys
from contextlib import nullcontext
from pathlib import Path

from textual import events
from tuihelpers import SIZE, current, numbered_papers, settle

from readq import drafts
from readq.library import Library
from readq.tui import leaving
from readq.tui.screens.confirm import ChoiceScreen
from readq.tui.screens.main import MainScreen
from readq.tui.screens.note_editor import DRAFT_EVERY, NoteEditor


def draft_file(data_dir: Path, pid: str) -> Path:
    return drafts.draft_path(data_dir, pid)


async def wait_for_draft(pilot, data_dir: Path, pid: str) -> None:
    await pilot.pause(DRAFT_EVERY + 0.3)
    for _ in range(50):
        if draft_file(data_dir, pid).exists():
            return
        await pilot.pause(0.05)


async def test_escape_asks_and_keep_editing_is_the_default(make_app, open_library):
    app = make_app(numbered_papers(2))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pid = current(app)
        await pilot.press("n", "escape")  # nothing typed: closes at once
        assert isinstance(app.screen, MainScreen)
        await pilot.press("n", *"keep me", "escape")
        assert isinstance(app.screen, ChoiceScreen)
        assert app.screen.focused is not None and app.screen.focused.id == "choice-keep"
        await pilot.press("escape")  # keep editing
        assert isinstance(app.screen, NoteEditor) and app.screen.text == "keep me"
        await pilot.press("escape", "enter")  # enter: the focused default, keep editing
        assert isinstance(app.screen, NoteEditor)
        await pilot.press("escape", "s")  # save
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert app.library.state(pid).note == "keep me"
        await pilot.press("n", *" more", "escape", "d")  # discard
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
    assert open_library().state(pid).note == "keep me"


async def test_a_draft_is_kept_while_typing_and_offered_back(make_app, data_dir, open_library):
    app = make_app(numbered_papers(2))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pid = current(app)
        await pilot.press("n", *"typed before the crash")
        await wait_for_draft(pilot, data_dir, pid)
        path = draft_file(data_dir, pid)
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        assert drafts.load_draft(data_dir, pid).text == "typed before the crash"
        os.kill(os.getpid(), 0)  # (a SIGKILL here would leave exactly this file)
        app.exit()
    assert open_library().state(pid).note == ""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        assert isinstance(app.screen, ChoiceScreen)
        assert "typed before the crash" in app.screen.detail
        await pilot.press("r")
        assert isinstance(app.screen, NoteEditor)
        assert app.screen.text == "typed before the crash"
        await pilot.press(*" and after", "ctrl+s")
        await settle(pilot)
        app.screen_stack[0].drafts.delete(pid).result()  # the delete is queued: wait for it
        assert app.library.state(pid).note == "typed before the crash and after"
        assert not draft_file(data_dir, pid).exists()


async def test_a_discarded_draft_is_gone(make_app, data_dir):
    papers = numbered_papers(2)
    app = make_app(papers)
    drafts.save_draft(data_dir, papers[0].id, "old draft", "")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n", "d")
        assert isinstance(app.screen, NoteEditor) and app.screen.text == ""
        await pilot.press("escape")
        await settle(pilot)
        app.screen_stack[0].drafts.delete(papers[0].id).result()
        assert drafts.load_draft(data_dir, papers[0].id) is None


async def test_ctrl_q_with_the_editor_open_keeps_a_draft(make_app, data_dir):
    app = make_app(numbered_papers(2))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pid = current(app)
        await pilot.press("n", *"unsaved")
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert drafts.load_draft(data_dir, pid).text == "unsaved"


async def test_sigint_keeps_and_saves_the_note(make_app, data_dir, open_library):
    app = make_app(numbered_papers(2))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pid = current(app)
        await pilot.press("n", *"half-typed")
        app._on_signal(signal.SIGINT)
        await pilot.pause()
    assert app.return_code == 128 + signal.SIGINT
    assert open_library().state(pid).note == "half-typed"
    assert drafts.load_draft(data_dir, pid) is None


async def test_a_crash_keeps_the_draft_and_draws_no_traceback(
    make_app, data_dir, monkeypatch, tmp_path, capsys
):
    import pytest

    monkeypatch.setattr("readq.paths.log_dir", lambda *_: tmp_path / "logs")
    app = make_app(numbered_papers(2))
    with pytest.raises(RuntimeError):
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            pid = current(app)
            await pilot.press("n", *"precious")
            editor = app.screen

            def explode() -> None:
                raise RuntimeError("bug")

            editor.action_save = explode  # type: ignore[method-assign]
            await pilot.press("ctrl+s")
            await pilot.pause()
    assert app.return_code == 1
    assert drafts.load_draft(data_dir, pid).text == "precious"
    assert "Traceback" not in capsys.readouterr().err


async def test_saving_over_a_note_changed_elsewhere_keeps_both(make_app, data_dir, open_library):
    papers = numbered_papers(2)
    app = make_app(papers, states={papers[0].id: {"note": "start"}})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pid = current(app)
        await pilot.press("n", *" + mine")
        Library.open(data_dir).set_note(pid, "theirs")  # another readq, meanwhile
        await pilot.press("ctrl+s")
        await settle(pilot)
        note = app.library.state(pid).note
        assert note.startswith("start + mine\n\n--- conflict: this note was also changed")
        assert note.endswith("\ntheirs")
        assert any(
            "another change to it was kept below" in str(n.message) for n in app._notifications
        )
        # undo puts back what was on disk before the save
        await pilot.press("u")
        await settle(pilot)
        assert app.library.state(pid).note == "theirs"
    assert open_library().state(pid).note == "theirs"


async def test_q_then_a_dialog_key_in_one_burst_exits_cleanly(make_app, capsys):
    for key, char in (("n", "n"), ("a", "a"), ("e", "e"), ("o", "o"), ("N", "N")):
        papers = numbered_papers(3)
        app = make_app(papers, states={papers[0].id: {"starred": True}})
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            app.post_message(events.Key("q", "q"))
            app.post_message(events.Key(key, char))
            await pilot.pause()
            await pilot.pause()
        assert app.return_code == 0, key
        assert "Traceback" not in capsys.readouterr().err


async def test_sighup_keeps_the_draft_flushes_and_leaves(make_app, data_dir, open_library):
    app = make_app(numbered_papers(2))
    exits: list[int] = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pid = current(app)
        await pilot.press("s", "n", *"at hang-up")
        leaving.hang_up(app, exit=exits.append)
        assert exits == [128 + signal.SIGHUP]
        app.exit()
    lib = open_library()
    assert lib.state(pid).note == "at hang-up" and lib.state(pid).starred
    assert drafts.load_draft(data_dir, pid) is None


async def test_sighup_with_a_hung_store_still_leaves_and_keeps_the_draft(make_app, data_dir):
    import threading
    import time

    app = make_app(numbered_papers(2))
    exits: list[int] = []
    release = threading.Event()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pid = current(app)
        await pilot.press("n", *"kept anyway")
        app.store.submit(release.wait, 30)  # a library lock held by a stuck process
        start = time.monotonic()
        leaving.hang_up(app, deadline=1.0, exit=exits.append)
        assert time.monotonic() - start < 3
        assert exits == [129]
        assert drafts.load_draft(data_dir, pid).text == "kept anyway"
        release.set()
        app.exit()


async def test_external_editor_gets_a_final_newline_and_a_deleted_file_changes_nothing(
    make_app, open_library, monkeypatch, tmp_path, data_dir
):
    seen = tmp_path / "seen.txt"
    script = tmp_path / "fake-editor"
    script.write_text(
        f"#!{sys.executable}\nimport os, sys, shutil\n"
        f"shutil.copy(sys.argv[1], {str(seen)!r})\n"
        "if os.environ.get('RQ_DELETE'):\n    os.unlink(sys.argv[1])\n"
        "else:\n    open(sys.argv[1], 'a').write('added\\n')\n"
    )
    script.chmod(0o755)
    papers = numbered_papers(2)
    app = make_app(papers, states={papers[0].id: {"note": "first line"}})
    monkeypatch.setenv("EDITOR", str(script))
    async with app.run_test(size=SIZE) as pilot:
        monkeypatch.setattr(app, "suspend", nullcontext)
        await settle(pilot)
        pid = current(app)
        await pilot.press("N")
        await settle(pilot)
        assert seen.read_text() == "first line\n"
        assert app.library.state(pid).note == "first line\nadded"
        monkeypatch.setenv("RQ_DELETE", "1")
        await pilot.press("N")
        await settle(pilot)
        assert app.library.state(pid).note == "first line\nadded"
        assert any("deleted the note's file" in str(n.message) for n in app._notifications)
    assert open_library().state(pid).note == "first line\nadded"


async def test_the_editor_file_lives_in_the_data_dir(make_app, monkeypatch, tmp_path, data_dir):
    where = tmp_path / "where.txt"
    script = tmp_path / "fake-editor"
    script.write_text(
        f"#!{sys.executable}\nimport os, sys, stat\n"
        "mode = oct(stat.S_IMODE(os.stat(sys.argv[1]).st_mode))\n"
        f"open({str(where)!r}, 'w').write(sys.argv[1] + ' ' + mode)\n"
        "sys.exit(1)\n"
    )
    script.chmod(0o755)
    app = make_app(numbered_papers(2))
    monkeypatch.setenv("EDITOR", str(script))
    async with app.run_test(size=SIZE) as pilot:
        monkeypatch.setattr(app, "suspend", nullcontext)
        await settle(pilot)
        await pilot.press("N")
        await settle(pilot)
    path, mode = where.read_text().split()
    assert Path(path).parent == data_dir / "drafts" and mode == "0o600"
    assert any("exited with an error" in str(n.message) for n in app._notifications)


async def test_ctrl_c_typed_in_the_external_editor_does_not_quit(
    make_app, monkeypatch, tmp_path, open_library
):
    from textual.app import App

    script = tmp_path / "fake-editor"
    script.write_text(
        f"#!{sys.executable}\nimport os, signal, sys\n"
        "os.kill(os.getppid(), signal.SIGINT)  # ctrl+c reaches the whole process group\n"
        "open(sys.argv[1], 'w').write('after ctrl+c\\n')\n"
    )
    script.chmod(0o755)
    monkeypatch.setattr(App, "suspend", lambda self: nullcontext())
    app = make_app(numbered_papers(2))
    monkeypatch.setenv("EDITOR", str(script))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pid = current(app)
        await pilot.press("N")
        await settle(pilot)
        await pilot.pause(0.2)
        assert app.is_running and app.return_code is None
        assert app.library.state(pid).note == "after ctrl+c"
    assert open_library().state(pid).note == "after ctrl+c"


async def test_undo_of_a_note_changed_elsewhere_is_refused(make_app, data_dir):
    """The shared history (readq.history) refuses a paper changed differently since
    the step: nothing is changed, and the screen shows the other version."""
    app = make_app(numbered_papers(2))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pid = current(app)
        await pilot.press("n", *"mine", "ctrl+s")
        await settle(pilot)
        Library.open(data_dir).set_note(pid, "theirs")
        await pilot.press("u")
        await settle(pilot)
        assert app.library.state(pid).note == "theirs"
        assert any(
            "has a different note since 'note'; nothing was changed" in str(n.message)
            for n in app._notifications
        )
