"""Which starred papers an export carries, and in what order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from readq.models import Entry, PaperState
from readq.views import sorted_ids

if TYPE_CHECKING:
    from readq.library import Library

ORDERS = ("starred", "published")


@dataclass(frozen=True, slots=True)
class ExportItem:
    """One starred paper with everything the export shows about it."""

    entry: Entry
    abstract: str
    state: PaperState


def order_ids(entries: dict[str, Entry], states: dict[str, PaperState], order: str) -> list[str]:
    """``order="starred"``: most recently starred first; ``"published"``: newest first.

    Papers starred before readq kept the time come after the others, newest first.
    """
    if order not in ORDERS:
        raise ValueError(f"unknown export order {order!r}")
    ids = sorted_ids(entries, list(states), "date")
    if order == "published":
        return ids
    known = [pid for pid in ids if states[pid].starred_at]
    known.sort(key=lambda pid: states[pid].starred_at or "", reverse=True)  # stable
    return known + [pid for pid in ids if not states[pid].starred_at]


def starred_items(
    library: Library, *, order: str = "starred", since: str | None = None
) -> list[ExportItem]:
    """The starred papers of ``library`` in ``order``, with abstract and state.

    ``since`` (an ISO timestamp): only the papers starred at or after it.
    """
    snapshot = library.states.copy()  # a snapshot: the TUI runs this on the store thread
    states = {
        pid: st
        for pid, st in snapshot.items()
        if st.starred
        and not st.removed
        and pid in library.entries
        and (since is None or (st.starred_at is not None and st.starred_at >= since))
    }
    ids = order_ids(library.entries, states, order)
    return [ExportItem(library.entries[i], library.abstract(i), states[i]) for i in ids]
