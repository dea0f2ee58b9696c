"""Command palette (``ctrl+p``): every action of the reading queue, by name."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Protocol, runtime_checkable

from textual.command import DiscoveryHit, Hit, Hits, Provider

from readq.text import plural
from readq.tui.keymap import Command, palette_commands


@runtime_checkable
class PaletteHost(Protocol):
    """A screen that runs the reading-queue commands (the main screen)."""

    @property
    def starred_count(self) -> int: ...

    @property
    def undo_label(self) -> str: ...

    async def run_command(self, cmd: Command) -> None:
        """Run ``cmd`` on the node of its scope (the app, the screen, the list)."""
        ...


class ReadqCommands(Provider):
    """Yields the reading-queue actions; only on the main screen."""

    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        screen = self.screen
        if not isinstance(screen, PaletteHost):
            return []
        out: list[tuple[str, Callable[[], object], str]] = []
        for cmd in palette_commands():
            title = cmd.title
            if cmd.action == "export":
                title = f"Export {plural(screen.starred_count, 'starred paper')}"
            if cmd.action == "undo" and screen.undo_label:
                title = f"Undo {screen.undo_label}"
            help_text = cmd.help[:1].upper() + cmd.help[1:]
            if cmd.keys:
                help_text += f" ({cmd.key_display})"
            out.append((title, partial(screen.run_command, cmd), help_text))
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
