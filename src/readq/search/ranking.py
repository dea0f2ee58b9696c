"""Scoring and ordering the papers a query matched.

Per query word each paper gets the weight of its best match (title beats abstract,
exact beats prefix beats typo); papers that match more words rank first, then by
weight, then newest first. Scores are combined with dict/set operations driven by
``map``/``zip`` (C loops): at 100k papers a Python loop per paper would cost more than
the whole rest of a keystroke. ``cancelled()`` is polled between the steps so a newer
keystroke wins quickly.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Sequence
from itertools import compress, repeat
from operator import add, ge, mod, mul, neg, sub
from typing import NamedTuple

from readq.search.vocabulary import stem
from readq.search.words import fold

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
DATE_WALK_SHARE = 10
""":func:`rank` walks the whole date order once more than 1/this of the papers match."""
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
    """One term's matches: disjoint (weight, papers) groups, best first, and their union."""

    groups: list[tuple[int, set[int]]]
    docs: set[int]


def disjoint(raw: list[tuple[int, set[int]]]) -> TermHits:
    """Keep each paper only in its best-weighted group."""
    raw.sort(key=lambda g: -g[0])
    seen: set[int] = set()
    groups: list[tuple[int, set[int]]] = []
    for weight, docs in raw:
        fresh = docs - seen if seen else docs
        if fresh:
            groups.append((weight, fresh))
            seen |= fresh
    return TermHits(groups, seen)


def intersection(sets: list[set[int]]) -> set[int]:
    """The common papers of ``sets`` (a new set), smallest first so it shrinks fast."""
    ordered = sorted(sets, key=len)
    out = set(ordered[0])
    for other in ordered[1:]:
        if not out:
            break
        out &= other
    return out


def accumulate(scores: dict[int, int], docs: Collection[int], weight: int) -> None:
    """scores[d] += weight for d in docs, with the loop in C."""
    if not docs:
        return
    if not scores:
        scores.update(dict.fromkeys(docs, weight))
        return
    get = scores.get
    scores.update(zip(docs, map(add, map(get, docs, repeat(0)), repeat(weight)), strict=True))


def candidate_papers(
    soft: list[TermHits],
    allowed: set[int] | None,
    banned: set[int],
    cancelled: Callable[[], bool],
) -> set[int] | None:
    """Papers matching every free word; if fewer than RELAX_BELOW do, those missing
    one word too, and so on down to half of the words. None: no free words."""
    if not soft:
        return None
    sets = [h.docs for h in soft]
    if allowed is not None:
        sets.append(allowed)
    full = intersection(sets)
    if banned:
        full -= banned
    need = len(soft)
    floor = math.ceil(need / 2)
    if len(full) >= RELAX_BELOW or need <= floor:
        return full
    check(cancelled)
    counts: dict[int, int] = {}
    for hits in soft:
        docs = hits.docs if allowed is None else hits.docs & allowed
        accumulate(counts, docs - banned if banned else docs, 1)
    check(cancelled)
    have = len(full)
    histogram: dict[int, int] = {}
    for c in counts.values():
        histogram[c] = histogram.get(c, 0) + 1
    while need > floor and have < RELAX_BELOW:
        need -= 1
        have += histogram.get(need, 0)
    return set(compress(counts, map(ge, counts.values(), repeat(need))))


def score(
    cands: set[int],
    soft: list[TermHits],
    hard: list[TermHits],
    cancelled: Callable[[], bool],
    total: int = 0,
) -> dict[int, int]:
    """Each candidate's score: the weights of its matches, each times its word's
    :func:`idf` among ``total`` papers, plus MATCH_BONUS per free word (``soft``) it
    matches; ``hard`` terms (required anyway) add their weight."""
    scores: dict[int, int] = dict.fromkeys(cands, 0)
    total = max(total, 1)
    for k, hits in enumerate(soft + hard):
        bonus = MATCH_BONUS if k < len(soft) else 0
        rarity = idf(len(hits.docs), total)
        for group_weight, docs in hits.groups:
            weight = group_weight * rarity
            check(cancelled)
            if len(docs) > len(cands):
                mine = cands & docs
            elif docs is not cands:
                mine = docs & scores.keys()
            else:
                mine = docs
            accumulate(scores, mine, weight + bonus)
        check(cancelled)
    return scores


def date_order(published: Sequence[str], seen: Sequence[str]) -> tuple[list[int], list[int]]:
    """Each paper's position when sorted newest first (published, then first seen), and
    the papers in that order (undated papers after dated ones: ties are broken by
    match quality first, see :func:`break_ties`)."""
    order = sorted(range(len(published)), key=lambda d: (published[d], seen[d]), reverse=True)
    rank = [0] * len(order)
    for pos, d in enumerate(order):
        rank[d] = pos
    return rank, order


def rank(scores: dict[int, int], date_rank: list[int], by_date: list[int]) -> list[int]:
    """Papers by score, ties broken by date, newest first (``date_rank``/``by_date``:
    the positions and papers of :func:`date_order`).

    Each paper's sort key is one int, ``score * width - date position``: unique per
    paper (date positions are), so a plain descending sort of ints, with no key
    function, orders them, and the paper is read back from the key's remainder.

    When many papers match (a short prefix), walking the date order once and keeping
    the matches, then a stable sort by score (few distinct scores), is ~2x cheaper.
    """
    if len(scores) * DATE_WALK_SHARE > len(by_date):
        dated = list(filter(scores.__contains__, by_date))
        dated.sort(key=scores.__getitem__, reverse=True)  # stable: date order kept in ties
        return dated
    width = len(date_rank) + 1
    keys = list(
        map(sub, map(mul, scores.values(), repeat(width)), map(date_rank.__getitem__, scores))
    )
    keys.sort(reverse=True)
    return list(map(by_date.__getitem__, map(mod, map(neg, keys), repeat(width))))


def break_ties(
    order: list[int], scores: dict[int, int], quality: Callable[[int], tuple[int, ...]]
) -> list[int]:
    """Reorder papers of equal score among the first :data:`TIE_DEPTH` of ``order`` by
    ``quality`` (higher first), keeping date order within equal quality."""
    head = order[:TIE_DEPTH]
    out: list[int] = []
    i = 0
    while i < len(head):
        j = i + 1
        s = scores[head[i]]
        while j < len(head) and scores[head[j]] == s:
            j += 1
        group = head[i:j]
        if len(group) > 1:
            group.sort(key=quality, reverse=True)  # stable: date order within a quality
        out.extend(group)
        i = j
    if len(order) > TIE_DEPTH:
        out.extend(order[TIE_DEPTH:])
    return out


def title_quality(words: Sequence[str]) -> Callable[[str], tuple[int, int]]:
    """Match quality of a title for :func:`break_ties`: how many pairs of the query's
    words stand next to each other (in order) in it, then how many words are in it
    (exact, as a prefix or by stem; no typos, to stay cheap)."""
    roots = [stem(w) for w in words]

    def quality(title: str) -> tuple[int, int]:
        toks = fold(title).replace("-", " ").split()
        # for each title word, which query words it stands for (a bit per word)
        marks = [
            sum(1 << k for k, w in enumerate(words) if t.startswith(w) or stem(t) == roots[k])
            for t in toks
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
