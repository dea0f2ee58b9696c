"""Answering a parsed query from the index's tables: which papers each term and filter
selects, combined into ranked ids.

:class:`QueryMatching` is the query half of :class:`~readq.search.index.SearchIndex`
(a base class, so the hot paths read the tables as plain attributes); the index fills
the tables, this reads them, always under the index's lock.

Word terms are answered from the postings and cached per index version; a phrase is
verified paper by paper in the raw text, so it runs last, among what the other terms
left; notes change all the time and are few, so they are matched per query.
"""

from __future__ import annotations

import threading
from array import array
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from itertools import compress, filterfalse, repeat
from operator import and_, ge, lt
from typing import TypeVar

from readq.models import PaperState
from readq.search.entrytable import EntryTable
from readq.search.query import Filter, Query, Term
from readq.search.ranking import (
    FIELD_WEIGHTS,
    OTHER_WEIGHT,
    PHRASE_WEIGHT,
    RANKED_FIELDS,
    TermHits,
    break_ties,
    candidate_papers,
    check,
    date_order,
    disjoint,
    intersection,
    never,
    rank,
    score,
    title_quality,
)
from readq.search.vocabulary import (
    EXACT,
    MIN_PREFIX,
    Postings,
    Vocabulary,
    excludes,
    word_level,
)
from readq.search.words import STOPWORDS, doc_words, phrase_finder

COMMON_SHARE, COMMON_MIN = 0.005, 20
"""A word in at least this share of the papers (and this many) gets no typo search."""
_CACHE_SIZE = 48

_V = TypeVar("_V", int, str)
_T = TypeVar("_T")


class _Selection:
    """The papers the terms so far allow (None: all) and ban."""

    def __init__(self) -> None:
        self.allowed: set[int] | None = None
        self.banned: set[int] = set()

    def restrict(self, docs: set[int]) -> None:
        allowed = self.allowed
        if allowed is None:
            self.allowed = docs
        else:
            self.allowed = allowed & docs if len(allowed) <= len(docs) else docs & allowed


