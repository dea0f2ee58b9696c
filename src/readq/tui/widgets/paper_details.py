"""The detail pane: title, metadata, links, note and abstract of one paper.

Paper text is untrusted, so everything is assembled as ``rich.text.Text`` (never a
markup string): brackets, ``[@click=...]`` and the like show literally.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.timer import Timer
from textual.widgets import Static

from readq.catalog import paper_count, paper_ids
from readq.errors import ReadqError
from readq.ids import short_ids
from readq.library import Library
from readq.models import DEFAULT_STATE, Entry, PaperState
from readq.text import UNTITLED, for_display, plural
from readq.tui.messages import AbstractLoaded
from readq.tui.queue import long_date, web_links

DETAILS_WHILE_TYPING = 0.15  # seconds of typing pause before the details follow


Spans = Callable[[str], list[tuple[int, int]]]
"""Where the filter's words are in a text (highlighted in the title and abstract)."""

SHORT_ID = 8
"""Ids are shown as their first 8 characters, as ``readq list`` prints them."""


def _people(entry: Entry) -> str:
    if entry.author_names:
        first = for_display(entry.author_names[0])
        more = len(entry.author_names) - 1
        return first if not more else f"{first} +{more}"
    if entry.organization:
        return for_display(entry.organization)
    if entry.authors is not None:
        return plural(entry.authors, "author")
    return ""


def meta_line(entry: Entry, state: PaperState, new: bool, short_id: str = "") -> Text:
    """The one metadata line: date, upvotes, authors or organisation, state, short id
    (``short_id``: as ``readq list`` prints it, see ``readq.ids.short_ids``)."""
    out = Text(style="dim")
    parts: list[tuple[str, str]] = []
    if entry.published:
        parts.append((long_date(entry.published), ""))
    if entry.upvotes is not None:
        parts.append((f"▲ {entry.upvotes}", ""))
    people = _people(entry)
    if people:
        parts.append((people, ""))
    parts.append(("read" if state.read else "unread", ""))
    if state.starred:
        parts.append(("★ starred", "not dim yellow"))
    if new:
        parts.append(("✦ new", "not dim green"))
    parts.append((short_id or entry.id[:SHORT_ID], ""))
    for i, (part, style) in enumerate(parts):
        if i:
            out.append(" · ")
        out.append(part, style)
    return out


def paper_links(entry: Entry) -> list[str]:
    """The paper's own web links (code, project page, those in its abstract)."""
    found = [x for x in (entry.github, entry.project_page) if x]
    return list(dict.fromkeys(for_display(x) for x in [*found, *web_links(entry)]))


def _marked(text: str, spans: Spans | None, style: str = "") -> Text:
    out = Text(text, style=style)
    if spans is not None:
        for start, end in spans(text):
            out.stylize("bold underline reverse", start, end)
    return out


def details_text(
    entry: Entry | None,
    state: PaperState,
    abstract: str | None,
    *,
    new: bool = False,
    spans: Spans | None = None,
    short_id: str = "",
) -> Text:
    """The pane's whole content (``abstract`` None: still loading): title, one line of
    metadata, links, note, abstract; no headings, so the abstract starts high."""
    if entry is None:
        return Text("No paper here.", style="dim italic")
    out = Text()
    out.append_text(_marked(for_display(entry.title) or UNTITLED, spans, "bold"))
    out.append("\n")
    out.append_text(meta_line(entry, state, new, short_id))
    links = paper_links(entry)
    for link in links:
        out.append("\n")
        out.append(link, style="underline")
    if state.note:
        out.append("\n\n✎ ", style="bold")
        out.append(for_display(state.note, keep_newlines=True))
    out.append("\n\n")
    if abstract is None:
        out.append("loading…", style="dim italic")
    elif abstract.strip():
        out.append_text(_marked(for_display(abstract, keep_newlines=True), spans))
    else:
        out.append("(no abstract)", style="dim italic")
    return out


