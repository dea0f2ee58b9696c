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
from itertools import chain
from operator import itemgetter

from rapidfuzz import process
from rapidfuzz.distance import OSA

from readq.search.words import stem

# How well an indexed word matches a query word, best first; ranking weights index by it.
EXACT, STEM, PREFIX, TYPO1, TYPO2 = 0, 1, 2, 3, 4

MIN_PREFIX = {"title": 2, "abstract": 4, "org": 2, "author": 2}
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

_PREPARED_CUTS = 16
""":meth:`Vocabulary.prepare` cuts the words for prefix typos at lengths below this."""
_TYPO_LEVEL = (TYPO1, TYPO1, TYPO2)  # by edit distance (0 is overridden by EXACT)
MISSPELLING_RATIO = 10
"""A query word that is itself an indexed word still looks for a one-typo neighbour
when that neighbour is in this many times more papers (``tranformers`` in 2 papers,
``transformers`` in 5,000): the query word is then most likely the misspelling."""


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
    if stem(word) == stem(query_word) and len(stem(word)) >= 3 and n >= 4:
        return STEM
    limit = typo_limit(n)
    dist = limit + 1
    if limit and abs(len(word) - n) <= limit:
        dist = OSA.distance(query_word, word, score_cutoff=limit)
    if dist <= limit:
        return _TYPO_LEVEL[dist]
    if n >= MIN_PREFIX_TYPO and any(
        len(word) > k and OSA.distance(query_word, word[:k], score_cutoff=1) <= 1
        for k in _prefix_cuts(n)
        if k == n or not word.startswith(query_word[:-1])
    ):
        return TYPO2
    return None


MIN_EXTRA_LETTER = 7
"""Shortest query word whose prefix typo may be an extra letter (the word cut one
letter shorter than the query): below it, dropping any one letter of a short prefix
matches too many unrelated words ("autho" -> every "auto...")."""


def _prefix_cuts(n: int) -> tuple[int, ...]:
    """Lengths the words are cut to when looking for a prefix with one typo: the
    query's length, one more (a letter missing: "difus" -> "diffus..."), and from
    :data:`MIN_EXTRA_LETTER` one less."""
    return (n, n + 1, n - 1) if n >= MIN_EXTRA_LETTER else (n, n + 1)


PREFIX_TYPO = -1
"""Internal mark of a prefix-with-a-typo match while typos are sorted out; reported as
:data:`TYPO2`."""


