"""Command palette (``ctrl+p``): every action of the reading queue, by name."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from readq.tui.keymap import Command, palette_commands

if TYPE_CHECKING:
    from readq.tui.screens.main import MainScreen


class ReadqCommands(Provider):
    """Yields the reading-queue actions; only on the main screen."""

    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        from readq.tui.screens.main import MainScreen

        screen = self.screen
        if not isinstance(screen, MainScreen):
            return []
        out = []
        for cmd in palette_commands():
            title = cmd.title
            if cmd.action == "export":
                title = f"Export {screen.starred_count} starred papers"
            if cmd.action == "undo" and screen.undo_label:
                title = f"Undo {screen.undo_label}"
            help_text = cmd.help[:1].upper() + cmd.help[1:]
            if cmd.keys:
                help_text += f" ({cmd.key_display})"
            out.append((title, partial(_run, screen, cmd), help_text))
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


async def _run(screen: MainScreen, cmd: Command) -> None:
    node = {"app": screen.app, "list": screen.paper_list}.get(cmd.scope, screen)
    await node.run_action(cmd.action)
