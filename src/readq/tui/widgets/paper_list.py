"""The paper list: a Line API ScrollView that renders only the rows on screen.

There is no widget per paper. The list holds a plain list of ids (the current view,
filtered and sorted); ``render_line`` maps a screen row to an id, builds the row from
the shared ``entries``/``states`` mappings and keeps the result in an LRU cache of
strips keyed by everything that changes the row's look.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from readq.models import DEFAULT_STATE, Entry, PaperState
from readq.tui.keymap import bindings
from readq.tui.queue import display_text, short_date, upvotes_text

SpanFinder = Callable[[str, str], list[tuple[int, int]]]


class PaperList(ScrollView, can_focus=True):
    """The reading queue's rows. Attributes down (``set_rows``), messages up."""

    COMPONENT_CLASSES = {
        "paper-list--cursor",
        "paper-list--cursor-blurred",
        "paper-list--read",
        "paper-list--unread-dot",
        "paper-list--new",
        "paper-list--starred",
        "paper-list--note",
        "paper-list--marked",
        "paper-list--mark-glyph",
        "paper-list--match",
        "paper-list--meta",
    }

    DEFAULT_CSS = """
    PaperList {
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-size-vertical: 1;
        & > .paper-list--cursor { background: $primary 45%; text-style: bold; }
        & > .paper-list--cursor-blurred { background: $primary 20%; }
        & > .paper-list--read { color: $text-muted; text-style: dim; }
        & > .paper-list--unread-dot { color: $accent; text-style: bold; }
        & > .paper-list--new { color: $success; text-style: bold; }
        & > .paper-list--starred { color: $warning; text-style: bold; }
        & > .paper-list--note { color: $secondary; }
        & > .paper-list--marked { background: $success 25%; }
        & > .paper-list--mark-glyph { color: $success; text-style: bold; }
        & > .paper-list--match { text-style: bold underline; color: $accent-lighten-1; }
        & > .paper-list--meta { color: $text-muted; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = bindings("list")

    cursor: reactive[int] = reactive(0, repaint=False, always_update=True)

    class Highlighted(Message):
        """The cursor is on another paper (or on none: ``paper_id`` is None)."""

        def __init__(self, paper_list: PaperList, paper_id: str | None) -> None:
            super().__init__()
            self.paper_list = paper_list
            self.paper_id = paper_id

    def __init__(
        self,
        entries: Mapping[str, Entry],
        states: Mapping[str, PaperState],
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        today: Callable[[], dt.date] = dt.date.today,
        new_since: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.new_since = new_since
        self.momentum: Mapping[str, int] = {}
        """Upvotes gained per day (from fetches); shown as ``+N`` beside the upvotes."""
        """Papers first seen after this are new (``✦``); None: no paper is new."""
        self._clock = today
        self._entries = entries
        self._states = states
        self._rows: list[str] = []
        self._marked: set[str] = set()
        self._query = ""
        self._spans: SpanFinder | None = None
        self._cache: LRUCache[tuple[object, ...], Strip] = LRUCache(1024)
        self._styles: dict[str, Style] = {}
        self._today = today()
        self._last_highlight: str | None = None
        self.rows_built = 0
        """How many rows were built (strip-cache misses): tests check it stays small."""

    # -- data in -------------------------------------------------------------------------

    @property
    def rows(self) -> Sequence[str]:
        return self._rows

    @property
    def marked(self) -> set[str]:
        return self._marked

    @property
    def highlighted(self) -> str | None:
        if 0 <= self.cursor < len(self._rows):
            return self._rows[self.cursor]
        return None

    def set_rows(
        self,
        rows: list[str],
        *,
        keep: str | None = None,
        query: str = "",
        spans: SpanFinder | None = None,
        top: bool = False,
    ) -> None:
        """Show ``rows``; the cursor stays on ``keep`` (default: the current paper) when
        it is still there, else on the same position (``top``: on the first row)."""
        keep = keep if keep is not None else self.highlighted
        old_cursor = self.cursor
        self._today = self._clock()
        self._rows = rows
        self._query = query
        self._spans = spans if query else None
        self._cache.clear()
        size = Size(0, len(rows))
        if size != self.virtual_size:
            # Not ``self.virtual_size = size``: that reflows and repaints the whole
            # screen on every filter keystroke. Only the scrollbar depends on it, and
            # _scroll_update redraws it (a scrollbar that appears or goes still
            # relayouts, through its own reactive).
            self.set_reactive(PaperList.virtual_size, size)
            self._scroll_update(size)
        index = -1
        if keep is not None:
            try:
                index = rows.index(keep)
            except ValueError:
                index = -1
        if index < 0:
            index = 0 if top else min(old_cursor, max(len(rows) - 1, 0))
        self.set_reactive(PaperList.cursor, self._clamp(index))
        self._scroll_cursor_into_view(center=index != old_cursor)
        self.refresh()
        self._post_highlight()

    def refresh_papers(self, ids: object = None) -> None:
        """Repaint after a state change (the strip cache keys on the state, so old
        strips just stop matching)."""
        self.refresh()

    def set_marked(self, marked: set[str]) -> None:
        self._marked = marked
        self.refresh()

    # -- cursor --------------------------------------------------------------------------

    def _clamp(self, value: int) -> int:
        return max(0, min(value, len(self._rows) - 1)) if self._rows else 0

    def validate_cursor(self, value: int) -> int:
        return self._clamp(value)

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh_line(old)
        self.refresh_line(new)
        self._scroll_cursor_into_view()
        self._post_highlight()

    def _post_highlight(self) -> None:
        pid = self.highlighted
        if pid != self._last_highlight:
            self._last_highlight = pid
            self.post_message(self.Highlighted(self, pid))

    def _scroll_cursor_into_view(self, center: bool = False) -> None:
        height = self.scrollable_content_region.height
        if height <= 0:
            return
        top = round(self.scroll_y)
        cursor = self.cursor
        if center and not (top <= cursor < top + height):
            target = max(0, cursor - height // 2)
        elif cursor < top:
            target = cursor
        elif cursor >= top + height:
            target = cursor - height + 1
        else:
            return
        self.scroll_to(y=target, animate=False, immediate=True, force=True)

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_page_down(self) -> None:
        self.cursor += max(1, self.scrollable_content_region.height - 1)

    def action_page_up(self) -> None:
        self.cursor -= max(1, self.scrollable_content_region.height - 1)

    def action_half_down(self) -> None:
        self.cursor += max(1, self.scrollable_content_region.height // 2)

    def action_half_up(self) -> None:
        self.cursor -= max(1, self.scrollable_content_region.height // 2)

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = len(self._rows) - 1

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = round(self.scroll_y) + offset.y
        if 0 <= index < len(self._rows):
            self.cursor = index

    def on_resize(self, event: events.Resize) -> None:
        self._cache.clear()
        self.call_after_refresh(self._scroll_cursor_into_view)

    def on_focus(self) -> None:
        self.refresh_line(self.cursor)

    def on_blur(self) -> None:
        self.refresh_line(self.cursor)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()
        self._cache.clear()

    # -- rendering -----------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        index = y + round(self.scroll_y)
        width = self.scrollable_content_region.width
        if width <= 0:
            return Strip.blank(0)
        if not 0 <= index < len(self._rows):
            return Strip.blank(width, self.rich_style)
        pid = self._rows[index]
        state = self._states.get(pid, DEFAULT_STATE)
        cursor = index == self.cursor
        focused = self.has_focus
        marked = pid in self._marked
        entry = self._entries.get(pid)
        key = (pid, entry, state, marked, cursor, cursor and focused, width, self._query)
        strip = self._cache.get(key)
        if strip is None:
            self.rows_built += 1
            strip = self._build_row(pid, entry, state, marked, cursor, focused, width)
            self._cache[key] = strip
        return strip

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = self.get_component_rich_style(name, partial=True)
        return style

    def _build_row(
        self,
        pid: str,
        entry: Entry | None,
        state: PaperState,
        marked: bool,
        cursor: bool,
        focused: bool,
        width: int,
    ) -> Strip:
        """One row as segments, built by hand: ~35 rows are rebuilt on every filter
        keystroke (the highlights change), and going through ``rich.text.Text`` cost
        most of a keystroke's time at 100k papers."""
        row_style = Style()
        if state.read:
            row_style += self._style("paper-list--read")
        if marked:
            row_style += self._style("paper-list--marked")
        if cursor:
            row_style += self._style(
                "paper-list--cursor" if focused else "paper-list--cursor-blurred"
            )
        segments = self._row_head(entry, state, marked, width, row_style)
        used = sum(len(seg.text) for seg in segments)
        title = display_text(entry.title) if entry is not None else f"(missing paper {pid})"
        spans: list[tuple[int, int]] = []
        if self._query and self._spans is not None and entry is not None:
            spans = self._spans(self._query, title)
        room = width - used
        if room > 0:
            segments += self._title_segments(title, spans, room, row_style)
        return Strip(segments).crop_extend(0, width, row_style).apply_style(self.rich_style)

    def _row_head(
        self, entry: Entry | None, state: PaperState, marked: bool, width: int, row_style: Style
    ) -> list[Segment]:
        """The glyphs (mark, unread, star, note), the date and upvotes, the gap."""
        style = self._style
        new = self.new_since is not None and entry is not None and entry.first_seen > self.new_since
        if new:
            dot = Segment("✦", row_style + style("paper-list--new"))
        else:
            dot = Segment(
                "•" if not state.read else " ", row_style + style("paper-list--unread-dot")
            )
        head = [
            Segment("▌" if marked else " ", row_style + style("paper-list--mark-glyph")),
            dot,
            Segment("★" if state.starred else " ", row_style + style("paper-list--starred")),
            Segment("✎" if state.note else " ", row_style + style("paper-list--note")),
        ]
        if width >= 40 and entry is not None:
            if width >= 72:
                date = (entry.published or "")[:10].ljust(10)
            else:
                date = short_date(entry.published, self._today).ljust(6)
            votes = upvotes_text(entry.upvotes)
            meta = "  " + date + (f" ▲{votes}" if votes else "").rjust(6)
            if self.momentum and width >= 90:  # a column only once fetches measured any
                gain = self.momentum.get(entry.id, 0)
                meta += (f" +{upvotes_text(gain)}" if gain > 0 else "").ljust(6)
            head.append(Segment(meta, row_style + style("paper-list--meta")))
        head.append(Segment("  ", row_style))
        return head

    def _title_segments(
        self, title: str, spans: list[tuple[int, int]], room: int, row_style: Style
    ) -> list[Segment]:
        """The title cut to ``room`` cells (with an ellipsis), its matches highlighted."""
        shown, ellipsis = title, ""
        if cell_len(title) > room:
            shown, ellipsis = set_cell_size(title, room - 1), "…"
        match = row_style + self._style("paper-list--match")
        segments: list[Segment] = []
        at = 0
        for start, end in spans:
            s, e = min(start, len(shown)), min(end, len(shown))
            if s > at:
                segments.append(Segment(shown[at:s], row_style))
            if e > s:
                segments.append(Segment(shown[s:e], match))
            at = max(at, e)
        if at < len(shown):
            segments.append(Segment(shown[at:], row_style))
        if ellipsis:
            segments.append(Segment(ellipsis, row_style))
        return segments
