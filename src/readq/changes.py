"""Changes to paper state (read, starred, note) as field-level deltas.

A ``Change`` records, per paper, the fields one user action set, before and after.
``StateDelta`` computes a change shard by shard against what is on disk at the moment
of writing, so a field another readq process changed meanwhile is kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from readq.errors import UnknownIdError
from readq.models import DEFAULT_STATE, PaperState
from readq.storage.documents import state_from_doc, state_to_doc
from readq.storage.store import Shard
from readq.text import clean_note

STATE_FIELDS = ("read", "starred", "note", "removed")
_STAMP = {"read": "read_at", "starred": "starred_at", "note": "note_at", "removed": "removed_at"}


@dataclass(frozen=True)
class Change:
    """One user action: per paper, the fields it set, before and after.

    Undo applies ``before``, redo applies ``after``; both are deltas, so undoing a star
    does not revert a note another process wrote meanwhile.
    """

    before: dict[str, dict[str, Any]]
    after: dict[str, dict[str, Any]]
    label: str = ""
    conflicts: tuple[str, ...] = ()
    """Papers whose note another process changed since the one the caller expected: the
    saved note then ends with that other version (see :func:`merge_conflict`)."""

    @property
    def conflict(self) -> bool:
        return bool(self.conflicts)

    @property
    def ids(self) -> list[str]:
        return list(self.after)

    def __bool__(self) -> bool:
        return any(self.before[k] != self.after[k] for k in self.after)


def check_changes(changes: Mapping[str, Mapping[str, Any]], known: Callable[[str], bool]) -> None:
    """Refuse unknown fields and papers ``known`` does not know, before anything is written."""
    for pid, fields in changes.items():
        bad = set(fields) - set(STATE_FIELDS)
        if bad:
            raise ValueError(f"unknown state fields {sorted(bad)}")
        if not known(pid):
            raise UnknownIdError(f"no paper with id {pid!r}")


def changed_state(old: PaperState, fields: Mapping[str, Any], now: str) -> PaperState:
    """``old`` with ``fields`` set; each field that changes gets its time stamp."""
    new = old
    for name, value in fields.items():
        if getattr(old, name) != value:
            new = replace(new, **{name: value, _STAMP[name]: now if value else None})
    if new != old:
        new = replace(new, updated_at=now)
    return new


CONFLICT_MARK = "--- conflict: this note was also changed elsewhere at {when} ---"


def merge_conflict(mine: str, theirs: str, when: str) -> str:
    """Both versions of a note two processes changed at once: ``mine`` first, then a
    marked section with ``theirs`` (changed at ``when``), so neither is lost."""
    mark = CONFLICT_MARK.format(when=when.replace("T", " ").replace("Z", " UTC"))
    return f"{mine}\n\n{mark}\n{theirs}" if mine else f"{mark}\n{theirs}"


class StateDelta:
    """One update being written: the requested fields, what they were, what they became.

    ``expected`` (``{paper id: note}``) makes a note change a compare-and-set: when the
    note on disk is no longer the one the caller started from, both are kept.
    """

    def __init__(
        self,
        changes: Mapping[str, Mapping[str, Any]],
        now: str,
        expected: Mapping[str, str] | None = None,
    ) -> None:
        self.changes = changes
        self.now = now
        self.expected = expected or {}
        self.conflicts: list[str] = []
        self.before: dict[str, dict[str, Any]] = {}
        self.after: dict[str, dict[str, Any]] = {}
        self.fresh: dict[str, PaperState] = {}  # the resulting state of every paper

    def apply(self, shard: Shard, pids: Iterable[str], title: Callable[[str], str]) -> None:
        """Apply the changes of ``pids`` (all in ``shard``) to the state on disk.

        ``title`` gives the title that starred and annotated papers keep a copy of. A
        shard with a damaged document is refused (CorruptFileError), never rewritten.
        """
        shard.check(state_from_doc)
        puts: dict[str, dict[str, Any]] = {}
        drops: list[str] = []
        for pid in pids:
            doc = shard.get(pid)
            old = state_from_doc(doc, shard.path) if doc is not None else DEFAULT_STATE
            fields = dict(self.changes[pid])
            if "note" in fields:
                fields["note"] = clean_note(str(fields["note"]))
                if pid in self.expected:
                    fields["note"] = self._compare_and_set(pid, old, fields["note"])
            self.before[pid] = {f: getattr(old, f) for f in fields}
            self.after[pid] = dict(fields)
            new = changed_state(old, fields, self.now)
            self.fresh[pid] = new
            if new == old:
                continue
            if doc is not None:
                drops.append(pid)
            if not new.is_default:
                puts[pid] = state_to_doc(pid, title(pid), new)
        shard.replace(drops, puts)

    def _compare_and_set(self, pid: str, old: PaperState, note: str) -> str:
        if old.note in (clean_note(self.expected[pid]), note, ""):
            return note  # unchanged since, or changed to the same text, or cleared
        self.conflicts.append(pid)
        return clean_note(merge_conflict(note, old.note, old.note_at or self.now))

    def change(self, label: str) -> Change:
        return Change(self.before, self.after, label, tuple(self.conflicts))
