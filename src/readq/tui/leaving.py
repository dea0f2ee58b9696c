"""SIGHUP: the terminal went away. Keep what can be kept, then leave within seconds.

A normal exit waits for the workers, the store thread and the terminal, any of which may
hang once the terminal is gone (a write to a dead pty, a library lock held by a stuck
process, index helpers busy for a minute). So the hang-up path keeps the note being
edited as a draft (a local file write, no lock), gives the queued saves and the note a
deadline, and then ends the process with ``os._exit`` whatever is still running. The
index helper processes see their pipes close and end too.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import os
import signal
import threading
import time
from typing import Any

from readq.tui.screens.note_editor import NoteEditor

ReadqApp = Any  # the app (not imported: it imports this module)

HANGUP_DEADLINE = 3.0
"""Seconds the hang-up path gives the pending saves before leaving anyway."""


def _remaining(deadline: float) -> float:
    return max(0.0, deadline - time.monotonic())


def keep_and_flush(app: ReadqApp, deadline: float) -> None:
    """Keep a note being edited as a draft, queue its save (a compare-and-set), and
    wait until every queued save is done or ``deadline`` (``time.monotonic``) passes;
    a note saved in time loses its draft."""
    notes: list[tuple[concurrent.futures.Future[Any], NoteEditor]] = []
    for screen in app.screen_stack:
        if isinstance(screen, NoteEditor) and screen.changed:
            with contextlib.suppress(Exception):
                screen.keep_draft_now()
            with contextlib.suppress(Exception):
                fut = app.store.submit(
                    app.library.set_note, screen.paper_id, screen.text, screen.base
                )
                notes.append((fut, screen))
    # The store runs in order: once this marker has run, so has every save before it.
    with contextlib.suppress(Exception):
        app.store.submit(lambda: None).result(timeout=_remaining(deadline))
    for fut, screen in notes:
        with contextlib.suppress(Exception):
            fut.result(timeout=_remaining(deadline))
            screen.initial = screen.base = screen.text  # saved: nothing to keep
            if screen.drafts is not None:
                screen.drafts.delete(screen.paper_id).result(timeout=_remaining(deadline))


def _restore_terminal(app: ReadqApp, timeout: float) -> None:
    """Best effort, on a thread: when the terminal is really gone the writes may block."""
    driver = getattr(app, "_driver", None)
    if driver is None:
        return

    def stop() -> None:
        with contextlib.suppress(Exception):
            driver.stop_application_mode()
            driver.close()  # waits for the writer thread to send what is queued

    thread = threading.Thread(target=stop, daemon=True, name="readq-hangup-terminal")
    thread.start()
    thread.join(timeout)


def hang_up(app: ReadqApp, *, deadline: float = HANGUP_DEADLINE, exit: Any = os._exit) -> None:
    """Keep, flush, restore the terminal if it is still there, and end the process
    with 128 + SIGHUP (``exit`` is replaceable for tests)."""
    end = time.monotonic() + deadline
    keep_and_flush(app, end)
    _restore_terminal(app, min(0.5, _remaining(end) + 0.2))
    exit(128 + signal.SIGHUP)
