"""The library as the rest of readq sees it: papers, their state, and every change.

``Library`` keeps an in-memory copy for fast reads and sends every change to the
:mod:`readq.storage.store` as a field-level delta applied to what is on disk, so a change made
by another readq process in the meantime is kept, never overwritten.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

from tinydb.table import Document, Table

from readq import ids, paths, views
from readq.errors import (
    AmbiguousIdError,
    CorruptFileError,
    StoreWriteError,
    UnknownIdError,
    UsageError,
)
from readq.models import DEFAULT_STATE, Entry, Paper, PaperState
from readq.storage.store import (
    ABSTRACTS,
    CATALOG,
    STATE,
    TABLES,
    Store,
    Transaction,
    all_shards,
    doc_id,
    keep_aside,
    shard_name,
)
from readq.text import clean_note

STATE_FIELDS = ("read", "starred", "note")
_STAMP = {"read": "read_at", "starred": "starred_at", "note": "note_at"}

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def iso(ts: datetime) -> str:
    return ts.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Change:
    """One user action: per paper, the fields it set, before and after.

    Undo applies ``before``, redo applies ``after``; both are deltas, so undoing a star
    does not revert a note another process wrote meanwhile.
    """

    before: dict[str, dict[str, Any]]
    after: dict[str, dict[str, Any]]
    label: str = ""

    @property
    def ids(self) -> list[str]:
        return list(self.after)

    def __bool__(self) -> bool:
        return any(self.before[k] != self.after[k] for k in self.after)


@dataclass
class ImportReport:
    new: int = 0
    known: int = 0
    updated: int = 0
    duplicates: int = 0  # repeats within the input itself
    new_ids: list[str] = field(default_factory=list)
    changed_ids: list[str] = field(default_factory=list)


# -- documents <-> models ----------------------------------------------------------------


def entry_from_doc(doc: Mapping[str, Any], where: Path) -> Entry:
    """Build an Entry, checking every field's type (a wrong type means a damaged file)."""
    get = doc.get
    pid, title, authors, org = get("id"), get("title"), get("authors"), get("organization")
    published, upvotes, links = get("published"), get("upvotes"), get("links") or ()
    first, last = get("first_seen") or "", get("last_seen") or ""
    if not (
        type(pid) is str
        and type(title) is str
        and (authors is None or type(authors) is int)
        and (org is None or type(org) is str)
        and (published is None or type(published) is str)
        and (upvotes is None or type(upvotes) is int)
        and type(first) is str
        and type(last) is str
        and (not links or (type(links) is list and all(type(x) is str for x in links)))
    ):
        raise CorruptFileError(where, f"paper {pid!r} has a field of the wrong type")
    return Entry(pid, title, authors, org, published, upvotes, tuple(links), first, last)


def entry_to_doc(entry: Entry) -> dict[str, Any]:
    """Unknown fields are left out rather than stored as null: smaller, faster files."""
    doc: dict[str, Any] = {
        "id": entry.id,
        "title": entry.title,
        "first_seen": entry.first_seen,
        "last_seen": entry.last_seen,
    }
    for name in ("authors", "organization", "published", "upvotes"):
        value = getattr(entry, name)
        if value is not None:
            doc[name] = value
    if entry.links:
        doc["links"] = list(entry.links)
    return doc


def state_from_doc(doc: Mapping[str, Any], where: Path) -> PaperState:
    get = doc.get
    read, starred, note = get("read", False), get("starred", False), get("note", "")
    r_at, s_at, n_at, u_at = get("read_at"), get("starred_at"), get("note_at"), get("updated_at")
    if not (
        type(read) is bool
        and type(starred) is bool
        and type(note) is str
        and (r_at is None or type(r_at) is str)
        and (s_at is None or type(s_at) is str)
        and (n_at is None or type(n_at) is str)
        and (u_at is None or type(u_at) is str)
    ):
        raise CorruptFileError(where, f"paper {get('id')!r} has a malformed read/starred/note")
    return PaperState(read, starred, note, r_at, s_at, n_at, u_at)


