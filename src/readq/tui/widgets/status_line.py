"""The status beside the filter: ``N of M`` while filtering, marks, indexing progress."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from readq.text import plural


def status_text(
    *,
    shown: int,
    total: int,
    filtering: bool,
    pending: bool,
    errors: tuple[str, ...],
    marked: int,
    indexing: str,
    activity: str = "",
) -> Text:
    parts: list[tuple[str, str]] = []
    if activity:
        parts.append((activity, "italic"))
    if filtering:
        if pending:
            parts.append(("filtering…", "italic"))
        else:
            parts.append((f"{shown:,} of {total:,}", "bold"))
        if errors:
            parts.append(("; ".join(errors), "red"))
    else:
        parts.append((plural(total, "paper"), ""))
    if marked:
        parts.append((f"{marked:,} marked", "bold green"))
    if indexing:
        parts.append(
            ("indexing…" if indexing == "titles" else f"indexing {indexing}…", "dim italic")
        )
    text = Text(no_wrap=True, overflow="ellipsis")
    for i, (part, style) in enumerate(parts):
        if i:
            text.append(" · ", "dim")
        text.append(part, style)
    return text


class StatusLine(Static):
    """Renders itself from its reactive attributes; the screen sets them."""

    shown: reactive[int] = reactive(0, layout=False, repaint=False)
    """Rows in the list."""
    total: reactive[int] = reactive(0, layout=False, repaint=False)
    """Papers in the view before filtering."""
    filtering: reactive[bool] = reactive(False, layout=False, repaint=False)
    pending: reactive[bool] = reactive(False, layout=False, repaint=False)
    """A filter is running: its count is not known yet."""
    errors: reactive[tuple[str, ...]] = reactive((), layout=False, repaint=False)
    marked: reactive[int] = reactive(0, layout=False, repaint=False)
    indexing: reactive[str] = reactive("titles", layout=False, repaint=False)
    """What is still being indexed: ``"titles"``, ``"abstracts"``, or nothing."""
    activity: reactive[str] = reactive("", layout=False, repaint=False)
    """Work in progress to show first, e.g. ``fetching today's papers…``."""

    def _paint(self) -> None:
        text = status_text(
            shown=self.shown,
            total=self.total,
            filtering=self.filtering,
            pending=self.pending,
            errors=self.errors,
            marked=self.marked,
            indexing=self.indexing,
            activity=self.activity,
        )
        # Fixed width, so no relayout of the screen per keystroke.
        self.update(text, layout=False)

    def on_mount(self) -> None:
        self._paint()

    def watch_shown(self) -> None:
        self._paint()

    def watch_total(self) -> None:
        self._paint()

    def watch_filtering(self) -> None:
        self._paint()

    def watch_pending(self) -> None:
        self._paint()

    def watch_errors(self) -> None:
        self._paint()

    def watch_marked(self) -> None:
        self._paint()

    def watch_indexing(self) -> None:
        self._paint()

    def watch_activity(self) -> None:
        self._paint()
