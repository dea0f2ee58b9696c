"""The search index's tables by paper number, and the metadata filters over them.

:class:`IndexTables` declares the tables :class:`~readq.search.index.SearchIndex`
fills (building writes them, matching reads them, always under the index's lock). An
index opened from disk makes the tables a query may never need when first read
(:meth:`IndexTables.make_later`), and the range filters compare numpy columns made
from the tables once per change.
"""

from __future__ import annotations

import mmap
import threading
from array import array
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from readq.models import PaperState
from readq.search.checked import CheckedBytes, IndexDamaged
from readq.search.entrytable import EntryTable
from readq.search.query import Filter
from readq.search.ranking import Mask, mask_of
from readq.search.vocabulary import Postings, Vocabulary

_Column = npt.NDArray[Any]  # int64 (up, authors) or str_ (published, seen)


class IndexTables:
    """The index's tables (filled by SearchIndex, see there) and the filters on them."""

    # The tables, filled by SearchIndex (see there); indexed by paper number.
    _lock: threading.RLock
    _ids: list[str]
    _num: dict[str, int]
    _entries: EntryTable
    _abstracts: list[str | None]
    _abstract_crc: array[int]
    _pending: set[int]  # papers whose abstract is not indexed yet
    _code: set[int]
    _code_links: set[int]
    _up: list[int]
    _authors: list[int]
    _published: list[str]
    _seen: list[str]
    new_since: str = ""
    """``is:new``: papers first seen after this UTC timestamp ("" : every paper)."""
    _post: dict[str, Postings]
    _arxiv: dict[str, set[int]]
    _vocab: Vocabulary
    _version: int
    _file: tuple[mmap.mmap, list[CheckedBytes]] | None  # read from: mapping and tables

    def __init__(self) -> None:
        self._columns: dict[str, _Column] = {}

    def make_later(self, **makers: Callable[[], object]) -> None:
        """Make these tables (attribute name -> how) when first read, not now: an index
        opened from disk to answer one query needs few of them."""
        for name in makers:
            self.__dict__.pop(name, None)
        self.__dict__.setdefault("_later", {}).update(makers)

    def __getattr__(self, name: str) -> Any:
        """A table :meth:`make_later` deferred, made now (once, under the lock)."""
        later = self.__dict__.get("_later")
        if not later or name not in later:
            raise AttributeError(name)
        with self.__dict__["_lock"]:
            if name in self.__dict__:  # another thread made it meanwhile
                return self.__dict__[name]
            try:
                value = later[name]()
            except (ValueError, TypeError, IndexError) as e:  # passed the checksum, yet wrong
                raise IndexDamaged(f"the index table {name}") from e
            self.__dict__[name] = value
            del later[name]
            return value

    def _column(self, name: str) -> _Column:
        """A per-paper table (``up``, ``authors``, ``published``, ``seen``) as a numpy
        array, for the range filters: made on first use, kept until the next change."""
        col = self._columns.get(name)
        if col is None:
            values = getattr(self, "_" + name)
            col = np.asarray(values, np.int64 if name in ("up", "authors") else np.str_)
            self._columns[name] = col
        return col

    # -- filters -------------------------------------------------------------------------

    def _filter_docs(self, f: Filter, states: Mapping[str, PaperState]) -> Mask:
        num, total = self._num, len(self._ids)
        if f.key in ("read", "starred", "note"):
            attr = f.key
            return mask_of(
                total, (num[p] for p, s in states.items() if p in num and getattr(s, attr))
            )
        if f.key == "code":
            return mask_of(total, self._code | self._code_links)
        if f.key == "new":  # first seen after ``new_since`` (set by the reading queue)
            return np.asarray(self._column("seen") > self.new_since)
        if f.key == "arxiv":
            return mask_of(total, self._arxiv.get(str(f.lo), ()))
        if f.key in ("up", "authors"):
            values = self._column(f.key)
            lo = 0 if f.lo is None else int(f.lo)
            out = np.asarray(values >= lo)
            if f.hi is not None:
                out &= values <= int(f.hi)
            return out
        texts = self._column("published" if f.key == "date" else "seen")
        out = np.asarray(texts >= ("0" if f.lo is None else str(f.lo)))
        if f.hi is not None:
            out &= texts < str(f.hi)
        return out
