"""Answering a parsed query from the index's tables: which papers each term and filter
selects, combined into ranked ids.

:class:`QueryMatching` is the query half of :class:`~readq.search.index.SearchIndex`
(a base class, so the hot paths read the tables as plain attributes); the index fills
the tables, this reads them, always under the index's lock.

Word terms are answered from the postings and cached per index version; a phrase is
verified paper by paper in the raw text, so it runs last, among what the other terms
left; notes change all the time and are few, so they are matched per query. Sets of
papers are numpy masks (see :mod:`~readq.search.ranking`); the per-paper metadata
filters compare numpy columns made from the tables once per index version.
"""

from __future__ import annotations

from array import array
from collections import OrderedDict
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from readq.models import PaperState
from readq.search.query import Query, Term
from readq.search.ranking import (
    FIELD_WEIGHTS,
    OTHER_WEIGHT,
    PHRASE_WEIGHT,
    RANKED_FIELDS,
    Docs,
    Mask,
    TermHits,
    best_weights,
    break_ties,
    candidate_papers,
    check,
    date_order,
    intersection,
    mask_of,
    never,
    rank,
    score,
    title_quality,
    title_words,
)
from readq.search.tables import IndexTables
from readq.search.vocabulary import (
    EXACT,
    MIN_PREFIX,
    excludes,
    word_level,
)
from readq.search.words import STOPWORDS, doc_words, phrase_finder

COMMON_SHARE, COMMON_MIN = 0.005, 20
"""A word in at least this share of the papers (and this many) gets no typo search."""
_CACHE_SIZE = 48
_TITLES_KEPT = 20_000  # titles kept split for tie breaking (~5 MB)
_RECENT = 256
"""The best papers of the latest ranked search are remembered by id (``_recent``): the
rows a caller prints or draws first are found without the id -> number table of
every paper (~0.1 s to make at 1M papers, which a one-shot ``readq list`` skips)."""

_T = TypeVar("_T")


class _Selection:
    """The papers the terms so far allow and ban (None: all, none). The masks given
    may be cached term matches: they are combined into new masks, never changed."""

    def __init__(self) -> None:
        self.allowed: Mask | None = None
        self.banned: Mask | None = None

    def restrict(self, docs: Mask) -> None:
        self.allowed = docs if self.allowed is None else self.allowed & docs

    def ban(self, docs: Mask) -> None:
        self.banned = docs if self.banned is None else self.banned | docs