class QueryMatching:
    """The query side of the index: term and filter matches, scoring, ranking."""

    # The tables, filled by SearchIndex (see there); indexed by paper number.
    _lock: threading.RLock
    _ids: list[str]
    _num: dict[str, int]
    _entries: EntryTable
    _abstracts: list[str | None]
    _abstract_crc: array[int]
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

    def __init__(self) -> None:
        self._cache: OrderedDict[tuple[object, ...], TermHits] = OrderedDict()
        self._vocab_cache: OrderedDict[tuple[object, ...], dict[str, int]] = OrderedDict()
        self._date_rank: tuple[list[int], list[int]] | None = None

    def _abstract_text(self, d: int) -> str:
        """Paper ``d``'s abstract ('' without one)."""
        return self._abstracts[d] or ""

    def _clear_caches(self) -> None:
        """Forget cached matches: called on every change of the tables."""
        self._cache.clear()
        self._vocab_cache.clear()

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
        self, term: Term, allowed: set[int] | None = None, cancelled: Callable[[], bool] = never
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
        raw: list[tuple[int, set[int]]] = []
        for fld in fields:
            post = self._post[fld]
            by_level: dict[int, list[array[int]]] = {}
            for w, lv in self._word_levels(term, fld).items():
                arr = post.get(w)
                if arr:
                    by_level.setdefault(lv, []).append(arr)
            weights = FIELD_WEIGHTS[fld]
            for lv, arrs in by_level.items():
                check(cancelled)  # each union can be 100k papers: poll between them
                raw.append((weights[lv], set().union(*arrs)))
        return disjoint(raw)

    def _phrase_hits(self, term: Term, allowed: set[int] | None) -> TermHits:
        """Papers containing the phrase's words consecutively (punctuation ignored)."""
        words = term.text.split()
        find = phrase_finder(words)
        fields = ("title", "abstract") if term.field == "any" else (term.field,)
        raw: list[tuple[int, set[int]]] = []
        for fld in fields:
            keys = words if fld != "abstract" else [w for w in words if w not in STOPWORDS]
            cands = self._candidates(fld, keys)
            if allowed is not None:
                cands &= allowed
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
                raw.append((PHRASE_WEIGHT.get(fld, OTHER_WEIGHT), found))
        return disjoint(raw)

    def _candidates(self, fld: str, words: Sequence[str]) -> set[int]:
        """Papers whose ``fld`` has all ``words`` (a phrase's candidates)."""
        post = self._post[fld]
        if not words:  # only stop words: every paper with that field is a candidate
            if fld == "abstract":
                return {d for d, t in enumerate(self._abstracts) if t}
            return set(range(len(self._ids)))
        sets = sorted((post.get(w, ()) for w in set(words)), key=len)
        out: set[int] = set(sets[0])
        for arr in sets[1:]:
            out.intersection_update(arr)
            if not out:
                break
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
        return TermHits([(OTHER_WEIGHT, found)] if found else [], found)

    # -- filters -------------------------------------------------------------------------

    def _filter_docs(self, f: Filter, states: Mapping[str, PaperState]) -> set[int]:
        num = self._num
        if f.key in ("read", "starred", "note"):
            attr = f.key
            return {num[pid] for pid, s in states.items() if pid in num and getattr(s, attr)}
        if f.key == "code":
            return self._code | self._code_links
        if f.key == "new":  # first seen after ``new_since`` (set by the reading queue)
            return _in_range(self._seen, self.new_since + "\x00", None, False)
        if f.key == "arxiv":
            return set(self._arxiv.get(str(f.lo), ()))
        if f.key in ("up", "authors"):
            values = self._up if f.key == "up" else self._authors
            lo = 0 if f.lo is None else int(f.lo)
            return _in_range(values, lo, None if f.hi is None else int(f.hi), True)
        texts = self._published if f.key == "date" else self._seen
        slo = "0" if f.lo is None else str(f.lo)
        return _in_range(texts, slo, None if f.hi is None else str(f.hi), False)

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
            sel.restrict(set(map(num.__getitem__, num.keys() & within)))
        for f in query.filters:
            docs = self._filter_docs(f, states)
            if f.negated:
                sel.banned |= docs
            else:
                sel.restrict(docs)
            check(cancelled)
        soft, hard = self._text_hits(query, states, sel, cancelled)
        allowed, banned = sel.allowed, sel.banned
        if allowed is not None and banned:
            allowed = allowed - banned  # a new set: it may be a cached term's papers
            banned = set()

        if not soft and not hard:  # filters only: index order, the caller sorts
            if allowed is None:
                docs_iter: Iterable[int] = (
                    filterfalse(banned.__contains__, range(len(ids))) if banned else range(len(ids))
                )
                return list(map(ids.__getitem__, docs_iter)), False
            return list(map(ids.__getitem__, sorted(allowed))), False

        cands = candidate_papers(soft, allowed, banned, cancelled)
        if cands is None:
            assert allowed is not None
            cands = allowed
        date_rank, by_date = self._date_ranks()
        scores = score(cands, soft, hard, cancelled, len(ids))
        order = rank(scores, date_rank, by_date)
        check(cancelled)
        if len(query.words) > 1:  # one word: ties have the same match already
            entries = self._entries
            quality = title_quality(query.words)
            order = break_ties(order, scores, lambda d: quality(entries[d].title))
        return list(map(ids.__getitem__, order)), True

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
                sel.banned |= hits.docs
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

    def _date_ranks(self) -> tuple[list[int], list[int]]:
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


def _in_range(values: list[_V], lo: _V, hi: _V | None, hi_inclusive: bool) -> set[int]:
    """Papers whose value is >= lo and <= hi (``hi_inclusive``) or < hi; loops in C."""
    lo_ok = map(ge, values, repeat(lo))
    if hi is None:
        return set(compress(range(len(values)), lo_ok))
    hi_ok = map(ge, repeat(hi), values) if hi_inclusive else map(lt, values, repeat(hi))
    return set(compress(range(len(values)), map(and_, lo_ok, hi_ok)))
