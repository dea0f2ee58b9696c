"""Editing a paper's note in a modal text editor (``ctrl+s`` saves, ``escape`` cancels)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea

from readq.tui.queue import display_text


class NoteEditor(ModalScreen[str | None]):
    """Returns the new note text, or None when cancelled."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "cancel", "Cancel", priority=True),
    ]

    def __init__(self, paper_id: str, title: str, note: str) -> None:
        super().__init__()
        self.paper_id = paper_id
        self.paper_title = title
        self.initial = note

    def compose(self) -> ComposeResult:
        with Vertical(id="note-dialog", classes="dialog"):
            yield Static(Text("Note", style="bold"), classes="dialog-title")
            yield Static(
                Text(display_text(self.paper_title), style="italic"),
                id="note-paper",
                classes="dialog-subtitle",
            )
            yield TextArea(self.initial, id="note-text", soft_wrap=True, tab_behavior="indent")
            yield Static(
                Text.assemble(("ctrl+s", "bold"), " save   ", ("escape", "bold"), " cancel"),
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        self.set_focus(area)  # at once: ``focus()`` waits a turn and loses typed keys
        area.move_cursor(area.document.end)

    def type_ahead(self, text: str) -> bool:
        """A key typed right after ``n``, already on its way to the list: it belongs in
        the note (see ``readq.tui.typeahead``)."""
        self.query_one(TextArea).insert(text)
        return True

    @property
    def text(self) -> str:
        return self.query_one(TextArea).text

    @property
    def changed(self) -> bool:
        return self.text != self.initial

    def action_save(self) -> None:
        self.dismiss(self.text)

    def action_cancel(self) -> None:
        self.dismiss(None)
