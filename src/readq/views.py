"""Views (Inbox, Starred, Read, All) and sort orders, shared by the CLI and the TUI."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from enum import Enum

from readq.models import DEFAULT_STATE, Entry, PaperState


class View(str, Enum):
    INBOX = "inbox"
    STARRED = "starred"
    READ = "read"
    ALL = "all"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    def admits(self, state: PaperState) -> bool:
        if self is View.INBOX:
            return not state.read
        if self is View.STARRED:
            return state.starred
        if self is View.READ:
            return state.read
        return True


SORTS = ("date", "upvotes", "title", "added")
SORT_LABELS = {
    "date": "newest first",
    "upvotes": "most upvoted",
    "title": "title A-Z",
    "added": "recently added",
}


def _date_key(e: Entry) -> tuple[str, str]:
    return (e.published or "", e.first_seen)


def sort_key(sort: str) -> tuple[Callable[[Entry], object], bool]:
    """(key, reverse) for ``sorted``; unknown dates/upvotes sort last."""
    if sort == "date":
        return _date_key, True
    if sort == "upvotes":
        return (lambda e: (e.upvotes if e.upvotes is not None else -1, e.published or "")), True
    if sort == "title":
        return (lambda e: e.title.casefold()), False
    if sort == "added":
        return (lambda e: (e.first_seen, e.published or "")), True
    raise ValueError(f"unknown sort {sort!r} (choose from {', '.join(SORTS)})")


def sorted_ids(entries: Mapping[str, Entry], ids: Iterable[str], sort: str) -> list[str]:
    key, reverse = sort_key(sort)
    chosen = [entries[i] for i in ids if i in entries]
    chosen.sort(key=key, reverse=reverse)
    return [e.id for e in chosen]


def view_ids(
    entries: Mapping[str, Entry],
    states: Mapping[str, PaperState],
    view: View,
) -> list[str]:
    """The ids in a view, in catalog order (callers sort)."""
    if view is View.ALL:
        return list(entries)
    if view is View.INBOX:
        return [i for i in entries if not states.get(i, DEFAULT_STATE).read]
    return [i for i, s in states.items() if view.admits(s) and i in entries]
