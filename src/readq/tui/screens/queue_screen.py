"""What the main screen's parts share: the session, the widgets, the view state and the
one way a change reaches the store.

:class:`QueueScreen` is the base of :class:`~readq.tui.screens.main.MainScreen`; the
actions live in :mod:`~readq.tui.screens.triage` and
:mod:`~readq.tui.screens.paper_actions` (mixins over this base), the wiring of the
widgets in :mod:`~readq.tui.screens.main`.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Callable, Collection, Iterable
from typing import Any

from textual.screen import Screen

from readq.errors import ReadqError
from readq.library import Change
from readq.tui.session import Changes, Session
from readq.tui.widgets.filter_bar import FilterInput
from readq.tui.widgets.paper_details import PaperDetails
from readq.tui.widgets.paper_list import PaperList
from readq.views import View


class QueueScreen(Screen[None]):
    """The state of the reading queue and the path of every change; no layout."""

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.view = View.INBOX
        self.sort = "date"
        self.query_text = ""
        self.last_error: str | None = None
        self._counts: dict[View, int] = {}
        self.filter_pending = False
        self._deferred: list[Callable[[], object]] = []

    def say(self, message: str, **kwargs: Any) -> None:
        """A notification; messages may quote paths, links and titles: never markup."""
        self.notify(message, markup=False, **kwargs)

    @property
    def paper_list(self) -> PaperList:
        return self.query_one(PaperList)

    @property
    def details(self) -> PaperDetails:
        return self.query_one(PaperDetails)

    @property
    def filter_input(self) -> FilterInput:
        return self.query_one(FilterInput)

    @property
    def filter_active(self) -> bool:
        return bool(self.query_text.strip())

    @property
    def starred_count(self) -> int:
        return self._counts.get(View.STARRED, 0)

    @property
    def undo_label(self) -> str:
        return self.session.undo_label

    # -- what the main screen provides ---------------------------------------------------

    def refresh_view(self, *, keep: str | None = None) -> None:
        """Recompute the rows of the current view."""
        raise NotImplementedError

    def after_change(self, ids: Collection[str]) -> None:
        """Repaint after ``ids`` changed state."""
        raise NotImplementedError

    def catalog_changed(self, ids: Iterable[str]) -> None:
        """Papers were added or changed in the catalog."""
        raise NotImplementedError

    def update_status(self) -> None:
        raise NotImplementedError

    def action_clear_filter(self) -> None:
        raise NotImplementedError

    def action_clear_marks(self) -> None:
        raise NotImplementedError

    def when_filtered(self, action: Callable[[], object]) -> None:
        """Run ``action`` (it acts on the highlighted paper) now, or, while a filter is
        still running, once its result is on screen: keys typed right after the query
        act on its top match, never on the paper that happened to be highlighted."""
        typed = self.filter_input.value != self.query_text  # its Changed is on the way
        if self.filter_pending or typed:
            self._deferred.append(action)
        else:
            action()

    def run_deferred(self) -> None:
        actions, self._deferred = self._deferred, []
        for action in actions:
            action()

    # -- changing state ------------------------------------------------------------------

    def targets(self) -> list[str]:
        """Marked papers if any, else the highlighted one."""
        marked = self.paper_list.marked
        if marked:
            return [i for i in marked if i in self.session.library.entries]
        pid = self.paper_list.highlighted
        return [pid] if pid is not None else []

    def apply(
        self, changes: Changes, label: str, *, done: Callable[[Change], None] | None = None
    ) -> concurrent.futures.Future[Change]:
        """Save ``changes`` on the store thread; update the screen from what was saved."""
        fut = self.session.submit_update(changes, label)
        self.run_worker(self._finish_change(fut, changes, done), group="save", exit_on_error=False)
        return fut

    async def _finish_change(
        self,
        fut: concurrent.futures.Future[Change],
        changes: Changes,
        done: Callable[[Change], None] | None,
    ) -> None:
        try:
            change = await asyncio.wrap_future(fut)
        except Exception as err:  # every failed save is shown, whatever the cause
            self.session.settled(changes)
            self.save_failed(err)
            return
        self.session.settled(changes)
        self.after_change(list(changes))
        if done is not None:
            done(change)

    def load_momentum(self) -> None:
        """Read the upvote history on the store thread; the list shows ``▲42 +30``."""
        self.run_worker(
            self._load_momentum(), group="momentum", exclusive=True, exit_on_error=False
        )

    async def _load_momentum(self) -> None:
        try:
            momenta = await self.session.store.call(self.session.library.momenta)
        except (ReadqError, OSError):
            return  # the list simply shows no momentum; doctor reports damaged files
        self._show_momentum(momenta)

    def _show_momentum(self, momenta: dict[str, int]) -> None:
        self.paper_list.momentum = momenta
        self.paper_list.refresh()

    def save_failed(self, err: Exception) -> None:
        if isinstance(err, ReadqError):
            message = str(err)
        elif isinstance(err, OSError):
            message = f"{err.strerror or err}"
        else:  # a bug: say so, keep the details off the screen
            log = self.session.log_crash(err)
            message = f"internal error ({type(err).__name__}); details in {log}"
        self.last_error = message
        self.say(f"Not saved: {message}", title="Save failed", severity="error", timeout=8)
        self.poll_now()  # show what is on disk, nothing else
        self.refresh_view()

    # -- other processes -----------------------------------------------------------------

    def poll_now(self) -> None:
        """Pick up what other processes changed (unless writes are queued up)."""
        if self.session.store.pending > 2:
            return
        self.run_worker(self._poll(), group="poll", exclusive=True, exit_on_error=False)

    async def _poll(self) -> None:
        session = self.session
        try:
            state_ids, catalog_ids = await session.store.call(session.poll)
        except (ReadqError, OSError) as err:
            message = str(err)
            if message != self.last_error:
                self.last_error = message
                self.say(message, severity="error", timeout=8)
            return
        if catalog_ids:
            self.catalog_changed(catalog_ids)
        elif state_ids:
            self.after_change(state_ids)
