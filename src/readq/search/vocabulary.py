"""Which indexed words a query word stands for: exact, prefix, or with typos.

A query word is matched against the *vocabulary* (the distinct indexed words), never
against the text, so a keystroke costs the same however long the abstracts are. The
rules (how many typos a word of n letters may have, how short a prefix may be) are
written once here and used both for the whole vocabulary (:meth:`Vocabulary.matches`)
and for one word at a time (:func:`word_level`, for notes and highlighting), so the
rows that are found and the letters that are highlighted always agree.

The only module that imports rapidfuzz.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterator

from rapidfuzz import process
from rapidfuzz.distance import OSA

# How well an indexed word matches a query word, best first; ranking weights index by it.
EXACT, PREFIX, TYPO1, TYPO2 = 0, 1, 2, 3

MIN_PREFIX = {"title": 2, "abstract": 4, "org": 2}
"""Shortest query word that also matches as a prefix; below it only exact words match
(a one-letter prefix would pull in a third of the vocabulary). Abstracts need 4: a
3-letter fragment typed on the way to a word ("tra") matched half of 100k abstracts,
and measured in one run, 4 cuts the keystroke median by ~20% and p95 by ~30%."""
MIN_TYPO1, MIN_TYPO2, MIN_PREFIX_TYPO = 4, 8, 5
"""Shortest query word allowed one typo, two typos, and one typo in a prefix: shorter
words have too many neighbours one edit away to mean anything."""
EXCLUDE_MIN_PREFIX = 4
"""An excluded word (``-word``) also excludes longer words it starts from this length;
typos never count, so an exclusion does not remove papers the user did not name."""

_TYPO_LEVEL = (TYPO1, TYPO1, TYPO2)  # by edit distance (0 is overridden by EXACT)


def typo_limit(n: int) -> int:
    """How many typos (OSA edits) a query word of ``n`` characters may have."""
    if n < MIN_TYPO1:
        return 0
    return 2 if n >= MIN_TYPO2 else 1


def word_level(query_word: str, word: str, min_prefix: int) -> int | None:
    """How ``word`` (folded) matches ``query_word``: the vocabulary's rules, for one pair."""
    if word == query_word:
        return EXACT
    n = len(query_word)
    if n >= min_prefix and word.startswith(query_word):
        return PREFIX
    limit = typo_limit(n)
    if not limit:
        return None
    if abs(len(word) - n) <= limit:
        dist = OSA.distance(query_word, word, score_cutoff=limit)
        if dist <= limit:
            return _TYPO_LEVEL[dist]
    if (
        n >= MIN_PREFIX_TYPO
        and len(word) > n
        and OSA.distance(query_word, word[:n], score_cutoff=1) <= 1
    ):
        return TYPO2
    return None


def excludes(query_word: str, word: str) -> bool:
    """Whether ``-query_word`` excludes a text containing ``word`` (see
    :data:`EXCLUDE_MIN_PREFIX`)."""
    return word == query_word or (
        len(query_word) >= EXCLUDE_MIN_PREFIX and word.startswith(query_word)
    )


class Postings(dict[str, "array[int]"]):
    """word -> array of paper numbers; a lookup of a new word creates its array (in the
    C lookup path, so the build needs no separate "which words are new" pass) and notes
    it in ``fresh`` for :meth:`Vocabulary.take_fresh`."""

    def __init__(self) -> None:
        super().__init__()
        self.fresh: list[str] = []

    def __missing__(self, word: str) -> array[int]:
        arr: array[int] = array("I")
        self[word] = arr
        self.fresh.append(word)
        return arr


class Vocabulary:
    """The distinct indexed words, bucketed by length for typo search and sorted (lazily)
    for prefix search. Words are never removed: a word no paper has any more matches
    nothing, which costs less than tracking when a word's last posting goes."""

    def __init__(self) -> None:
        self._words: set[str] = set()
        self._by_len: dict[int, list[str]] = {}
        self._sorted: list[str] | None = None
        self._trunc: dict[int, tuple[list[str], list[str]]] = {}

    def __contains__(self, word: object) -> bool:
        return word in self._words

    def __iter__(self) -> Iterator[str]:
        return iter(self._words)

    def __len__(self) -> int:
        return len(self._words)

    def take_fresh(self, post: Postings) -> None:
        """Take in the words first seen in ``post`` (and clear its list of them)."""
        words = self._words
        fresh = [w for w in post.fresh if w not in words]
        post.fresh.clear()
        if fresh:
            words.update(fresh)
            by_len = self._by_len
            for w in fresh:
                by_len.setdefault(len(w), []).append(w)
            self._sorted = None
            self._trunc.clear()

    def prepare(self) -> None:
        """Sort now what the first prefix search would sort (~0.1 s at 100k papers)."""
        self._sorted_words()

    def _sorted_words(self) -> list[str]:
        if self._sorted is None:
            self._sorted = sorted(self._words)
        return self._sorted

    def _truncated(self, n: int) -> tuple[list[str], list[str]]:
        """Words longer than ``n``, cut to ``n`` characters (for prefix typos), and whole."""
        got = self._trunc.get(n)
        if got is None:
            full = [w for length, ws in self._by_len.items() if length > n for w in ws]
            got = ([w[:n] for w in full], full)
            self._trunc[n] = got
        return got

    def matches(
        self, word: str, min_prefix: int, is_common: Callable[[str], bool]
    ) -> dict[str, int]:
        """Words ``word`` matches, each with its best level (EXACT..TYPO2).

        ``is_common(word)`` is asked before looking for typos: a word in many papers is
        taken as typed on purpose, and its misspellings would only add noise and work.
        """
        found: dict[str, int] = {}
        limit = typo_limit(len(word))
        if limit and not is_common(word):
            self._add_typos(word, limit, found)
        if len(word) >= min_prefix:
            self._add_prefixed(word, found)
        if word in self._words:
            found[word] = EXACT
        return found

    def excluded(self, word: str) -> dict[str, int]:
        """Words an exclusion ``-word`` removes (see :func:`excludes`), with their level."""
        found: dict[str, int] = {}
        if len(word) >= EXCLUDE_MIN_PREFIX:
            self._add_prefixed(word, found)
        if word in self._words:
            found[word] = EXACT
        return found

    def _add_typos(self, word: str, limit: int, found: dict[str, int]) -> None:
        n = len(word)
        by_len = self._by_len
        for length in range(n - limit, n + limit + 1):
            bucket = by_len.get(length)
            if not bucket:
                continue
            for w, dist, _ in process.extract(
                word, bucket, scorer=OSA.distance, score_cutoff=limit, limit=None
            ):
                found[w] = _TYPO_LEVEL[dist]
        if n >= MIN_PREFIX_TYPO:
            longer, full = self._truncated(n)
            for _, dist, i in process.extract(
                word, longer, scorer=OSA.distance, score_cutoff=1, limit=None
            ):
                w = full[i]
                if dist and w not in found:
                    found[w] = TYPO2

    def _add_prefixed(self, word: str, found: dict[str, int]) -> None:
        vocab = self._sorted_words()
        i = bisect_left(vocab, word)
        while i < len(vocab) and vocab[i].startswith(word):
            found[vocab[i]] = PREFIX
            i += 1


__all__ = [
    "EXACT",
    "EXCLUDE_MIN_PREFIX",
    "MIN_PREFIX",
    "MIN_PREFIX_TYPO",
    "MIN_TYPO1",
    "MIN_TYPO2",
    "PREFIX",
    "TYPO1",
    "TYPO2",
    "Postings",
    "Vocabulary",
    "excludes",
    "typo_limit",
    "word_level",
]
