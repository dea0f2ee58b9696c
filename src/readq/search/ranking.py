"""Scoring and ordering the papers a query matched.

Per query word each paper gets the weight of its best match (title beats abstract,
exact beats prefix beats typo); papers that match more words rank first, then by
weight, then newest first. Paper sets are numpy boolean masks and a term's matches a
numpy array of weights, both indexed by paper number, so every step is a vector
operation in C: at 100k papers a Python loop per paper would cost more than a whole
keystroke. ``cancelled()`` is polled between the steps so a newer keystroke wins
quickly.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from operator import itemgetter
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from readq.search.vocabulary import stem
from readq.search.words import fold

Mask = npt.NDArray[np.bool_]
"""A set of papers: True at the number of each paper in it."""
Docs = npt.NDArray[np.int64]
"""Paper numbers (an order, or a set as sorted numbers)."""

# Weights of one query word's best match in a paper, by field and match level
# (EXACT, STEM, PREFIX, TYPO1, TYPO2 of readq.search.vocabulary).
TITLE_WEIGHT = (20, 18, 16, 14, 10)
ABSTRACT_WEIGHT = (8, 7, 6, 5, 4)
ORG_WEIGHT = (8, 7, 6, 5, 4)
FIELD_WEIGHTS = {
    "title": TITLE_WEIGHT,
    "abstract": ABSTRACT_WEIGHT,
    "org": ORG_WEIGHT,
    "author": ORG_WEIGHT,
}
PHRASE_WEIGHT = {"title": 24, "abstract": 9}
OTHER_WEIGHT = 8  # a phrase in another field, or a note match
MATCH_BONUS = 10**7  # per matched word: matching more words always outranks weight
IDF_SCALE = 16  # weights are multiplied by a word's rarity (see idf) times this
TIE_DEPTH = 200
"""How many of the best papers get their ties broken by match quality (title
proximity, title length) before date: a Python loop per paper, so only the top."""


def idf(df: int, total: int) -> int:
    """How much a match of a word found in ``df`` of ``total`` papers counts, times
    :data:`IDF_SCALE`: ``log(1 + total/df)``, so a rare word outweighs a common one
    (``cosine`` over ``token``) while a title match still beats an abstract match of
    a word as rare."""
    return max(1, round(IDF_SCALE * math.log1p(total / max(1, df))))


RANKED_FIELDS = ("any", "title", "abstract")  # fields whose matches add to the score
RELAX_BELOW = 10
"""If fewer papers than this match every word, papers missing one word follow (down
to half the words), so one misremembered word does not empty the list."""


class Cancelled(Exception):
    """Raised by :func:`check` to abandon a search a newer keystroke has replaced."""


def never() -> bool:
    """The ``cancelled`` of a search nobody cancels."""
    return False


def check(cancelled: Callable[[], bool]) -> None:
    if cancelled():
        raise Cancelled


class TermHits(NamedTuple):
    """One term's matches: per paper the weight of its best match (0: none), the
    papers it matches, and how many they are."""

    weights: npt.NDArray[np.uint8]
    docs: Mask
    matched: int


def best_weights(total: int, groups: Iterable[tuple[int, npt.NDArray[np.generic]]]) -> TermHits:
    """A term's hits from (weight, papers) groups that may overlap (papers as numbers
    or as a mask): each paper keeps the best weight it has."""
    weights = np.zeros(total, np.uint8)
    for weight, docs in sorted(groups, key=itemgetter(0)):  # the best is written last
        weights[docs] = weight
    docs = weights != 0
    return TermHits(weights, docs, int(np.count_nonzero(docs)))


def mask_of(total: int, docs: Iterable[int] | npt.NDArray[np.generic]) -> Mask:
    """The set of papers ``docs`` (numbers) as a mask."""
    out = np.zeros(total, np.bool_)
    numbers = docs if isinstance(docs, np.ndarray) else np.fromiter(docs, np.int64)
    out[numbers] = True
    return out


def intersection(sets: Sequence[Mask]) -> Mask:
    """The papers common to ``sets`` (a new mask: the inputs may be cached)."""
    out: Mask = sets[0].copy()
    for other in sets[1:]:
        np.logical_and(out, other, out=out)
    return out


def candidate_papers(
    soft: list[TermHits],
    allowed: Mask | None,
    banned: Mask | None,
    cancelled: Callable[[], bool],
) -> Mask | None:
    """Papers matching every free word; if fewer than RELAX_BELOW do, those missing
    one word too, and so on down to half of the words. None: no free words."""
    if not soft:
        return None
    sets = [h.docs for h in soft]
    if allowed is not None:
        sets.append(allowed)
    full = intersection(sets)
    if banned is not None:
        full &= ~banned
    need = len(soft)
    floor = math.ceil(need / 2)
    have = int(np.count_nonzero(full))
    if have >= RELAX_BELOW or need <= floor:
        return full
    check(cancelled)
    counts = np.zeros(len(full), np.uint8)
    for hits in soft:
        counts += hits.docs
    if allowed is not None:
        counts[~allowed] = 0
    if banned is not None:
        counts[banned] = 0
    check(cancelled)
    histogram = np.bincount(counts, minlength=need + 1)
    while need > floor and have < RELAX_BELOW:
        need -= 1
        have += int(histogram[need])
    return counts >= need


def score(
    cands: Mask,
    soft: list[TermHits],
    hard: list[TermHits],
    cancelled: Callable[[], bool],
    total: int = 0,
) -> tuple[Docs, npt.NDArray[np.int64]]:
    """The candidates (numbers) and each one's score: the weights of its matches, each
    times its word's :func:`idf` among ``total`` papers, plus MATCH_BONUS per free
    word (``soft``) it matches; ``hard`` terms (required anyway) add their weight."""
    docs = np.flatnonzero(cands)
    scores = np.zeros(len(docs), np.int64)
    total = max(total, 1)
    for k, hits in enumerate(soft + hard):
        weights = hits.weights[docs].astype(np.int64)
        scores += weights * idf(hits.matched, total)
        if k < len(soft):
            scores += np.where(weights != 0, MATCH_BONUS, 0)
        check(cancelled)
    return docs, scores


def date_order(published: Sequence[str], seen: Sequence[str]) -> tuple[Docs, Docs]:
    """Each paper's position when sorted newest first (published, then first seen), and
    the papers in that order (undated papers after dated ones: ties are broken by
    match quality first, see :func:`break_ties`)."""
    order = sorted(range(len(published)), key=lambda d: (published[d], seen[d]), reverse=True)
    by_date = np.array(order, np.int64)
    positions = np.empty(len(order), np.int64)
    positions[by_date] = np.arange(len(order), dtype=np.int64)
    return positions, by_date


def rank(
    docs: Docs, scores: npt.NDArray[np.int64], date_rank: Docs, by_date: Docs
) -> tuple[Docs, npt.NDArray[np.int64]]:
    """Papers by score, ties broken by date, newest first (``date_rank``/``by_date``:
    the positions and papers of :func:`date_order`), and their scores in that order.

    Each paper's sort key is one int, ``date position - score * width``: unique per
    paper (date positions are), so a plain ascending sort of ints orders them, and
    the paper is read back from the key's remainder."""
    width = len(date_rank) + 1
    keys = date_rank[docs] - scores * width
    keys.sort()
    positions = keys % width
    return by_date[positions], (positions - keys) // width


