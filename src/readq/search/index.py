"""The one search engine behind ``readq list QUERY`` and the TUI filter.

An inverted index, built once per library load and updated on import: a vocabulary of
distinct words, and for each word the papers whose title (or abstract, or organisation)
contains it. A query word is matched against the *vocabulary* (exact, prefix, then one
or two typos via rapidfuzz), never against the text, so a keystroke costs the same
whether abstracts total 15 MB or 1.5 GB. Per query word each paper gets the weight of
its best match (title beats abstract, exact beats prefix beats typo); papers that match
more words rank first, then by weight, then newest first.

Why it looks the way it does:

* Postings are ``array('I')``: 4 bytes per (word, paper) and invisible to the garbage
  collector; the build appends to them through ``map`` so that the per-posting work
  runs in C (a plain Python loop over 12M postings costs seconds).
* Abstracts arrive after the titles (the library loads them in the background), so
  :meth:`SearchIndex.add_abstracts` indexes them in small chunks under the lock, and
  :class:`SearchResult` says ``partial`` until they are all in.
* Scores are combined with dict/set operations driven by ``map``/``zip`` (C loops), and
  ``cancelled()`` is polled between the steps so a newer keystroke wins quickly.
"""

from __future__ import annotations

import datetime as _dt
import gc
import math
import re
import threading
from array import array
from bisect import bisect_left
from collections import OrderedDict, defaultdict, deque
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from functools import partial
from itertools import compress, filterfalse, repeat
from operator import add, and_, ge, lt, mod, mul, neg, sub
from typing import NamedTuple

from rapidfuzz import process
from rapidfuzz.distance import OSA

from readq.search.worker import helper_count, run_in_helpers
from readq.models import Entry, PaperState
from readq.search.query import STOPWORDS, Filter, Query, Term, fold, parse_query

# Weights of one query word's best match in a paper, by field and match quality.
EXACT, PREFIX, TYPO1, TYPO2 = 0, 1, 2, 3
TITLE_WEIGHT = (20, 16, 14, 10)
ABSTRACT_WEIGHT = (8, 6, 5, 4)
ORG_WEIGHT = (8, 6, 5, 4)
PHRASE_WEIGHT = {"title": 24, "abstract": 9}
MATCH_BONUS = 1000  # per matched word: matching more words always outranks weight

MIN_PREFIX = {"title": 2, "abstract": 4, "org": 2}
"""Shortest query word that also matches as a prefix; below it only exact words match
(a one-letter prefix would pull in a third of the vocabulary). Abstracts need 4: a
3-letter fragment typed on the way to a word ("tra") matched half of 100k abstracts,
and measured in one run, 4 cuts the keystroke median by ~20% and p95 by ~30%."""
MIN_TYPO1, MIN_TYPO2, MIN_PREFIX_TYPO = 4, 8, 5
COMMON_SHARE, COMMON_MIN = 0.005, 20
RELAX_BELOW = 10
"""If fewer papers than this match every word, papers missing one word follow (down
to half the words), so one misremembered word does not empty the list."""

CHUNK = 256  # abstracts indexed per lock hold: a search waits at most one chunk
PARALLEL_MIN = 20_000  # below this, starting helper processes costs more than it saves
PARALLEL_BATCH = 2_000  # abstracts per helper task: one merge holds the lock ~5 ms
CODE_HOSTS = ("github.com", "gitlab.com", "huggingface.co", "bitbucket.org", "codeberg.org")
_CODE_WORDS = frozenset(("github", "gitlab", "bitbucket", "codeberg", "huggingface"))
_CACHE_SIZE = 48

def _hyphen_compounds(text: str) -> list[str]:
    """The hyphen-joined words of folded text, joined ("s-lora" -> "slora")."""
    out = []
    for run in text.split():
        if "-" in run:
            joined = run.replace("-", "")
            if joined:
                out.append(joined)
    return out


def doc_words(text: str) -> set[str]:
    """Distinct indexable words of a text: parts of hyphenated words and the compounds."""
    t = fold(text)
    if "-" in t:
        words = set(_hyphen_compounds(t))
        words.update(t.replace("-", " ").split())
        return words
    return set(t.split())


