"""Building and updating the search index's tables (the half of
:class:`~readq.search.index.SearchIndex` that writes them; :mod:`~readq.search.matching`
reads them).

* Postings are ``array('I')``: 4 bytes per (word, paper) and invisible to the garbage
  collector; the build appends to them through ``map`` so that the per-posting work
  runs in C (a plain Python loop over 12M postings costs seconds).
* Abstracts arrive after the titles (the library loads them in the background), so
  :meth:`IndexBuilding.add_abstracts` indexes them in small chunks under the lock, and
  searches say ``partial`` until they are all in. Many new abstracts are tokenised in
  helper processes (:mod:`readq.search.worker`).
"""

from __future__ import annotations

from array import array
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from collections.abc import Set as AbstractSet
from contextlib import closing, suppress
from itertools import repeat

from readq.gcpause import gc_paused
from readq.models import Entry
from readq.search.matching import QueryMatching
from readq.search.persist import NOT_LOADED, text_crc
from readq.search.query import arxiv_key
from readq.search.ranking import never
from readq.search.words import (
    CODE_HOSTS,
    BatchPostings,
    abstract_words,
    doc_words,
    has_code_link,
)
from readq.search.worker import helper_count, run_in_helpers

CHUNK = 256  # abstracts indexed per lock hold: a search waits at most one chunk
PARALLEL_MIN = 20_000  # below this, starting helper processes costs more than it saves
PARALLEL_BATCH = 2_000  # abstracts per helper task: one merge holds the lock ~5 ms