def break_ties(
    order: Docs, scores: npt.NDArray[np.int64], quality: Callable[[int], tuple[int, ...]]
) -> Docs:
    """Reorder papers of equal score among the first :data:`TIE_DEPTH` of ``order`` by
    ``quality`` (higher first), keeping date order within equal quality."""
    head: list[int] = order[:TIE_DEPTH].tolist()
    head_scores: list[int] = scores[:TIE_DEPTH].tolist()
    out: list[int] = []
    i = 0
    while i < len(head):
        j = i + 1
        s = head_scores[i]
        while j < len(head) and head_scores[j] == s:
            j += 1
        group = head[i:j]
        if len(group) > 1:
            group.sort(key=quality, reverse=True)  # stable: date order within a quality
        out.extend(group)
        i = j
    reordered: Docs = order.copy()
    reordered[: len(out)] = out
    return reordered


def title_words(title: str) -> tuple[list[str], list[str]]:
    """A title's words as :func:`title_quality` compares them, and their stems (the
    caller may keep them: a paper's title is compared again on the next keystroke)."""
    toks = fold(title).replace("-", " ").split()
    return toks, [stem(t) for t in toks]


def title_quality(
    words: Sequence[str],
) -> Callable[[tuple[list[str], list[str]]], tuple[int, int]]:
    """Match quality of a title (its :func:`title_words`) for :func:`break_ties`: how
    many pairs of the query's words stand next to each other (in order) in it, then
    how many words are in it (exact, as a prefix or by stem; no typos, to stay
    cheap)."""
    roots = [stem(w) for w in words]
    numbered = list(enumerate(zip(words, roots, strict=True)))

    def quality(title: tuple[list[str], list[str]]) -> tuple[int, int]:
        toks, stems = title
        # for each title word, which query words it stands for (a bit per word)
        marks = [
            sum(1 << k for k, (w, r) in numbered if r == s or t.startswith(w))
            for t, s in zip(toks, stems, strict=True)
        ]
        near = sum(
            1
            for k in range(len(words) - 1)
            if any(a >> k & 1 and b >> (k + 1) & 1 for a, b in zip(marks, marks[1:], strict=False))
        )
        have = 0
        for m in marks:
            have |= m
        return (near, have.bit_count())

    return quality