def _abstract_words(text: str) -> set[str]:
    """Like :func:`doc_words` minus stop words; the build's hot path, so the hyphen
    compounds are found by splitting at the hyphens instead of looping over words."""
    t = fold(text)
    if "-" not in t:
        words = set(t.split())
    else:
        pieces = t.split("-")
        words = set(" ".join(pieces).split())
        run: str | None = None
        for i in range(len(pieces) - 1):
            left, right = pieces[i], pieces[i + 1]
            if not left or left[-1] == " " or not right or right[0] == " ":
                if run is not None:
                    words.add(run)
                    run = None
                continue
            if run is None:
                run = left.rsplit(None, 1)[-1]
            head = right.split(None, 1)[0]
            run += head
            if len(head) != len(right):
                words.add(run)
                run = None
        if run is not None:
            words.add(run)
    words -= STOPWORDS
    return words


_BatchPostings = tuple[list[str], list[int], array, list[int]]


def abstract_postings(batch: list[tuple[int, str]]) -> _BatchPostings:
    """The postings of a batch of (paper number, abstract): distinct words, where each
    word's papers end in one flat array, the array, and the papers with a code link.
    Runs in a helper process, so it returns flat, cheaply pickled data."""
    post: defaultdict[str, array[int]] = defaultdict(partial(array, "I"))
    code: list[int] = []
    for d, text in batch:
        words = _abstract_words(text)
        deque(map(array.append, map(post.__getitem__, words), repeat(d)), maxlen=0)
        if not words.isdisjoint(_CODE_WORDS) and _has_code_link(text):
            code.append(d)
    flat = array("I")
    ends: list[int] = []
    for arr in post.values():
        flat.extend(arr)
        ends.append(len(flat))
    return list(post), ends, flat, code


@dataclass
class SearchResult:
    ids: list[str]  # matching ids, best first when `ranked`, else in index insertion order
    ranked: bool
    errors: list[str] = field(default_factory=list)
    cancelled: bool = False
    partial: bool = False


class _Cancelled(Exception):
    pass


def _never() -> bool:
    return False


def _check(cancelled: Callable[[], bool]) -> None:
    if cancelled():
        raise _Cancelled


class _Postings(dict):  # type: ignore[type-arg]
    """word -> array of paper numbers; a lookup of a new word creates its array (in the
    C lookup path, so the build needs no separate "which words are new" pass)."""

    def __init__(self) -> None:
        super().__init__()
        self.fresh: list[str] = []

    def __missing__(self, word: str) -> array[int]:
        arr: array[int] = array("I")
        self[word] = arr
        self.fresh.append(word)
        return arr


class _TermHits(NamedTuple):
    """One term's matches: disjoint (weight, papers) groups, best first, and their union."""

    groups: list[tuple[int, set[int]]]
    docs: set[int]


