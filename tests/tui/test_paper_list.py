"""Moving through the paper list."""

from __future__ import annotations

from tuihelpers import SIZE, numbered_papers, screen_of, settle


async def test_movement_keys_move_the_cursor_and_stop_at_the_ends(make_app):
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
