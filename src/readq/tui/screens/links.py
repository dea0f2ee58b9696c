"""Choosing which link of a paper to open."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from readq.tui.queue import display_text


class LinkPicker(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, links: list[str]) -> None:
        super().__init__()
        self.paper_title = title
        self.links = links

    def compose(self) -> ComposeResult:
        with Vertical(id="links-dialog", classes="dialog"):
            yield Static(Text("Open in the browser", style="bold"), classes="dialog-title")
            yield Static(
                Text(display_text(self.paper_title), style="italic"), classes="dialog-subtitle"
            )
            options = [Option(Text.assemble(("Hugging Face search  ", "bold"), self.links[0]))]
            options += [Option(Text(link)) for link in self.links[1:]]
            yield OptionList(*options, id="links")
            yield Static(
                Text.assemble(("enter", "bold"), " open   ", ("escape", "bold"), " cancel"),
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.links[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)
