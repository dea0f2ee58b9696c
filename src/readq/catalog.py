"""A library catalog read on demand, for commands that look at a few papers.

``readq list QUERY`` prints a handful of rows out of 100,000 papers: parsing every
catalog shard for them was most of its time. :class:`LazyCatalog` is the
``Library.entries`` of a library opened with ``lazy_catalog=True``: a dict that reads
what a lookup needs, and the whole catalog before anything sees it whole.

* A lookup (``entries[pid]``, ``pid in entries``, ``entries.get(pid)``) reads the
  paper from the *source* when one was given (:meth:`LazyCatalog.use`: the current
  search index, which holds every paper as it is in the catalog), else the one
  catalog shard that holds the id.
* Anything that sees the whole catalog (iteration, ``len``, ``keys``/``values``/
  ``items``, ``copy``, comparison) first reads every shard, in the same order as an
  eagerly opened library, so it sees exactly what an eager library would.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from readq.gcpause import gc_paused
from readq.models import Entry
from readq.storage.layout import catalog_digit, catalog_shard, catalog_shards

if TYPE_CHECKING:
    from _collections_abc import dict_items, dict_keys, dict_values


class CatalogSource(Protocol):
    """What can serve a lazily read catalog (a current ``SearchIndex``)."""

    def paper_ids(self) -> Sequence[str]: ...

    def entry(self, pid: str) -> Entry | None: ...


class LazyCatalog(dict[str, Entry]):
    """paper id -> Entry, read on demand (see the module docstring)."""

    def __init__(self, read_shard: Callable[[str], object]) -> None:
        super().__init__()
        self._read_shard = read_shard  # fills this dict with one shard's entries
        self._unread = set(catalog_shards())
        self._ids: Sequence[str] | None = None
        self._known: frozenset[str] = frozenset()
        self._source: Callable[[str], Entry | None] | None = None

    @property
    def complete(self) -> bool:
        """True once every catalog shard has been read."""
        return not self._unread

    def use(self, ids: Sequence[str], source: Callable[[str], Entry | None]) -> None:
        """Take ``ids`` (every paper of the catalog) and ``source`` (each one's entry,
        None for an unknown id) from something known to match the catalog on disk."""
        if self._unread:
            self._ids, self._source = ids, source
            self._known = frozenset(ids)

    @property
    def sourced(self) -> bool:
        """True while the papers come from a source (see :meth:`use`), not the files."""
        return bool(self._unread) and self._source is not None

    def ids(self) -> list[str]:
        """Every paper id, without reading the catalog when a source gave them."""
        if self._unread and self._ids is not None:
            return list(self._ids)
        return list(self)

    def count(self) -> int:
        """How many papers, without reading the catalog when a source gave them."""
        if self._unread and self._ids is not None:
            return len(self._ids)
        return len(self)

    def load_all(self) -> None:
        """Read every catalog shard (what was looked up before is read again, so the
        order is an eagerly opened library's)."""
        if not self._unread:
            return
        self._ids = self._source = None
        self._known = frozenset()
        dict.clear(self)
        self._unread.clear()
        with gc_paused():
            for rel in catalog_shards():
                self._read_shard(rel)

    def _fetch(self, pid: object) -> bool:
        """Whether ``pid`` is a paper, reading it if needed."""
        if dict.__contains__(self, pid):
            return True
        if not self._unread or type(pid) is not str:
            return False
        if self._source is not None:
            entry = self._source(pid)
            if entry is None:
                return False
            dict.__setitem__(self, pid, entry)
            return True
        rel = catalog_shard(pid)
        if rel not in self._unread:
            return False
        self._unread.discard(rel)
        self._read_shard(rel)
        return dict.__contains__(self, pid)

    # -- lookups: read what they need ---------------------------------------------------

    def __missing__(self, pid: str) -> Entry:
        if self._fetch(pid):
            return dict.__getitem__(self, pid)
        raise KeyError(pid)

    def __contains__(self, pid: object) -> bool:
        if self._unread and self._source is not None:  # no entry to decode
            return dict.__contains__(self, pid) or pid in self._known
        return self._fetch(pid)

    def get(self, pid: str, default: Any = None) -> Any:
        return dict.__getitem__(self, pid) if self._fetch(pid) else default

    # -- the whole catalog: read it all first --------------------------------------------

    def __iter__(self) -> Iterator[str]:
        self.load_all()
        return dict.__iter__(self)

    def __len__(self) -> int:
        self.load_all()
        return dict.__len__(self)

    def keys(self) -> dict_keys[str, Entry]:
        self.load_all()
        return dict.keys(self)

    def values(self) -> dict_values[str, Entry]:
        self.load_all()
        return dict.values(self)

    def items(self) -> dict_items[str, Entry]:
        self.load_all()
        return dict.items(self)

    def copy(self) -> dict[str, Entry]:
        self.load_all()
        return dict(dict.items(self))

    def __eq__(self, other: object) -> bool:
        self.load_all()
        return dict.__eq__(self, other)

    __hash__ = None

    def update(self, *args: Any, **kw: Entry) -> None:
        self.load_all()
        dict.update(self, *args, **kw)

    def pop(self, pid: str, *default: Any) -> Any:
        self.load_all()
        return dict.pop(self, pid, *default)

    def setdefault(self, pid: str, default: Entry) -> Entry:
        self.load_all()
        return dict.setdefault(self, pid, default)

    def __delitem__(self, pid: str) -> None:
        self.load_all()
        dict.__delitem__(self, pid)

    def __repr__(self) -> str:
        self.load_all()
        return dict.__repr__(self)


def paper_ids(entries: Mapping[str, Entry]) -> list[str]:
    """Every paper id of a library's ``entries`` (lazily read or not)."""
    return entries.ids() if isinstance(entries, LazyCatalog) else list(entries)


def paper_count(entries: Mapping[str, Entry]) -> int:
    """How many papers a library's ``entries`` holds (lazily read or not)."""
    return entries.count() if isinstance(entries, LazyCatalog) else len(entries)


def shard_entries(entries: Mapping[str, Entry], digit: str) -> dict[str, Entry]:
    """The papers whose id starts with ``digit`` (one catalog shard's) as ``entries``
    has them now: for a catalog served by a source, the source's, without reading the
    shard (the shard on disk may be newer: see ``Library.poll``)."""
    if isinstance(entries, LazyCatalog) and entries.sourced:
        return {pid: entries[pid] for pid in entries.ids() if pid.startswith(digit)}
    return {pid: e for pid, e in entries.items() if pid.startswith(digit)}


def entries_before_reload(
    entries: Mapping[str, Entry], rels: Sequence[str]
) -> dict[str, dict[str, Entry]]:
    """Each of these catalog shards' papers as ``entries`` has them before the shards
    are read again; a catalog served by a source is then read whole (all at once, so
    a second changed shard is not read before its old papers were taken)."""
    found = {rel: shard_entries(entries, catalog_digit(rel)) for rel in rels}
    if rels and isinstance(entries, LazyCatalog) and entries.sourced:
        entries.load_all()
    return found


__all__ = [
    "CatalogSource",
    "LazyCatalog",
    "entries_before_reload",
    "paper_count",
    "paper_ids",
    "shard_entries",
]