def state_to_doc(pid: str, title: str, state: PaperState) -> dict[str, Any]:
    """Only what differs from the default is stored. Starred and annotated papers also
    keep a snapshot of their title, so a note still makes sense if the catalog is lost."""
    doc: dict[str, Any] = {"id": pid}
    if state.starred or state.note:
        doc["title"] = title
    for name in ("read", "starred"):
        if getattr(state, name):
            doc[name] = True
    if state.note:
        doc["note"] = state.note
    for name in ("read_at", "starred_at", "note_at", "updated_at"):
        value = getattr(state, name)
        if value is not None:
            doc[name] = value
    return doc


def merge_paper(old: Paper, new: Paper) -> Paper:
    """Two copies of one paper in the same input: later metadata wins, gaps are filled."""
    return replace(
        old,
        abstract=old.abstract or new.abstract,
        authors=new.authors if new.authors is not None else old.authors,
        organization=new.organization or old.organization,
        published=new.published or old.published,
        upvotes=new.upvotes if new.upvotes is not None else old.upvotes,
        links=tuple(dict.fromkeys(old.links + new.links)),
    )


def _kept_aside(exc: CorruptFileError) -> CorruptFileError:
    """The same error, naming the copy of the damaged bytes kept aside before reporting."""
    path = Path(str(exc.path))
    kept = keep_aside(path, utc_now().strftime("%Y%m%dT%H%M%SZ"))
    return CorruptFileError(path, exc.reason, kept_as=kept) if kept else exc


