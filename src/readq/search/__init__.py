"""Search: the query language and the word index behind ``readq list QUERY`` and the
TUI filter.

The parts, each with one job (lower ones never import higher ones):

* :mod:`~readq.search.words` -- how text is cut into words (folding, hyphen compounds,
  stop words), identical for documents and queries; all a helper process needs.
* :mod:`~readq.search.query` -- the query language: text to :class:`Query`, never raises.
* :mod:`~readq.search.vocabulary` -- which indexed words a query word stands for: the
  exact / prefix / typo rules, written once (the only user of rapidfuzz).
* :mod:`~readq.search.ranking` -- scoring matched papers and ordering them (numpy
  masks and weight arrays indexed by paper number).
* :mod:`~readq.search.highlight` -- which letters of a title to highlight.
* :mod:`~readq.search.worker` -- helper processes that tokenise abstracts in parallel.
* :mod:`~readq.search.tables` -- the index's tables, made on first use when read
  from disk, and the metadata filters over them.
* :mod:`~readq.search.matching` -- answering a query from the index's tables.
* :mod:`~readq.search.persist` -- the index on disk: file format, checks, library key;
  :mod:`~readq.search.payload` turns the tables into its contents and back,
  :mod:`~readq.search.checked` checks its big tables a chunk at a time as they are
  read, :mod:`~readq.search.stored` and :mod:`~readq.search.entrytable` read the
  postings and paper entries in place.
* :mod:`~readq.search.building` -- building and updating the tables.
* :mod:`~readq.search.index` -- :class:`SearchIndex`: the ``search`` entry point,
  ``open_or_build`` / ``open_current`` / ``update_on_disk`` / ``save_for``.

Names are imported lazily on first use: ``import readq.search.worker`` in a helper
process (and ``readq list`` without a query) must not pay for the index and rapidfuzz.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from readq.search.index import SearchIndex, SearchResult
    from readq.search.query import Filter, Query, Term, parse_query
    from readq.search.words import doc_words, fold, split_words
    from readq.search.worker import helper_count

_WHERE = {
    "SearchIndex": "index",
    "SearchResult": "index",
    "Filter": "query",
    "Query": "query",
    "Term": "query",
    "parse_query": "query",
    "doc_words": "words",
    "fold": "words",
    "split_words": "words",
    "helper_count": "worker",
}


def __getattr__(name: str) -> object:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "Filter",
    "Query",
    "SearchIndex",
    "SearchResult",
    "Term",
    "doc_words",
    "fold",
    "helper_count",
    "parse_query",
    "split_words",
]