class SearchIndex:
    """A word index over titles, abstracts and organisations. Thread-safe for one writer
    (``add``/``add_abstracts``) and any number of ``search`` calls."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._ids: list[str] = []
        self._num: dict[str, int] = {}
        self._entries: list[Entry] = []
        self._abstracts: list[str | None] = []  # references to the caller's strings
        self._pending: set[int] = set()  # papers whose abstract is not indexed yet
        self._code: set[int] = set()
        self._code_links: set[int] = set()
        self._up: list[int] = []
        self._authors: list[int] = []
        self._published: list[str] = []
        self._seen: list[str] = []
        self._post: dict[str, _Postings] = {
            "title": _Postings(), "abstract": _Postings(), "org": _Postings()}
        self._vocab: set[str] = set()
        self._by_len: dict[int, list[str]] = {}
        self._sorted_vocab: list[str] | None = None
        self._trunc: dict[int, tuple[list[str], list[str]]] = {}
        self._version = 0  # bumps on every change: the term cache keys on it
        self._cache: OrderedDict[tuple[object, ...], _TermHits] = OrderedDict()
        self._date_rank: tuple[list[int], list[str]] | None = None
        # title_spans runs for every row drawn while filtering: parsed queries and
        # title words are kept between rows and keystrokes
        self._span_queries: dict[str, Query] = {}
        self._title_token_cache: dict[str, list[tuple[int, int, str, Sequence[int]]]] = {}

    # -- building -----------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._ids)

    @property
    def abstracts_indexed(self) -> bool:
        """True once every paper's abstract is in the index (or is known to be empty)."""
        return not self._pending

    def add(self, entries: Iterable[Entry], abstracts: Mapping[str, str] | None = None) -> None:
        """Index new entries, or re-index changed ones (same id: the new entry replaces).

        With ``abstracts``, the listed papers' abstracts are indexed too and papers of
        ``entries`` missing from it count as having none; without it they stay pending
        until :meth:`add_abstracts`.
        """
        batch = list(entries)
        for start in range(0, len(batch), CHUNK * 8):
            with self._lock, _gc_paused():
                for entry in batch[start:start + CHUNK * 8]:
                    self._add_entry(entry, abstracts)
                self._changed()

    def add_abstracts(
        self,
        abstracts: Mapping[str, str],
        *,
        cancelled: Callable[[], bool] | None = None,
        helpers: int | None = None,
        complete: bool = True,
    ) -> None:
        """Index abstracts of papers already added, a chunk at a time (meant for a worker).

        With ``complete`` (given every abstract the library has): when it returns without
        being cancelled, papers it did not mention are taken to have no abstract. Without
        it (some new papers' abstracts), only the papers given stop being pending.
        Unknown ids are ignored.

        Abstracts seen for the first time are tokenised in ``helpers`` helper processes
        (default: one per core) when there are at least :data:`PARALLEL_MIN` of them:
        tokenising is 90% of the build and holds the GIL, so doing it elsewhere both
        uses the other cores and leaves this process free to repaint. Each batch is
        merged under the lock, so searches see whole papers; if the helpers cannot be
        started (or die), the rest is indexed here, with the same result.
        """
        is_cancelled = cancelled or _never
        fresh: list[tuple[int, str]] = []
        items: list[tuple[int, str]] = []
        with self._lock:
            num, old = self._num, self._abstracts
            for pid, text in abstracts.items():
                d = num.get(pid)
                if d is not None:
                    (fresh if old[d] is None and text else items).append((d, text))
        if helpers is None:
            helpers = helper_count()
        if helpers > 0 and len(fresh) >= PARALLEL_MIN:
            fresh = self._add_in_processes(fresh, helpers, is_cancelled)
        for group, only_new in ((fresh, True), (items, False)):
            for start in range(0, len(group), CHUNK):
                if is_cancelled():
                    return
                with self._lock, _gc_paused():
                    texts = self._abstracts
                    for d, text in group[start:start + CHUNK]:
                        # a paper new when this call began but indexed since by another
                        # writer (an import during the first build) keeps that newer text
                        if not (only_new and texts[d] is not None):
                            self._set_abstract(d, text)
                    self._changed()
        if is_cancelled() or not complete:
            return
        with self._lock:
            self._pending.clear()

    def _add_in_processes(
        self, fresh: list[tuple[int, str]], helpers: int, cancelled: Callable[[], bool]
    ) -> list[tuple[int, str]]:
        """Tokenise ``fresh`` abstracts in helper processes and merge their postings;
        returns what is left to index here (all of it if the helpers could not start,
        none of it once they are done or cancelled)."""
        batches = [fresh[i:i + PARALLEL_BATCH] for i in range(0, len(fresh), PARALLEL_BATCH)]
        done: set[int] = set()
        with closing(run_in_helpers(batches, helpers, cancelled)) as results:
            for k, found in results:
                self._merge_postings(batches[k], found)
                done.add(k)
        if cancelled():
            return []
        return [item for k, batch in enumerate(batches) if k not in done for item in batch]

    def _merge_postings(self, batch: list[tuple[int, str]], found: _BatchPostings) -> None:
        """Add one helper's postings for ``batch`` (papers whose abstract is new)."""
        words, ends, flat, code = found
        view = memoryview(flat).cast("B")
        size = flat.itemsize
        with self._lock, _gc_paused():
            texts = self._abstracts
            if any(texts[d] is not None for d, _ in batch):
                # Another writer (an import while the first build runs) indexed some of
                # these papers meanwhile, with a text at least as new: these postings
                # would duplicate or contradict it, so only the others are indexed here.
                for d, text in batch:
                    if texts[d] is None:
                        self._set_abstract(d, text)
                self._changed()
                return
            post = self._post["abstract"]
            start = 0
            for w, end in zip(words, ends, strict=True):
                post[w].frombytes(view[start * size:end * size])
                start = end
            self._note_fresh(post)
            pending = self._pending
            for d, text in batch:
                texts[d] = text
                pending.discard(d)
            self._code.update(code)
            self._changed()

    def prepare(self) -> None:
        """Build now what the first query would build lazily (the sorted vocabulary, the
        date order): meant for the end of a background build, so the first keystroke
        does not pay ~0.2 s for it at 100k papers."""
        with self._lock:
            self._sorted()
            self._date_ranks()

    def _changed(self) -> None:
        self._version += 1
        self._cache.clear()

    def _add_entry(self, entry: Entry, abstracts: Mapping[str, str] | None) -> None:
        d = self._num.get(entry.id)
        title_words = doc_words(entry.title)
        if d is None:
            d = len(self._ids)
            self._num[entry.id] = d
            self._ids.append(entry.id)
            self._entries.append(entry)
            self._abstracts.append(None)
            self._pending.add(d)
            self._up.append(entry.upvotes or 0)
            self._authors.append(-1 if entry.authors is None else entry.authors)
            self._published.append(entry.published or "")
            self._seen.append(entry.first_seen or "")
            self._post_add("title", title_words, d)
            if entry.organization:
                self._post_add("org", doc_words(entry.organization), d)
            self._date_rank = None
        else:
            old = self._entries[d]
            self._entries[d] = entry
            if old.title != entry.title:
                old_words = doc_words(old.title)
                self._post_remove("title", old_words - title_words, d)
                self._post_add("title", title_words - old_words, d)
            if old.organization != entry.organization:
                old_org = doc_words(old.organization or "")
                new_org = doc_words(entry.organization or "")
                self._post_remove("org", old_org - new_org, d)
                self._post_add("org", new_org - old_org, d)
            self._up[d] = entry.upvotes or 0
            self._authors[d] = -1 if entry.authors is None else entry.authors
            self._published[d] = entry.published or ""
            self._seen[d] = entry.first_seen or ""
            if (old.published, old.first_seen) != (entry.published, entry.first_seen):
                self._date_rank = None
        if entry.links and any(h in link for link in entry.links for h in CODE_HOSTS):
            self._code_links.add(d)
        else:
            self._code_links.discard(d)
        if abstracts is not None:
            self._set_abstract(d, abstracts.get(entry.id, ""))

    def _set_abstract(self, d: int, text: str) -> None:
        old = self._abstracts[d]
        self._pending.discard(d)
        if old is not None and (old is text or old == text):
            return
        if old:
            self._post_remove("abstract", _abstract_words(old), d)
        self._abstracts[d] = text
        self._code.discard(d)
        if text:
            words = _abstract_words(text)
            self._post_add("abstract", words, d)
            if not words.isdisjoint(_CODE_WORDS) and _has_code_link(text):
                self._code.add(d)

    def _post_add(self, fld: str, words: AbstractSet[str], d: int) -> None:
        post = self._post[fld]
        # The per-posting work of the build, all in C: map over array.append.
        deque(map(array.append, map(post.__getitem__, words), repeat(d)), maxlen=0)
        if post.fresh:
            self._note_fresh(post)

    def _note_fresh(self, post: _Postings) -> None:
        """Put words first seen in ``post`` into the vocabulary and its length buckets."""
        fresh = [w for w in post.fresh if w not in self._vocab]
        post.fresh.clear()
        if fresh:
            self._vocab.update(fresh)
            by_len = self._by_len
            for w in fresh:
                by_len.setdefault(len(w), []).append(w)
            self._sorted_vocab = None
            self._trunc.clear()

    def _post_remove(self, fld: str, words: Iterable[str], d: int) -> None:
        post = self._post[fld]
        for w in words:
            arr = post.get(w)
            if arr is not None:
                try:
                    arr.remove(d)
                except ValueError:
                    pass

    # -- matching words against the vocabulary ----------------------------------------

    def _sorted(self) -> list[str]:
        if self._sorted_vocab is None:
            self._sorted_vocab = sorted(self._vocab)
        return self._sorted_vocab

    def _vocab_matches(self, word: str, min_prefix: int) -> dict[str, int]:
        """Vocabulary words ``word`` matches, each with its best level (EXACT..TYPO2)."""
        key = ("vocab", word, min_prefix, self._version)
        hit = self._cache.get(key)
        if hit is not None:
            return hit  # type: ignore[return-value]
        found: dict[str, int] = {}
        n = len(word)
        if n >= MIN_TYPO1 and not self._is_common(word):
            limit = 2 if n >= MIN_TYPO2 else 1
            for length in range(n - limit, n + limit + 1):
                bucket = self._by_len.get(length)
                if not bucket:
                    continue
                for w, dist, _ in process.extract(
                    word, bucket, scorer=OSA.distance, score_cutoff=limit, limit=None
                ):
                    found[w] = TYPO1 if dist <= 1 else TYPO2
            if n >= MIN_PREFIX_TYPO:
                longer, full = self._truncated(n)
                for _, dist, i in process.extract(
                    word, longer, scorer=OSA.distance, score_cutoff=1, limit=None
                ):
                    w = full[i]
                    if dist and w not in found:
                        found[w] = TYPO2
        if n >= min_prefix:
            vocab = self._sorted()
            i = bisect_left(vocab, word)
            while i < len(vocab) and vocab[i].startswith(word):
                found[vocab[i]] = PREFIX
                i += 1
        if word in self._vocab:
            found[word] = EXACT
        self._remember(key, found)  # type: ignore[arg-type]
        return found

    def _is_common(self, word: str) -> bool:
        """A word in more than 0.5% of the papers is taken as typed on purpose: looking for
        its misspellings ("model" -> "modal", "mode") would only add noise and work."""
        df = sum(len(p.get(word, ())) for p in self._post.values())
        return df >= max(COMMON_MIN, len(self._ids) * COMMON_SHARE)

    def _truncated(self, n: int) -> tuple[list[str], list[str]]:
        """Vocabulary words longer than ``n``, cut to ``n`` characters (for prefix typos)."""
        got = self._trunc.get(n)
        if got is None:
            full = [w for length, ws in self._by_len.items() if length > n for w in ws]
            got = ([w[:n] for w in full], full)
            self._trunc[n] = got
        return got

    def _remember(self, key: tuple[object, ...], value: object) -> None:
        self._cache[key] = value  # type: ignore[assignment]
        if len(self._cache) > _CACHE_SIZE:
            self._cache.popitem(last=False)

    def _term_hits(self, term: Term, allowed: set[int] | None = None,
                   cancelled: Callable[[], bool] = _never) -> _TermHits:
        """The papers a term matches, grouped by match weight.

        Word terms come from the postings and are cached; a phrase is verified paper by
        paper, so it is checked only among ``allowed`` (what the other terms left).
        """
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
            fields = ("title", "abstract") if term.field == "any" else (term.field,)
            weights = {"title": TITLE_WEIGHT, "abstract": ABSTRACT_WEIGHT, "org": ORG_WEIGHT}
            raw: list[tuple[int, set[int]]] = []
            for fld in fields:
                post = self._post[fld]
                if term.kind == "exact":
                    levels: dict[str, int] = {term.text: EXACT}
                elif term.negated:  # excluding: the word itself or longer words it starts
                    levels = {w: lv for w, lv in self._vocab_matches(
                        term.text, max(4, len(term.text))).items() if lv <= PREFIX}
                else:
                    levels = self._vocab_matches(term.text, MIN_PREFIX[fld])
                by_level: dict[int, list[array[int]]] = {}
                for w, lv in levels.items():
                    arr = post.get(w)
                    if arr:
                        by_level.setdefault(lv, []).append(arr)
                for lv, arrs in by_level.items():
                    _check(cancelled)  # each union can be 100k papers: poll between them
                    raw.append((weights[fld][lv], set().union(*arrs)))
            hits = _disjoint(raw)
        self._remember(key, hits)
        return hits

    def _phrase_hits(self, term: Term, allowed: set[int] | None) -> _TermHits:
        """Papers containing the phrase's words consecutively (punctuation ignored)."""
        words = term.text.split()
        find = _phrase_finder(words)
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
                texts = self._abstracts
                found = {d for d in cands if find(texts[d] or "")}
            else:
                entries = self._entries
                found = {d for d in cands if find(entries[d].organization or "")}
            if found:
                raw.append((PHRASE_WEIGHT.get(fld, 8), found))
        return _disjoint(raw)

    def _candidates(self, fld: str, words: Sequence[str]) -> set[int]:
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

    def _note_hits(self, term: Term, states: Mapping[str, PaperState]) -> _TermHits:
        """Notes change all the time, so they are matched per query (they are few)."""
        found: set[int] = set()
        find = _phrase_finder(term.text.split())
        for pid, state in states.items():
            d = self._num.get(pid)
            if d is None or not state.note:
                continue
            if term.kind == "phrase":
                if find(state.note):
                    found.add(d)
                continue
            for w in doc_words(state.note):
                if term.kind == "exact" or term.negated:
                    ok = w == term.text or (term.negated and term.kind == "fuzzy"
                                            and len(term.text) >= 4 and w.startswith(term.text))
                else:
                    ok = _word_level(term.text, w, MIN_PREFIX["title"]) is not None
                if ok:
                    found.add(d)
                    break
        return _TermHits([(8, found)] if found else [], found)

    # -- filters -------------------------------------------------------------------------

    def _filter_docs(self, f: Filter, states: Mapping[str, PaperState]) -> set[int]:
        num = self._num
        if f.key in ("read", "starred", "note"):
            attr = f.key
            return {num[pid] for pid, s in states.items()
                    if pid in num and getattr(s, attr)}
        if f.key == "code":
            return self._code | self._code_links
        n = len(self._ids)
        if f.key in ("up", "authors"):
            values: list[int] | list[str] = self._up if f.key == "up" else self._authors
            lo: object = 0 if f.lo is None else f.lo
            hi_ok = None if f.hi is None else map(ge, repeat(f.hi), values)  # value <= hi
        else:
            values = self._published if f.key == "date" else self._seen
            lo = "0" if f.lo is None else f.lo
            hi_ok = None if f.hi is None else map(lt, values, repeat(f.hi))
        lo_ok = map(ge, values, repeat(lo))
        mask = lo_ok if hi_ok is None else map(and_, lo_ok, hi_ok)
        return set(compress(range(n), mask))

    # -- searching -----------------------------------------------------------------------

    def search(
        self,
        query: str | Query,
        *,
        states: Mapping[str, PaperState],
        now: _dt.datetime | None = None,
        within: Collection[str] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> SearchResult:
        """Matching ids, best first. Cheap to cancel: ``cancelled()`` is polled per step."""
        if isinstance(query, str):
            query, _ = parse_query(query, now=now)
        errors = list(query.errors)
        try:
            with self._lock:
                partial = bool(self._pending)
                ids, ranked = self._search(query, states, within, cancelled or _never)
        except _Cancelled:
            return SearchResult([], query.ranked, errors, cancelled=True, partial=False)
        return SearchResult(ids, ranked, errors, cancelled=False, partial=partial)

    def _search(
        self,
        query: Query,
        states: Mapping[str, PaperState],
        within: Collection[str] | None,
        cancelled: Callable[[], bool],
    ) -> tuple[list[str], bool]:
        ids = self._ids
        n = len(ids)
        allowed: set[int] | None = None
        banned: set[int] = set()

        def restrict(docs: set[int]) -> None:
            nonlocal allowed
            allowed = docs if allowed is None else (
                allowed & docs if len(allowed) <= len(docs) else docs & allowed)

        if within is not None:
            num = self._num
            restrict(set(filter(_not_none, map(num.get, within))))  # type: ignore[arg-type]
        for f in query.filters:
            docs = self._filter_docs(f, states)
            if f.negated:
                banned |= docs
            else:
                restrict(docs)
            _check(cancelled)

        soft: list[_TermHits] = []
        hard: list[_TermHits] = []
        phrases: list[Term] = []
        for term in query.terms:
            if term.kind == "phrase" and not term.negated and term.field != "note":
                phrases.append(term)  # verified last, among what the rest allows
                continue
            if term.field == "note":
                hits = self._note_hits(term, states)
            else:
                hits = self._term_hits(term, None, cancelled)
            _check(cancelled)
            if term.negated:
                banned |= hits.docs
            elif term.field == "any" and term.kind == "fuzzy":
                soft.append(hits)
            else:
                restrict(hits.docs)
                if term.field in ("any", "title", "abstract"):
                    hard.append(hits)
        if soft and phrases and allowed is None:
            # narrow phrase verification by what every word matches
            restrict(_intersection([h.docs for h in soft]))
        for term in phrases:
            hits = self._term_hits(term, allowed, cancelled)
            _check(cancelled)
            restrict(hits.docs)
            if term.field in ("any", "title", "abstract"):
                hard.append(hits)

        if allowed is not None and banned:
            allowed -= banned
            banned = set()

        if not soft and not hard:  # filters only: index order, the caller sorts
            if allowed is None:
                docs_iter: Iterable[int] = filterfalse(banned.__contains__, range(n)) \
                    if banned else range(n)
                return list(map(ids.__getitem__, docs_iter)), False
            return list(map(ids.__getitem__, sorted(allowed))), False

        cands = self._candidate_papers(soft, allowed, banned, cancelled)
        if cands is None:
            assert allowed is not None
            cands = allowed
        scores: dict[int, int] = dict.fromkeys(cands, 0)
        for k, hits in enumerate(soft + hard):
            bonus = MATCH_BONUS if k < len(soft) else 0
            for weight, docs in hits.groups:
                _check(cancelled)
                if len(docs) > len(cands):
                    docs = cands & docs
                elif docs is not cands:
                    docs = docs & scores.keys()  # type: ignore[operator]
                _accumulate(scores, docs, weight + bonus)
            _check(cancelled)
        return self._rank(scores), True

    def _candidate_papers(
        self, soft: list[_TermHits], allowed: set[int] | None, banned: set[int],
        cancelled: Callable[[], bool],
    ) -> set[int] | None:
        """Papers matching every free word; if fewer than RELAX_BELOW do, those missing
        one word too, and so on down to half of the words. None: no free words."""
        if not soft:
            return None
        sets = [h.docs for h in soft]
        if allowed is not None:
            sets.append(allowed)
        full = _intersection(sets)
        if banned:
            full -= banned
        need = len(soft)
        floor = math.ceil(need / 2)
        if len(full) >= RELAX_BELOW or need <= floor:
            return full
        _check(cancelled)
        counts: dict[int, int] = {}
        for hits in soft:
            docs = hits.docs if allowed is None else hits.docs & allowed
            _accumulate(counts, docs - banned if banned else docs, 1)
        _check(cancelled)
        have = len(full)
        histogram: dict[int, int] = {}
        for c in counts.values():
            histogram[c] = histogram.get(c, 0) + 1
        while need > floor and have < RELAX_BELOW:
            need -= 1
            have += histogram.get(need, 0)
        return set(compress(counts, map(ge, counts.values(), repeat(need))))

    def _rank(self, scores: dict[int, int]) -> list[str]:
        """Ids by score, ties broken by date, newest first.

        Each paper's sort key is one int, ``score * width - date position``: unique per
        paper (date positions are), so a plain descending sort of ints, with no key
        function, orders them, and the paper is read back from the key's remainder.
        """
        rank, by_rank = self._date_ranks()
        width = len(rank) + 1
        keys = list(map(sub, map(mul, scores.values(), repeat(width)),
                        map(rank.__getitem__, scores)))
        keys.sort(reverse=True)
        return list(map(by_rank.__getitem__, map(mod, map(neg, keys), repeat(width))))

    def _date_ranks(self) -> tuple[list[int], list[str]]:
        """Each paper's position when sorted newest first (published, then first seen),
        and the ids in that order."""
        if self._date_rank is None or len(self._date_rank[0]) != len(self._ids):
            pub, seen = self._published, self._seen
            order = sorted(range(len(pub)), key=lambda d: (pub[d], seen[d]), reverse=True)
            rank = [0] * len(order)
            for pos, d in enumerate(order):
                rank[d] = pos
            self._date_rank = (rank, list(map(self._ids.__getitem__, order)))
        return self._date_rank

    # -- highlighting ----------------------------------------------------------------------

    def title_spans(self, query: str | Query, title: str) -> list[tuple[int, int]]:
        """[start, end) spans of ``title`` to highlight for the query's title matches."""
        if isinstance(query, str):
            parsed = self._span_queries.get(query)
            if parsed is None:
                if len(self._span_queries) >= 64:
                    self._span_queries.clear()
                parsed = self._span_queries[query] = parse_query(query)[0]
            query = parsed
        spans: list[tuple[int, int]] = []
        tokens = self._title_token_cache.get(title)
        if tokens is None:
            if len(self._title_token_cache) >= 4096:
                self._title_token_cache.clear()
            tokens = self._title_token_cache[title] = _title_tokens(title)
        for term in query.terms:
            if term.negated or term.field not in ("any", "title"):
                continue
            if term.kind == "phrase":
                spans.extend(_phrase_spans(term.text, title))
                continue
            found: list[tuple[int, int, int]] = []
            for start, end, word, cuts in tokens:
                if term.kind == "exact":
                    level = EXACT if word == term.text else None
                else:
                    level = _word_level(term.text, word, MIN_PREFIX["title"])
                if level is None:
                    continue
                if level == PREFIX:
                    end = cuts[len(term.text) - 1]
                found.append((level, start, end))
            # show where the word itself is; its misspellings only when it is not there
            best = min((lv for lv, _, _ in found), default=None)
            spans.extend((a, b) for lv, a, b in found if (lv <= PREFIX) == (best <= PREFIX))
        return _merge(spans)


# -- helpers ----------------------------------------------------------------------------


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic GC during a build chunk: it allocates only acyclic objects, and a full
    collection walking the library's millions of objects would cost more than the chunk."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _has_code_link(text: str) -> bool:
    """A link to a code host (the word check before this is the cheap filter)."""
    low = text.lower()
    return any(h in low for h in CODE_HOSTS)


def _not_none(x: object) -> bool:
    return x is not None


def _intersection(sets: list[set[int]]) -> set[int]:
    ordered = sorted(sets, key=len)
    out = set(ordered[0])
    for other in ordered[1:]:
        if not out:
            break
        out &= other
    return out


def _phrase_finder(words: Sequence[str]) -> Callable[[str], bool]:
    """A test for "these words in a row" on raw text: case, accents and the
    punctuation or spaces between the words are ignored, word boundaries are not."""
    body = r"[\W_]+".join(map(re.escape, words))
    pattern = re.compile(body + r"(?![^\W_])", re.IGNORECASE)
    first = words[0] if words else ""

    def search(text: str) -> bool:
        if not text.isascii():
            text = fold(text)
        elif first not in text.lower():
            return False
        for m in pattern.finditer(text):
            start = m.start()
            if start == 0 or not text[start - 1].isalnum():
                return True
        return False

    return search


def _disjoint(raw: list[tuple[int, set[int]]]) -> _TermHits:
    """Keep each paper only in its best-weighted group."""
    raw.sort(key=lambda g: -g[0])
    seen: set[int] = set()
    groups: list[tuple[int, set[int]]] = []
    for weight, docs in raw:
        fresh = docs - seen if seen else docs
        if fresh:
            groups.append((weight, fresh))
            seen |= fresh
    return _TermHits(groups, seen)


def _accumulate(scores: dict[int, int], docs: Collection[int], weight: int,
                only_existing: bool = False) -> None:
    """scores[d] += weight for d in docs, with the loop in C."""
    if not docs:
        return
    if not scores and not only_existing:
        scores.update(dict.fromkeys(docs, weight))
        return
    get = scores.get
    scores.update(zip(docs, map(add, map(get, docs, repeat(0)), repeat(weight)), strict=True))


def _word_level(query_word: str, word: str, min_prefix: int) -> int | None:
    """How ``word`` (folded) matches ``query_word``: the index's rules, for one pair."""
    if word == query_word:
        return EXACT
    n = len(query_word)
    if n >= min_prefix and word.startswith(query_word):
        return PREFIX
    if n >= MIN_TYPO1:
        limit = 2 if n >= MIN_TYPO2 else 1
        if abs(len(word) - n) <= limit:
            dist = OSA.distance(query_word, word, score_cutoff=limit)
            if dist <= limit:
                return TYPO1 if dist <= 1 else TYPO2
        if n >= MIN_PREFIX_TYPO and len(word) > n and OSA.distance(
                query_word, word[:n], score_cutoff=1) <= 1:
            return TYPO2
    return None


_TOKEN = re.compile(r"[^\W_]+(?:[-\u2010\u2011\u2012\u2013][^\W_]+)*")
_PIECE = re.compile(r"[^\W_]+")


def _title_tokens(title: str) -> list[tuple[int, int, str, Sequence[int]]]:
    """Words of a title as (start, end, folded word, end offset after each folded char).

    Hyphenated words yield the compound and each part, so ``slora`` and ``lora`` both
    find their span in ``S-LoRA``.
    """
    out: list[tuple[int, int, str, Sequence[int]]] = []
    ascii_only = title.isascii()  # then each character folds to itself, lower-cased
    for m in _TOKEN.finditer(title):
        token = m.group()
        pieces = [(p.start(), p.end()) for p in _PIECE.finditer(token)]
        for ps, pe in pieces if len(pieces) == 1 else [(0, len(token))] + pieces:
            base = m.start()
            if ascii_only:
                word = token[ps:pe].replace("-", "").lower()
                cuts: Sequence[int] = [base + i + 1 for i in range(ps, pe) if token[i] != "-"]
            else:
                folded: list[str] = []
                cut_list: list[int] = []
                for i in range(ps, pe):
                    f = "".join(fold(token[i]).split()).replace("-", "")
                    folded.append(f)
                    cut_list.extend([base + i + 1] * len(f))
                word, cuts = "".join(folded), cut_list
            if word:
                out.append((base + ps, base + pe, word, cuts))
    return out


def _phrase_spans(phrase: str, title: str) -> list[tuple[int, int]]:
    words = phrase.split()
    pattern = re.compile(r"(?<![^\W_])" + r"[\W_]+".join(map(re.escape, words))
                         + r"(?![^\W_])", re.IGNORECASE)
    return [(m.start(), m.end()) for m in pattern.finditer(title)]


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


__all__ = ["SearchIndex", "SearchResult", "doc_words"]
