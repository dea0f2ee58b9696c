"""The detail pane: following the cursor and the filter, focus and back."""

from __future__ import annotations

from tuihelpers import SIZE, current, numbered_papers, screen_of, settle, titles


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


async def test_enter_focuses_details_and_enter_or_escape_goes_back(make_app):
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


async def test_the_pane_shows_the_short_id_the_command_line_prints(make_app):
    import dataclasses

    from readq.ids import short_ids

    app = make_app(numbered_papers(3))
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        lib = app.library
        pid = current(app)
        assert f"· {pid[:8]}\n" in screen_of(app).details.text
        # another paper whose id shares the first 8 digits: both show more of it
        twin = pid[:8] + ("0" if pid[8] != "0" else "1") + pid[9:]
        lib.entries[twin] = dataclasses.replace(lib.entries[pid], id=twin)
        short = short_ids(lib.entries)(pid)
        assert len(short) == 9
        screen_of(app).details.show_paper(pid)
        await settle(pilot)
        assert f"· {short}\n" in screen_of(app).details.text
