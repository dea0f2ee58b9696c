"""Shared helpers of the TUI tests (papers, fixed clock, settling the app)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from readq import ids
from readq.models import Paper
from readq.tui.screens.main import MainScreen

TODAY = dt.date(2026, 11, 20)
NOW = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.timezone.utc)
SAMPLE = Path(__file__).resolve().parents[2] / "src" / "readq" / "sample.txt"


def clock() -> dt.datetime:
    return NOW


def paper(
    title: str,
    *,
    abstract: str = "",
    day: int = 1,
    month: int = 11,
    upvotes: int | None = 5,
    links: tuple[str, ...] = (),
) -> Paper:
    abstract = abstract or f"An abstract about {title.lower()}."
    return Paper(
        id=ids.paper_id(title, abstract),
        title=title,
        abstract=abstract,
        authors=3,
        published=f"2026-{month:02d}-{day:02d}",
        upvotes=upvotes,
        links=links,
    )


TOPICS = [
    "diffusion",
    "transformers",
    "retrieval",
    "robotics",
    "speech",
    "graphs",
    "agents",
    "vision",
    "alignment",
    "quantization",
]


def numbered_papers(n: int) -> list[Paper]:
    """n papers with distinct dates (paper 0 is the newest) and topical titles."""
    out = []
    for i in range(n):
        topic = TOPICS[i % len(TOPICS)]
        day = 28 - (i % 28)
        month = 11 - (i // 28) % 10
        out.append(paper(f"Paper {i:03d} on {topic}", day=day, month=month, upvotes=i))
    return out


async def settle(pilot: Any) -> None:
    """Let background work (filter, saves, index) land and the screen repaint."""
    app = pilot.app
    for _ in range(3):
        await pilot.pause()
        await app.workers.wait_for_complete()
        while app.store.pending:
            await pilot.pause(0.01)
    await pilot.pause()


async def until(pilot: Any, condition: Any, seconds: float = 3.0) -> bool:
    """Wait (briefly, a step at a time) for what a timer shows, e.g. the details pane
    that follows the list once typing pauses; True when it came."""
    steps = int(seconds / 0.05)
    for _ in range(steps):
        if condition():
            return True
        await pilot.pause(0.05)
    return bool(condition())


# -- reading the main screen -------------------------------------------------------------

SIZE = (100, 30)


def screen_of(app: Any) -> MainScreen:
    """The main screen (at the bottom of the stack, whatever dialog is open)."""
    screen = app.screen_stack[0]
    assert isinstance(screen, MainScreen)
    return screen


def titles(app: Any) -> list[str]:
    """The titles in the list, top to bottom."""
    lib = app.library
    return [lib.entries[i].title for i in screen_of(app).paper_list.rows]


def header(app: Any) -> str:
    return str(screen_of(app).query_one("#header").content)


def status(app: Any) -> str:
    return str(screen_of(app).query_one("#filter-status").content)


def current(app: Any) -> str | None:
    """The highlighted paper's id."""
    return screen_of(app).paper_list.highlighted
