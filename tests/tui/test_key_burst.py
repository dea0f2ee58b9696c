"""Keys typed in one burst (as a fast typist or a paste does) go where the user meant."""

from __future__ import annotations

from textual import events
from textual.widgets import TextArea


async def test_keys_right_after_n_go_into_the_note_not_to_the_list(make_app, open_library):
    app = make_app(sample=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        before = dict(open_library().states)
        for key in ("n", "r", "s", "A"):  # no pause between them
            event = events.Key(key, key)
            event.set_sender(app)
            app._driver.send_message(event)
        await pilot.pause(0.3)
        editor = app.screen.query_one(TextArea)
        assert editor.text.endswith("rsA")  # the keys went into the note
        await pilot.press("escape")
        await pilot.pause(0.2)
    assert dict(open_library().states) == before  # nothing read, starred or bulk-marked


async def test_keys_and_a_paste_right_after_a_go_into_the_add_dialog(make_app, open_library):
    from readq.tui.screens.add_papers import AddPapersScreen

    app = make_app(sample=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        before = dict(open_library().states)
        for key in ("a", "s", "r"):  # no pause between them
            event = events.Key(key, key)
            event.set_sender(app)
            app._driver.send_message(event)
        paste = events.Paste("\nPaper pasted in the same burst\nIts abstract.\n")
        paste.set_sender(app)
        app._driver.send_message(paste)
        await pilot.pause(0.3)
        assert isinstance(app.screen, AddPapersScreen)
        text = app.screen.query_one(TextArea).text
        assert text.startswith("sr")
        assert text.count("Paper pasted in the same burst") == 1
        await pilot.press("escape")
        await pilot.pause(0.2)
    assert dict(open_library().states) == before  # nothing starred or read


async def test_keys_right_after_slash_are_the_query_not_commands(make_app, open_library):
    """`/` then a word typed fast: the first letters reach the list before the filter
    has the focus. They belong to the query, and `r`/`s` among them change nothing."""
    app = make_app(sample=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        before = dict(open_library().states)
        for key in ("slash", "r", "o", "b", "o", "t", "s"):  # no pause between them
            char = "/" if key == "slash" else key
            event = events.Key(key, char)
            event.set_sender(app)
            app._driver.send_message(event)
        await pilot.pause(0.5)
        screen = app.screen
        assert screen.filter_input.value == "robots"
        assert screen.query_text == "robots"
    assert dict(open_library().states) == before


async def test_typing_and_pasting_into_open_dialogs_goes_in_once(make_app):
    """Only keys that were on their way to the list are typed ahead: a paste or a key
    sent to the dialog itself is the dialog's own business, never inserted twice."""
    from textual.widgets import Button

    app = make_app(sample=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause(0.3)
        paste = events.Paste("\nPaper pasted later\nIts abstract.\n")
        paste.set_sender(app)
        app._driver.send_message(paste)
        await pilot.pause(0.3)
        area = app.screen.query_one(TextArea)
        assert area.text.count("Paper pasted later") == 1
        app.screen.query_one("#cancel", Button).focus()
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause(0.2)
        assert "x" not in area.text
        await pilot.press("escape", "n")
        await pilot.pause(0.3)
        paste = events.Paste("hello")
        paste.set_sender(app)
        app._driver.send_message(paste)
        await pilot.pause(0.3)
        assert app.screen.query_one(TextArea).text.count("hello") == 1
