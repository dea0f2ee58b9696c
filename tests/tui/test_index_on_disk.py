"""The search index on disk: opened at start when current (no build), built and saved
when not, saved again after an import, and a damaged file reported once."""

from __future__ import annotations

import pytest
from textual.widgets import TextArea
from tuihelpers import SAMPLE, SIZE, paper, screen_of, settle, titles

from readq.library import Library
from readq.search import persist
from readq.search.index import SearchIndex
from readq.tui.session import Session

ONLY_IN_ABSTRACT = "zeolites"


def papers() -> list:
    return [
        paper("Catalysts for the chemistry of tomorrow", abstract=f"We study {ONLY_IN_ABSTRACT}."),
        paper("Transformers for speech", abstract="Speech recognition at scale."),
        paper("Graphs and diffusion", abstract="Diffusion on graphs."),
    ]


async def find(pilot, word: str) -> list[str]:
    await pilot.press("slash", *word, "enter")
    await settle(pilot)
    return titles(pilot.app)


async def test_a_saved_index_is_used_at_once_without_a_build(make_app, monkeypatch):
    app = make_app(papers())
    SearchIndex.open_or_build(app.library)  # e.g. saved by the last session

    def no_build(*args: object) -> bool:
        pytest.fail("the index on disk is current: nothing should be built")

    monkeypatch.setattr(Session, "build_index", no_build)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert screen_of(app).abstracts_indexed
        assert await find(pilot, ONLY_IN_ABSTRACT) == ["Catalysts for the chemistry of tomorrow"]


async def test_without_one_the_index_is_built_then_saved_for_next_time(make_app, data_dir):
    app = make_app(papers())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert await find(pilot, ONLY_IN_ABSTRACT) == ["Catalysts for the chemistry of tomorrow"]
        # an import adds papers: the saved index follows (debounced)
        await pilot.press("escape", "a")
        app.screen.query_one(TextArea).insert(SAMPLE.read_text(encoding="utf-8"))
        await pilot.pause(0.4)
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        screen_of(app)._save_index()  # what the debounce timer does
        await settle(pilot)
    reopened = Library.open(data_dir)
    index = SearchIndex.open_current(reopened)
    assert index is not None and len(index) == len(reopened.entries) == 14


async def test_a_damaged_index_is_rebuilt_and_said_once(make_app, data_dir):
    app = make_app(papers())
    SearchIndex.open_or_build(app.library)
    path = persist.index_path(data_dir)
    raw = bytearray(path.read_bytes())
    raw[-5] ^= 0xFF
    path.write_bytes(bytes(raw))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        said = [str(n.message) for n in app._notifications]
        assert said.count(persist.describe("damaged")) == 1
        assert await find(pilot, ONLY_IN_ABSTRACT) == ["Catalysts for the chemistry of tomorrow"]
    assert SearchIndex.open_current(Library.open(data_dir)) is not None
