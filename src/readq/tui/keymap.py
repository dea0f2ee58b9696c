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
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "less_than_sign": "<",
    "greater_than_sign": ">",
}
_HELP_GROUPS = ("Triage", "Move", "Views", "Papers", "App")
"""The order of the ``?`` screen: what you do most first."""


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

    @property
    def id(self) -> str:
        """The binding id, for ``[keys]`` in the config: ``toggle-read``, ``view-inbox``."""
        name = self.action.replace("('", "-").replace("')", "")
        return name.replace("_", "-")

    def binding(self) -> Binding:
        first = self.keys.split(",")[0]
        return Binding(
            self.keys,
            self.action,
            self.label,
            show=self.footer,
            key_display=_KEY_NAMES.get(first),
            tooltip=self.help,
            id=self.id,
        )


COMMANDS: tuple[Command, ...] = (
    # Move
    Command("cursor_down", "j,down", "Down", "", "move down", "Move", "list"),
    Command("cursor_up", "k,up", "Up", "", "move up", "Move", "list"),
    Command("page_down", "pagedown,ctrl+f", "Page down", "", "one page down", "Move", "list"),
    Command("page_up", "pageup,ctrl+b", "Page up", "", "one page up", "Move", "list"),
    Command("first", "g,home", "First", "First paper", "first paper", "Move", "list"),
    Command("last", "G,end", "Last", "Last paper", "last paper", "Move", "list"),
    Command("half_down", "ctrl+d", "Half down", "", "half a page down", "Move", "list"),
    Command("half_up", "ctrl+u", "Half up", "", "half a page up", "Move", "list"),
    Command(
        "next_new", "right_square_bracket", "Next new", "Next new paper", "next new paper", "Move"
    ),
    Command(
        "previous_new",
        "left_square_bracket",
        "Previous new",
        "Previous new paper",
        "previous new paper",
        "Move",
    ),
    Command(
        "details",
        "enter",
        "Details",
        "Show / focus details",
        "focus the detail pane (again, or escape: back to the list)",
        "Move",
    ),
    Command("back", "escape", "Back", "", "back to the list", "Move"),
    Command(
        "zoom",
        "z",
        "Zoom",
        "Zoom the detail pane",
        "the detail pane full screen, and back (q or escape: back too)",
        "Move",
    ),
    Command(
        "toggle_details",
        "D",
        "Details",
        "Show / hide the detail pane",
        "show / hide the detail pane (remembered)",
        "Views",
    ),
    Command(
        "narrower",
        "less_than_sign",
        "Narrower",
        "List narrower",
        "give the list less room",
        "Views",
    ),
    Command(
        "wider", "greater_than_sign", "Wider", "List wider", "give the list more room", "Views"
    ),
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
        "cycle the sort: new first, date, upvotes, title, added, trending",
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
        "edit the note (ctrl+s saves; escape asks before dropping a change)",
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
        "undo the last change or import (as readq undo)",
        "Triage",
        footer=True,
    ),
    Command("redo", "ctrl+r", "Redo", "Redo", "redo (as readq redo)", "Triage"),
    # Papers
    Command(
        "open_paper",
        "o",
        "Open",
        "Open in browser",
        "open in the browser: Hugging Face page, arXiv, PDF, code (1-9 pick)",
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
    """The rows of the ``?`` screen: every command that has a key, Triage first."""
    rows = [c for c in COMMANDS if c.keys and c.action != "back"]
    known = {g: i for i, g in enumerate(_HELP_GROUPS)}
    return sorted(rows, key=lambda c: known.get(c.group, len(known)))  # stable in a group


def keymap_ids() -> set[str]:
    """The ids a ``[keys]`` table may rebind."""
    return {c.id for c in COMMANDS if c.keys}


__all__ = ["COMMANDS", "Command", "bindings", "help_rows", "keymap_ids", "palette_commands"]