class IndexBuilding(QueryMatching):
    """Adding and re-indexing papers and abstracts; see :class:`SearchIndex`."""

    _pending: set[int]

    def add(self, entries: Iterable[Entry], abstracts: Mapping[str, str] | None = None) -> None:
        """Index new entries, or re-index changed ones (same id: the new entry replaces).

        With ``abstracts``, the listed papers' abstracts are indexed too and papers of
        ``entries`` missing from it count as having none; without it they stay pending
        until :meth:`add_abstracts`.
        """
        batch = list(entries)
        for start in range(0, len(batch), CHUNK * 8):
            with self._lock, gc_paused():
                for entry in batch[start : start + CHUNK * 8]:
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
        is_cancelled = cancelled or never
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
                self._add_abstract_chunk(group[start : start + CHUNK], only_new)
        if is_cancelled() or not complete:
            return
        with self._lock:
            self._pending.clear()

    def _add_abstract_chunk(self, chunk: list[tuple[int, str]], only_new: bool) -> None:
        """Index one chunk of abstracts under the lock; with ``only_new``, skip papers
        that have an abstract by now."""
        with self._lock, gc_paused():
            texts = self._abstracts
            for d, text in chunk:
                # a paper new when this call began but indexed since by another
                # writer (an import during the first build) keeps that newer text
                if not (only_new and texts[d] is not None):
                    self._set_abstract(d, text)
            self._changed()

    def _add_in_processes(
        self, fresh: list[tuple[int, str]], helpers: int, cancelled: Callable[[], bool]
    ) -> list[tuple[int, str]]:
        """Tokenise ``fresh`` abstracts in helper processes and merge their postings;
        returns what is left to index here (all of it if the helpers could not start,
        none of it once they are done or cancelled)."""
        batches = [fresh[i : i + PARALLEL_BATCH] for i in range(0, len(fresh), PARALLEL_BATCH)]
        done: set[int] = set()
        with closing(run_in_helpers(batches, helpers, cancelled)) as results:
            for k, found in results:
                self._merge_postings(batches[k], found)
                done.add(k)
        if cancelled():
            return []
        return [item for k, batch in enumerate(batches) if k not in done for item in batch]

    def _merge_postings(self, batch: list[tuple[int, str]], found: BatchPostings) -> None:
        """Add one helper's postings for ``batch`` (papers whose abstract is new)."""
        words, ends, flat, code = found
        view = memoryview(flat).cast("B")
        size = flat.itemsize
        with self._lock, gc_paused():
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
                post[w].frombytes(view[start * size : end * size])
                start = end
            self._vocab.take_fresh(post)
            pending = self._pending
            for d, text in batch:
                texts[d] = text
                pending.discard(d)
            self._code.update(code)
            self._changed()

    def prepare(self) -> None:
        """Build now what the first query would build lazily (the sorted vocabulary, its
        cuts, the date order): meant for the end of a background build or load, so
        keystrokes do not pay for it. The postings of an index read from disk stay in
        the mapped file until a query asks for a word."""
        with self._lock:
            self._vocab.prepare()
            self._date_ranks()

    def _changed(self) -> None:
        self._version += 1
        self._clear_caches()

    def _add_entry(self, entry: Entry, abstracts: Mapping[str, str] | None) -> None:
        d = self._num.get(entry.id)
        if d is None:
            d = self._append_entry(entry)
        else:
            self._replace_entry(d, entry)
        if entry.links and any(h in link for link in entry.links for h in CODE_HOSTS):
            self._code_links.add(d)
        else:
            self._code_links.discard(d)
        if abstracts is not None:
            self._set_abstract(d, abstracts.get(entry.id, ""))

    def _append_entry(self, entry: Entry) -> int:
        """Add a paper not seen before; returns its number."""
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
        self._post_add("title", doc_words(entry.title), d)
        if entry.organization:
            self._post_add("org", doc_words(entry.organization), d)
        if entry.author_names:
            self._post_add("author", _name_words(entry.author_names), d)
        if entry.arxiv_id:
            self._arxiv_set(None, entry.arxiv_id, d)
        self._date_rank = None
        return d

    def _arxiv_set(self, old: str | None, new: str | None, d: int) -> None:
        for value, add in ((old, False), (new, True)):
            key = arxiv_key(value) if value else None
            if key is None:
                continue
            docs = self._arxiv.setdefault(key, set())
            if add:
                docs.add(d)
            else:
                docs.discard(d)

    def _replace_entry(self, d: int, entry: Entry) -> None:
        """Re-index paper ``d`` as ``entry``: only the words that changed move."""
        old = self._entries[d]
        self._entries[d] = entry
        if old.title != entry.title:
            title_words = doc_words(entry.title)
            old_words = doc_words(old.title)
            self._post_remove("title", old_words - title_words, d)
            self._post_add("title", title_words - old_words, d)
        if old.organization != entry.organization:
            old_org = doc_words(old.organization or "")
            new_org = doc_words(entry.organization or "")
            self._post_remove("org", old_org - new_org, d)
            self._post_add("org", new_org - old_org, d)
        if old.author_names != entry.author_names:
            old_names = _name_words(old.author_names)
            new_names = _name_words(entry.author_names)
            self._post_remove("author", old_names - new_names, d)
            self._post_add("author", new_names - old_names, d)
        if old.arxiv_id != entry.arxiv_id:
            self._arxiv_set(old.arxiv_id, entry.arxiv_id, d)
        self._up[d] = entry.upvotes or 0
        self._authors[d] = -1 if entry.authors is None else entry.authors
        self._published[d] = entry.published or ""
        self._seen[d] = entry.first_seen or ""
        if (old.published, old.first_seen) != (entry.published, entry.first_seen):
            self._date_rank = None

    def _set_abstract(self, d: int, text: str) -> None:
        old = self._abstracts[d]
        self._pending.discard(d)
        if old is NOT_LOADED:  # loaded from disk: the text was not kept
            if text and text_crc(text) == self._abstract_crc[d]:
                self._abstracts[d] = text
                return
            self._post_remove_everywhere("abstract", d)
            old = None
        if old is not None and (old is text or old == text):
            return
        if old:
            self._post_remove("abstract", abstract_words(old), d)
        self._abstracts[d] = text
        self._code.discard(d)
        if text:
            words = abstract_words(text)
            self._post_add("abstract", words, d)
            if has_code_link(text, words):
                self._code.add(d)

    def _post_add(self, fld: str, words: AbstractSet[str], d: int) -> None:
        post = self._post[fld]
        # The per-posting work of the build, all in C: map over array.append.
        deque(map(array.append, map(post.__getitem__, words), repeat(d)), maxlen=0)
        if post.fresh:
            self._vocab.take_fresh(post)

    def _reindex_entries(self, ds: set[int]) -> None:
        """Index papers ``ds`` again from ``_entries`` when the entries they were indexed
        from are unknown (a loaded index, the library already changed): their title,
        organisation, author and arXiv entries are dropped in one pass, then added."""
        if not ds:
            return
        for fld in ("title", "org", "author"):
            post = self._post[fld]
            for w, arr in post.items():
                if not ds.isdisjoint(arr):
                    post[w] = array("I", [x for x in arr if x not in ds])
        for docs in self._arxiv.values():
            docs.difference_update(ds)
        for d in ds:
            entry = self._entries[d]
            self._post_add("title", doc_words(entry.title), d)
            if entry.organization:
                self._post_add("org", doc_words(entry.organization), d)
            if entry.author_names:
                self._post_add("author", _name_words(entry.author_names), d)
            self._arxiv_set(None, entry.arxiv_id, d)
        self._changed()

    def _post_remove_everywhere(self, fld: str, d: int) -> None:
        """Remove paper ``d`` from every word of ``fld`` (its old words are unknown)."""
        for arr in self._post[fld].values():
            if d in arr:
                arr.remove(d)

    def _post_remove(self, fld: str, words: Iterable[str], d: int) -> None:
        post = self._post[fld]
        for w in words:
            arr = post.get(w)
            if arr is not None:
                with suppress(ValueError):
                    arr.remove(d)


def _name_words(names: Iterable[str]) -> set[str]:
    """The words of author names (``Yann LeCun`` -> ``yann``, ``lecun``)."""
    out: set[str] = set()
    for name in names:
        out |= doc_words(name)
    return out
