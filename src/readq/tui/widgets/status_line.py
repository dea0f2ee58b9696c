"""The status beside the filter: ``N of M`` while filtering, marks, indexing progress."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from readq.text import plural


def status_text(line: StatusLine) -> Text:
    """The line for the state in ``line``'s reactive attributes."""
    shown, total, elsewhere = line.shown, line.total, line.elsewhere
    filtering, pending, errors = line.filtering, line.pending, line.errors
    marked, indexing, activity = line.marked, line.indexing, line.activity
    parts: list[tuple[str, str]] = []
    if activity:
        parts.append((activity, "italic"))
    if filtering:
        if pending:
            parts.append(("filtering…", "italic"))
        elif shown == 0 and elsewhere:  # the view hides them: say where they are
            parts.append((f"0 here · {elsewhere:,} in All: press 4", "bold"))
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
    elsewhere: reactive[int] = reactive(0, layout=False, repaint=False)
    """Matches outside the view when none is in it."""

    def _paint(self) -> None:
        text = status_text(self)
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

    def watch_elsewhere(self) -> None:
        self._paint()

    def watch_activity(self) -> None:
        self._paint()
