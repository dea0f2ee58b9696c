"""The library as the rest of readq sees it: papers, their state, and every change.

``Library`` keeps an in-memory copy for fast reads and sends every change to the
:mod:`readq.storage` store as a field-level delta applied to what is on disk (see
:mod:`readq.changes` and :mod:`readq.importing`), so a change made by another readq
process in the meantime is kept, never overwritten.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any, Literal, TypeVar

from readq import ids, paths, sessions, upvotes, views
from readq.abstracts import AbstractShards
from readq.catalog import CatalogSource, LazyCatalog, entries_before_reload, paper_count
from readq.changes import Change, StateDelta, check_changes
from readq.clock import Clock, iso, utc_now
from readq.errors import AmbiguousIdError, CorruptFileError, UnknownIdError, UsageError
from readq.gcpause import gc_paused
from readq.importing import ImportReport, import_shard, resolve_ids, unique_papers
from readq.models import DEFAULT_STATE, Entry, Paper, PaperState
from readq.storage import migrate
from readq.storage.documents import entry_from_doc, state_from_doc
from readq.storage.failures import DurableFailure, kept_aside
from readq.storage.layout import (
    abstract_shard,
    abstracts_of_catalog,
    catalog_shard,
    catalog_shards,
    group_by_shard,
    state_shard,
    state_shards,
)
from readq.storage.store import Store, Transaction

__all__ = ["Change", "ImportReport", "Library"]

_T = TypeVar("_T")


class Library:
    """Papers, per-paper state, and the operations a user performs on them."""

    def __init__(self, store: Store, *, clock: Clock = utc_now) -> None:
        self.store = store
        self.clock = clock
        self.entries: dict[str, Entry] = {}
        self.catalog_scope = ""
        self.states: dict[str, PaperState] = {}
        self._abstracts = AbstractShards(self._read_abstract_shard)
        self._signatures: dict[str, tuple[int, int, int] | None] = {}
        self._state_shard_ids: dict[str, set[str]] = {}
        self._daily_checked = False
        self.warnings: list[str] = []  # non-fatal problems for the UI to show
        self.notices: list[str] = []  # things to say once (the format upgrade)
        self.by_arxiv: dict[str, str] = {}  # arXiv id -> paper id (fetched papers)
        self._upvotes: dict[str, dict[str, int]] | None = None  # loaded on first use

    # -- opening ------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        data_dir: str | Path | None = None,
        *,
        clock: Clock = utc_now,
        lock_timeout: float | None = None,
        catalog_prefix: str | None = None,
        lazy_catalog: bool = False,
    ) -> Library:
        """Load the catalog (without abstracts) and all state.

        With ``catalog_prefix`` only the catalog shard for that id prefix is loaded:
        enough for a CLI command that names papers by id. With ``lazy_catalog`` the
        catalog is read on demand (:class:`readq.catalog.LazyCatalog`): for a command
        that prints a few papers.
        """
        store = Store(paths.data_dir(data_dir))
        if lock_timeout is not None:
            store.lock_timeout = lock_timeout
        try:
            return cls._load(store, clock, catalog_prefix, lazy_catalog)
        except CorruptFileError as exc:
            raise kept_aside(exc) from None

    @classmethod
    def _load(cls, store: Store, clock: Clock, prefix: str | None, lazy: bool = False) -> Library:
        lib = cls(store, clock=clock)
        lib.catalog_scope = prefix or ""  # what the search index's key depends on
        if lazy and not prefix:
            lib.entries = LazyCatalog(lib._load_catalog_shard)
        store.check_meta()
        if store.needs_recovery():
            store.recover()
        notice = migrate.upgrade(store, clock())
        if notice:
            lib.notices.append(notice)
        with gc_paused():
            for rel in catalog_shards(prefix) if not lazy or prefix else ():
                lib._load_catalog_shard(rel)
            for rel in state_shards():
                lib._load_state_shard(rel)
        return lib

    def _load_catalog_shard(self, rel: str) -> set[str]:
        self._signatures[rel] = self.store.signature(rel)
        where = self.store.path(rel)
        seen: set[str] = set()
        for doc in self.store.read_docs(rel).values():
            entry = entry_from_doc(doc, where)
            self.entries[entry.id] = entry
            if entry.arxiv_id:
                self.by_arxiv[entry.arxiv_id] = entry.id
            seen.add(entry.id)
        return seen

    def _load_state_shard(self, rel: str) -> set[str]:
        """(Re)load one state shard; return the ids whose state differs from before."""
        self._signatures[rel] = self.store.signature(rel)
        where = self.store.path(rel)
        fresh: dict[str, PaperState] = {}
        for doc in self.store.read_docs(rel).values():
            fresh[str(doc.get("id"))] = state_from_doc(doc, where)
        previous = self._state_shard_ids.get(rel, set())
        changed = previous - fresh.keys()
        for k in changed:
            self.states.pop(k, None)
        for k, v in fresh.items():
            if self.states.get(k) != v:
                changed.add(k)
                self.states[k] = v
        self._state_shard_ids[rel] = set(fresh)
        return changed

    def serve_catalog(self, source: Callable[[Library], CatalogSource | None]) -> bool:
        """For a library opened with ``lazy_catalog``: take the papers from ``source``
        (the current search index: ``paper_ids()``, ``entry(pid)``), else read the whole
        catalog. The catalog files' signatures are taken first: ``source`` must match
        them (the index's key), and :meth:`poll` reloads what changed since."""
        entries = self.entries
        if not isinstance(entries, LazyCatalog) or entries.complete:
            return False
        for rel in catalog_shards():
            self._signatures.setdefault(rel, self.store.signature(rel))
        found = source(self)
        if found is None:
            entries.load_all()
            return False
        entries.use(found.paper_ids(), found.entry)
        return True

    # -- reading ------------------------------------------------------------------------

    def __len__(self) -> int:
        return paper_count(self.entries)

    def state(self, pid: str) -> PaperState:
        return self.states.get(pid, DEFAULT_STATE)

    def abstract(self, pid: str) -> str:
        """The abstract of one paper, reading its shard if it is not among the few kept
        in memory (thread-safe; see :mod:`readq.abstracts`)."""
        return self._abstracts.get(pid)

    def cached_abstract(self, pid: str) -> str | None:
        """The abstract if its shard is in memory, else None; never reads a file or
        waits for a lock (the UI thread asks before starting a load)."""
        return self._abstracts.cached(pid)

    def _read_abstract_shard(self, rel: str) -> dict[str, str]:
        texts: dict[str, str] = {}
        for doc in self.store.read_docs(rel).values():
            pid, text = doc.get("id"), doc.get("abstract")
            if isinstance(pid, str) and isinstance(text, str):
                texts[pid] = text
        return texts

    def abstracts(self) -> dict[str, str]:
        """Every abstract (reads every shard; meant for a background thread). The
        library does not keep them: the caller's dict is the only copy."""
        return self._abstracts.every()

    def resolve(self, prefix: str) -> str:
        """The one paper id starting with ``prefix`` (like git's abbreviated hashes)."""
        p = prefix.strip().lower()
        if not ids.is_id_prefix(p):
            raise UsageError(f"{prefix!r} is not a paper id (ids are hex, e.g. 3f2a9c1d)")
        matches = [pid for pid in self.entries if pid.startswith(p)]
        if not matches:
            raise UnknownIdError(f"no paper with id {prefix!r}; 'readq list' shows the ids")
        if len(matches) > 1:
            short = ids.short_ids(matches)
            shown = ", ".join(short(m) for m in sorted(matches)[:4])
            raise AmbiguousIdError(
                f"id {prefix!r} is ambiguous: {len(matches)} papers match ({shown}"
                f"{', ...' if len(matches) > 4 else ''}); give more characters"
            )
        return matches[0]

    # -- changing state -----------------------------------------------------------------

    def update(
        self,
        changes: Mapping[str, Mapping[str, Any]],
        label: str = "",
        *,
        expected: Mapping[str, str] | None = None,
    ) -> Change:
        """Set fields (read/starred/note) of several papers in one atomic transaction.

        ``expected`` maps paper ids to the note the caller started from: a note someone
        else changed meanwhile is kept below the new one (``Change.conflicts``).
        """
        check_changes(changes, lambda pid: pid in self.entries or pid in self.states)
        delta = StateDelta(changes, iso(self.clock()), expected)
        deferred = DurableFailure()
        with deferred, self.store.transaction() as txn:
            self._backup_if_due(len(changes) > 1 and "pre-bulk")
            for rel, pids in group_by_shard(changes, state_shard).items():
                delta.apply(txn.shard(rel), pids, self._title)
            written = txn.written_shards
        self._written(written)
        for pid, st in delta.fresh.items():
            members = self._state_shard_ids.setdefault(state_shard(pid), set())
            if st.is_default:
                self.states.pop(pid, None)
                members.discard(pid)
            else:
                self.states[pid] = st
                members.add(pid)
        deferred.reraise()
        return delta.change(label)

    def _title(self, pid: str) -> str:
        return self.entries[pid].title if pid in self.entries else ""

    def _written(self, shards: Iterable[str]) -> None:
        """Remember the files this process just wrote, so polling does not reload them."""
        for rel in shards:
            self._signatures[rel] = self.store.signature(rel)

    def set_field(self, pids: Iterable[str], name: str, value: Any, label: str = "") -> Change:
        return self.update({pid: {name: value} for pid in pids}, label)

    def set_note(self, pid: str, text: str, expected: str | None = None) -> Change:
        """Set a note; with ``expected`` (the note the edit started from) a note changed
        elsewhere meanwhile is kept below ``text`` and ``Change.conflict`` is true."""
        return self.update(
            {pid: {"note": text}}, "note", expected=None if expected is None else {pid: expected}
        )

    def undo(self, change: Change) -> Change:
        return self.update(
            change.before, f"undo {change.label}".strip(), expected=_notes(change.after)
        )

    def redo(self, change: Change) -> Change:
        return self.update(change.after, change.label, expected=_notes(change.before))

    def _backup_if_due(self, kind: str | Literal[False]) -> None:
        """Inside a transaction: a backup before bulk changes and imports, and daily.

        A damaged state file is never backed up; the change itself will then refuse to
        touch the damaged shard, or go ahead if the damage is elsewhere.
        """
        from readq.storage import backup

        try:
            if kind:
                backup.take_backup(self.store, kind, now=self.clock(), locked=True)
            elif not self._daily_checked:
                backup.take_backup(self.store, "daily", now=self.clock(), locked=True)
            self._daily_checked = True
        except CorruptFileError:
            pass
        except OSError as exc:
            self.warnings.append(f"could not write a backup ({exc.strerror or exc})")

    # -- importing ----------------------------------------------------------------------

    def import_papers(
        self, papers: Iterable[Paper], *, fetched: bool = False, last_fetched: date | None = None
    ) -> ImportReport:
        """Add papers: each paper once, known papers keep their state and gain metadata.

        ``fetched``: the papers come from the API, their upvotes join the history (as seen
        today); ``last_fetched`` becomes the meta's ``last_fetched`` if it is later.
        """
        report = ImportReport()
        if isinstance(self.entries, LazyCatalog):
            self.entries.load_all()  # by_arxiv and merging need every paper
        incoming = unique_papers(resolve_ids(papers, self.entries, self.by_arxiv), report)
        if not incoming and last_fetched is None:
            return report
        now = iso(self.clock())
        results: dict[str, Entry] = {}
        deferred = DurableFailure()
        with deferred, self.store.transaction() as txn:
            self._backup_if_due("pre-import")
            for rel, group in group_by_shard(incoming.values(), _catalog_shard_of).items():
                abstracts = txn.shard(abstract_shard(group[0].id))
                results.update(import_shard(txn.shard(rel), abstracts, group, now, report))
            if fetched or last_fetched:
                self._record_fetch(txn, incoming.values() if fetched else (), last_fetched)
            written = txn.written_shards
        self._written(written)
        self.entries.update(results)
        self.by_arxiv.update((e.arxiv_id, e.id) for e in results.values() if e.arxiv_id)
        # what was written (merged abstracts included) is read from disk when asked
        touched = [*incoming, *(pid for pid, _, _ in report.merged_titles)]
        self._abstracts.forget({abstract_shard(pid) for pid in touched})
        deferred.reraise()
        return report

    def _record_fetch(self, txn: Transaction, papers: Iterable[Paper], day: date | None) -> None:
        seen = {p.id: p.upvotes for p in papers if p.upvotes is not None}
        if seen:
            upvotes.record(txn, self.clock().date(), seen)
            self._upvotes = None
        last = self.last_fetched()
        if day is not None and (last is None or day > last):
            txn.update_meta({"last_fetched": day.isoformat()})

    def last_fetched(self) -> date | None:
        """The latest listing day ``readq fetch`` imported (for ``--since-last``)."""
        return self.store.last_fetched()

    def momentum(self, pid: str) -> int | None:
        """Upvotes gained per day between the last two days a fetch saw the paper."""
        return self.momenta().get(pid)

    def momenta(self) -> dict[str, int]:
        """Every known momentum (the upvote history is read on first use)."""
        if self._upvotes is None:
            self._upvotes = upvotes.load(self.store)
        found = {pid: upvotes.momentum(days) for pid, days in self._upvotes.items()}
        return {pid: m for pid, m in found.items() if m is not None}

    # -- other processes ----------------------------------------------------------------

    def poll(self) -> tuple[set[str], set[str]]:
        """Reload the shards another process replaced.

        Returns (ids whose state changed, ids of new or updated catalog entries).
        """
        state_changed: set[str] = set()
        catalog_changed: set[str] = set()
        for rel in state_shards():
            sig = self.store.signature(rel)
            if sig != self._signatures.get(rel):
                state_changed |= self._load_state_shard(rel)
        sign = self.store.signature
        rels = [r for r in catalog_shards() if sign(r) != self._signatures.get(r)]
        for rel, before in entries_before_reload(self.entries, rels).items():
            seen = self._load_catalog_shard(rel)
            for pid in seen:
                if before.get(pid) != self.entries[pid]:
                    catalog_changed.add(pid)
            for pid in before.keys() - seen:  # deleted (an import was undone)
                del self.entries[pid]
                catalog_changed.add(pid)
            self._abstracts.forget([abstracts_of_catalog(rel)])
        return state_changed, catalog_changed

    # -- convenience --------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        return views.counts(self.entries, self.states)

    def begin_session(self) -> str:
        """Record that a reading-queue session starts now; return when the previous one
        started ("" if none): papers first seen after that are new (see
        :mod:`readq.sessions`)."""
        return sessions.begin_session(self.store.root, self.clock())

    def last_session(self) -> str:
        """When the latest reading-queue session started ("" if none): papers first seen
        after it are new to the command line."""
        return sessions.last_session(self.store.root)


def _notes(fields: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """The notes a change left (or found): what undo/redo expect to find on disk."""
    return {pid: str(f["note"]) for pid, f in fields.items() if "note" in f}


def _catalog_shard_of(paper: Paper) -> str:
    return catalog_shard(paper.id)
