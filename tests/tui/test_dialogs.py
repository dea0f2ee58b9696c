"""The dialogs the main screen opens: note, external editor, add, export, help (links
and copying: test_links.py; note drafts and conflicts: test_notes.py)."""

from __future__ import annotations

import sys
from contextlib import nullcontext

from textual.widgets import Input, TextArea
from tuihelpers import (
    SAMPLE,
    SIZE,
    TODAY,
    current,
    header,
    numbered_papers,
    screen_of,
    settle,
    titles,
)

from readq.tui.screens.add_papers import AddPapersScreen
from readq.tui.screens.help import HelpScreen
from readq.tui.screens.main import MainScreen
from readq.tui.screens.note_editor import NoteEditor


async def test_note_editor_saves_on_ctrl_s_and_cancels_on_escape(make_app, open_library):
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


async def test_external_editor_needs_editor_set_and_saves_what_it_wrote(
    make_app, open_library, monkeypatch, tmp_path
):
    script = tmp_path / "fake-editor"
    script.write_text(
        f"#!{sys.executable}\nimport sys\nopen(sys.argv[1], 'w').write('from my editor\\n')\n"
    )
    script.chmod(0o755)
    app = make_app(numbered_papers(3))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pid = current(app)
        await pilot.press("N")  # no $EDITOR: a message, nothing else
        await settle(pilot)
        assert any("EDITOR" in str(n.message) for n in app._notifications)
        monkeypatch.setenv("EDITOR", str(script))
        monkeypatch.setattr(app, "suspend", nullcontext)
        await pilot.press("N")
        await settle(pilot)
        assert app.library.state(pid).note == "from my editor"
    assert open_library().state(pid).note == "from my editor"


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


async def test_export_writes_to_the_proposed_path_and_asks_before_replacing(make_app, home):
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


async def test_question_mark_opens_help_and_q_quits(make_app):
    app = make_app(numbered_papers(2))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        await pilot.press("q")
    assert app.return_code == 0


MARKDOWN = """# Notes on papers

## Reading list

- Attention is all you need
- Deep residual learning

```python
x = 1
```

## Other [bold]things[/]

- one more thing to read
- and another
"""


async def _paste_into_add_dialog(pilot, text: str) -> str:
    await pilot.press("a")
    pilot.app.screen.query_one(TextArea).insert(text)
    await pilot.pause(0.4)
    await settle(pilot)
    return str(pilot.app.screen.query_one("#add-preview").content)


async def test_add_refuses_what_is_not_a_listing_unless_added_anyway(make_app, open_library):
    app = make_app(numbered_papers(2))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        preview = await _paste_into_add_dialog(pilot, MARKDOWN)
        assert preview.startswith("Not a papers page: it looks like Markdown")
        assert "\n" not in preview and "ctrl+y adds it anyway" in preview
        dialog = app.screen
        assert not dialog.query_one("#add").display
        assert dialog.query_one("#add-anyway").display
        await pilot.press("ctrl+s")  # not a listing: Add does nothing
        await settle(pilot)
        assert app.screen is dialog and len(app.library.entries) == 2
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert len(app.library.entries) == 7
    assert len(open_library().entries) == 7


async def test_add_takes_a_saved_api_response_pasted_or_by_path(make_app, open_library):
    from pathlib import Path

    saved = Path(__file__).resolve().parents[1] / "data" / "api" / "daily_normal.json"
    app = make_app([])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        preview = await _paste_into_add_dialog(pilot, saved.read_text(encoding="utf-8"))
        assert "6 papers in the pasted text" in preview and "6 new" in preview
        assert not app.screen.query_one("#add").disabled
        await pilot.press("escape")
        preview = await _paste_into_add_dialog(pilot, str(saved))
        assert f"6 papers in the file {saved}" in preview
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "All 6" in header(app)
    assert len(open_library().entries) == 6
