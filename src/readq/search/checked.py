"""The byte tables of the index file, checked a chunk at a time when first read.

Checking all of a 70 MB index file before the first search would cost more than the
search (reading it, ~35 ms of CRC-32, and every page made resident); most of it is the
postings of words no query asks for. So each big table carries a CRC-32 per
:data:`CHUNK` bytes, and :class:`CheckedBytes` verifies a chunk the first time any of
its bytes is read. A chunk that does not match raises :class:`IndexDamaged`: the index
is then rebuilt (see :meth:`readq.search.index.SearchIndex.search`), never trusted.
"""

from __future__ import annotations

import zlib
from array import array

CHUNK = 1 << 12
"""Bytes per checked chunk (a page): a query reads a few hundred scattered entries and
postings, so small chunks check little more than what is read (a 4 KiB CRC takes
~2 microseconds; the table of CRCs is 1/1024 of the file)."""


class IndexDamaged(Exception):
    """A part of the index file does not match its checksum."""


def chunk_crcs(data: bytes | memoryview) -> bytes:
    """The CRC-32 of each :data:`CHUNK` of ``data``, as ``array('I')`` bytes."""
    view = memoryview(data).cast("B")
    return array(
        "I", (zlib.crc32(view[at : at + CHUNK]) for at in range(0, len(view), CHUNK))
    ).tobytes()


class CheckedBytes:
    """A read-only byte table (a view of the mapped file) whose chunks are verified
    against their CRCs on first read. Slicing returns a ``memoryview``."""

    __slots__ = ("_data", "_crcs", "_unchecked")

    def __init__(self, data: memoryview, crcs: bytes) -> None:
        table = array("I")
        table.frombytes(crcs)
        if len(table) != -(-len(data) // CHUNK):
            raise ValueError("a table of the index file has the wrong number of checksums")
        self._data = data
        self._crcs = table
        self._unchecked = bytearray(b"\x01") * len(table)

    def __len__(self) -> int:
        return len(self._data)

    def __getitem__(self, where: slice) -> memoryview:
        start, stop, _ = where.indices(len(self._data))
        if stop > start:
            self._check(start // CHUNK, (stop - 1) // CHUNK)
        return self._data[start:stop]

    def check_all(self) -> None:
        """Verify every chunk now (a caller about to trust the whole table)."""
        if self._crcs:
            self._check(0, len(self._crcs) - 1)

    def _check(self, first: int, last: int) -> None:
        unchecked = self._unchecked
        if not unchecked.find(1, first, last + 1) + 1:
            return
        data, crcs = self._data, self._crcs
        for k in range(first, last + 1):
            if unchecked[k]:
                if zlib.crc32(data[k * CHUNK : (k + 1) * CHUNK]) != crcs[k]:
                    raise IndexDamaged(f"chunk {k} of a table of the search index")
                unchecked[k] = 0


__all__ = ["CHUNK", "CheckedBytes", "IndexDamaged", "chunk_crcs"]
