"""Adding papers: paste a whole copied page or a saved ``/api/daily_papers`` response
(or type the path of a file holding one), see what was parsed, then save. Text that is
not a listing (Markdown, code, a table: ``readq.listing.refusal``) is refused, as
``readq add`` refuses it, unless the user adds it anyway."""

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
    refusal: str = ""
    """Why the text is not a listing (``readq.listing.refusal``); "" when it is one."""

    def summary(self) -> str:
        if self.error:
            return self.error
        if self.refusal:
            text = f"Not a papers page: {self.refusal}. ctrl+y adds it anyway."
            return " ".join(text.split())  # one line, whatever the reason holds
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


def _api_json(text: str, path: Path | None) -> bytes | None:
    """The bytes of a saved ``/api/daily_papers`` response (pasted, or the file named),
    as ``readq add`` recognises one (a ``.json`` file, or JSON of that shape); else None."""
    from readq.listing.hf_api import looks_like_api_response

    if path is None:
        data = text.encode("utf-8", "surrogatepass")
        return data if looks_like_api_response(data) else None
    with path.open("rb") as f:
        head = f.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if path.suffix.lower() != ".json" and head not in (b"[", b"{"):
        return None
    data = path.read_bytes()
    return data if path.suffix.lower() == ".json" or looks_like_api_response(data) else None


def _parse(text: str, path: Path | None) -> tuple[list[Paper], int, str]:
    """(papers, lines skipped, why it is not a listing or "")."""
    from readq import listing
    from readq.listing.hf_api import parse_daily_papers

    data = _api_json(text, path)
    if data is not None:
        result = parse_daily_papers(data, source=str(path) if path else "the pasted text")
        return [p.to_paper() for p in result.papers], len(result.warnings), ""
    ev = listing.Evidence()
    found = listing.parse_file(path, evidence=ev) if path else listing.parse_text(text, evidence=ev)
    return found.papers, len(found.warnings), listing.refusal(found.papers, ev) or ""


def preview(text: str, entries: Mapping[str, Entry]) -> Preview:
    """Parse pasted text or the file it names (pure; called from a worker)."""
    path = looks_like_path(text)
    source = f"file {path}" if path else "pasted text"
    try:
        papers, skipped, why = _parse(text, path)
    except ReadqError as err:
        return Preview([], 0, 0, 0, source, error=str(err))
    except OSError as err:
        return Preview([], 0, 0, 0, source, error=f"{path}: {err.strerror or err}")
    unique = {p.id for p in papers}
    known = sum(1 for pid in unique if pid in entries)
    return Preview(papers, len(unique), known, skipped, source, refusal=why)


class AddPapersScreen(ModalScreen[list[Paper] | None]):
    """Returns the parsed papers to import, or None."""

    BINDINGS = [
        Binding("ctrl+s", "add", "Add", priority=True),
        Binding("ctrl+y", "add_anyway", "Add anyway", priority=True),
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
                yield Button("Add anyway (ctrl+y)", variant="warning", id="add-anyway")
                yield Button("Cancel (escape)", id="cancel")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()
        self.query_one("#add-anyway", Button).display = False

    @on(TextArea.Changed, "#add-text")
    def _changed(self) -> None:
        self._gen += 1
        self._offer(None)
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
        found = self.preview = message.preview
        ok = bool(found.papers)
        style = "red" if found.error else "yellow" if found.refusal else "bold" if ok else "dim"
        self.query_one("#add-preview", Static).update(Text(found.summary(), style=style))
        self._offer(found if ok else None)

    def _offer(self, found: Preview | None) -> None:
        """Add for a listing, Add anyway for what is not one, neither for nothing."""
        refused = found is not None and bool(found.refusal)
        self.query_one("#add", Button).disabled = found is None or refused
        self.query_one("#add", Button).display = not refused
        self.query_one("#add-anyway", Button).display = refused

    def action_add(self) -> None:
        found = self.preview
        if found and found.papers and not self.query_one("#add", Button).disabled:
            self.dismiss(found.papers)

    def action_add_anyway(self) -> None:
        found = self.preview
        if found and found.papers and self.query_one("#add-anyway", Button).display:
            self.dismiss(found.papers)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "add":
            self.action_add()
        elif event.button.id == "add-anyway":
            self.action_add_anyway()
        else:
            self.action_cancel()
