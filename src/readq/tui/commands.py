"""Command palette (``ctrl+p``): every action of the reading queue, by name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from readq.tui.screens.main import MainScreen


@dataclass(frozen=True)
class PaletteCommand:
    title: str
    action: str
    help: str


COMMANDS: tuple[PaletteCommand, ...] = (
    PaletteCommand("View: Inbox", "view('inbox')", "Unread papers (1)"),
    PaletteCommand("View: Starred", "view('starred')", "Starred papers (2)"),
    PaletteCommand("View: Read", "view('read')", "Papers you have read (3)"),
    PaletteCommand("View: All", "view('all')", "Every paper (4)"),
    PaletteCommand("Next view", "next_view", "tab"),
    PaletteCommand("Previous view", "previous_view", "shift+tab"),
    PaletteCommand("Cycle sort order", "cycle_sort", "date, upvotes, title, added (S)"),
    PaletteCommand("Filter the view", "focus_filter", "Type to filter as you type (/)"),
    PaletteCommand("Clear the filter", "clear_filter", "Show the whole view again (escape)"),
    PaletteCommand("Toggle read", "toggle_read", "Then move to the next paper (r)"),
    PaletteCommand("Toggle star", "toggle_star", "(s)"),
    PaletteCommand("Edit note", "edit_note", "In a text editor here (n)"),
    PaletteCommand("Edit note in $EDITOR", "edit_note_external", "Your own editor (N)"),
    PaletteCommand("Mark / unmark for a bulk action", "toggle_mark", "(space)"),
    PaletteCommand("Clear marks", "clear_marks", "Unmark every paper"),
    PaletteCommand("Mark all in view read", "mark_all_read",
                   "Every paper of the current (filtered) view (A)"),
    PaletteCommand("Undo", "undo", "The last change (u)"),
    PaletteCommand("Redo", "redo", "(ctrl+r)"),
    PaletteCommand("Open in browser", "open_paper", "Hugging Face search or a link (o)"),
    PaletteCommand("Copy title and link", "copy_paper", "To the clipboard (y)"),
    PaletteCommand("Add papers", "add_papers", "Paste a copied page or a file path (a)"),
    PaletteCommand("Export starred papers", "export", "To a Markdown file (e)"),
    PaletteCommand("Show / focus details", "details", "The highlighted paper (enter)"),
    PaletteCommand("First paper", "first", "(g)"),
    PaletteCommand("Last paper", "last", "(G)"),
    PaletteCommand("Help", "app.help", "Every key (?)"),
    PaletteCommand("Quit", "app.quit", "(q)"),
)


class ReadqCommands(Provider):
    """Yields the reading-queue actions; only on the main screen."""

    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        from readq.tui.screens.main import MainScreen

        screen = self.screen
        if not isinstance(screen, MainScreen):
            return []
        out = []
        for cmd in COMMANDS:
            title = cmd.title
            if cmd.action == "export":
                title = f"Export {screen.starred_count} starred papers"
            if cmd.action == "undo" and screen.undo_label:
                title = f"Undo {screen.undo_label}"
            out.append((title, partial(_run, screen, cmd.action), cmd.help))
        return out

    async def discover(self) -> Hits:
        for title, callback, help_text in self._commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, callback, help_text in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)


async def _run(screen: MainScreen, action: str) -> None:
    await screen.run_action(action)
