"""The detail pane: title, metadata, links, note and abstract of one paper.

Paper text is untrusted, so everything is assembled as ``rich.text.Text`` (never a
markup string): brackets, ``[@click=...]`` and the like show literally.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from readq.models import Entry, PaperState
from readq.text import strip_controls
from readq.tui.queue import long_date, plural, web_links


def details_text(entry: Entry | None, state: PaperState, abstract: str | None) -> Text:
    """The pane's whole content (``abstract`` None: still loading)."""
    if entry is None:
        return Text("No paper here.", style="dim italic")
    out = Text()
    out.append(strip_controls(entry.title) or "(untitled)", style="bold")
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
    """A scrollable, wrapping view of the highlighted paper."""

    BINDINGS = [
        Binding("j,down", "scroll_down", "Scroll down", show=False),
        Binding("k,up", "scroll_up", "Scroll up", show=False),
        Binding("g,home", "scroll_home", "Top", show=False),
        Binding("G,end", "scroll_end", "Bottom", show=False),
    ]

    HELP = ("## Details\n\nThe highlighted paper. `j`/`k` scroll; `enter` or `escape`: "
            "back to the list.")

    DEFAULT_CSS = """
    PaperDetails {
        padding: 0 1;
        & > #details-body { width: 1fr; }
    }
    """

    def compose(self) -> ComposeResult:
        yield Static(Text(""), id="details-body")

    def show(self, entry: Entry | None, state: PaperState, abstract: str | None,
             *, keep_scroll: bool = False) -> None:
        self.query_one("#details-body", Static).update(details_text(entry, state, abstract))
        if not keep_scroll:
            self.scroll_home(animate=False)

    @property
    def text(self) -> str:
        content = self.query_one("#details-body", Static).content
        return content.plain if isinstance(content, Text) else str(content)
