"""The one undo history of a library, shared by the command line and the reading queue.

``history.json`` in the data dir holds the last :data:`LIMIT` changes (``undo``) and
what was undone since the last new change (``redo``). Every read and write of it
happens under the library lock, inside a store transaction, so two readq processes
appending at once never lose a step, and an undo commits the papers it restores and the
history that says so atomically (a crash leaves both old or both new).

A :class:`Step` is one user action: a state change (a ``Change``: per paper, the fields
it set, before and after), or an import (the catalog entries it added, and those it
updated, before and after). Undo and redo apply against what is on disk, field by field:
a paper that has since changed differently (another process, a later import) is refused
with :class:`HistoryConflictError` and nothing is written.

Undoing an import deletes the catalog entries of the papers it added (their abstracts
stay, so a redo or a new import of the same page brings them back whole), and puts the
entries it updated back as they were.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from readq.changes import STATE_FIELDS, Change, StateDelta
from readq.clock import file_stamp, iso, utc_now
from readq.errors import CorruptFileError, ReadqError
from readq.library import ImportReport, Library
from readq.models import DEFAULT_STATE, Entry, Paper
from readq.storage.documents import entry_to_doc, state_from_doc
from readq.storage.fsutil import keep_aside
from readq.storage.layout import catalog_shard, state_shard
from readq.storage.store import Store, Transaction

__all__ = [
    "HISTORY_FILE",
    "LIMIT",
    "HistoryConflictError",
    "NothingToDoError",
    "Step",
    "import_papers",
    "import_step",
    "load",
    "peek",
    "record",
    "redo",
    "undo",
    "update",
]

HISTORY_FILE: Final = "history.json"
LIMIT: Final = 200
"""Steps kept; the oldest is dropped when a new one comes."""

_UNDO, _REDO = "undo", "redo"
_PARTS: Final = ("before", "after", "added", "updated", "dropped")
_IGNORED: Final = ("last_seen",)  # a later import sees a paper again: not a conflict


class HistoryConflictError(ReadqError):
    """A paper changed since the step, differently; nothing was changed (exit 1)."""

    exit_code = 1


class NothingToDoError(ReadqError):
    exit_code = 1


@dataclass(frozen=True)
class Step:
    """One undoable user action (a state change, an import, a removal)."""

    label: str
    time: str  # ISO UTC
    before: dict[str, dict[str, Any]] = field(default_factory=dict)  # state fields
    after: dict[str, dict[str, Any]] = field(default_factory=dict)
    added: dict[str, dict[str, Any]] = field(default_factory=dict)  # catalog docs
    updated: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # [old, new]
    dropped: dict[str, dict[str, Any]] = field(default_factory=dict)  # catalog docs

    @classmethod
    def of_change(cls, change: Change, time: str) -> Step:
        changed = [pid for pid in change.after if change.before[pid] != change.after[pid]]
        return cls(
            change.label,
            time,
            {pid: dict(change.before[pid]) for pid in changed},
            {pid: dict(change.after[pid]) for pid in changed},
        )

    @property
    def papers(self) -> int:
        return len(set(self.after) | set(self.added) | set(self.updated) | set(self.dropped))

    def __bool__(self) -> bool:
        return self.papers > 0

    @property
    def ids(self) -> list[str]:
        """Every paper the step touches (to refresh after an undo or redo)."""
        return list(dict.fromkeys([*self.after, *self.added, *self.updated, *self.dropped]))

    @property
    def catalog(self) -> bool:
        """Whether the step adds, changes or drops catalog entries (an import)."""
        return bool(self.added or self.updated or self.dropped)

    def to_doc(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"label": self.label, "time": self.time}
        for name in _PARTS:
            if getattr(self, name):
                doc[name] = getattr(self, name)
        return doc

    @classmethod
    def from_doc(cls, doc: Mapping[str, Any]) -> Step:
        """A step as stored; ValueError unless every paper id is a paper id, every state
        field one of :data:`STATE_FIELDS` with a value of its type, and every catalog
        entry an object naming its own id (a hostile history is damage, never applied)."""
        parts = {n: doc.get(n) or {} for n in _PARTS}
        if not (
            isinstance(doc.get("label"), str)
            and isinstance(doc.get("time"), str)
            and all(isinstance(v, dict) for v in parts.values())
            and set(parts["before"]) == set(parts["after"])
            and all(_is_id(pid) for v in parts.values() for pid in v)
            and all(_good_fields(f) for n in ("before", "after") for f in parts[n].values())
            and all(
                _good_entry(pid, e) for n in ("added", "dropped") for pid, e in parts[n].items()
            )
            and all(
                isinstance(pair, list) and len(pair) == 2 and all(_good_entry(pid, e) for e in pair)
                for pid, pair in parts["updated"].items()
            )
        ):
            raise ValueError("malformed history step")
        return cls(doc["label"], doc["time"], **parts)

    def inverse(self) -> Step:
        """The step that undoes this one (applying it is an undo)."""
        return Step(
            self.label,
            self.time,
            before=self.after,
            after=self.before,
            added=self.dropped,
            updated={pid: [new, old] for pid, (old, new) in self.updated.items()},
            dropped=self.added,
        )


def _is_id(pid: object) -> bool:
    return isinstance(pid, str) and len(pid) == 16 and all(c in "0123456789abcdef" for c in pid)


def _good_fields(fields: object) -> bool:
    if not isinstance(fields, dict):
        return False
    for name, value in fields.items():
        kind = str if name == "note" else bool
        if name not in STATE_FIELDS or type(value) is not kind:
            return False
    return True


def _good_entry(pid: str, doc: object) -> bool:
    return isinstance(doc, dict) and doc.get("id") == pid


def import_step(
    label: str, time: str, before: Mapping[str, Entry | None], lib: Library, ids: list[str]
) -> Step:
    """The step of an import: ``before`` holds each imported id's entry before it (None:
    the paper was new), ``lib`` the entries after it; ``ids`` the ids it added or changed."""
    added: dict[str, dict[str, Any]] = {}
    updated: dict[str, list[dict[str, Any]]] = {}
    for pid in ids:
        old, new = before.get(pid), lib.entries.get(pid)
        if new is None:
            continue
        if old is None:
            added[pid] = entry_to_doc(new)
        elif _comparable(entry_to_doc(old)) != _comparable(entry_to_doc(new)):
            updated[pid] = [entry_to_doc(old), entry_to_doc(new)]
    return Step(label, time, added=added, updated=updated)


# -- the file ---------------------------------------------------------------------------


def _steps(data: Mapping[str, Any] | None, table: str) -> list[Step]:
    if data and set(data) - {_UNDO, _REDO}:
        raise ValueError("unknown history table")
    docs = (data or {}).get(table, {})
    return [Step.from_doc(docs[k]) for k in sorted(docs, key=int)]


def _read(txn: Transaction, *, strict: bool = False) -> tuple[list[Step], list[Step]]:
    """(undo, redo) as on disk; a damaged file is kept aside (its exact bytes) and history
    starts afresh, or, ``strict`` (undo and redo), CorruptFileError: nothing changes."""
    path = txn.store.path(HISTORY_FILE)
    try:
        data = txn.read(path)
        return _steps(data, _UNDO), _steps(data, _REDO)
    except (CorruptFileError, ValueError, TypeError, KeyError) as exc:
        kept = keep_aside(path, file_stamp(utc_now()))
        if strict:
            reason = exc.reason if isinstance(exc, CorruptFileError) else "malformed history"
            raise CorruptFileError(path, reason, kept) from None
        return [], []


def _stage(txn: Transaction, undo_steps: list[Step], redo_steps: list[Step]) -> None:
    del undo_steps[:-LIMIT]
    del redo_steps[:-LIMIT]
    data = {
        _UNDO: {str(i): s.to_doc() for i, s in enumerate(undo_steps, 1)},
        _REDO: {str(i): s.to_doc() for i, s in enumerate(redo_steps, 1)},
    }
    txn.stage(txn.store.path(HISTORY_FILE), data)


def load(store: Store) -> tuple[list[Step], list[Step]]:
    """(undo, redo), oldest first, for ``readq undo --list`` (no lock: read-only)."""
    from readq.storage.codec import read_json_file

    try:
        data = read_json_file(store.path(HISTORY_FILE))
        return _steps(data, _UNDO), _steps(data, _REDO)
    except (ValueError, TypeError, KeyError):
        raise CorruptFileError(store.path(HISTORY_FILE), "malformed history") from None


def record(store: Store, step: Step) -> None:
    """Append a new step (it can be undone; what was undone can no longer be redone)."""
    if not step:
        return
    if not store.exists():
        store.prepare()
    with store.transaction() as txn:
        undo_steps, _ = _read(txn)
        undo_steps.append(step)
        _stage(txn, undo_steps, [])


def update(lib: Library, changes: Mapping[str, Mapping[str, Any]], label: str) -> Change:
    """``lib.update`` and record it: the one call for an undoable state change (run it on
    the TUI's store thread; it takes the library lock twice, briefly)."""
    change = lib.update(changes, label)
    record(lib.store, Step.of_change(change, iso(lib.clock())))
    return change


def import_papers(
    lib: Library,
    papers: Iterable[Paper],
    label: str,
    *,
    fetched: bool = False,
    last_fetched: date | None = None,
) -> ImportReport:
    """``lib.import_papers`` and record it, so that an undo drops the papers it added and
    puts the ones it updated back. ``fetched``/``last_fetched`` as ``lib.import_papers``
    (a fetch also records upvotes and the last day fetched)."""
    papers = list(papers)
    before = {p.id: lib.entries.get(p.id) for p in papers}
    report = lib.import_papers(papers, fetched=fetched, last_fetched=last_fetched)
    ids = report.new_ids + report.changed_ids
    record(lib.store, import_step(label, iso(lib.clock()), before, lib, ids))
    return report


def peek(store: Store) -> tuple[str, str]:
    """The labels of what ``undo`` and ``redo`` would do next (``""``: nothing)."""
    try:
        undo_steps, redo_steps = load(store)
    except CorruptFileError:
        return "", ""
    return (undo_steps[-1].label if undo_steps else "", redo_steps[-1].label if redo_steps else "")


# -- undo and redo ------------------------------------------------------------------------


def undo(lib: Library) -> Step:
    """Undo the newest step against what is on disk; returns it. Raises
    NothingToDoError or HistoryConflictError (then nothing is written)."""
    return _move(lib, _UNDO)


def redo(lib: Library) -> Step:
    """Redo the step undone last; returns it."""
    return _move(lib, _REDO)


def _move(lib: Library, source: str) -> Step:
    store = lib.store
    now = iso(lib.clock())
    with store.transaction() as txn:
        undo_steps, redo_steps = _read(txn, strict=True)
        stack, other = (undo_steps, redo_steps) if source == _UNDO else (redo_steps, undo_steps)
        if not stack:
            raise NothingToDoError(
                f"nothing to {source}" + ("" if source == _UNDO else " (undo something first)")
            )
        step = stack.pop()
        _apply(txn, lib, step.inverse() if source == _UNDO else step, now, step.label)
        other.append(step)
        _stage(txn, undo_steps, redo_steps)
    for pid in step.added if source == _UNDO else ():  # deleted entries leave memory too
        lib.entries.pop(pid, None)
    lib.poll()
    return step


def _title(lib: Library, pid: str) -> str:
    entry = lib.entries.get(pid)
    return entry.title if entry is not None else ""


def _comparable(doc: Mapping[str, Any] | None) -> dict[str, Any] | None:
    return None if doc is None else {k: v for k, v in doc.items() if k not in _IGNORED}


def _conflict(pid: str, label: str, what: str) -> HistoryConflictError:
    return HistoryConflictError(f"paper {pid[:8]} {what} since '{label}'; nothing was changed")


def _check_states(txn: Transaction, step: Step, label: str) -> None:
    """Each paper must be in the library (or come with the step); each field must still
    be what the step started from, or already its target."""
    for pid, fields in step.after.items():
        if (
            pid not in step.added
            and pid not in step.dropped
            and txn.shard(catalog_shard(pid)).get(pid) is None
        ):
            raise HistoryConflictError(
                f"paper {pid[:8]} in '{label}' is not in the library; nothing was changed"
            )
        doc = txn.shard(state_shard(pid)).get(pid)
        st = state_from_doc(doc, txn.store.path(state_shard(pid))) if doc else DEFAULT_STATE
        for name, target in fields.items():
            if getattr(st, name) not in (target, step.before[pid].get(name)):
                raise _conflict(pid, label, f"has a different {name}")


_Put = dict[str, tuple[bool, dict[str, Any] | None]]  # pid: (on disk now, new doc or None)


def _check_catalog(txn: Transaction, step: Step, label: str) -> _Put:
    """Entries to put or delete: added ones must be absent or unchanged, updated ones as
    the step left them, dropped ones unchanged and untouched since (no state)."""
    plan: _Put = {}
    for pid, doc in step.added.items():
        current = txn.shard(catalog_shard(pid)).get(pid)
        if current is not None and _comparable(current) != _comparable(doc):
            raise _conflict(pid, label, "was imported again")
        plan[pid] = (current is not None, doc)
    for pid, (old, new) in step.updated.items():
        current = txn.shard(catalog_shard(pid)).get(pid)
        if _comparable(current) not in (_comparable(old), _comparable(new)):
            raise _conflict(pid, label, "was updated by another import")
        plan[pid] = (current is not None, new)
    for pid, doc in step.dropped.items():
        current = txn.shard(catalog_shard(pid)).get(pid)
        if txn.shard(state_shard(pid)).get(pid) is not None and pid not in step.after:
            raise _conflict(pid, label, "was read, starred, annotated or removed")
        if current is not None and _comparable(current) != _comparable(doc):
            raise _conflict(pid, label, "was imported again")
        plan[pid] = (current is not None, None)
    return plan


def _by_shard(pids: Iterable[str], shard: Callable[[str], str]) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for pid in pids:
        groups.setdefault(shard(pid), []).append(pid)
    return groups


def _apply(txn: Transaction, lib: Library, step: Step, now: str, label: str) -> None:
    """Make ``step.after`` (and its catalog changes) true, after checking every paper."""
    _check_states(txn, step, label)
    plan = _check_catalog(txn, step, label)
    delta = StateDelta(step.after, now)
    for rel, pids in _by_shard(step.after, state_shard).items():
        delta.apply(txn.shard(rel), pids, lambda p: _title(lib, p))
    for rel, pids in _by_shard(plan, catalog_shard).items():
        drops = [pid for pid in pids if plan[pid][0]]
        puts = {pid: dict(doc) for pid in pids if (doc := plan[pid][1]) is not None}
        txn.shard(rel).replace(drops, puts)
