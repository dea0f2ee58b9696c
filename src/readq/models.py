"""The value objects shared by every layer: parsed papers, library entries, state.

They are frozen so a snapshot handed to a worker thread can never change under it.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields
from typing import Any


@dataclass(frozen=True, slots=True)
class Paper:
    """One paper as a listing describes it (the parser's output)."""

    id: str
    title: str
    abstract: str
    authors: int | None = None
    organization: str | None = None
    published: str | None = None  # ISO date, YYYY-MM-DD
    upvotes: int | None = None
    links: tuple[str, ...] = ()
    # From the Hugging Face API (``readq fetch``); a pasted listing has none of them.
    arxiv_id: str | None = None
    author_names: tuple[str, ...] = ()
    github: str | None = None
    project_page: str | None = None
    comments: int | None = None

    def to_dict(self) -> dict[str, object]:
        """The exact field set of ``readq parse --json``."""
        return {
            "id": self.id,
            "title": self.title,
            "abstract": self.abstract,
            "authors": self.authors,
            "organization": self.organization,
            "published": self.published,
            "upvotes": self.upvotes,
            "links": list(self.links),
        }


@dataclass(frozen=True, slots=True)
class Entry:
    """A paper in the library catalog.

    The abstract is kept apart (see ``Library.abstract``) so that opening a
    100,000-paper library does not have to parse 150 MB of abstracts first.
    """

    id: str
    title: str
    authors: int | None = None
    organization: str | None = None
    published: str | None = None
    upvotes: int | None = None
    links: tuple[str, ...] = ()
    first_seen: str = ""  # ISO timestamp (UTC) of the first import that had it
    last_seen: str = ""  # ISO timestamp (UTC) of the latest import that had it
    # From the Hugging Face API (``readq fetch``); a pasted listing has none of them.
    arxiv_id: str | None = None
    author_names: tuple[str, ...] = ()
    github: str | None = None
    project_page: str | None = None
    comments: int | None = None


def _quick_init(cls: type[Any]) -> None:
    """Give a frozen, slotted dataclass an ``__init__`` that sets each field through its
    slot: the same parameters, defaults and result as the generated one, at half the
    cost (its ``object.__setattr__`` per field is the slow part). Opening a library
    builds one Entry per paper, 100,000 of them at a time."""
    names = [f.name for f in fields(cls)]
    if any(f.default_factory is not MISSING for f in fields(cls)) or "__post_init__" in vars(cls):
        raise TypeError(f"{cls.__name__}: only plain defaults can be set this way")
    scope: dict[str, Any] = {f"_set_{n}": getattr(cls, n).__set__ for n in names}
    scope |= {f"_default_{f.name}": f.default for f in fields(cls) if f.default is not MISSING}
    params = ", ".join(n if f"_default_{n}" not in scope else f"{n}=_default_{n}" for n in names)
    body = "".join(f"    _set_{n}(self, {n})\n" for n in names)
    exec(f"def __init__(self, {params}):\n{body}", scope)  # as dataclasses makes its own
    init = scope["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    cls.__init__ = init


_quick_init(Entry)


@dataclass(frozen=True, slots=True)
class PaperState:
    """What the user did with a paper. The default value means "untouched"."""

    read: bool = False
    starred: bool = False
    note: str = ""
    read_at: str | None = None
    starred_at: str | None = None
    note_at: str | None = None
    updated_at: str | None = None
    # ``readq remove``: hidden from every view, search and export; the rest is kept.
    removed: bool = False
    removed_at: str | None = None

    @property
    def is_default(self) -> bool:
        return not (self.read or self.starred or self.note or self.removed)


DEFAULT_STATE = PaperState()


@dataclass(frozen=True, slots=True)
class ParseWarning:
    """Something the parser skipped or guessed, with the 1-based line it concerns."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(slots=True)
class ParseResult:
    papers: list[Paper] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)
