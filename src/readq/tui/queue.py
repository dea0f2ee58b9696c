"""The reading queue's pure logic: view rows, counts, formatting, keys.

Nothing here imports Textual, so it is unit-testable and reusable; the widgets and
screens only wire it to the terminal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from readq.models import Entry, PaperState
from readq.text import for_display
from readq.views import SORT_LABELS, SORTS, View, sorted_ids
from readq.views import counts as view_counts

if TYPE_CHECKING:
    from readq.search.index import SearchIndex

VIEWS = (View.INBOX, View.STARRED, View.READ, View.ALL)
BULK_CONFIRM_OVER = 5
"""Bulk actions on more papers than this ask first."""


@dataclass(frozen=True)
class Dates:
    """What the date sorts need of every paper, as the search index holds them (so a
    catalog served by the index is not decoded whole): the ids, each one's first-seen
    time, and the paper numbers newest first (published, then first seen)."""

    ids: Sequence[str]
    seen: Sequence[str]
    newest_first: Sequence[int]

    def fresh(self, since: str) -> set[str]:
        ids = self.ids
        return {ids[d] for d, first in enumerate(self.seen) if first > since}


def index_dates(index: SearchIndex) -> Dates:
    """The index's date columns (ids, first seen, newest first), read without decoding
    an entry."""
    return Dates(*index.date_columns())


class Orders:
    """Every id of the catalog sorted once per sort order, so that switching views is a
    single pass over a presorted list instead of a sort of 100,000 entries. ``dates``
    (None when the catalog is in memory) serves the date sorts without the entries."""

    def __init__(
        self,
        entries: Mapping[str, Entry],
        new_since: str = "",
        momentum: Callable[[], Mapping[str, int]] | None = None,
        dates: Callable[[], Dates | None] = lambda: None,
    ) -> None:
        self._entries = entries
        self.new_since = new_since
        self._momentum = momentum  # read on first use: only ``trending`` needs it
        self._dates = dates
        self._cache: dict[str, list[str]] = {}

    def order(self, sort: str) -> list[str]:
        cached = self._cache.get(sort)
        if cached is None and sort == "date":
            dates = self._dates()
            if dates is not None:
                ids = dates.ids
                cached = self._cache[sort] = [ids[d] for d in dates.newest_first]
        if cached is None:
            if sort == "new":  # the date order split in two: one pass, no second sort
                entries, since = self._entries, self.new_since
                by_date = self.order("date")
                dates = self._dates()
                if dates is not None:
                    fresh = dates.fresh(since)
                else:
                    fresh = {e.id for e in list(entries.values()) if e.first_seen > since}
                if not fresh or len(fresh) >= len(by_date):
                    cached = by_date
                else:
                    new = [i for i in by_date if i in fresh]
                    cached = new + [i for i in by_date if i not in fresh]
                self._cache[sort] = cached
                return cached
            ids = list(self._entries)  # one C-level copy: safe beside a writer thread
            gains = self._momentum() if sort == "trending" and self._momentum else None
            cached = self._cache[sort] = sorted_ids(
                self._entries, ids, sort, self.new_since, momentum=gains
            )
        return cached

    def invalidate(self) -> None:
        self._cache.clear()


def counts(entries: Mapping[str, Entry], states: Mapping[str, PaperState]) -> dict[View, int]:
    """The header's tab counts, from the core's :func:`readq.views.counts`."""
    c = view_counts(entries, states)
    return {
        View.INBOX: c["unread"],
        View.STARRED: c["starred"],
        View.READ: c["read"],
        View.ALL: c["all"],
    }


def new_count(entries: Mapping[str, Entry], new_since: str, dates: Dates | None = None) -> int:
    """How many papers are new (first seen after ``new_since``)."""
    if dates is not None:
        return sum(1 for first in dates.seen if first > new_since)
    return sum(1 for e in list(entries.values()) if e.first_seen > new_since)


def next_sort(sort: str) -> str:
    return SORTS[(SORTS.index(sort) + 1) % len(SORTS)] if sort in SORTS else SORTS[0]


def sort_label(sort: str) -> str:
    return SORT_LABELS.get(sort, sort)


# -- formatting --------------------------------------------------------------------------

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def short_date(published: str | None, today: dt.date | None = None) -> str:
    """Six columns at most, as ``ls -l`` does: ``Jan 12`` within about six months of
    ``today``, the year alone (``2023``) for older papers; unknown dates are blank."""
    if not published or len(published) < 10:
        return ""
    try:
        when = dt.date(int(published[:4]), int(published[5:7]), int(published[8:10]))
    except ValueError:
        return ""
    today = today or dt.date.today()
    if abs((today - when).days) <= 182:
        return f"{_MONTHS[when.month - 1]} {when.day:02d}"
    return str(when.year)


def long_date(published: str | None) -> str:
    if not published:
        return ""
    try:
        return dt.date.fromisoformat(published[:10]).strftime("%b %d, %Y").replace(" 0", " ")
    except ValueError:
        return published[:10]


def upvotes_text(upvotes: int | None) -> str:
    if upvotes is None:
        return ""
    if upvotes >= 10_000:
        return f"{upvotes // 1000}k"
    return str(upvotes)


def display_text(text: str) -> str:
    """A single line fit for the terminal: no control characters, no newlines, no
    invisible direction or width characters."""
    return for_display(text)


def web_links(entry: Entry) -> list[str]:
    """The paper's own links (found in its abstract), web URLs only."""
    seen: dict[str, None] = {}
    for link in entry.links:
        low = link.lower()
        if low.startswith(("https://", "http://")) and link not in seen:
            seen[display_text(link)] = None
    return list(seen)


def default_export_path(today: dt.date, home: Path | None = None) -> Path:
    base = home if home is not None else Path.home()
    return base / f"readq-starred-{today:%Y-%m-%d}.md"
