"""Compact forms of the index's tables on disk, read without building them whole.

* :class:`StoredPostings`: the postings of one field as loaded from the index file:
  one flat table of paper numbers (``array('I')`` bytes in the mapped file, checked
  as they are read: :mod:`readq.search.checked`)
  and each word's span of it. A word's array
  is made when a query first asks for it (a keystroke touches a few dozen words of
  ~36,000), instead of ~36,000 arrays at open time. Anything that walks the whole
  table (saving, re-indexing) makes them all first.
* :func:`pack_strs` / :func:`unpack_strs`: a list of strings as one string, which
  ``marshal`` reads an order of magnitude faster than 100,000 small strings.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from readq.search.checked import CheckedBytes
from readq.search.vocabulary import Postings

if TYPE_CHECKING:
    from _collections_abc import dict_items, dict_keys, dict_values

_SEP = "\n"


def pack_strs(values: list[str]) -> tuple[int, str] | list[str]:
    """(count, the strings joined by newlines), or the list itself if one has a newline."""
    joined = _SEP.join(values)
    if joined.count(_SEP) != max(0, len(values) - 1):
        return values
    return len(values), joined


def unpack_strs(packed: Any) -> list[str]:
    """The list :func:`pack_strs` packed; ValueError if it is not one."""
    if type(packed) is list:
        return packed
    count, joined = packed
    values = joined.split(_SEP) if count else []
    if len(values) != count:
        raise ValueError("a packed list of strings has the wrong length")
    return values


class StoredPostings(Postings):
    """word -> array of paper numbers, made from the stored flat array on first use."""

    def __init__(self, words: list[str], ends: array[int], flat: CheckedBytes) -> None:
        super().__init__()
        if words != sorted(words):  # linear on sorted input
            raise ValueError("the words of the index file are not sorted")
        self._words = words  # sorted: a word's span is found by bisection
        self._unmade = len(words)  # words whose array is not made yet
        self._ends = ends
        self._flat = flat

    def _stored(self, word: str) -> int:
        """The position of ``word`` among the stored words whose array is not made yet
        (-1 if none)."""
        words = self._words
        k = bisect_left(words, word)
        if k < len(words) and words[k] == word and not dict.__contains__(self, word):
            return k
        return -1

    def _make(self, word: str) -> array[int] | None:
        k = self._stored(word)
        if k < 0:
            return None
        arr: array[int] = array("I")
        arr.frombytes(self._flat[4 * self._ends[k - 1] if k else 0 : 4 * self._ends[k]])
        dict.__setitem__(self, word, arr)
        self._unmade -= 1
        return arr

    def make_all(self) -> None:
        if self._unmade:
            for word in self._words:
                if not dict.__contains__(self, word):
                    self._make(word)
            self._unmade = 0

    # -- one word ---------------------------------------------------------------------

    def __missing__(self, word: str) -> array[int]:
        arr = self._make(word)
        return arr if arr is not None else super().__missing__(word)

    def get(self, word: str, default: Any = None) -> Any:
        arr = dict.get(self, word)
        if arr is None:
            arr = self._make(word)
        return default if arr is None else arr

    def __contains__(self, word: object) -> bool:
        return dict.__contains__(self, word) or (type(word) is str and self._stored(word) >= 0)

    # -- the whole table ----------------------------------------------------------------

    def __iter__(self) -> Iterator[str]:
        self.make_all()
        return dict.__iter__(self)

    def __len__(self) -> int:
        return dict.__len__(self) + self._unmade

    def keys(self) -> dict_keys[str, array[int]]:
        self.make_all()
        return dict.keys(self)

    def values(self) -> dict_values[str, array[int]]:
        self.make_all()
        return dict.values(self)

    def items(self) -> dict_items[str, array[int]]:
        self.make_all()
        return dict.items(self)

    def __eq__(self, other: object) -> bool:
        self.make_all()
        return dict.__eq__(self, other)

    __hash__ = None  # type: ignore[assignment]

    def pop(self, word: str, *default: Any) -> Any:
        self.make_all()  # a word gone from the dict must not be found stored again
        return dict.pop(self, word, *default)

    def __delitem__(self, word: str) -> None:
        self.make_all()
        dict.__delitem__(self, word)

    def __setitem__(self, word: str, arr: array[int]) -> None:
        self._make(word)
        dict.__setitem__(self, word, arr)


__all__ = ["StoredPostings", "pack_strs", "unpack_strs"]
