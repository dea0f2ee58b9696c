"""readq: a keyboard-driven reading queue for research paper listings.

Importing this package is cheap and never imports Textual; the TUI lives in
``readq.tui`` and is only loaded when the terminal UI starts.

It is also a small Python API for scripts and notebooks (see docs/api.md), the same one
the ``readq`` command line uses::

    import readq

    lib = readq.open_library()              # or readq.open_library("some/dir")
    readq.import_listing(lib, "page.txt")   # a copied Hugging Face papers page
    for paper in readq.papers(lib, "lora is:unread"):
        print(paper.id, paper.title)
    readq.star(lib, [paper.id])
    readq.export_starred(lib, "starred.md")

Every function takes the :class:`~readq.library.Library` that :func:`open_library`
returns; its ``entries``, ``state(id)`` and ``abstract(id)`` give the details. The heavy
modules (storage, parser, search engine) load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    __version__: str
    import datetime
    import os
    from collections.abc import Callable, Iterable, Mapping
    from pathlib import Path

    from readq.library import ImportReport, Library
    from readq.models import Entry, PaperState
    from readq.search.index import SearchIndex, SearchResult
    from readq.search.query import Query
    from readq.views import View

__all__ = [
    "Entry",
    "ImportReport",
    "Library",
    "PaperState",
    "Selection",
    "View",
    "__version__",
    "export_starred",
    "import_listing",
    "mark_read",
    "open_library",
    "papers",
    "search_ids",
    "select",
    "set_note",
    "star",
    "starred_markdown",
    "state",
]

# Names served lazily by __getattr__: (module, attribute).
_LAZY = {
    "Library": ("readq.library", "Library"),
    "ImportReport": ("readq.library", "ImportReport"),
    "Entry": ("readq.models", "Entry"),
    "PaperState": ("readq.models", "PaperState"),
    "View": ("readq.views", "View"),
}


def _installed_version() -> str:
    """The installed distribution's version (importlib.metadata costs ~30 ms to import:
    only ``readq --version``, crash logs and written files ask for it)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("readq")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0.0.0"


def __getattr__(name: str) -> Any:
    if name == "__version__":
        globals()["__version__"] = found = _installed_version()
        return found
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'readq' has no attribute {name!r}")


class Selection(NamedTuple):
    """Paper ids in display order, and the query terms that were not understood."""

    ids: list[str]
    errors: list[str]


# -- opening and importing -----------------------------------------------------------------


def open_library(
    data_dir: str | Path | None = None,
    *,
    catalog_prefix: str | None = None,
    lazy_catalog: bool = False,
) -> Library:
    """Open the library in ``data_dir``, else ``$READQ_DATA_DIR``, else the user data dir.

    A missing directory is an empty library (created on the first change). With
    ``catalog_prefix`` only the papers whose id starts with that hex digit are loaded;
    with ``lazy_catalog`` papers are read when looked up (for a search that prints a
    few of them: the search index on disk supplies them when it is current).
    """
    from readq.library import Library

    return Library.open(data_dir, catalog_prefix=catalog_prefix, lazy_catalog=lazy_catalog)


def import_listing(
    library: Library,
    source: str | os.PathLike[str] | bytes,
    *,
    encoding: str | None = None,
    today: datetime.date | None = None,
) -> ImportReport:
    """Add the papers of a copied listing: a file path, or the page's bytes.

    Known papers keep their state and gain metadata; the report counts new, known and
    updated papers. Raises ``readq.errors.InputError`` for input that is not a listing.
    """
    from readq import listing

    if isinstance(source, bytes):
        result = listing.parse_bytes(source, today=today, encoding=encoding)
    else:
        result = listing.parse_file(source, today=today, encoding=encoding)
    return library.import_papers(result.papers)


# -- finding papers ------------------------------------------------------------------------


def search_ids(
    library: Library,
    query: str,
    *,
    within: Iterable[str] | None = None,
    on_build: Callable[[int], None] | None = None,
) -> SearchResult:
    """Run a search query (docs/search.md) over the library, or only over ``within``.

    The result has ``ids`` (best first when ``ranked``) and ``errors`` (query terms that
    were not understood and were ignored). ``on_build(papers)`` is called first when the
    search index has to be built (seconds at 100,000 papers; see :func:`select`).
    """
    from readq.search.query import parse_query

    parsed, _errors = parse_query(query)
    index = _index_for(library, parsed, on_build)
    return index.search(
        parsed, states=library.states, within=None if within is None else set(within)
    )


def _index_for(
    library: Library, parsed: Query, on_build: Callable[[int], None] | None = None
) -> SearchIndex:
    """The search index for a query: the one on disk when current, else built."""
    from readq.catalog import LazyCatalog
    from readq.search.index import SearchIndex

    # Abstracts are 90% of the library's bytes: only load them when the query can look
    # at them (free words anywhere, or abstract: terms). Filters alone never do. The
    # index on disk (<data dir>/index/) is used when current, else rebuilt and saved.
    needs_abstracts = any(t.field in ("any", "abstract") for t in parsed.terms)
    index = SearchIndex.open_current(library)
    if index is not None and isinstance(library.entries, LazyCatalog):
        library.entries.use(index.paper_ids(), index.entry)  # current: the same papers
    if index is None and needs_abstracts:
        index = SearchIndex.open_or_build(library, on_build=on_build)
    if index is None:
        index = SearchIndex()
        index.add(library.entries.values())
    if index.report:
        library.warnings.append(index.report)
    index.new_since = library.last_session()  # is:new = added since the last session
    return index


