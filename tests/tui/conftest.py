"""TUI fixtures: an app factory over a temp library, and determinism (no blink, fixed
clock, fixed terminal size)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, TextArea
from tuihelpers import SAMPLE, TODAY, clock

from readq.library import Library
from readq.models import Paper
from readq.tui.app import ReadqApp


@pytest.fixture(autouse=True)
def _no_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Input.__dict__["cursor_blink"], "_default", False)
    monkeypatch.setattr(TextArea.__dict__["cursor_blink"], "_default", False)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    folder = tmp_path / "home"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture
def open_library(data_dir: Path) -> Callable[[], Library]:
    def opener() -> Library:
        return Library.open(data_dir, clock=clock)

    return opener


@pytest.fixture
def make_app(open_library: Callable[[], Library], home: Path) -> Callable[..., ReadqApp]:
    """``make_app(papers, states={id: {field: value}}, sample=False)``."""

    def factory(
        papers: Iterable[Paper] = (),
        *,
        sample: bool = False,
        states: dict[str, dict[str, Any]] | None = None,
        **kwargs: Any,
    ) -> ReadqApp:
        lib = open_library()
        if sample:
            from readq import listing

            lib.import_papers(listing.parse_bytes(SAMPLE.read_bytes(), today=TODAY).papers)
        papers = list(papers)
        if papers:
            lib.import_papers(papers)
        if states:
            lib.update(states, "setup")
        kwargs.setdefault("poll_interval", 0)
        return ReadqApp(lib, today=lambda: TODAY, home=home, **kwargs)

    return factory
