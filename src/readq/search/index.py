"""The one search engine behind ``readq list QUERY`` and the TUI filter.

An inverted index: a vocabulary of distinct words, and for each word the papers whose
title (or abstract, organisation, author names) contains it. Building and updating
the tables is :mod:`readq.search.building`, answering a query
:mod:`readq.search.matching` (the base classes); the rules they follow live in
:mod:`~readq.search.words`, :mod:`~readq.search.vocabulary` and
:mod:`~readq.search.ranking`. :meth:`SearchIndex.open_or_build` keeps a copy on disk
(:mod:`~readq.search.persist`) so that a process opens it in milliseconds instead of
rebuilding it.
"""

from __future__ import annotations

import datetime as _dt
import threading
from array import array
from collections.abc import Callable, Collection, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from readq.gcpause import gc_paused
from readq.models import Entry, PaperState
from readq.search import persist
from readq.search.building import IndexBuilding
from readq.search.checked import IndexDamaged
from readq.search.entrytable import EntryTable
from readq.search.highlight import TitleHighlighter
from readq.search.query import Query, parse_query
from readq.search.ranking import Cancelled, never
from readq.search.vocabulary import Postings, Vocabulary
from readq.search.words import doc_words


@dataclass
class SearchResult:
    """What a search found; ``partial`` while abstracts are still being indexed."""

    ids: list[str]  # matching ids, best first when `ranked`, else in index insertion order
    ranked: bool
    errors: list[str] = field(default_factory=list)
    cancelled: bool = False
    partial: bool = False


