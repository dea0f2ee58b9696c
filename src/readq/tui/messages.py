"""Messages that cross widgets: results of background work, posted from threads."""

from __future__ import annotations

from textual.message import Message

from readq.search.index import SearchResult


class FilterResult(Message):
    """Matching finished for ``generation``; stale results are dropped by the screen."""

    def __init__(
        self, generation: int, query: str, result: SearchResult, elsewhere: int = 0
    ) -> None:
        super().__init__()
        self.generation = generation
        self.query = query
        self.result = result
        self.elsewhere = elsewhere
        """Matches in the whole library when none is in the view (0 otherwise)."""


class IndexProgress(Message):
    """The search index grew: ``titles`` all in; ``abstracts`` all in."""

    def __init__(self, titles: bool, abstracts: bool) -> None:
        super().__init__()
        self.titles = titles
        self.abstracts = abstracts


class AbstractLoaded(Message):
    def __init__(self, paper_id: str, abstract: str) -> None:
        super().__init__()
        self.paper_id = paper_id
        self.abstract = abstract
