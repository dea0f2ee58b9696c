"""Choosing which link of a paper to open, and showing text the user has to copy by
hand (when no clipboard or browser could be confirmed)."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static, TextArea
from textual.widgets.option_list import Option

from readq.links import paper_links
from readq.models import Entry
from readq.tui.queue import display_text


def copy_link(entry: Entry) -> str:
    """The link ``y`` copies: arXiv when known, else the paper's first own link, else
    the Hugging Face search."""
    links = paper_links(entry)
    by_label = dict(links)
    if "arXiv" in by_label:
        return by_label["arXiv"]
    own = [url for label, url in links if label != "Hugging Face search"]
    return own[0] if own else links[0][1]


class LinkPicker(ModalScreen[str | None]):
    """``enter`` or the number key of a link opens it."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, links: list[tuple[str, str]]) -> None:
        super().__init__()
        self.paper_title = title
        self.choices = links

    @property
    def links(self) -> list[str]:
        return [url for _, url in self.choices]

    def compose(self) -> ComposeResult:
        with Vertical(id="links-dialog", classes="dialog"):
            yield Static(Text("Open in the browser", style="bold"), classes="dialog-title")
            yield Static(
                Text(display_text(self.paper_title), style="italic"), classes="dialog-subtitle"
            )
            width = max(len(label) for label, _ in self.choices)
            options = [
                Option(
                    Text.assemble(
                        (f"{i} " if i <= 9 else "  ", "bold"),
                        (f"{label:<{width}}  ", "bold"),
                        display_text(url),
                    )
                )
                for i, (label, url) in enumerate(self.choices, 1)
            ]
            yield OptionList(*options, id="links")
            yield Static(
                Text.assemble(
                    ("1-9", "bold"),
                    " or ",
                    ("enter", "bold"),
                    " open   ",
                    ("escape", "bold"),
                    " cancel",
                ),
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        self.set_focus(self.query_one(OptionList))

    def on_key(self, event: events.Key) -> None:
        if event.character and event.character in "123456789":
            n = int(event.character)
            if n <= len(self.choices):
                event.stop()
                self.dismiss(self.choices[n - 1][1])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.choices[event.option_index][1])

    def action_cancel(self) -> None:
        self.dismiss(None)


class CopyByHand(ModalScreen[None]):
    """Text readq could not confirm it copied (or a URL no browser opened): shown
    selected, to copy with the terminal's own selection."""

    BINDINGS = [Binding("escape", "close", "Close", priority=True)]

    def __init__(self, title: str, detail: str, text: str) -> None:
        super().__init__()
        self.title_text = title
        self.detail = detail
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(id="copy-dialog", classes="dialog"):
            yield Static(Text(self.title_text, style="bold"), classes="dialog-title")
            if self.detail:
                yield Static(Text(self.detail), id="copy-detail", classes="dialog-subtitle")
            yield TextArea(self.text, id="copy-text", read_only=True, soft_wrap=True)
            yield Static(
                Text.assemble(
                    "select it with the mouse (shift+drag in most terminals)   ",
                    ("escape", "bold"),
                    " close",
                ),
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        self.set_focus(area)
        area.select_all()

    def action_close(self) -> None:
        self.dismiss(None)