class PaperDetails(VerticalScroll, can_focus=True):
    """A scrollable, wrapping view of one paper of ``library``; it loads the abstract
    itself (on a thread: it may come from disk)."""

    BINDINGS = [
        Binding("j,down", "scroll_down", "Scroll down", show=False),
        Binding("k,up", "scroll_up", "Scroll up", show=False),
        Binding("g,home", "scroll_home", "Top", show=False),
        Binding("G,end", "scroll_end", "Bottom", show=False),
        Binding("pagedown,ctrl+f", "page_down", "Page down", show=False),
        Binding("pageup,ctrl+b", "page_up", "Page up", show=False),
        Binding("ctrl+d", "half_page(1)", "Half page down", show=False),
        Binding("ctrl+u", "half_page(-1)", "Half page up", show=False),
        Binding("q", "screen.back", "Back"),
    ]

    DEFAULT_CSS = """
    PaperDetails {
        padding: 0 1;
        & > #details-body { width: 1fr; }
    }
    """

    def __init__(
        self, library: Library, *, id: str | None = None, new_since: str | None = None
    ) -> None:
        super().__init__(id=id)
        self._library = library
        self.new_since = new_since
        self.spans: Spans | None = None
        """The filter's highlights (see :meth:`set_spans`; None: no filter)."""
        self._stale = False
        self.paper_id: str | None = None
        """The paper shown."""
        self._following: str | None = None
        self._timer: Timer | None = None
        self._short: tuple[int, Callable[[str], str]] | None = None

    def short_id(self, pid: str) -> str:
        """The paper's id as the command line shows it: 8 digits, more only when two
        papers share them (worked out again when the catalog changes size)."""
        entries = self._library.entries
        size = paper_count(entries)
        if self._short is None or self._short[0] != size:
            self._short = (size, short_ids(paper_ids(entries)))
        return self._short[1](pid)

    def compose(self) -> ComposeResult:
        yield Static(Text(""), id="details-body")

    def follow(self, pid: str | None, *, typing: bool) -> None:
        """Show ``pid`` after the next repaint: the list (what the key changed) shows
        first, the pane (a relayout of a long abstract) a frame later. While ``typing``
        a filter the top match changes on every key: the pane follows when the typing
        pauses, so it never slows the next keystroke."""
        self._following = pid
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if typing:
            self._timer = self.set_timer(DETAILS_WHILE_TYPING, self._catch_up)
        else:
            self.call_after_refresh(self._catch_up)

    def set_spans(self, spans: Spans | None, *, typing: bool) -> None:
        """New filter highlights: the pane repaints (when the typing pauses)."""
        self.spans = spans
        self._stale = True
        self.follow(self._following if self._timer is not None else self.paper_id, typing=typing)

    def _catch_up(self) -> None:
        pid = self._following
        if pid != self.paper_id or pid is None:
            self.show_paper(pid)
        elif self._stale:
            self.show_paper(pid, keep_scroll=True)

    def show_paper(self, pid: str | None, *, keep_scroll: bool = False) -> None:
        """Show ``pid`` (None: no paper) as the library has it now."""
        lib = self._library
        entry = lib.entries.get(pid) if pid else None
        state = lib.states.get(pid, DEFAULT_STATE) if pid else DEFAULT_STATE
        abstract = lib.cached_abstract(pid) if pid and entry is not None else None
        self.show(entry, state, abstract, keep_scroll=keep_scroll)
        self.paper_id = pid
        if pid is not None and entry is not None and abstract is None:
            self._load_abstract(pid)

    @work(
        thread=True, exclusive=True, group="abstract", exit_on_error=False, description="abstract"
    )
    def _load_abstract(self, pid: str) -> None:
        try:
            text = self._library.abstract(pid)
        except (ReadqError, OSError):
            text = ""
        self.post_message(AbstractLoaded(pid, text))

    @on(AbstractLoaded)
    def _abstract_loaded(self, message: AbstractLoaded) -> None:
        message.stop()
        if message.paper_id != self.paper_id:
            return
        lib = self._library
        self.show(
            lib.entries.get(message.paper_id),
            lib.states.get(message.paper_id, DEFAULT_STATE),
            message.abstract,
            keep_scroll=True,
        )

    def show(
        self,
        entry: Entry | None,
        state: PaperState,
        abstract: str | None,
        *,
        keep_scroll: bool = False,
    ) -> None:
        new = entry is not None and self.new_since is not None and entry.first_seen > self.new_since
        short = self.short_id(entry.id) if entry is not None else ""
        body = details_text(entry, state, abstract, new=new, spans=self.spans, short_id=short)
        self._stale = False
        self.query_one("#details-body", Static).update(body)
        if not keep_scroll:
            self.scroll_home(animate=False)

    def action_half_page(self, direction: int) -> None:
        step = max(1, self.scrollable_content_region.height // 2)
        self.scroll_to(y=self.scroll_y + direction * step, animate=False)

    @property
    def text(self) -> str:
        content = self.query_one("#details-body", Static).content
        return content.plain if isinstance(content, Text) else str(content)
