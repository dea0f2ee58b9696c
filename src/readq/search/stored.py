"""Compact forms of the index's tables on disk, read without building them whole.

* :class:`StoredPostings`: the postings of one field as loaded from the index file:
  one flat table of paper numbers (``array('I')`` bytes, a view of the file's bytes)
  and each word's span of it. A word's array
  is made when a query first asks for it (a keystroke touches a few dozen words of
  ~36,000), instead of ~36,000 arrays at open time. Anything that walks the whole
  table (saving, re-indexing) makes them all first.
* :func:`pack_strs` / :func:`unpack_strs`: a list of strings as one string, which
  ``marshal`` reads an order of magnitude faster than 100,000 small strings.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

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

    def __init__(self, words: list[str], ends: array[int], flat: memoryview) -> None:
        super().__init__()
        self._spans = dict(zip(words, range(len(words)), strict=True))
        self._ends = ends
        self._flat = flat

    def _make(self, word: str) -> array[int] | None:
        k = self._spans.pop(word, None)
        if k is None:
            return None
        arr: array[int] = array("I")
        arr.frombytes(self._flat[4 * self._ends[k - 1] if k else 0 : 4 * self._ends[k]])
        dict.__setitem__(self, word, arr)
        return arr

    def make_all(self) -> None:
        for word in list(self._spans):
            self._make(word)

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
        return dict.__contains__(self, word) or word in self._spans

    # -- the whole table ----------------------------------------------------------------

    def __iter__(self) -> Iterator[str]:
        self.make_all()
        return dict.__iter__(self)

    def __len__(self) -> int:
        return dict.__len__(self) + len(self._spans)

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
        self._make(word)
        return dict.pop(self, word, *default)

    def __delitem__(self, word: str) -> None:
        self._make(word)
        dict.__delitem__(self, word)

    def __setitem__(self, word: str, arr: array[int]) -> None:
        self._spans.pop(word, None)
        dict.__setitem__(self, word, arr)


__all__ = ["StoredPostings", "pack_strs", "unpack_strs"]
