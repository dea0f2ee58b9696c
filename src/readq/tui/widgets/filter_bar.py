"""The filter line: an input for the query and the honest ``N of M`` count beside it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive
from textual.widgets import Input

from readq.tui.widgets.status_line import StatusLine

PLACEHOLDERS = (
    '/ filter: words, "a phrase", -word, is:starred, is:new',
    '/ filter: words, "phrase", -word, is:new',
    "/ filter (? lists the syntax)",
    "/ filter",
)


def placeholder(width: int) -> str:
    """The longest hint that fits ``width`` columns whole (never cut mid-phrase)."""
    room = width - 2  # the input's padding
    return next((p for p in PLACEHOLDERS if len(p) <= room), PLACEHOLDERS[-1])


class FilterInput(Input):
    """The query input. ``enter``/``down`` go back to the list keeping the filter;
    ``escape`` clears it."""

    BINDINGS = [
        Binding("down", "done", "Back to list", show=False),
        Binding("escape", "clear_filter", "Clear filter", show=True),
    ]

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)
    """Input sets its scrollable width on every keystroke; as a layout reactive (the
    default) that reflowed and repainted the whole screen per key, a third of a
    keystroke's time at 100k papers. The input is a fixed 1fr by 1 box, so a repaint
    is all it needs (its horizontal scroll reads the value directly)."""

    def watch_virtual_size(self) -> None:
        # what the skipped layout would have done: deleting text right of the cursor
        # (ctrl+k, delete) shrinks the value, so the scroll must not point past its end
        self.scroll_x = self.validate_scroll_x(self.scroll_x)

    class Done(Message):
        """Back to the list (``clear``: the filter was dropped)."""

        def __init__(self, clear: bool) -> None:
            super().__init__()
            self.clear = clear

    leave_to = "#paper-list"
    """Where the focus goes back to (at once: keys typed in the same burst as ``enter``
    are commands for the list, not more query)."""

    def _leave(self) -> None:
        target = self.screen.query(self.leave_to)
        if target:
            self.screen.set_focus(target.first())

    async def action_submit(self) -> None:
        await super().action_submit()
        self._leave()

    def action_done(self) -> None:
        self.post_message(self.Done(clear=False))
        self._leave()

    def action_clear_filter(self) -> None:
        self.value = ""
        self.post_message(self.Done(clear=True))
        self._leave()


class FilterBar(Horizontal):
    """The query input and, beside it, the status line."""

    DEFAULT_CSS = """
    FilterBar {
        height: 1;
        & > FilterInput {
            width: 1fr;
            height: 1;
            border: none;
            padding: 0 1;
            background: $surface;
            &:focus { background: $boost; border: none; }
        }
        & > #filter-status { width: 40; max-width: 50%; height: 1; padding: 0 1; color: $text-muted;
                             text-align: right; }
    }
    """

    def compose(self) -> ComposeResult:
        yield FilterInput(
            placeholder=PLACEHOLDERS[-1],
            id="filter-input",
            select_on_focus=False,
        )
        yield StatusLine("", id="filter-status")
