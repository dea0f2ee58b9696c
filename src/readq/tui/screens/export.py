"""Asking where to export the starred papers."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from readq.text import plural
from readq.tui.export_job import remembered_export_path


class ExportScreen(ModalScreen[Path | None]):
    """Returns the chosen path (confirmed if it exists), or None.

    The field starts with the path of the last export, else ``default``.
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", priority=True)]

    def __init__(self, default: Path, count: int) -> None:
        super().__init__()
        self.default = remembered_export_path(default)
        self.count = count
        self._confirm_overwrite: Path | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="export-dialog", classes="dialog"):
            yield Static(
                Text(f"Export {plural(self.count, 'starred paper')}", style="bold"),
                classes="dialog-title",
            )
            yield Static(
                Text("Write to this file (Markdown; BibTeX if it ends in .bib):"),
                classes="dialog-subtitle",
            )
            yield Input(str(self.default), id="export-path")
            yield Static(Text(""), id="export-warning")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Export (enter)", variant="primary", id="export")
                yield Button("Cancel (escape)", id="cancel")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Changed)
    def _changed(self) -> None:
        self._confirm_overwrite = None
        self.query_one("#export-warning", Static).update(Text(""))

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self._export()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "export":
            self._export()
        else:
            self.dismiss(None)

    def _export(self) -> None:
        raw = self.query_one(Input).value.strip()
        warning = self.query_one("#export-warning", Static)
        if not raw:
            warning.update(Text("Give a file name.", style="red"))
            return
        path = Path(raw).expanduser()
        if not path.is_absolute():
            path = Path.cwd() / path
        if path.is_dir():
            warning.update(Text(f"{path} is a directory; give a file name.", style="red"))
            return
        if path.exists() and self._confirm_overwrite != path:
            self._confirm_overwrite = path
            warning.update(
                Text("That file exists: press enter again to replace it.", style="bold yellow")
            )
            return
        self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(None)
