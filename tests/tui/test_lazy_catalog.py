"""A library opened as ``readq`` opens it (``lazy_catalog``): with the index on disk
current, the catalog is served by the index (no catalog shard is parsed) and the queue
looks and behaves exactly as over a fully read catalog."""

from __future__ import annotations

from pathlib import Path

from tuihelpers import SAMPLE, SIZE, TODAY, clock, header, paper, screen_of, settle, titles

from readq import listing
from readq.library import Library
from readq.search.index import SearchIndex
from readq.sessions import SESSION_FILE
from readq.tui.app import ReadqApp

ONLY_IN_ABSTRACT = "zeolites"


def _library(data_dir: Path) -> None:
    lib = Library.open(data_dir, clock=clock)
    lib.import_papers(listing.parse_bytes(SAMPLE.read_bytes(), today=TODAY).papers)
    lib.import_papers([paper("Catalysts of tomorrow", abstract=f"We study {ONLY_IN_ABSTRACT}.")])
    pids = sorted(lib.entries)
    lib.update({pids[0]: {"read": True}, pids[1]: {"starred": True}}, "setup")
    SearchIndex.open_or_build(lib)  # saved by the last session


def _app(data_dir: Path, home: Path, *, lazy: bool) -> ReadqApp:
    (data_dir / SESSION_FILE).unlink(missing_ok=True)  # every paper new, in both runs
    lib = Library.open(data_dir, clock=clock, lazy_catalog=lazy)
    return ReadqApp(lib, today=lambda: TODAY, home=home, poll_interval=0)


async def _looks(app: ReadqApp) -> list[tuple[str, list[str]]]:
    """The header and rows of every view under every sort."""
    seen = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key in "1234":
            await pilot.press(key)
            for _ in range(6):
                await settle(pilot)
                seen.append((header(app), titles(app)))
                await pilot.press("S")
    return seen


async def test_the_queue_is_the_same_served_by_the_index(data_dir: Path, tmp_path: Path) -> None:
    _library(data_dir)
    eager = await _looks(_app(data_dir, tmp_path, lazy=False))
    assert await _looks(_app(data_dir, tmp_path, lazy=True)) == eager


async def test_no_catalog_shard_is_read_and_abstracts_are_searched_at_once(
    data_dir: Path, tmp_path: Path
) -> None:
    _library(data_dir)
    app = _app(data_dir, tmp_path, lazy=True)
    entries = app.library.entries
    async with app.run_test(size=SIZE) as pilot:
        assert screen_of(app).abstracts_indexed  # from the first paint
        await settle(pilot)
        await pilot.press("j", "j", "s", "r")
        await pilot.press("slash", *ONLY_IN_ABSTRACT, "enter")
        await settle(pilot)
        assert titles(app) == ["Catalysts of tomorrow"]
        assert entries.sourced and not entries.complete  # type: ignore[attr-defined]


async def test_papers_another_process_imports_appear(data_dir: Path, tmp_path: Path) -> None:
    _library(data_dir)
    app = _app(data_dir, tmp_path, lazy=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        before = titles(app)
        other = Library.open(data_dir, clock=clock)
        other.import_papers([paper("Zebrafish in the lab", abstract="Fins.")])
        screen_of(app).poll_now()
        await settle(pilot)
        assert sorted(titles(app)) == sorted([*before, "Zebrafish in the lab"])
        await pilot.press("slash", *"zebrafish", "enter")
        await settle(pilot)
        assert titles(app) == ["Zebrafish in the lab"]
