"""The command palette and the one key table behind footer, help and palette."""

from __future__ import annotations

from tuihelpers import SIZE, current, numbered_papers, screen_of, settle


async def test_command_palette_runs_screen_list_and_app_actions(make_app):
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

    bound = {
        k for scope in ("app", "screen", "list") for b in bindings(scope) for k in b.key.split(",")
    }
    for cmd in help_rows():
        assert all(k in bound or k == "ctrl+p" for k in cmd.keys.split(","))
    titles = [c.title for c in palette_commands()]
    assert len(titles) == len(set(titles))
    assert {c.action for c in COMMANDS if c.footer} == {
        "focus_filter",
        "toggle_read",
        "toggle_star",
        "edit_note",
        "undo",
        "add_papers",
        "export",
        "help",
        "quit",
    }
