"""A yes/no question, and a question with a few answers (:class:`ChoiceScreen`)."""

from __future__ import annotations

from typing import Literal

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class ConfirmScreen(ModalScreen[bool]):
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", show=False),
        Binding("n,escape", "answer(False)", "No", show=False),
    ]

    def __init__(
        self, question: str, detail: str = "", *, yes: str = "Yes", no: str = "Cancel"
    ) -> None:
        super().__init__()
        self.question = question
        self.detail = detail
        self.yes = yes
        self.no = no

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog", classes="dialog"):
            yield Static(Text(self.question, style="bold"), classes="dialog-title")
            if self.detail:
                yield Static(Text(self.detail), classes="dialog-subtitle")
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.yes} (y)", variant="primary", id="yes")
                yield Button(f"{self.no} (n)", id="no")

    def on_mount(self) -> None:
        self.query_one("#yes", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


class ChoiceScreen(ModalScreen[str]):
    """A question with a few answers, each a button and a key. ``choices`` are
    ``(key, label, value)``; ``default`` is the value whose button has the focus (enter
    picks it). ``escape`` picks the choice whose key is ``escape``, if any."""

    def __init__(
        self,
        question: str,
        detail: str,
        choices: list[tuple[str, str, str]],
        *,
        default: str,
    ) -> None:
        super().__init__()
        self.question = question
        self.detail = detail
        self.choices = choices
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical(id="choice-dialog", classes="dialog"):
            yield Static(Text(self.question, style="bold"), classes="dialog-title")
            if self.detail:
                yield Static(Text(self.detail), classes="dialog-subtitle")
            with Horizontal(classes="dialog-buttons"):
                for key, label, value in self.choices:
                    variant: Literal["primary", "default"] = (
                        "primary" if value == self.default else "default"
                    )
                    yield Button(f"{label} ({key})", variant=variant, id=f"choice-{value}")

    def on_mount(self) -> None:
        for button in self.query(Button):
            if button.id == f"choice-{self.default}":
                self.set_focus(button)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(str(event.button.id).removeprefix("choice-"))

    def on_key(self, event: events.Key) -> None:
        for key, _label, value in self.choices:
            if event.key == key:
                event.stop()
                event.prevent_default()
                self.dismiss(value)
                return
