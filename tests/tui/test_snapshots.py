"""SVG snapshots of the main screens at fixed sizes (baselines in __snapshots__/).

Update after a deliberate change with ``pytest tests/tui/test_snapshots.py
--snapshot-update`` and look at every changed SVG before committing it.
"""

from __future__ import annotations

from tuihelpers import numbered_papers, settle

SIZE = (100, 30)


def _sample_app(make_app):
    papers = numbered_papers(3)
    app = make_app(
        papers,
        sample=True,
        states={
            papers[0].id: {"starred": True, "note": "Worth a read."},
            papers[1].id: {"read": True},
        },
    )
    return app


async def _settled(pilot) -> None:
    await settle(pilot)


def test_empty_library(snap_compare, make_app):
    assert snap_compare(make_app([]), terminal_size=SIZE, run_before=_settled)


def test_populated_list(snap_compare, make_app):
    async def before(pilot):
        await settle(pilot)
        await pilot.press("4", "j", "j")
        await settle(pilot)

    assert snap_compare(_sample_app(make_app), terminal_size=SIZE, run_before=before)


def test_filtering(snap_compare, make_app):
    async def before(pilot):
        await settle(pilot)
        await pilot.press("slash", *"lora")
        await settle(pilot)

    assert snap_compare(_sample_app(make_app), terminal_size=SIZE, run_before=before)


def test_detail_focused(snap_compare, make_app):
    async def before(pilot):
        await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)

    assert snap_compare(_sample_app(make_app), terminal_size=(120, 30), run_before=before)


def test_note_editor(snap_compare, make_app):
    async def before(pilot):
        await settle(pilot)
        await pilot.press("n", *"Compare with [bold] LoRA ", "enter", *"second line")
        await settle(pilot)

    assert snap_compare(_sample_app(make_app), terminal_size=SIZE, run_before=before)


def test_help(snap_compare, make_app):
    async def before(pilot):
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)

    assert snap_compare(_sample_app(make_app), terminal_size=SIZE, run_before=before)


def test_narrow_terminal(snap_compare, make_app):
    async def before(pilot):
        await settle(pilot)
        await pilot.press("j", "space", "j")
        await settle(pilot)

    assert snap_compare(_sample_app(make_app), terminal_size=(60, 15), run_before=before)


def test_narrow_terminal_details(snap_compare, make_app):
    async def before(pilot):
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(_sample_app(make_app), terminal_size=(60, 15), run_before=before)
