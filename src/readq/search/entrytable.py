"""The index's paper entries by paper number, and their compact form on disk.

A freshly built index holds the library's :class:`~readq.models.Entry` objects. An
index opened from disk keeps each paper's entry as it was indexed, one ``marshal``
record per paper (plain tuples: loading never runs code), and decodes a record only
when that paper is looked at: a phrase to verify, a tie to break, a row to print. So
opening the index never needs the library's catalog, and ``readq list QUERY`` prints
its rows without parsing every catalog shard.
"""

from __future__ import annotations

import marshal
from array import array
from collections.abc import Iterator
from dataclasses import fields

from readq.models import Entry
from readq.search.checked import CheckedBytes

_FIELDS = tuple(f.name for f in fields(Entry))


class EntryTable:
    """paper number -> Entry; records from disk are decoded on first use."""

    __slots__ = ("_items", "_blob", "_ends")

    def __init__(self) -> None:
        self._items: list[Entry | None] = []
        self._blob: bytes | CheckedBytes = b""
        self._ends = array("Q")

    @classmethod
    def decoded_from(cls, ends: bytes, blob: bytes | CheckedBytes) -> EntryTable:
        """A table over :func:`encode`'s output (records decoded on demand)."""
        table = cls()
        table._ends.frombytes(ends)
        table._blob = blob
        table._items = [None] * len(table._ends)
        return table

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, d: int) -> Entry:
        entry = self._items[d]
        if entry is None:
            start = self._ends[d - 1] if d else 0
            values = marshal.loads(self._blob[start : self._ends[d]])
            if type(values) is not tuple or len(values) != len(_FIELDS):
                raise ValueError(f"malformed entry record {d}")
            entry = self._items[d] = Entry(*values)
        return entry

    def __setitem__(self, d: int, entry: Entry) -> None:
        self._items[d] = entry

    def __iter__(self) -> Iterator[Entry]:
        return map(self.__getitem__, range(len(self._items)))

    def append(self, entry: Entry) -> None:
        self._items.append(entry)


def encode(table: EntryTable) -> tuple[bytes, bytes]:
    """(record ends as ``array('Q')`` bytes, the records): one marshal tuple per paper."""
    ends = array("Q")
    parts: list[bytes] = []
    size = 0
    dumps = marshal.dumps
    for entry in table:
        record = dumps(tuple(getattr(entry, name) for name in _FIELDS))
        parts.append(record)
        size += len(record)
        ends.append(size)
    return ends.tobytes(), b"".join(parts)


__all__ = ["EntryTable", "encode"]
