"""What the reading queue's screens work with: the library, the store thread that writes
to it (and records every change in the undo history ``readq undo`` shares), the search
index.

The app creates one :class:`Session` and hands it to the main screen; screens and
widgets get everything from it and never import the app. Nothing here imports Textual.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import datetime as dt
import gc
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

from readq import history, paths
from readq.catalog import LazyCatalog, paper_count
from readq.clock import iso
from readq.config import Settings, save_setting
from readq.crashlog import write_crash_log
from readq.errors import ReadqError
from readq.library import Change, ImportReport, Library
from readq.models import DEFAULT_STATE, Entry, Paper
from readq.search import persist
from readq.search.index import SearchIndex
from readq.tui.queue import Dates, index_dates, new_count
from readq.views import SORTS

T = TypeVar("T")


class Store:
    """Runs every library operation on one background thread, in submission order.

    One thread means the writes reach the store in the order the keys were pressed, and
    the library's in-memory maps are only ever changed by that thread.
    """

    def __init__(self, library: Library) -> None:
        self.library = library
        self._pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="readq-store"
        )
        self.pending = 0

    def submit(self, fn: Callable[..., T], *args: Any) -> concurrent.futures.Future[T]:
        self.pending += 1
        fut = self._pool.submit(fn, *args)
        fut.add_done_callback(self._done)
        return fut

    def _done(self, _fut: object) -> None:
        self.pending -= 1

    async def call(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.wrap_future(self.submit(fn, *args))

    def shutdown(self) -> None:
        """Wait for the writes already queued (quitting never drops a change)."""
        self._pool.shutdown(wait=True)


Changes = Mapping[str, Mapping[str, Any]]
"""``{paper id: {field: value}}``, as :meth:`Library.update` takes them."""


@dataclass(eq=False)
class Session:
    """One run of the reading queue over one library."""

    library: Library
    today: Callable[[], dt.date] = dt.date.today
    home: Path | None = None
    demo: bool = False
    poll_interval: float = 2.0
    settings: Settings = field(default_factory=Settings)
    new_since: str = ""
    """Papers first seen after this (the previous session's start) are new."""
    store: Store = field(init=False)
    index: SearchIndex = field(init=False, default_factory=SearchIndex)
    undo_label: str = field(init=False, default="")
    """What ``u`` would undo (from the shared history, see :meth:`refresh_undo_label`)."""
    _unsaved: dict[tuple[str, str], Any] = field(init=False, default_factory=dict)
    missed: tuple[set[str], set[str]] = field(init=False, default=(set(), set()))
    """What the poll before a failed undo found (see :meth:`submit_undo`)."""
    index_report: str = field(init=False, default="")
    """Why the index on disk was rebuilt (damaged, newer), to say once; else ""."""
    _index_ready: bool = field(init=False, default=False)
    _index_ok: bool = field(init=False, default=True)
    _save_key: str = field(init=False, default="")
    _saved_key: str = field(init=False, default="")

    def __post_init__(self) -> None:
        self.store = Store(self.library)
        self.index.new_since = self.new_since
        self.index_opened = self.library.serve_catalog(self._open_index)
        """The index on disk, current, was opened before the first paint; it serves the
        catalog (of a library opened with ``lazy_catalog``: Library.serve_catalog)."""
        self.refresh_undo_label()
        self._new: tuple[int, int] = (-1, 0)

    def is_new(self, pid: str) -> bool:
        entry = self.library.entries.get(pid)
        return entry is not None and entry.first_seen > self.new_since

    @property
    def new_count(self) -> int:
        """Papers that are new (cached per catalog size: papers are only ever added)."""
        size = paper_count(self.library.entries)
        if self._new[0] != size:
            self._new = (size, new_count(self.library.entries, self.new_since, self.dates()))
        return self._new[1]

    def dates(self) -> Dates | None:
        """The dates of every paper from the index while it serves the catalog (the date
        sorts, the new count), else None (the catalog's entries have them)."""
        entries = self.library.entries
        if not (isinstance(entries, LazyCatalog) and entries.sourced):
            return None
        return index_dates(self.index)

    # -- writes --------------------------------------------------------------------------

    def effective(self, pid: str, name: str) -> Any:
        """A field of a paper's state as the user last set it (saved or still on its
        way to the store)."""
        key = (pid, name)
        if key in self._unsaved:
            return self._unsaved[key]
        return getattr(self.library.states.get(pid, DEFAULT_STATE), name)

    def submit_update(
        self, changes: Changes, label: str, *, expected: Mapping[str, str] | None = None
    ) -> concurrent.futures.Future[Change]:
        """Queue ``changes`` on the store thread; until :meth:`settled`, they are what
        :meth:`effective` answers. ``expected``: see ``Library.update``."""
        for pid, fields in changes.items():
            for name, value in fields.items():
                self._unsaved[(pid, name)] = value
        return self.store.submit(self._update, changes, label, expected)

    def _update(self, changes: Changes, label: str, expected: Mapping[str, str] | None) -> Change:
        """On the store thread: the change, recorded in the history ``readq undo`` shares.
        A note's compare-and-set (``expected``) goes through ``Library.update``, then into
        the history as it was saved (merged with a version from elsewhere, if any)."""
        lib = self.library
        if expected:
            change = lib.update(changes, label, expected=expected)
            history.record(lib.store, history.Step.of_change(change, iso(lib.clock())))
        else:
            change = history.update(lib, changes, label)
        if change:
            self.undo_label = label
        return change

    def submit_import(
        self, papers: list[Paper], label: str, *, fetched_day: dt.date | None = None
    ) -> concurrent.futures.Future[ImportReport]:
        """Import on the store thread, recorded in the history (``u`` undoes it); a
        fetched day also records its upvotes and becomes the last day fetched."""

        def run() -> ImportReport:
            report = history.import_papers(
                self.library,
                papers,
                label,
                fetched=fetched_day is not None,
                last_fetched=fetched_day,
            )
            self._reindex(report.new_ids + report.changed_ids)
            self._peek()
            return report

        return self.store.submit(run)

    def submit_undo(
        self, redo: bool = False
    ) -> concurrent.futures.Future[tuple[history.Step, tuple[set[str], set[str]]]]:
        """Undo (or redo) the newest step of the shared history, on the store thread:
        the step, and what :meth:`poll` found first (what other processes changed: the
        undo reloads the files it wrote and would swallow it). When the undo fails,
        that poll's result is in :attr:`missed`."""

        def run() -> tuple[history.Step, tuple[set[str], set[str]]]:
            found = self.missed = self.poll()
            try:
                step = (history.redo if redo else history.undo)(self.library)
            finally:
                self._peek()
            self.missed = (set(), set())
            if step.catalog:
                self._reindex(step.ids)
            return step, found

        return self.store.submit(run)

    def refresh_undo_label(self) -> None:
        """Read what ``u`` would undo (another readq may have changed the history)."""
        self.store.submit(self._peek)

    def poll(self) -> tuple[set[str], set[str]]:
        """``Library.poll`` (on the store thread); when another process changed
        something, what ``u`` would undo is read again too."""
        found = self.library.poll()
        if found[1]:
            self._reindex(found[1])
        if found[0] or found[1]:
            self._peek()
        return found

    def _peek(self) -> None:
        try:
            self.undo_label = history.peek(self.library.store)[0]
        except (ReadqError, OSError):
            self.undo_label = ""

    def settled(self, changes: Changes) -> None:
        """``changes`` were saved (or failed): the library answers for them again."""
        for pid, fields in changes.items():
            for name, value in fields.items():
                if self._unsaved.get((pid, name)) == value:
                    del self._unsaved[(pid, name)]

    def save_setting(self, key: str, value: object, failed: Callable[[str], None]) -> None:
        """Remember a setting (on the store thread); ``failed`` gets the reason, from
        that thread, if it could not be written."""

        def save() -> None:
            try:
                save_setting(key, value, sorts=SORTS)
            except (ReadqError, OSError, ValueError) as err:
                failed(str(err))

        self.store.submit(save)

    def log_crash(self, error: BaseException) -> Path | None:
        """Keep the details of an unexpected error (never on screen), like the CLI."""
        return write_crash_log(error, crash_dir(self.library, self.demo))

    def startup_messages(self) -> list[tuple[str, Literal["information", "warning"]]]:
        """What to say once at start: damage kept aside, the format upgrade."""
        lib = self.library
        said: list[tuple[str, Literal["information", "warning"]]] = []
        said += [(text, "warning") for text in lib.warnings]
        said += [(text, "information") for text in lib.notices]
        return said

    # -- papers --------------------------------------------------------------------------

    # -- search index --------------------------------------------------------------------
    #
    # The index on disk (readq.search.persist) is keyed to the library's files. Every
    # catalog change of this process (imports, undo and redo of one, what a poll finds)
    # is indexed on the store thread right after it, and the key taken there: so
    # ``_save_key`` always names a library state the index holds (see save_index).

    def start_index(self, cancelled: Callable[[], bool], titles_done: Callable[[], None]) -> bool:
        """At start, on a worker thread: the index saved on disk when it is current
        (titles and abstracts searchable at once), else a build (titles first, then
        abstracts), saved for the next start. True when it ran to the end."""
        lib = self.library
        if self.index_opened:
            return self._complete_index(self.index, cancelled, titles_done)
        try:
            key = self.store.submit(SearchIndex.disk_key, lib).result()
        except RuntimeError:  # the store is shut down: leaving
            return False
        # checked whole now: a damaged part found later would be rebuilt under the feet
        # of a catalog it serves (see _open_index)
        found, why = SearchIndex.open_checked(lib)
        if found is not None and self.store.submit(self._adopt, found, key).result():
            return self._complete_index(found, cancelled, titles_done)
        self.index_report = why
        done = self.build_index(cancelled, titles_done)
        if done and len(self.index) and not self._save_key:  # nothing imported meanwhile
            with contextlib.suppress(OSError):
                self.index.save(persist.index_path(Path(lib.store.root)), key)
                self._saved_key = key
        self._index_ready = True
        return done

    def _open_index(self, lib: Library) -> SearchIndex | None:
        """Before the first paint: the index on disk if it is current (adopted)."""
        key = SearchIndex.disk_key(lib)
        # Checked whole (~40 ms at 100k papers): the catalog is served from it, so damage
        # must show now, before the first paint, not in a query (then rebuilt in place)
        found = SearchIndex.open_current(lib, check_all=True)
        if found is None or SearchIndex.disk_key(lib) != key:
            return None
        found.new_since = self.new_since
        self.index = found
        self._saved_key = key
        return found

    def _complete_index(
        self, found: SearchIndex, cancelled: Callable[[], bool], titles_done: Callable[[], None]
    ) -> bool:
        """An index read from disk, with the abstracts it lacks; not ``prepare()``d as is
        (every postings array made: +54 MB at 100k papers; a query makes its own in µs)."""
        titles_done()
        if not found.abstracts_indexed:
            found.add_abstracts(self.library.abstracts(), cancelled=cancelled)
            found.prepare()
        gc.freeze()
        self._index_ready = True
        return not cancelled()

    def _adopt(self, found: SearchIndex, key: str) -> bool:
        """On the store thread: use ``found`` if the library is still as it was when
        ``key`` was taken (else a write came between: build instead)."""
        if SearchIndex.disk_key(self.library) != key:
            return False
        found.new_since = self.new_since
        self.index = found
        self._saved_key = key
        return True

    def _reindex(self, ids: Iterable[str]) -> None:
        """On the store thread, after a catalog change: index the papers it added or
        changed, and take the key of the library the index now holds."""
        lib = self.library
        ids = list(ids)
        entries = [lib.entries[i] for i in ids if i in lib.entries]
        if len(entries) < len(ids):  # papers left the library: the index keeps them
            self._index_ok = False
        if entries:
            self.index_entries(entries)
        self._save_key = SearchIndex.disk_key(lib) if self._index_ok else ""

    def save_index(self) -> bool:
        """Save the index for the next start (on a worker thread, after imports); True
        when it wrote. The key is read before the snapshot: an index that has since
        taken more papers is saved under an older key, which only makes it stale."""
        key = self._save_key
        if not (key and self._index_ready and self._index_ok) or key == self._saved_key:
            return False
        self.index.save(persist.index_path(Path(self.library.store.root)), key)
        self._saved_key = key
        return True

    def build_index(self, cancelled: Callable[[], bool], titles_done: Callable[[], None]) -> bool:
        """Index the whole catalog (on a worker thread): titles first, then abstracts;
        True when it ran to the end."""
        lib = self.library
        index = self.index
        index.add(list(lib.entries.values()))
        index.prepare()
        gc.freeze()
        titles_done()
        abstracts = lib.abstracts()
        index.add_abstracts(abstracts, cancelled=cancelled)
        del abstracts
        index.prepare()
        # Millions of long-lived objects (catalog, abstracts, index): keep the cyclic
        # collector from rescanning them on every full collection (~100 ms pauses that
        # land in the middle of keystrokes).
        gc.freeze()
        return not cancelled()

    def index_entries(self, entries: Iterable[Entry]) -> None:
        """Add newly imported or changed papers to the index (see :meth:`_reindex`)."""
        entries = list(entries)
        self.index.add(entries)
        # through add_abstracts: a large import is tokenised in the helper processes
        self.index.add_abstracts(
            {e.id: self.library.abstract(e.id) for e in entries}, complete=False
        )


def crash_dir(library: Library, demo: bool) -> Path | None:
    """The data dir to give ``write_crash_log``, as the command line does: the library's
    when ``$READQ_DATA_DIR`` or ``--data-dir`` moved it (its ``logs/``), else None (the
    user log dir). Never the demo's throw-away folder, which is deleted on exit."""
    if demo:
        return None
    root = Path(library.store.root)
    moved = bool(os.environ.get(paths.DATA_DIR_ENV)) or root.resolve() != paths.data_dir().resolve()
    return root if moved else None