class SearchIndex(IndexBuilding):
    """A word index over titles, abstracts, organisations and author names. Thread-safe
    for one writer (``add``/``add_abstracts``/``save``) and any number of ``search``
    calls."""

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.RLock()
        self._ids = []
        self._num = {}
        self._entries = EntryTable()
        self._abstracts = []  # references to the caller's strings
        self._pending: set[int] = set()  # papers whose abstract is not indexed yet
        self._code = set()
        self._code_links = set()
        self._up = []
        self._authors = []
        self._published = []
        self._seen = []
        self._post = {
            "title": Postings(),
            "abstract": Postings(),
            "org": Postings(),
            "author": Postings(),
        }
        self._arxiv = {}
        self._abstract_crc = array("I")  # CRCs of the abstracts a load did not read
        self._vocab = Vocabulary()
        self._version = 0  # bumps on every change: the term cache keys on it
        # title_spans runs for every row drawn while filtering: it keeps its own caches
        self._highlighter = TitleHighlighter()
        self._abstract_source: Callable[[str], str] | None = None
        self._library: Any = None  # what a damaged file is rebuilt from (see _recover)
        self._file = None
        self.report = ""  # why the index on disk could not be used, once (see open_or_build)

    def __len__(self) -> int:
        return len(self._ids)

    def paper_ids(self) -> list[str]:
        """The ids of the papers indexed (of the whole library when current)."""
        return self._ids

    def date_columns(self) -> tuple[list[str], list[str], list[int]]:
        """Every paper's id and first-seen time, and the paper numbers newest first
        (published, then first seen): what the date sorts need, without decoding an
        entry (a catalog served by the index is not read whole)."""
        with self._lock:
            return list(self._ids), list(self._seen), self._date_ranks()[1].tolist()

    def entry(self, pid: str) -> Entry | None:
        """Paper ``pid``'s entry as indexed (None if it is not in the index)."""
        with self._lock:
            d = self._recent.get(pid)
            if d is None:
                d = self._num.get(pid)
            if d is None:
                return None
            try:
                return self._entries[d]
            except IndexDamaged:
                self._recover()
                return self.entry(pid)

    @property
    def abstracts_indexed(self) -> bool:
        """True once every paper's abstract is in the index (or is known to be empty)."""
        return not self._pending

    # -- searching -----------------------------------------------------------------------

    def search(
        self,
        query: str | Query,
        *,
        states: Mapping[str, PaperState],
        now: _dt.datetime | None = None,
        within: Collection[str] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> SearchResult:
        """Matching ids, best first. Cheap to cancel: ``cancelled()`` is polled per step."""
        if isinstance(query, str):
            query, _ = parse_query(query, now=now)
        errors = list(query.errors)
        try:
            with self._lock:
                partial = bool(self._pending)
                ids, ranked = self._search(query, states, within, cancelled or never)
        except Cancelled:
            return SearchResult([], query.ranked, errors, cancelled=True, partial=False)
        except IndexDamaged:  # a part of the file read for this query: rebuild, answer
            self._recover()
            return self.search(query, states=states, now=now, within=within, cancelled=cancelled)
        return SearchResult(ids, ranked, errors, cancelled=False, partial=partial)

    def verify(self) -> bool:
        """Check every table of the file this index was read from, now (the reading
        queue does it in the background after opening; a query checks only what it
        reads). A damaged file is rebuilt from the library and ``report`` says so:
        False then."""
        try:
            persist.check_file(self)  # no lock: searches go on meanwhile
        except IndexDamaged:
            self._recover()
            return False
        return True

    def _recover(self) -> None:
        """A part of the index file read on demand was damaged: rebuild every table from
        the library (catalog and abstracts, as a build does), save the file again and
        say so in ``report``. In memory the rebuilt tables replace the damaged ones, so
        whoever holds this index keeps using it."""
        library = self._library
        if library is None:
            raise IndexDamaged("the search index is damaged and has no library to rebuild from")
        with self._lock:
            fresh = SearchIndex._built(library)
            state = {k: v for k, v in fresh.__dict__.items() if k not in ("_lock", "new_since")}
            self.__dict__.update(state)
            self._version += 1
            self.report = persist.describe("damaged")
            with suppress(OSError):
                self.save_for(library)

    # -- on disk -------------------------------------------------------------------------

    @classmethod
    def open_or_build(
        cls,
        library: Any,
        *,
        helpers: int | None = None,
        cancelled: Callable[[], bool] | None = None,
        save: bool = True,
        on_build: Callable[[int], None] | None = None,
    ) -> SearchIndex:
        """The library's index: read from ``<data dir>/index/`` when it is current (in
        milliseconds), else built from ``library`` (titles, then every abstract) and
        saved. ``report`` says, once, when a damaged or newer-format file was replaced.
        ``on_build(papers)`` is called before a build (seconds at 100k papers: a
        command on a terminal says so).

        A loaded index reads abstract texts from ``library.abstract(id)`` only to verify
        a phrase. Keep it current with :meth:`add` / :meth:`add_abstracts` after an
        import, then :meth:`save_for` (or call this again: a stale file is rebuilt).
        """
        key = persist.library_key(library)
        path = persist.index_path(Path(library.store.root))
        index, why = cls._open(library, path, key, check_all=True)
        if index is not None:
            return index
        if on_build is not None:
            on_build(len(library.entries))
        index = cls._built(library, helpers=helpers, cancelled=cancelled)
        index.report = persist.describe(why)
        # an empty library gets no index directory (it may not exist yet at all)
        if save and len(index) and not (cancelled and cancelled()):
            try:
                index.save(path, key)
            except OSError as e:  # a cache: the search goes on without it, and says so
                index.report = "; ".join(filter(None, [index.report, persist.unsaved(e)]))
        return index

    @classmethod
    def _built(
        cls, library: Any, helpers: int | None = None, cancelled: Callable[[], bool] | None = None
    ) -> SearchIndex:
        """A new index of every paper of ``library``: titles, then every abstract."""
        index = cls()
        index._abstract_source = library.abstract
        index._library = library
        index.add(library.entries.values())
        index.add_abstracts(library.abstracts(), helpers=helpers, cancelled=cancelled)
        return index

    @classmethod
    def open_current(cls, library: Any, *, check_all: bool = False) -> SearchIndex | None:
        """The index on disk if it is current for ``library``, else None (nothing is
        built or reported: for a caller that builds in the background itself). Its big
        tables are checked as queries read them (a damaged part found then is rebuilt
        from the library, see :meth:`search`), or all now with ``check_all`` (None if
        one is damaged: for a caller that must not rebuild later, the reading queue)."""
        key = persist.library_key(library)
        path = persist.index_path(Path(library.store.root))
        return cls._open(library, path, key, check_all=check_all)[0]

    @classmethod
    def open_checked(cls, library: Any) -> tuple[SearchIndex | None, str]:
        """The index on disk, checked whole, if it is current for ``library``: (index,
        "") or (None, why it was not used, when that is worth saying: damaged, written
        by a newer readq; "" when missing or merely stale). Nothing is built."""
        key = persist.library_key(library)
        path = persist.index_path(Path(library.store.root))
        index, why = cls._open(library, path, key, check_all=True)
        return index, persist.describe(why)

    @classmethod
    def _open(
        cls, library: Any, path: Path, key: str, *, check_all: bool = False
    ) -> tuple[SearchIndex | None, str]:
        with gc_paused():  # ~0.5M new objects: a collection pass would only rescan them
            payload, why = persist.read(path, key, check_all=check_all)
            if payload is None:
                return None, why
            if check_all:  # every page was read to check it: let them go
                persist.release(payload["mapping"])
            return cls._restored(library, payload)

    @classmethod
    def _restored(cls, library: Any, payload: dict[str, Any]) -> tuple[SearchIndex | None, str]:
        index = cls()
        index._abstract_source = library.abstract
        index._library = library
        with index._lock:
            try:
                persist.restore(index, payload, library.entries)
            except KeyError:  # a paper the library does not have: not this library's
                return None, "stale"
            except (ValueError, TypeError, IndexError, AttributeError):
                return None, "damaged"  # passed the checksum, yet not what we wrote
            index._version += 1
        return index, ""

    @classmethod
    def disk_key(cls, library: Any) -> str:
        """The key the index on disk must have to be current for ``library`` now: take
        it before an import, for :meth:`update_on_disk`."""
        return persist.library_key(library)

    @classmethod
    def update_on_disk(cls, library: Any, key_before: str, ids: Collection[str]) -> bool:
        """After an import of ``ids`` (new or changed papers): if the index on disk was
        current under ``key_before``, update just those papers and save it under the
        library's new key. False (nothing written) if it was not: the next search
        rebuilds it. Seconds less than a rebuild at 100k papers."""
        path = persist.index_path(Path(library.store.root))
        index, _ = cls._open(library, path, key_before)
        if index is None:
            return False
        try:
            with index._lock:
                index._reindex_entries({index._num[p] for p in ids if p in index._num})
            index.add([library.entries[p] for p in ids if p in library.entries])
            index.add_abstracts({p: library.abstract(p) for p in ids}, complete=False)
            index.save(path, persist.library_key(library), recover=False)
        except IndexDamaged:
            return False  # stale now under the new key: the next search rebuilds it
        return True

    def save_for(self, library: Any) -> None:
        """Save the index as the current one for ``library`` (after updating it)."""
        self.save(persist.index_path(Path(library.store.root)), persist.library_key(library))

    def save(self, path: Path, key: str, *, recover: bool = True) -> None:
        """Write the index to ``path`` under ``key`` (atomically; see persist). Saving
        reads every table: a damaged part of the file it came from is rebuilt first
        (and saved so) unless ``recover`` is false (IndexDamaged then)."""
        try:
            with self._lock:
                meta, sections = persist.snapshot(self, key)
        except IndexDamaged:
            if not recover:
                raise
            self._recover()
            return
        persist.write(path, meta, sections)

    def _abstract_text(self, d: int) -> str:
        text = self._abstracts[d]
        if text is persist.NOT_LOADED:
            source = self._abstract_source
            full = source(self._ids[d]) if source is not None else ""
            return full
        return text or ""

    def title_spans(self, query: str | Query, title: str) -> list[tuple[int, int]]:
        """[start, end) spans of ``title`` to highlight for the query's title matches."""
        return self._highlighter.title_spans(query, title)


__all__ = ["SearchIndex", "SearchResult", "doc_words"]
