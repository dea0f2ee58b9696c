"""The ``?`` screen: every key, grouped, from the one table in ``keymap.COMMANDS``."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from readq.tui.keymap import help_rows


def keys_table() -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(justify="right", style="bold", no_wrap=True)
    table.add_column()
    group = None
    for cmd in help_rows():
        if cmd.group != group:
            if group is not None:
                table.add_row("", "")
            table.add_row(Text(cmd.group, style="bold underline"), "")
            group = cmd.group
        table.add_row(Text(cmd.key_display), Text(cmd.help))
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,question_mark", "close", "Close"),
        Binding("j,down", "scroll('down')", show=False),
        Binding("k,up", "scroll('up')", show=False),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-dialog", classes="dialog"):
            yield Static(Text("readq keys", style="bold"), classes="dialog-title")
            yield Static(keys_table(), id="help-keys")
            yield Static(
                Text(
                    "\nFilter syntax: words match titles, abstracts and organisations (typos "
                    'forgiven); "a phrase"; -word excludes; is:starred, is:read, is:new, '
                    "has:note.\n"
                    "New papers (✦) arrived since your previous session; ] jumps to the next.\n"
                    "Bulk actions (r, s) apply to marked papers when any are marked.\n"
                    "Every change is saved at once; changes made by another readq show up "
                    "within a few seconds.",
                    style="dim",
                )
            )
            yield Static(Text.assemble(("escape", "bold"), " close"), classes="dialog-hint")

    def action_close(self) -> None:
        self.dismiss(None)

    def action_scroll(self, direction: str) -> None:
        scroller = self.query_one("#help-dialog", VerticalScroll)
        if direction == "down":
            scroller.scroll_down(animate=False)
        else:
            scroller.scroll_up(animate=False)