class _DurableFailure:
    """Holds back a write failure whose change is already journaled (it completes on the
    next start), so the in-memory library is updated to match before it is re-raised."""

    def __init__(self) -> None:
        self.error: StoreWriteError | None = None

    def __enter__(self) -> _DurableFailure:
        return self

    def __exit__(self, kind: object, exc: BaseException | None, tb: object) -> bool:
        if isinstance(exc, StoreWriteError) and exc.durable:
            self.error = exc
            return True
        return False

    def reraise(self) -> None:
        if self.error is not None:
            raise self.error


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Loading creates ~10 objects per paper and none of them are garbage: the cyclic
    collector would rescan the growing heap again and again (40% of the load time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Library:
    """Papers, per-paper state, and the operations a user performs on them."""

    def __init__(self, store: Store, *, clock: Clock = utc_now) -> None:
        self.store = store
        self.clock = clock
        self.entries: dict[str, Entry] = {}
        self.states: dict[str, PaperState] = {}
        self._abstracts: dict[str, str] = {}
        self._abstract_shards: set[str] = set()
        self._signatures: dict[str, tuple[int, int, int] | None] = {}
        self._state_shard_ids: dict[str, set[str]] = {}
        self._io = threading.RLock()
        self._daily_checked = False
        self.warnings: list[str] = []  # non-fatal problems for the UI to show

    # -- opening ------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        data_dir: str | Path | None = None,
        *,
        clock: Clock = utc_now,
        lock_timeout: float | None = None,
        catalog_prefix: str | None = None,
    ) -> Library:
        """Load the catalog (without abstracts) and all state.

        With ``catalog_prefix`` only the catalog shard for that id prefix is loaded:
        enough for a CLI command that names papers by id.
        """
        store = Store(paths.data_dir(data_dir))
        if lock_timeout is not None:
            store.lock_timeout = lock_timeout
        try:
            return cls._load(store, clock, catalog_prefix)
        except CorruptFileError as exc:
            raise _kept_aside(exc) from None

    @classmethod
    def _load(cls, store: Store, clock: Clock, catalog_prefix: str | None) -> Library:
        lib = cls(store, clock=clock)
        store.check_meta()
        if store.needs_recovery():
            store.recover()
        shards = all_shards(CATALOG)
        if catalog_prefix:
            shards = [shard_name(CATALOG, catalog_prefix)]
        with _gc_paused():
            for rel in shards:
                lib._load_catalog_shard(rel)
            for rel in all_shards(STATE):
                lib._load_state_shard(rel)
        return lib

    def _load_catalog_shard(self, rel: str) -> set[str]:
        self._signatures[rel] = self.store.signature(rel)
        where = self.store.root / rel
        seen: set[str] = set()
        for doc in self.store.read_docs(rel).values():
            entry = entry_from_doc(doc, where)
            self.entries[entry.id] = entry
            seen.add(entry.id)
        return seen

    def _load_state_shard(self, rel: str) -> set[str]:
        """(Re)load one state shard; return the ids whose state differs from before."""
        self._signatures[rel] = self.store.signature(rel)
        where = self.store.root / rel
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

    # -- reading ------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.entries)

    def state(self, pid: str) -> PaperState:
        return self.states.get(pid, DEFAULT_STATE)

    def abstract(self, pid: str) -> str:
        """The abstract of one paper, loading its shard on first use (thread-safe)."""
        rel = shard_name(ABSTRACTS, pid)
        with self._io:
            if rel not in self._abstract_shards:
                self._load_abstract_shard(rel)
            return self._abstracts.get(pid, "")

    def cached_abstract(self, pid: str) -> str | None:
        """The abstract if its shard is already in memory, else None; never reads a file
        or waits for a lock (the UI thread asks before starting a load)."""
        if shard_name(ABSTRACTS, pid) in self._abstract_shards:
            return self._abstracts.get(pid, "")
        return None

    def _load_abstract_shard(self, rel: str) -> None:
        docs = self.store.read_docs(rel)
        for doc in docs.values():
            pid, text = doc.get("id"), doc.get("abstract")
            if isinstance(pid, str) and isinstance(text, str):
                self._abstracts[pid] = text
        self._abstract_shards.add(rel)
        self._signatures[rel] = self.store.signature(rel)

    def abstracts(self) -> dict[str, str]:
        """Every abstract (loads the remaining shards; meant for a background thread)."""
        for rel in all_shards(ABSTRACTS):
            with self._io:  # per shard, so abstract(pid) for the detail pane never waits long
                if rel not in self._abstract_shards:
                    self._load_abstract_shard(rel)
        with self._io:
            return dict(self._abstracts)

    def resolve(self, prefix: str) -> str:
        """The one paper id starting with ``prefix`` (like git's abbreviated hashes)."""
        p = prefix.strip().lower()
        if not ids.is_id_prefix(p):
            raise UsageError(f"{prefix!r} is not a paper id (ids are hex, e.g. 3f2a9c1d)")
        matches = [pid for pid in self.entries if pid.startswith(p)]
        if not matches:
            raise UnknownIdError(f"no paper with id {prefix!r}; 'readq list' shows the ids")
        if len(matches) > 1:
            shown = ", ".join(sorted(matches)[:4])
            raise AmbiguousIdError(
                f"id {prefix!r} is ambiguous: {len(matches)} papers match ({shown}"
                f"{', ...' if len(matches) > 4 else ''}); give more characters"
            )
        return matches[0]

    # -- changing state -----------------------------------------------------------------

    def update(self, changes: Mapping[str, Mapping[str, Any]], label: str = "") -> Change:
        """Set fields (read/starred/note) of several papers in one atomic transaction."""
        for pid, fields in changes.items():
            bad = set(fields) - set(STATE_FIELDS)
            if bad:
                raise ValueError(f"unknown state fields {sorted(bad)}")
            if pid not in self.entries and pid not in self.states:
                raise UnknownIdError(f"no paper with id {pid!r}")
        now = iso(self.clock())
        before: dict[str, dict[str, Any]] = {}
        after: dict[str, dict[str, Any]] = {}
        by_shard: dict[str, list[str]] = {}
        for pid in changes:
            by_shard.setdefault(shard_name(STATE, pid), []).append(pid)
        fresh: dict[str, PaperState] = {}
        deferred = _DurableFailure()
        with deferred, self.store.transaction() as txn:
            self._backup_if_due(len(changes) > 1 and "pre-bulk")
            for rel, pids in by_shard.items():
                table = txn.table(rel)
                where = self.store.root / rel
                _validate(txn, where, STATE, state_from_doc)
                puts: dict[int, dict[str, Any]] = {}
                drops: list[int] = []
                for pid in pids:
                    doc = table.get(doc_id=doc_id(pid))
                    old = state_from_doc(doc, where) if isinstance(doc, Mapping) else DEFAULT_STATE
                    fields = dict(changes[pid])
                    if "note" in fields:
                        fields["note"] = clean_note(str(fields["note"]))
                    before[pid] = {f: getattr(old, f) for f in fields}
                    after[pid] = dict(fields)
                    new = old
                    for f, value in fields.items():
                        if getattr(old, f) != value:
                            new = replace(new, **{f: value, _STAMP[f]: now if value else None})
                    if new != old:
                        new = replace(new, updated_at=now)
                    fresh[pid] = new
                    if new == old:
                        continue
                    if isinstance(doc, Mapping):
                        drops.append(doc_id(pid))
                    if not new.is_default:
                        title = self.entries[pid].title if pid in self.entries else ""
                        puts[doc_id(pid)] = state_to_doc(pid, title, new)
                _replace_docs(table, drops, puts)
            written = [str(p.relative_to(self.store.root)) for p in txn.written]
        for rel in written:
            self._signatures[rel] = self.store.signature(rel)
        for pid, st in fresh.items():
            members = self._state_shard_ids.setdefault(shard_name(STATE, pid), set())
            if st.is_default:
                self.states.pop(pid, None)
                members.discard(pid)
            else:
                self.states[pid] = st
                members.add(pid)
        deferred.reraise()
        return Change(before, after, label)

    def set_field(self, pids: Iterable[str], name: str, value: Any, label: str = "") -> Change:
        return self.update({pid: {name: value} for pid in pids}, label)

    def set_note(self, pid: str, text: str) -> Change:
        return self.update({pid: {"note": text}}, "note")

    def undo(self, change: Change) -> Change:
        return self.update(change.before, f"undo {change.label}".strip())

    def redo(self, change: Change) -> Change:
        return self.update(change.after, change.label)

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

    def import_papers(self, papers: Iterable[Paper]) -> ImportReport:
        """Add papers: each paper once, known papers keep their state and gain metadata."""
        report = ImportReport()
        incoming: dict[str, Paper] = {}
        for paper in papers:
            if paper.id in incoming:
                report.duplicates += 1
                incoming[paper.id] = merge_paper(incoming[paper.id], paper)
            else:
                incoming[paper.id] = paper
        if not incoming:
            return report
        now = iso(self.clock())
        by_shard: dict[str, list[Paper]] = {}
        for paper in incoming.values():
            by_shard.setdefault(shard_name(CATALOG, paper.id), []).append(paper)
        results: dict[str, Entry] = {}
        deferred = _DurableFailure()
        with deferred, self.store.transaction() as txn:
            self._backup_if_due("pre-import")
            for rel, group in by_shard.items():
                catalog = txn.table(rel)
                abstracts = txn.table(shard_name(ABSTRACTS, group[0].id))
                where = self.store.root / rel
                _validate(txn, where, CATALOG, entry_from_doc)
                puts: dict[int, dict[str, Any]] = {}
                drops: list[int] = []
                abstract_puts: dict[int, dict[str, Any]] = {}
                abstract_drops: list[int] = []
                for paper in group:
                    did = doc_id(paper.id)
                    doc = catalog.get(doc_id=did)
                    if isinstance(doc, Mapping):
                        old = entry_from_doc(doc, where)
                        entry = _merged_entry(old, paper, now)
                        if replace(entry, last_seen=old.last_seen) != old:
                            report.updated += 1
                            report.changed_ids.append(paper.id)
                        else:
                            report.known += 1
                        drops.append(did)
                        adoc = abstracts.get(doc_id=did)
                        has_abstract = isinstance(adoc, Mapping) and adoc.get("abstract")
                        if paper.abstract and not has_abstract:
                            if adoc is not None:
                                abstract_drops.append(did)
                            abstract_puts[did] = {"id": paper.id, "abstract": paper.abstract}
                    else:
                        entry = Entry(
                            id=paper.id,
                            title=paper.title,
                            authors=paper.authors,
                            organization=paper.organization,
                            published=paper.published,
                            upvotes=paper.upvotes,
                            links=paper.links,
                            first_seen=now,
                            last_seen=now,
                        )
                        report.new += 1
                        report.new_ids.append(paper.id)
                        if abstracts.get(doc_id=did) is not None:
                            abstract_drops.append(did)
                        abstract_puts[did] = {"id": paper.id, "abstract": paper.abstract}
                    puts[did] = entry_to_doc(entry)
                    results[paper.id] = entry
                _replace_docs(catalog, drops, puts)
                _replace_docs(abstracts, abstract_drops, abstract_puts)
            written = [str(p.relative_to(self.store.root)) for p in txn.written]
        for rel in written:
            self._signatures[rel] = self.store.signature(rel)
        self.entries.update(results)
        with self._io:
            for paper in incoming.values():
                if paper.abstract and not self._abstracts.get(paper.id):
                    self._abstracts[paper.id] = paper.abstract
        deferred.reraise()
        return report

    # -- other processes ----------------------------------------------------------------

    def poll(self) -> tuple[set[str], set[str]]:
        """Reload the shards another process replaced.

        Returns (ids whose state changed, ids of new or updated catalog entries).
        """
        state_changed: set[str] = set()
        catalog_changed: set[str] = set()
        for rel in all_shards(STATE):
            sig = self.store.signature(rel)
            if sig != self._signatures.get(rel):
                state_changed |= self._load_state_shard(rel)
        for rel in all_shards(CATALOG):
            sig = self.store.signature(rel)
            if sig != self._signatures.get(rel):
                digit = rel.split("/")[1][0]
                before = {pid: e for pid, e in self.entries.items() if pid.startswith(digit)}
                for pid in self._load_catalog_shard(rel):
                    if before.get(pid) != self.entries[pid]:
                        catalog_changed.add(pid)
                with self._io:
                    self._abstract_shards.discard(shard_name(ABSTRACTS, digit))
        return state_changed, catalog_changed

    # -- convenience --------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        return views.counts(self.entries, self.states)


def _validate(
    txn: Transaction, where: Path, kind: str, check: Callable[[Mapping[str, Any], Path], object]
) -> None:
    """Refuse to write into a shard whose documents are damaged (never paper over it)."""
    data = txn.read(where) or {}
    for doc in data.get(TABLES[kind], {}).values():
        check(doc, where)


def _replace_docs(table: Table, drops: list[int], puts: Mapping[int, dict[str, Any]]) -> None:
    """Remove and (re)insert documents in two passes: TinyDB rewrites the table per call."""
    if drops:
        table.remove(doc_ids=drops)
    if puts:
        table.insert_multiple(Document(doc, doc_id=did) for did, doc in puts.items())


def _merged_entry(old: Entry, paper: Paper, now: str) -> Entry:
    """A paper seen again: keep what we had, fill gaps, take the latest upvote count."""
    return replace(
        old,
        authors=old.authors if old.authors is not None else paper.authors,
        organization=old.organization or paper.organization,
        published=old.published or paper.published,
        upvotes=paper.upvotes if paper.upvotes is not None else old.upvotes,
        links=tuple(dict.fromkeys(old.links + paper.links)),
        last_seen=now,
    )
