"""Reaching outside the terminal honestly: ``o`` opens a link in a browser and ``y``
copies, each on a worker thread, and each says what really happened. When nothing can
be confirmed (no browser here, no clipboard tool, only OSC 52 sent), the text is shown
to copy by hand."""

from __future__ import annotations

from collections.abc import Callable

from textual import work

from readq import browser, clipboard
from readq.browser import OpenResult
from readq.clipboard import CopyResult
from readq.links import paper_links
from readq.tui.queue import display_text
from readq.tui.screens.links import CopyByHand, LinkPicker, copy_link
from readq.tui.screens.queue_screen import QueueScreen


class OutsideActions(QueueScreen):
    """``o`` and ``y`` (bound in ``keymap``)."""

    def terminal_writer(self) -> Callable[[str], object] | None:
        """Writes an escape sequence (OSC 52) to the terminal unchanged, from a thread."""
        driver = self.app._driver
        if driver is None:
            return None

        def write(sequence: str) -> None:
            self.app.call_from_thread(driver.write, sequence)

        return write

    # -- open ----------------------------------------------------------------------------

    def action_open_paper(self) -> None:
        pid = self.paper_list.highlighted
        if pid is None or getattr(self.app, "_exit", False):
            return
        entry = self.session.library.entries[pid]
        links = paper_links(entry)
        if len(links) == 1:
            self.open_link(links[0][1])
            return

        def chosen(url: str | None) -> None:
            if url:
                self.open_link(url)

        self.app.push_screen(LinkPicker(entry.title, links), chosen)

    @work(thread=True, group="browser", exit_on_error=False, description="open link")
    def open_link(self, url: str) -> None:
        """Start a browser (blocks up to a second per launcher: on a thread). With no
        browser here, the URL is copied and shown instead."""
        result = browser.open_url(url)
        copied = None
        if not result.opened:
            copied = clipboard.copy_text(url, osc52_writer=self.terminal_writer())
        self.app.call_from_thread(self._opened, result, copied)

    def _opened(self, result: OpenResult, copied: CopyResult | None) -> None:
        if result.opened:
            self.say(f"{result.message}: {result.url}", timeout=4)
            return
        if copied is not None and copied.confirmed:
            self.say(
                f"{result.message} (copied with {copied.worked[0]})",
                severity="warning",
                timeout=10,
            )
            return
        detail = result.reason or "no browser"
        if copied is not None and copied.osc52_sent:
            detail += "; sent to the terminal clipboard (OSC 52), which cannot be confirmed"
        self.app.push_screen(
            CopyByHand("No browser here: open this link yourself", detail, result.url)
        )

    # -- copy ----------------------------------------------------------------------------

    def action_copy_paper(self) -> None:
        pid = self.paper_list.highlighted
        if pid is None:
            return
        entry = self.session.library.entries[pid]
        self.copy(f"{display_text(entry.title)}\n{copy_link(entry)}")

    @work(thread=True, group="clipboard", exit_on_error=False, description="copy")
    def copy(self, text: str) -> None:
        """Copy with a clipboard tool (may block up to two seconds: on a thread), else
        OSC 52 through the terminal."""
        result = clipboard.copy_text(text, osc52_writer=self.terminal_writer())
        self.app.call_from_thread(self._copied, result)

    def _copied(self, result: CopyResult) -> None:
        if result.confirmed:
            self.say(f"{result.message}: the title and link.", timeout=3)
            return
        if result.osc52_sent:  # sent, cannot be confirmed: the text stays on screen
            self.say(result.message, title="Copy not confirmed", severity="warning", timeout=15)
            return
        self.app.push_screen(
            CopyByHand("Could not copy", result.message.partition("; the text is")[0], result.text)
        )
