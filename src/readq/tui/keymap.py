"""Every action of the reading queue, once: its keys, its footer label, its palette title
and its one-line help. The bindings (app, main screen, paper list), the ``?`` screen and
the command palette are all generated from :data:`COMMANDS`, so they cannot disagree."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from textual.binding import Binding, BindingType

Scope = Literal["app", "screen", "list"]

_KEY_NAMES = {
    "slash": "/",
    "question_mark": "?",
    "down": "↓",
    "up": "↑",
}


@dataclass(frozen=True)
class Command:
    action: str
    """The Textual action, run on the scope's node (the app, the main screen, the list)."""
    keys: str
    """Textual key names, comma-separated; empty when the palette is the only way in."""
    label: str
    """Short, for the footer."""
    title: str
    """For the command palette; empty keeps the command out of the palette."""
    help: str
    """One line for the ``?`` screen and the palette."""
    group: str
    scope: Scope = "screen"
    footer: bool = False

    @property
    def key_display(self) -> str:
        """The keys as a person writes them: ``j / ↓``."""
        return " / ".join(_KEY_NAMES.get(k, k) for k in self.keys.split(",") if k)

    def binding(self) -> Binding:
        first = self.keys.split(",")[0]
        return Binding(
            self.keys,
            self.action,
            self.label,
            show=self.footer,
            key_display=_KEY_NAMES.get(first),
            tooltip=self.help,
            id=None if "(" in self.action else self.action.replace("_", "-"),
        )


COMMANDS: tuple[Command, ...] = (
    # Move
    Command("cursor_down", "j,down", "Down", "", "move down", "Move", "list"),
    Command("cursor_up", "k,up", "Up", "", "move up", "Move", "list"),
    Command("page_down", "pagedown", "Page down", "", "one page down", "Move", "list"),
    Command("page_up", "pageup", "Page up", "", "one page up", "Move", "list"),
    Command("first", "g,home", "First", "First paper", "first paper", "Move", "list"),
    Command("last", "G,end", "Last", "Last paper", "last paper", "Move", "list"),
    Command(
        "details",
        "enter",
        "Details",
        "Show / focus details",
        "focus the detail pane (again, or escape: back to the list)",
        "Move",
    ),
    Command("back", "escape", "Back", "", "back to the list", "Move"),
    # Views
    Command("view('inbox')", "1", "Inbox", "View: Inbox", "Inbox: unread papers", "Views"),
    Command("view('starred')", "2", "Starred", "View: Starred", "Starred: starred papers", "Views"),
    Command("view('read')", "3", "Read", "View: Read", "Read: papers you have read", "Views"),
    Command("view('all')", "4", "All", "View: All", "All: every paper", "Views"),
    Command("next_view", "tab", "Next view", "Next view", "next view", "Views"),
    Command(
        "previous_view", "shift+tab", "Previous view", "Previous view", "previous view", "Views"
    ),
    Command(
        "cycle_sort",
        "S",
        "Sort",
        "Cycle sort order",
        "cycle the sort: date, upvotes, title, added",
        "Views",
    ),
    Command(
        "focus_filter",
        "slash",
        "Filter",
        "Filter the view",
        "filter the current view as you type (enter or ↓: back to the list; escape: clear)",
        "Views",
        footer=True,
    ),
    Command(
        "clear_filter", "", "Clear filter", "Clear the filter", "show the whole view again", "Views"
    ),
    # Triage
    Command(
        "toggle_read",
        "r",
        "Read",
        "Toggle read",
        "toggle read and move to the next paper",
        "Triage",
        footer=True,
    ),
    Command("toggle_star", "s", "Star", "Toggle star", "toggle star", "Triage", footer=True),
    Command(
        "edit_note",
        "n",
        "Note",
        "Edit note",
        "edit the note (ctrl+s saves, escape cancels)",
        "Triage",
        footer=True,
    ),
    Command(
        "edit_note_external",
        "N",
        "Note in $EDITOR",
        "Edit note in $EDITOR",
        "edit the note in $VISUAL / $EDITOR",
        "Triage",
    ),
    Command(
        "toggle_mark",
        "space",
        "Mark",
        "Mark / unmark for a bulk action",
        "mark / unmark for a bulk action",
        "Triage",
    ),
    Command("clear_marks", "", "Clear marks", "Clear marks", "unmark every paper", "Triage"),
    Command(
        "mark_all_read",
        "A",
        "All read",
        "Mark all in view read",
        "mark every paper in the view (as filtered) read",
        "Triage",
    ),
    Command(
        "undo",
        "u",
        "Undo",
        "Undo",
        "undo the last change (again: the one before)",
        "Triage",
        footer=True,
    ),
    Command("redo", "ctrl+r", "Redo", "Redo", "redo", "Triage"),
    # Papers
    Command(
        "open_paper",
        "o",
        "Open",
        "Open in browser",
        "open in the browser (Hugging Face search, or a link from the abstract)",
        "Papers",
    ),
    Command("copy_paper", "y", "Copy", "Copy title and link", "copy the title and link", "Papers"),
    Command(
        "add_papers",
        "a",
        "Add",
        "Add papers",
        "add papers: paste a copied page or type a file path",
        "Papers",
        footer=True,
    ),
    Command(
        "export",
        "e",
        "Export",
        "Export starred papers",
        "export starred papers to Markdown",
        "Papers",
        footer=True,
    ),
    # feat-trust: fetch today's papers
    Command(
        "fetch_today",
        "F",
        "Fetch",
        "Fetch today's papers from Hugging Face",
        "fetch today's papers from Hugging Face and add them",
        "Papers",
    ),
    # App
    Command(
        "command_palette",
        "ctrl+p",
        "Palette",
        "",
        "command palette: every action by name",
        "App",
        "app",
    ),
    Command(
        "quit",
        "q",
        "Quit",
        "Quit",
        "quit (every change is already saved)",
        "App",
        "app",
        footer=True,
    ),
    Command(
        "help", "question_mark", "Help", "Help", "this help (every key)", "App", "app", footer=True
    ),
)

_BUILT_IN = {"command_palette"}  # Textual binds it itself (App.COMMAND_PALETTE_BINDING)


def bindings(scope: Scope) -> list[BindingType]:
    """The key bindings of one scope, in table order."""
    return [
        c.binding() for c in COMMANDS if c.scope == scope and c.keys and c.action not in _BUILT_IN
    ]


def palette_commands() -> list[Command]:
    """The commands offered by ``ctrl+p`` (those with a palette title)."""
    return [c for c in COMMANDS if c.title]


def help_rows() -> list[Command]:
    """The rows of the ``?`` screen: every command that has a key."""
    return [c for c in COMMANDS if c.keys and c.action != "back"]


__all__ = ["COMMANDS", "Command", "bindings", "help_rows", "palette_commands"]