def _view(view: View | str) -> View:
    from readq.views import View

    return View.INBOX if view == "unread" else View(view)


def select(
    library: Library,
    query: str | None = None,
    *,
    view: View | str = "all",
    sort: str | None = None,
    limit: int | None = None,
    on_build: Callable[[int], None] | None = None,
) -> Selection:
    """The ids of one view (``all``, ``inbox``/``unread``, ``starred``, ``read``).

    With a ``query``, only the matches, best first unless a ``sort`` is given; else
    ordered by ``sort`` (``date``, ``upvotes``, ``title``, ``added``, ``trending``; default
    ``date``). With ``limit``, only the first ``limit`` of those ids (the papers are then
    not all sorted: ``readq list --limit 20`` picks its 20 out of 100,000 in one pass).
    A query needs the search index: it is opened from disk when current, else built
    and saved, and ``on_build(papers)`` is called before such a build.
    """
    from readq.catalog import paper_ids
    from readq.search.query import parse_query
    from readq.views import view_rows

    if limit is not None and limit < 0:
        raise ValueError(f"limit must be 0 or more, not {limit}")
    errors: list[str] = []
    if query:
        parsed, _ = parse_query(query)
        index = _index_for(library, parsed, on_build)  # first: a lazy catalog takes its ids
        every = paper_ids(library.entries)
        ids = view_rows(every, library.states, _view(view))
        # a view of every paper restricts nothing: no 100,000-id set per search
        within = None if len(ids) == len(every) else set(ids)
        result = index.search(parsed, states=library.states, within=within)
        ids, errors = result.ids, result.errors
        if result.ranked and sort is None:
            return Selection(ids[:limit], errors)
    else:
        ids = view_rows(list(library.entries), library.states, _view(view))
    momentum = library.momenta() if sort == "trending" else None
    since = library.last_session() if sort == "new" else ""
    order = _first_ids(library.entries, ids, sort or "date", since, momentum, limit)
    return Selection(order, errors)


def _first_ids(
    entries: Mapping[str, Entry],
    ids: list[str],
    sort: str,
    since: str,
    momentum: Mapping[str, int] | None,
    limit: int | None,
) -> list[str]:
    """``views.sorted_ids(...)[:limit]``; for a few out of many, without sorting them all
    (``heapq.nlargest(n, ...)`` is ``sorted(..., reverse=True)[:n]``, ties included)."""
    import heapq

    from readq.views import sort_key, sorted_ids

    if limit is None or limit >= len(ids):
        return sorted_ids(entries, ids, sort, since, momentum=momentum)
    key, reverse = sort_key(sort, since, momentum=momentum)
    chosen = (entries[i] for i in ids if i in entries)
    first = heapq.nlargest if reverse else heapq.nsmallest
    return [e.id for e in first(limit, chosen, key=key)]


def papers(
    library: Library,
    query: str | None = None,
    *,
    view: View | str = "all",
    sort: str | None = None,
) -> list[Entry]:
    """The papers :func:`select` chooses, as catalog entries (``id``, ``title``, ...)."""
    return [library.entries[pid] for pid in select(library, query, view=view, sort=sort).ids]


# -- changing state ------------------------------------------------------------------------


def _set_flag(
    library: Library, ids: str | Iterable[str], field: str, value: bool, label: str
) -> int:
    chosen = list(dict.fromkeys([ids] if isinstance(ids, str) else ids))
    change = library.set_field(chosen, field, value, label)
    return sum(1 for pid in chosen if change.before[pid][field] != value)


def mark_read(library: Library, ids: str | Iterable[str], read: bool = True) -> int:
    """Mark papers (full ids) read, or unread; one transaction. Returns how many changed."""
    return _set_flag(library, ids, "read", read, "read" if read else "unread")


def star(library: Library, ids: str | Iterable[str], starred: bool = True) -> int:
    """Star papers (full ids), or unstar them; one transaction. Returns how many changed."""
    return _set_flag(library, ids, "starred", starred, "starred" if starred else "unstarred")


def set_note(library: Library, pid: str, text: str) -> str:
    """Replace a paper's note (``""`` removes it); returns the note as stored (cleaned)."""
    library.set_note(pid, text)
    return library.state(pid).note


def state(library: Library, pid: str) -> PaperState:
    """A paper's read/starred/note state (the default state for an untouched paper)."""
    return library.state(pid)


# -- exporting -----------------------------------------------------------------------------


def starred_markdown(library: Library, *, today: datetime.date | None = None) -> str:
    """The starred papers, newest first, as the Markdown document ``readq export`` writes."""
    import datetime as dt

    from readq.export import render_markdown, starred_items

    return render_markdown(starred_items(library), generated=today or dt.date.today())


def export_starred(
    library: Library,
    path: str | os.PathLike[str],
    *,
    today: datetime.date | None = None,
    overwrite: bool = True,
) -> int:
    """Write :func:`starred_markdown` to ``path`` atomically; returns how many papers.

    Raises ``readq.errors.OutputError`` for a directory, an existing file when
    ``overwrite`` is false, or a failed write (the old file is then intact).
    """
    import datetime as dt
    from pathlib import Path

    from readq import export

    return export.export_starred(
        library, Path(path), today=today or dt.date.today(), overwrite=overwrite
    )
