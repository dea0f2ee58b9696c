"""Adding papers: paste a whole copied page (or type a file path), see what was parsed,
then save."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Button, Static, TextArea

from readq.errors import ReadqError
from readq.models import Entry, Paper
from readq.text import plural


@dataclass
class Preview:
    papers: list[Paper]
    unique: int  # distinct papers (a copied page may list a paper twice)
    known: int
    warnings: int
    source: str  # "pasted text" or the file path
    error: str = ""

    def summary(self) -> str:
        if self.error:
            return self.error
        if not self.papers:
            return f"No papers found in the {self.source}."
        text = f"{plural(self.unique, 'paper')} in the {self.source}"
        if self.known:
            text += f", {self.known:,} already known"
        new = self.unique - self.known
        text += f" — {new:,} new"
        if self.warnings:
            text += f" ({plural(self.warnings, 'line')} skipped)"
        return text + "."


def looks_like_path(text: str) -> Path | None:
    """A single line naming an existing file (``~`` expanded), else None."""
    line = text.strip()
    if not line or "\n" in line or len(line) > 4096:
        return None
    path = Path(os.path.expanduser(line.strip("'\"")))
    try:
        return path if path.is_file() else None
    except OSError:
        return None


def preview(text: str, entries: Mapping[str, Entry]) -> Preview:
    """Parse pasted text or the file it names (pure; called from a worker)."""
    from readq import listing

    path = looks_like_path(text)
    source = f"file {path}" if path else "pasted text"
    try:
        result = listing.parse_file(path) if path else listing.parse_text(text)
    except ReadqError as err:
        return Preview([], 0, 0, 0, source, error=str(err))
    unique = {p.id for p in result.papers}
    known = sum(1 for pid in unique if pid in entries)
    return Preview(result.papers, len(unique), known, len(result.warnings), source)


class AddPapersScreen(ModalScreen[list[Paper] | None]):
    """Returns the parsed papers to import, or None."""

    BINDINGS = [
        Binding("ctrl+s", "add", "Add", priority=True),
        Binding("escape", "cancel", "Cancel", priority=True),
    ]

    class Parsed(Message):
        def __init__(self, generation: int, preview: Preview) -> None:
            super().__init__()
            self.generation = generation
            self.preview = preview

    def __init__(self, entries: Mapping[str, Entry]) -> None:
        super().__init__()
        self.entries = entries
        self.preview: Preview | None = None
        self._gen = 0
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="add-dialog", classes="dialog"):
            yield Static(Text("Add papers", style="bold"), classes="dialog-title")
            yield Static(
                Text(
                    "Paste a whole copied Hugging Face papers page here, or type "
                    "the path of a file that holds one."
                ),
                classes="dialog-subtitle",
            )
            yield TextArea("", id="add-text", soft_wrap=True)
            yield Static(Text("Nothing to add yet.", style="dim"), id="add-preview")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Add (ctrl+s)", variant="primary", id="add", disabled=True)
                yield Button("Cancel (escape)", id="cancel")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    @on(TextArea.Changed, "#add-text")
    def _changed(self) -> None:
        self._gen += 1
        self.query_one("#add", Button).disabled = True
        self.query_one("#add-preview", Static).update(Text("Reading…", style="dim italic"))
        if self._timer is not None:
            self._timer.stop()
        gen = self._gen
        self._timer = self.set_timer(0.2, lambda: self._parse(gen, self.text))

    @property
    def text(self) -> str:
        return self.query_one(TextArea).text

    def type_ahead(self, text: str) -> bool:
        """Keys (or a paste) that arrived in the same burst as ``a``, before this dialog
        was on screen: they belong in the text box (see ``readq.tui.typeahead``)."""
        self.query_one(TextArea).insert(text)
        return True

    @work(thread=True, exclusive=True, group="parse", exit_on_error=False, description="parse")
    def _parse(self, gen: int, text: str) -> None:
        self.post_message(self.Parsed(gen, preview(text, self.entries)))

    @on(Parsed)
    def _parsed(self, message: Parsed) -> None:
        if message.generation != self._gen:
            return
        self.preview = message.preview
        ok = bool(message.preview.papers)
        style = "bold" if ok else ("red" if message.preview.error else "dim")
        self.query_one("#add-preview", Static).update(Text(message.preview.summary(), style=style))
        self.query_one("#add", Button).disabled = not ok

    def action_add(self) -> None:
        if (
            self.preview is not None
            and self.preview.papers
            and not self.query_one("#add", Button).disabled
        ):
            self.dismiss(self.preview.papers)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "add":
            self.action_add()
        else:
            self.action_cancel()
