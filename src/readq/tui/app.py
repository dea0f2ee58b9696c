"""The Textual application: wiring, process lifecycle, and ``run_app`` for the CLI."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import signal
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, ClassVar

from textual import events
from textual.app import App, SystemCommand
from textual.binding import BindingType
from textual.screen import Screen

from readq import config
from readq.crashlog import write_crash_log
from readq.errors import ReadqError
from readq.library import Library
from readq.search.index import SearchIndex
from readq.tui.commands import ReadqCommands
from readq.tui.keymap import bindings, keymap_ids
from readq.tui.screens.help import HelpScreen
from readq.tui.screens.main import MainScreen
from readq.tui.screens.note_editor import NoteEditor
from readq.tui.session import Session, Store, crash_dir
from readq.tui.typeahead import deliver
from readq.views import SORTS

__all__ = ["ReadqApp", "run_app", "write_crash_log"]

SIGINT_GRACE = 1.0
"""Seconds after ``$EDITOR`` returns during which SIGINT is ignored: a ctrl+c typed in
the editor was delivered to readq too, and only reaches its handler afterwards."""


class ReadqApp(App[int]):
    """readq's reading queue."""

    CSS_PATH = "readq.tcss"
    TITLE = "readq"
    COMMANDS = App.COMMANDS | {ReadqCommands}
    BINDINGS: ClassVar[list[BindingType]] = bindings("app")
    ENABLE_COMMAND_PALETTE = True
    VERTICAL_BREAKPOINTS = [(0, "-short"), (24, "-roomy")]  # see readq.tcss

    def __init__(
        self,
        library: Library,
        *,
        demo: bool = False,
        today: Callable[[], dt.date] = dt.date.today,
        poll_interval: float = 2.0,
        home: Path | None = None,
        settings: config.Settings | None = None,
    ) -> None:
        super().__init__()
        self.problems: list[str] = []
        """What went wrong with the settings or the session marker (shown on mount)."""
        if settings is None:
            settings, self.problems = config.load_settings(sorts=SORTS)
        try:
            new_since = library.begin_session()
        except OSError as err:
            new_since = ""
            self.problems.append(f"could not record the session start: {err.strerror or err}")
        self.session = Session(
            library,
            today=today,
            home=home,
            demo=demo,
            poll_interval=poll_interval,
            settings=settings,
            new_since=new_since,
        )
        self._theme_ready = False
        self._signals: list[int] = []
        self._resumed_at = -SIGINT_GRACE
        self.crash_log: Path | None = None
        if demo:
            self.sub_title = "demo library (your own library is untouched)"

    # The session's parts, for scripts and tests that drive the app.

    @property
    def library(self) -> Library:
        return self.session.library

    @property
    def store(self) -> Store:
        return self.session.store

    @property
    def index(self) -> SearchIndex:
        return self.session.index

    def get_default_screen(self) -> Screen[Any]:
        return MainScreen(self.session)

    def on_mount(self) -> None:
        self._apply_settings()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
            try:
                loop.add_signal_handler(sig, self._on_signal, sig)
            except (NotImplementedError, RuntimeError, ValueError):  # not the main thread
                continue
            self._signals.append(sig)

    def _apply_settings(self) -> None:
        """Theme and key overrides from the settings; problems become notifications."""
        settings = self.session.settings
        if settings.theme in self.available_themes:
            self.theme = settings.theme
        else:
            self.problems.append(f"unknown theme {settings.theme!r}; using {self.theme}")
        known = keymap_ids()
        unknown = sorted(set(settings.keys) - known)
        if unknown:
            self.problems.append(f"[keys] names no action: {', '.join(unknown)}; ignored")
        keys = {k: v for k, v in settings.keys.items() if k in known}
        if keys:
            self.set_keymap(keys)
        for problem in self.problems:
            self.notify(problem, title="Settings", severity="warning", markup=False, timeout=8)
        self._theme_ready = True

    def watch_theme(self, theme: str) -> None:
        """A theme chosen in the palette is remembered (not in the demo)."""
        if self._theme_ready and not self.session.demo:
            self.session.save_setting("theme", theme, self._setting_failed)

    def _setting_failed(self, message: str) -> None:
        self.call_from_thread(
            self.notify, message, title="Setting not saved", severity="warning", markup=False
        )

    def on_unmount(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in self._signals:
            loop.remove_signal_handler(sig)
        self._signals.clear()
        self.store.shutdown()

    def exit(self, result: int | None = None, return_code: int = 0, message: Any = None) -> None:
        """Leaving with a note open (ctrl+q, a signal): its text stays a draft."""
        self.keep_drafts()
        super().exit(result, return_code, message)

    def keep_drafts(self) -> None:
        for screen in self.screen_stack:
            if isinstance(screen, NoteEditor):
                with contextlib.suppress(Exception):
                    screen.keep_draft_now()

    @contextlib.contextmanager
    def suspend(self) -> Iterator[None]:
        """Hand the terminal to another program (``$EDITOR``)."""
        try:
            with super().suspend():
                yield
        finally:
            self._resumed_at = time.monotonic()

    def _on_signal(self, sig: int) -> None:
        """SIGTERM/SIGHUP/SIGINT: keep a note being edited, then leave cleanly (128+sig).

        SIGHUP (the terminal went away) must not wait on anything that may hang: see
        :func:`readq.tui.leaving.hang_up`."""
        if sig == signal.SIGINT and time.monotonic() - self._resumed_at < SIGINT_GRACE:
            return  # ctrl+c typed in $EDITOR reached readq too (one process group)
        if sig == signal.SIGHUP:
            from readq.tui.leaving import hang_up

            hang_up(self)
            return
        self.save_note_draft()
        self.exit(return_code=128 + sig)

    def save_note_draft(self, timeout: float = 10) -> None:
        """Keep the text of an open note editor as a draft, then try to save it (a
        compare-and-set, see ``Library.set_note``) within ``timeout`` seconds; the draft
        goes once the note is saved."""
        for screen in self.screen_stack:
            if isinstance(screen, NoteEditor) and screen.changed:
                kept = screen.keep_draft_now()
                # leaving anyway; the crash log is for bugs
                with contextlib.suppress(Exception):
                    self.store.submit(
                        self.library.set_note, screen.paper_id, screen.text, screen.base
                    ).result(timeout=timeout)
                    screen.initial = screen.base = screen.text  # saved: nothing to keep
                    if kept and screen.drafts is not None:
                        screen.drafts.delete(screen.paper_id).result(timeout=1)

    @property
    def exiting(self) -> bool:
        """``exit`` was called: the app is on its way out."""
        return bool(self._exit) or self._closing or self._closed

    def push_screen(
        self,
        screen: Screen[Any] | str,
        callback: Any = None,
        wait_for_dismiss: bool = False,
        *,
        mode: str | None = None,
    ) -> Any:
        """No dialog opens once the app is exiting (``q`` then ``n`` typed in one burst
        would mount an editor into a closing app)."""
        if self.exiting:
            return asyncio.get_running_loop().create_future()
        push: Any = super().push_screen
        return push(screen, callback, wait_for_dismiss, mode=mode)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):
            if command.title not in ("Quit", "Keys"):
                yield command

    def on_key(self, event: events.Key) -> None:
        deliver(self.screen, event)  # keys typed in a burst with / n a: see typeahead.py

    def on_paste(self, event: events.Paste) -> None:
        deliver(self.screen, event)

    def _handle_exception(self, error: Exception) -> None:
        """An unexpected error: keep a note being edited as a draft, write a private
        crash log, and exit with status 1, without drawing a traceback over the
        terminal (``run_app`` prints where the log is)."""
        self.keep_drafts()
        self.crash_log = write_crash_log(error, crash_dir(self.library, self.session.demo))
        self._return_code = 1
        if self._exception is None:  # Pilot re-raises it in tests
            self._exception = error
            self._exception_event.set()
        self._close_messages_no_wait()


def run_app(data_dir: Path, *, demo: bool = False) -> int:
    """Open the library at ``data_dir`` and run the reading queue; return the exit code."""
    try:
        # the catalog is served by the search index when it is current (Session)
        library = Library.open(data_dir, lazy_catalog=True)
    except ReadqError as err:
        print(f"readq: {err}", file=sys.stderr)
        return err.exit_code
    app = ReadqApp(library, demo=demo)
    try:
        app.run()
    except Exception as err:  # noqa: BLE001 - Textual already restored the terminal
        log = write_crash_log(err, crash_dir(library, demo))
        print(f"readq: unexpected error ({type(err).__name__})", file=sys.stderr)
        if log:
            print(f"readq: details were written to {log}", file=sys.stderr)
        return 1
    if app.crash_log is not None:
        print(
            f"readq: an unexpected error stopped readq; details in {app.crash_log}", file=sys.stderr
        )
    return app.return_code or 0