def _keep_likely_typos(
    word: str, indexed: bool, found: dict[str, int], df: Callable[[str], int] | None
) -> None:
    """Drop the typo matches ``word`` most likely does not mean (see
    :meth:`Vocabulary.matches`); turn the rest's internal marks into levels. Without
    ``df`` every typo match is kept."""
    if df is None:
        for w, lv in found.items():
            if lv == PREFIX_TYPO:
                found[w] = TYPO2
        return
    if indexed:
        have = max(1, df(word))
        for w, lv in list(found.items()):
            if lv != TYPO1:
                del found[w]
                continue
            n = df(w)
            meant = n >= MISSPELLING_RATIO * have  # the query word is the misspelling
            misspelt = n * MISSPELLING_RATIO <= have and w[0] == word[0]  # the paper's
            if not (meant or misspelt):
                del found[w]
        return
    close = any(lv == TYPO1 for lv in found.values())
    for w, lv in list(found.items()):
        if lv == PREFIX_TYPO:
            found[w] = TYPO2
        elif lv == TYPO2 and close:
            del found[w]


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
        self._trunc: dict[int, list[str]] = {}
        self._stems: dict[str, list[str]] | None = None

    def __contains__(self, word: object) -> bool:
        return word in self._words

    def __iter__(self) -> Iterator[str]:
        return iter(self._words)

    def __len__(self) -> int:
        return len(self._words)

    def restore_words(self, words: list[str], by_len: dict[int, list[str]]) -> None:
        """Take the words of an index read from disk: every field's, sorted, and the
        same words by length."""
        if words != sorted(words):  # linear on sorted input
            raise ValueError("the vocabulary of the index file is not sorted")
        if sum(map(len, by_len.values())) != len(words):
            raise ValueError("the words by length of the index file are not its words")
        self._words = set(words)
        self._by_len = by_len
        self._sorted = words
        self._trunc.clear()

    def take_fresh(self, post: Postings) -> None:
        """Take in the words first seen in ``post`` (and clear its list of them)."""
        words = self._words
        fresh = [w for w in post.fresh if w not in words]
        post.fresh.clear()
        if fresh:
            by_len = self._by_len
            words.update(fresh)
            for w in fresh:
                by_len.setdefault(len(w), []).append(w)
            self._sorted = None
            self._trunc.clear()
            stems = self._stems
            if stems is not None:
                for w in fresh:
                    stems.setdefault(stem(w), []).append(w)

    def prepare(self) -> None:
        """Sort now what the first prefix search would sort, stem the words and cut
        them for prefix typos at the lengths people type (~0.1 s at 100k papers)."""
        self._sorted_words()
        self._stem_table()
        for n in range(MIN_PREFIX_TYPO - 1, _PREPARED_CUTS):
            self._truncated(n)

    def _sorted_words(self) -> list[str]:
        if self._sorted is None:
            self._sorted = sorted(self._words)
        return self._sorted

    def _truncated(self, n: int) -> list[str]:
        """The distinct starts of ``n`` characters of the words longer than ``n``, sorted
        (for prefix typos: far fewer than the words, so rapidfuzz has less to compare)."""
        got = self._trunc.get(n)
        if got is None:
            longer = chain.from_iterable(ws for k, ws in self._by_len.items() if k > n)
            got = sorted(set(map(itemgetter(slice(n)), longer)))  # loops in C
            self._trunc[n] = got
        return got

    def _longer_words(self, start: str, n: int) -> Iterator[str]:
        """The words longer than ``n`` characters that begin with ``start``."""
        vocab = self._sorted_words()
        i = bisect_left(vocab, start)
        while i < len(vocab) and vocab[i].startswith(start):
            if len(vocab[i]) > n:
                yield vocab[i]
            i += 1

    def matches(
        self,
        word: str,
        min_prefix: int,
        is_common: Callable[[str], bool],
        df: Callable[[str], int] | None = None,
    ) -> dict[str, int]:
        """Words ``word`` matches, each with its best level (EXACT..TYPO2).

        ``is_common(word)`` is asked before looking for typos: a word in many papers is
        taken as typed on purpose, and its misspellings would only add noise and work.
        ``df(word)`` (papers having a word) keeps typos to the word most likely meant:

        * a query word that is an indexed word keeps only one-typo neighbours in
          :data:`MISSPELLING_RATIO` times more papers (the query is misspelt:
          ``tranformers`` still finds ``transformers``) or as many times fewer with the
          same first letter (the paper is: ``transformers`` finds a title's
          ``Tranformers``), and no prefix or two-typo matches (``decoding`` finds
          neither ``recoding`` nor ``coding``);
        * otherwise, once a word one typo away (or sharing the stem) exists, words two
          typos away are dropped (``difusion`` finds ``diffusion``, not ``fusion`` or
          ``division``).
        """
        found: dict[str, int] = {}
        limit = typo_limit(len(word))
        if limit and not is_common(word):
            self._add_typos(word, limit, found)
        if found:
            _keep_likely_typos(word, word in self._words, found, df)
        self._add_stems(word, found)
        if len(word) >= min_prefix:
            self._add_prefixed(word, found)
        if word in self._words:
            found[word] = EXACT
        return found

    def stem_table(self) -> dict[str, list[str]]:
        """Stem -> the words that have it (built on first use; saved with the index)."""
        return self._stem_table()

    def restore_stems(self, table: dict[str, list[str]]) -> None:
        """Take a :meth:`stem_table` saved with the index for these same words."""
        self._stems = table

    def _stem_table(self) -> dict[str, list[str]]:
        if self._stems is None:
            table: dict[str, list[str]] = {}
            for w in self._words:
                table.setdefault(stem(w), []).append(w)
            self._stems = table
        return self._stems

    def _add_stems(self, word: str, found: dict[str, int]) -> None:
        if len(word) < 4:
            return
        root = stem(word)
        if len(root) < 3:
            return
        for w in self._stem_table().get(root, ()):
            if w != word:
                found[w] = STEM

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
            # the start of a longer word, one typo away; the typo may be a missing or an
            # extra letter, so the word is also cut one letter longer and shorter
            # (cut one shorter, every word starting with the query minus its last
            # letter would match: those are left to the prefix rule)
            head = word[:-1]
            for k in _prefix_cuts(n):
                for start, dist, _ in process.extract(
                    word, self._truncated(k), scorer=OSA.distance, score_cutoff=1, limit=None
                ):
                    if k == n and not dist:
                        continue
                    for w in self._longer_words(start, k):
                        if w not in found and not (k < n and w.startswith(head)):
                            found[w] = PREFIX_TYPO

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
    "STEM",
    "TYPO1",
    "TYPO2",
    "Postings",
    "Vocabulary",
    "excludes",
    "stem",
    "typo_limit",
    "word_level",
]
