"""The detail pane: title, metadata, links, note and abstract of one paper.

Paper text is untrusted, so everything is assembled as ``rich.text.Text`` (never a
markup string): brackets, ``[@click=...]`` and the like show literally.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.timer import Timer
from textual.widgets import Static

from readq.errors import ReadqError
from readq.library import Library
from readq.models import DEFAULT_STATE, Entry, PaperState
from readq.text import UNTITLED, plural, strip_controls
from readq.tui.messages import AbstractLoaded
from readq.tui.queue import long_date, web_links

DETAILS_WHILE_TYPING = 0.15  # seconds of typing pause before the details follow


def details_text(entry: Entry | None, state: PaperState, abstract: str | None) -> Text:
    """The pane's whole content (``abstract`` None: still loading)."""
    if entry is None:
        return Text("No paper here.", style="dim italic")
    out = Text()
    out.append(strip_controls(entry.title) or UNTITLED, style="bold")
    out.append("\n")
    meta: list[str] = []
    if entry.published:
        meta.append(long_date(entry.published))
    if entry.upvotes is not None:
        meta.append(f"▲ {plural(entry.upvotes, 'upvote')}")
    if entry.authors is not None:
        meta.append(plural(entry.authors, "author"))
    if entry.organization:
        meta.append(strip_controls(entry.organization))
    if meta:
        out.append(" · ".join(meta), style="dim")
        out.append("\n")
    flags = []
    flags.append("read" if state.read else "unread")
    if state.starred:
        flags.append("★ starred")
    out.append(" · ".join(flags))
    out.append(f" · id {entry.id[:10]}", style="dim")
    out.append("\n\n")
    out.append("Open (o)  ", style="bold")
    out.append("Hugging Face papers search for the title", style="dim")
    for link in web_links(entry):
        out.append("\n          ")
        out.append(link, style="underline")
    out.append("\n\n")
    if state.note:
        out.append("Note\n", style="bold")
        out.append(strip_controls(state.note, keep_newlines=True))
        out.append("\n\n")
    out.append("Abstract\n", style="bold")
    if abstract is None:
        out.append("loading…", style="dim italic")
    elif abstract.strip():
        out.append(strip_controls(abstract, keep_newlines=True))
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
    ]

    DEFAULT_CSS = """
    PaperDetails {
        padding: 0 1;
        & > #details-body { width: 1fr; }
    }
    """

    def __init__(self, library: Library, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._library = library
        self.paper_id: str | None = None
        """The paper shown."""
        self._following: str | None = None
        self._timer: Timer | None = None

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

    def _catch_up(self) -> None:
        pid = self._following
        if pid != self.paper_id or pid is None:
            self.show_paper(pid)

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
        self.query_one("#details-body", Static).update(details_text(entry, state, abstract))
        if not keep_scroll:
            self.scroll_home(animate=False)

    @property
    def text(self) -> str:
        content = self.query_one("#details-body", Static).content
        return content.plain if isinstance(content, Text) else str(content)
