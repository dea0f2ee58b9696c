"""The top line: the view tabs with their counts, the sort order and the demo marker."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.reactive import reactive
from textual.widgets import Static

from readq.tui.queue import VIEWS
from readq.views import View


def header_text(
    width: int, view: View, counts: dict[View, int], sort_text: str, demo: bool, new: int = 0
) -> Text:
    """The line for a terminal ``width`` columns wide (narrower: fewer decorations)."""
    text = Text(no_wrap=True, overflow="ellipsis")
    if width >= 80:
        text.append(" readq ", "bold")
        text.append("│ ", "dim")
    for i, tab in enumerate(VIEWS):
        if i:
            text.append("·" if width < 70 else " · ", "dim")
        label = f" {tab.label} {counts.get(tab, 0):,} "
        if tab is view:
            text.append(label, "bold reverse")
        else:
            text.append(label)
    if new:
        text.append("  " if width >= 70 else " ")
        text.append(f"✦ New {new:,}" if width >= 60 else f"✦{new:,}", "bold green")
    right = Text(f"↓ {sort_text} ", style="dim")
    if demo and width >= 90:
        right = Text("demo  ", style="bold italic") + right
    gap = width - text.cell_len - right.cell_len
    if gap >= 1:
        text.append(" " * gap)
        text.append_text(right)
    return text


class ViewHeader(Static):
    """Renders itself from its reactive attributes and its width."""

    view: reactive[View] = reactive(View.INBOX, layout=False, repaint=False)
    counts: reactive[dict[View, int]] = reactive(dict, layout=False, repaint=False)
    sort_text: reactive[str] = reactive("", layout=False, repaint=False)
    demo: reactive[bool] = reactive(False, layout=False, repaint=False)
    new: reactive[int] = reactive(0, layout=False, repaint=False)

    def __init__(self, *, demo: bool = False, id: str | None = None) -> None:
        super().__init__(Text(""), id=id)
        self.set_reactive(ViewHeader.demo, demo)

    def _paint(self) -> None:
        text = header_text(
            self.size.width, self.view, self.counts, self.sort_text, self.demo, self.new
        )
        self.update(text, layout=False)

    def on_mount(self) -> None:
        self._paint()

    def on_resize(self, event: events.Resize) -> None:
        self._paint()

    def watch_view(self) -> None:
        self._paint()

    def watch_counts(self) -> None:
        self._paint()

    def watch_sort_text(self) -> None:
        self._paint()

    def watch_demo(self) -> None:
        self._paint()

    def watch_new(self) -> None:
        self._paint()
