"""The search index behind the filter: opened from disk at start when it is current,
else built in the background (titles first, then abstracts) and saved for the next
start; saved again, debounced, after imports add papers. Never on the main thread."""

from __future__ import annotations

from collections.abc import Collection

from textual import work
from textual.timer import Timer
from textual.worker import get_current_worker

from readq.models import Entry
from readq.tui.messages import IndexProgress
from readq.tui.screens.queue_screen import QueueScreen

SAVE_AFTER = 3.0
"""Seconds after the last import before the index is saved (one save per burst)."""


class IndexKeeping(QueueScreen):
    """Starts the index worker (``on_mount``) and keeps the index on disk current."""

    _index_save_timer: Timer | None = None

    @work(thread=True, group="index", exit_on_error=False, description="index")
    def _build_index(self) -> None:
        worker = get_current_worker()
        session = self.session

        def titles_done() -> None:
            self.post_message(IndexProgress(titles=True, abstracts=False))

        self.app.call_from_thread(self.load_momentum)
        done = session.start_index(lambda: worker.is_cancelled, titles_done)
        if session.index_report:
            self.app.call_from_thread(self.say, session.index_report, title="Search index")
        if done:
            self.post_message(IndexProgress(titles=True, abstracts=True))

    def index_grew(self, entries: Collection[Entry]) -> None:
        """Papers were added or changed (already indexed on the store thread): save
        the index once the imports pause."""
        if not entries:
            return
        if self._index_save_timer is not None:
            self._index_save_timer.stop()
        self._index_save_timer = self.set_timer(SAVE_AFTER, self._save_index)

    def _save_index(self) -> None:
        self._index_save_timer = None
        self.run_worker(
            self.session.save_index,
            thread=True,
            group="index-save",
            exclusive=True,
            exit_on_error=False,
            description="save index",
        )
