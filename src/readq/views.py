"""Views (Inbox, Starred, Read, All) and sort orders, shared by the CLI and the TUI."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from enum import Enum
from typing import Any

from readq.catalog import paper_count
from readq.models import Entry, PaperState


class View(str, Enum):
    INBOX = "inbox"
    STARRED = "starred"
    READ = "read"
    ALL = "all"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    def admits(self, state: PaperState) -> bool:
        if state.removed:  # ``readq remove``: in no view at all
            return False
        if self is View.INBOX:
            return not state.read
        if self is View.STARRED:
            return state.starred
        if self is View.READ:
            return state.read
        return True


SORTS = ("new", "date", "upvotes", "title", "added", "trending")
SORT_LABELS = {
    "new": "new first",
    "date": "newest first",
    "upvotes": "most upvoted",
    "title": "title A-Z",
    "added": "recently added",
    "trending": "gaining upvotes",
}


def _date_key(e: Entry) -> tuple[str, str]:
    return (e.published or "", e.first_seen)


def _upvotes_key(e: Entry) -> tuple[int, str]:
    return (e.upvotes if e.upvotes is not None else -1, e.published or "")


def sort_key(
    sort: str, new_since: str = "", *, momentum: Mapping[str, int] | None = None
) -> tuple[Callable[[Entry], Any], bool]:
    """(key, reverse) for ``sorted``; unknown dates/upvotes sort last.

    ``new`` puts the papers first seen after ``new_since`` first, each group newest
    first. ``trending`` orders by ``momentum`` (upvotes gained per day, see
    ``Library.momenta``), then by upvotes; papers without a momentum come after."""
    if sort == "new":
        return (lambda e: (e.first_seen > new_since, e.published or "", e.first_seen)), True
    if sort == "date":
        return _date_key, True
    if sort == "upvotes":
        return _upvotes_key, True
    if sort == "title":
        return (lambda e: e.title.casefold()), False
    if sort == "added":
        return (lambda e: (e.first_seen, e.published or "")), True
    if sort == "trending":
        gains = momentum or {}
        return (lambda e: (e.id in gains, gains.get(e.id, 0), _upvotes_key(e))), True
    raise ValueError(f"unknown sort {sort!r} (choose from {', '.join(SORTS)})")


def sorted_ids(
    entries: Mapping[str, Entry],
    ids: Iterable[str],
    sort: str,
    new_since: str = "",
    *,
    momentum: Mapping[str, int] | None = None,
) -> list[str]:
    key, reverse = sort_key(sort, new_since, momentum=momentum)
    chosen = [entries[i] for i in ids if i in entries]
    chosen.sort(key=key, reverse=reverse)
    return [e.id for e in chosen]


def is_new(entry: Entry, new_since: str) -> bool:
    """First seen after ``new_since``, the start of the previous reading-queue session."""
    return entry.first_seen > new_since


def view_rows(order: Sequence[str], states: Mapping[str, PaperState], view: View) -> list[str]:
    """The ids of ``order`` that belong to ``view``, keeping their order.

    ``states`` is sparse and may be changed by a writer thread: it is copied once (a
    C-level copy) before it is read. Removed papers belong to no view.
    """
    snapshot = states.copy() if isinstance(states, dict) else dict(states)
    if view is View.ALL or view is View.INBOX:
        hidden = {i for i, s in snapshot.items() if s.removed or (view is View.INBOX and s.read)}
        return [i for i in order if i not in hidden] if hidden else list(order)
    chosen = {i for i, s in snapshot.items() if view.admits(s)}
    return [i for i in order if i in chosen] if chosen else []


def counts(entries: Mapping[str, Entry], states: Mapping[str, PaperState]) -> dict[str, int]:
    """Papers per view, plus those with a note (states of unknown papers, and removed
    papers, don't count)."""
    snapshot = states.copy() if isinstance(states, dict) else dict(states)
    read = starred = notes = removed = 0
    for pid, s in snapshot.items():
        if pid in entries:
            if s.removed:
                removed += 1
                continue
            read += s.read
            starred += s.starred
            notes += bool(s.note)
    total = paper_count(entries) - removed
    return {"all": total, "unread": total - read, "read": read, "starred": starred, "notes": notes}


class ViewOrder:
    """A view's ids in order, for putting a search's matches in that order. A few
    thousand matches out of 1,000,000 papers are sorted by their place in the view
    (the places made once per view, on first need) instead of walking the whole view
    on every keystroke; many matches walk the view, which is then cheaper."""

    WALK_SHARE = 8
    """The view is walked when the matches are more than 1/this of it."""

    def __init__(self, ids: list[str]) -> None:
        self.ids = ids
        self._places: dict[str, int] | None = None

    def keep(self, found: list[str]) -> list[str]:
        """The ids of ``found`` that are in the view, in the view's order."""
        if len(found) * self.WALK_SHARE >= len(self.ids):
            hits = set(found)
            return [i for i in self.ids if i in hits]
        places = self._places
        if places is None:
            places = self._places = dict(zip(self.ids, range(len(self.ids)), strict=True))
        kept = [i for i in found if i in places]
        kept.sort(key=places.__getitem__)
        return kept