class QueryMatching(IndexTables):
    """The query side of the index: term and filter matches, scoring, ranking."""

    def __init__(self) -> None:
        super().__init__()
        self._cache: OrderedDict[tuple[object, ...], TermHits] = OrderedDict()
        self._vocab_cache: OrderedDict[tuple[object, ...], dict[str, int]] = OrderedDict()
        self._date_rank: tuple[Docs, Docs] | None = None
        self._titles: dict[int, tuple[list[str], list[str]]] = {}
        self._recent: dict[str, int] = {}

    def _abstract_text(self, d: int) -> str:
        """Paper ``d``'s abstract ('' without one)."""
        return self._abstracts[d] or ""

    def _title_words(self, d: int) -> tuple[list[str], list[str]]:
        """Paper ``d``'s title words and their stems (kept: the best papers of one
        keystroke are mostly the next one's)."""
        got = self._titles.get(d)
        if got is None:
            if len(self._titles) >= _TITLES_KEPT:
                self._titles.clear()
            got = self._titles[d] = title_words(self._entries[d].title)
        return got

    def _clear_caches(self) -> None:
        """Forget cached matches: called on every change of the tables."""
        self._titles.clear()
        self._recent = {}
        self._cache.clear()
        self._vocab_cache.clear()
        self._columns.clear()

    # -- words against the vocabulary ----------------------------------------------------

    def _vocab_matches(self, word: str, min_prefix: int) -> dict[str, int]:
        """Vocabulary words ``word`` matches, each with its best level (EXACT..TYPO2)."""
        key = (word, min_prefix, self._version)
        found = self._vocab_cache.get(key)
        if found is None:
            found = self._vocab.matches(word, min_prefix, self._is_common, self._df)
            _remember(self._vocab_cache, key, found)
        return found

    def _df(self, word: str) -> int:
        """How many postings a word has over the fields (about the papers having it)."""
        return sum(len(p.get(word, ())) for p in self._post.values())

    def _is_common(self, word: str) -> bool:
        """A word in more than 0.5% of the papers is taken as typed on purpose: looking for
        its misspellings ("model" -> "modal", "mode") would only add noise and work."""
        return self._df(word) >= max(COMMON_MIN, len(self._ids) * COMMON_SHARE)

    # -- terms ---------------------------------------------------------------------------

    def _term_hits(
        self, term: Term, allowed: Mask | None = None, cancelled: Callable[[], bool] = never
    ) -> TermHits:
        """The papers a term matches, grouped by match weight.

        Word terms come from the postings and are cached; a phrase is verified paper by
        paper, so it is checked only among ``allowed`` (what the other terms left).
        """
        key: tuple[object, ...]
        if term.kind == "phrase":
            if allowed is not None:
                return self._phrase_hits(term, allowed)
            key = ("phrase", term.text, term.field, self._version)
        else:
            key = ("term", term.text, term.kind, term.field, term.negated, self._version)
        hit = self._cache.get(key)
        if hit is not None:
            self._cache.move_to_end(key)
            return hit
        if term.kind == "phrase":
            hits = self._phrase_hits(term, None)
        else:
            hits = self._word_hits(term, cancelled)
        _remember(self._cache, key, hits)
        return hits

    def _word_levels(self, term: Term, fld: str) -> dict[str, int]:
        """The vocabulary words a word term stands for in ``fld``, with their levels."""
        if term.kind == "exact":
            return {term.text: EXACT}
        if term.negated:  # excluding: the word itself or longer words it starts
            return self._vocab.excluded(term.text)
        return self._vocab_matches(term.text, MIN_PREFIX[fld])

    def _word_hits(self, term: Term, cancelled: Callable[[], bool]) -> TermHits:
        fields = ("title", "abstract") if term.field == "any" else (term.field,)
        raw: list[tuple[int, npt.NDArray[np.generic]]] = []
        for fld in fields:
            post = self._post[fld]
            by_level: dict[int, list[array[int]]] = {}
            for w, lv in self._word_levels(term, fld).items():
                arr = post.get(w)
                if arr:
                    by_level.setdefault(lv, []).append(arr)
            weights = FIELD_WEIGHTS[fld]
            for lv, arrs in by_level.items():
                check(cancelled)  # a prefix can stand for hundreds of words: poll
                raw.append((weights[lv], _numbers(arrs)))
        return best_weights(len(self._ids), raw)

    def _phrase_hits(self, term: Term, allowed: Mask | None) -> TermHits:
        """Papers containing the phrase's words consecutively (punctuation ignored)."""
        words = term.text.split()
        find = phrase_finder(words)
        fields = ("title", "abstract") if term.field == "any" else (term.field,)
        raw: list[tuple[int, npt.NDArray[np.generic]]] = []
        for fld in fields:
            keys = words if fld != "abstract" else [w for w in words if w not in STOPWORDS]
            mask = self._candidates(fld, keys)
            if allowed is not None:
                mask &= allowed
            cands: list[int] = np.flatnonzero(mask).tolist()
            found: set[int] | list[int]
            if fld == "title":
                entries = self._entries
                found = {d for d in cands if find(entries[d].title)}
            elif fld == "abstract":
                text_of = self._abstract_text
                found = {d for d in cands if find(text_of(d))}
            elif fld == "author":
                entries = self._entries
                found = {d for d in cands if any(map(find, entries[d].author_names))}
            else:
                entries = self._entries
                found = {d for d in cands if find(entries[d].organization or "")}
            if found:
                raw.append((PHRASE_WEIGHT.get(fld, OTHER_WEIGHT), np.fromiter(found, np.int64)))
        return best_weights(len(self._ids), raw)

    def _candidates(self, fld: str, words: Sequence[str]) -> Mask:
        """Papers whose ``fld`` has all ``words`` (a phrase's candidates; a new mask)."""
        total = len(self._ids)
        post = self._post[fld]
        if not words:  # only stop words: every paper with that field is a candidate
            if fld == "abstract":
                return np.fromiter(map(bool, self._abstracts), np.bool_, total)
            return np.ones(total, np.bool_)
        arrays = sorted((post.get(w) or array("I") for w in set(words)), key=len)
        out = mask_of(total, _numbers(arrays[:1]))
        for arr in arrays[1:]:
            if not arr:
                return np.zeros(total, np.bool_)
            out &= mask_of(total, _numbers([arr]))
        return out

    def _note_hits(self, term: Term, states: Mapping[str, PaperState]) -> TermHits:
        """Notes change all the time, so they are matched per query (they are few)."""
        found: set[int] = set()
        find = phrase_finder(term.text.split())
        for pid, state in states.items():
            d = self._num.get(pid)
            if d is None or not state.note:
                continue
            if term.kind == "phrase":
                if find(state.note):
                    found.add(d)
            elif any(_note_word_matches(term, w) for w in doc_words(state.note)):
                found.add(d)
        return best_weights(len(self._ids), [(OTHER_WEIGHT, np.fromiter(found, np.int64))])

    # -- combining -----------------------------------------------------------------------

    def _search(
        self,
        query: Query,
        states: Mapping[str, PaperState],
        within: Collection[str] | None,
        cancelled: Callable[[], bool],
    ) -> tuple[list[str], bool]:
        """Matching ids and whether they are ranked; raises Cancelled."""
        ids = self._ids
        sel = _Selection()
        if within is not None:
            num = self._num
            sel.restrict(mask_of(len(ids), map(num.__getitem__, num.keys() & within)))
        for f in query.filters:
            kept = self._filter_docs(f, states)
            if f.negated:
                sel.ban(kept)
            else:
                sel.restrict(kept)
            check(cancelled)
        soft, hard = self._text_hits(query, states, sel, cancelled)
        allowed, banned = sel.allowed, sel.banned
        if allowed is not None and banned is not None:
            allowed = allowed & ~banned  # a new mask: it may be a cached term's papers
            banned = None

        if not soft and not hard:  # filters only: index order, the caller sorts
            if allowed is None and banned is None:
                return list(ids), False
            only = ~banned if allowed is None else allowed  # type: ignore[operator]
            return _ids_of(ids, np.flatnonzero(only)), False

        cands = candidate_papers(soft, allowed, banned, cancelled)
        if cands is None:
            assert allowed is not None
            cands = allowed
        date_rank, by_date = self._date_ranks()
        docs, scores = score(cands, soft, hard, cancelled, len(ids))
        order, ordered_scores = rank(docs, scores, date_rank, by_date)
        check(cancelled)
        if len(query.words) > 1:  # one word: ties have the same match already
            quality = title_quality(query.words)
            order = break_ties(order, ordered_scores, lambda d: quality(self._title_words(d)))
        found = _ids_of(ids, order)
        head = order[:_RECENT].tolist()
        self._recent = dict(zip(found[: len(head)], head, strict=True))
        return found, True

    def _text_hits(
        self,
        query: Query,
        states: Mapping[str, PaperState],
        sel: _Selection,
        cancelled: Callable[[], bool],
    ) -> tuple[list[TermHits], list[TermHits]]:
        """Apply the query's text terms to ``sel``; return the hits that score: the free
        words (``soft``: a paper may miss some) and the required terms (``hard``)."""
        soft: list[TermHits] = []
        hard: list[TermHits] = []
        phrases: list[Term] = []
        for term in query.terms:
            if term.kind == "phrase" and not term.negated and term.field != "note":
                phrases.append(term)  # verified last, among what the rest allows
                continue
            if term.field == "note":
                hits = self._note_hits(term, states)
            else:
                hits = self._term_hits(term, None, cancelled)
            check(cancelled)
            if term.negated:
                sel.ban(hits.docs)
            elif term.field == "any" and term.kind == "fuzzy":
                soft.append(hits)
            else:
                sel.restrict(hits.docs)
                if term.field in RANKED_FIELDS:
                    hard.append(hits)
        if soft and phrases and sel.allowed is None:
            # narrow phrase verification by what every word matches
            sel.restrict(intersection([h.docs for h in soft]))
        for term in phrases:
            hits = self._term_hits(term, sel.allowed, cancelled)
            check(cancelled)
            sel.restrict(hits.docs)
            if term.field in RANKED_FIELDS:
                hard.append(hits)
        return soft, hard

    def _date_ranks(self) -> tuple[Docs, Docs]:
        """Each paper's position newest first, and the papers in that order (cached
        until a paper is added or its dates change)."""
        if self._date_rank is None or len(self._date_rank[0]) != len(self._ids):
            self._date_rank = date_order(self._published, self._seen)
        return self._date_rank


def _remember(
    cache: OrderedDict[tuple[object, ...], _T], key: tuple[object, ...], value: _T
) -> None:
    """Store in an LRU cache of :data:`_CACHE_SIZE` entries."""
    cache[key] = value
    if len(cache) > _CACHE_SIZE:
        cache.popitem(last=False)


def _note_word_matches(term: Term, word: str) -> bool:
    """Whether a word of a note matches a word term (the vocabulary's rules, per word)."""
    if term.kind == "exact":
        return word == term.text
    if term.negated:
        return excludes(term.text, word)
    return word_level(term.text, word, MIN_PREFIX["title"]) is not None


def _numbers(arrays: Sequence[array[int]]) -> npt.NDArray[np.uint32]:
    """The paper numbers of posting arrays, as one numpy array (a view when one)."""
    views = [np.frombuffer(a, np.uint32) for a in arrays]
    return views[0] if len(views) == 1 else np.concatenate(views)


def _ids_of(ids: list[str], docs: Docs) -> list[str]:
    """The ids of papers ``docs``, in that order."""
    return list(map(ids.__getitem__, docs.tolist()))
