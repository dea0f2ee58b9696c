"""The stored form of the library's models: catalog and state documents.

Reading checks every field's type, because a wrong type means a damaged file
(``CorruptFileError``); writing leaves out what is unknown or default, which keeps the
files small and fast to load.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from readq.errors import CorruptFileError
from readq.models import Entry, PaperState

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def entry_from_doc(doc: Mapping[str, Any], where: Path) -> Entry:
    """Build an Entry, checking every field's type (a wrong type means a damaged file)."""
    get = doc.get
    pid, title, authors, org = get("id"), get("title"), get("authors"), get("organization")
    published, upvotes, links = get("published"), get("upvotes"), get("links") or ()
    first, last = get("first_seen") or "", get("last_seen") or ""
    if not (
        type(pid) is str
        and type(title) is str
        and (authors is None or type(authors) is int)
        and (org is None or type(org) is str)
        and (published is None or type(published) is str)
        and (upvotes is None or type(upvotes) is int)
        and type(first) is str
        and type(last) is str
        and (not links or (type(links) is list and all(type(x) is str for x in links)))
    ):
        raise CorruptFileError(where, f"paper {pid!r} has a field of the wrong type")
    extra = _api_fields(doc, where, pid)
    return Entry(pid, title, authors, org, published, upvotes, tuple(links), first, last, *extra)


def _opt(value: object, kind: type) -> bool:
    return value is None or type(value) is kind


def _api_fields(
    doc: Mapping[str, Any], where: Path, pid: object
) -> tuple[str | None, tuple[str, ...], str | None, str | None, int | None]:
    """The fields a fetch adds (schema 2): arxiv_id, author_names, github, project_page,
    comments. Absent means unknown; present with a wrong type means damage."""
    get = doc.get
    arxiv, names, github, page, comments = (
        get("arxiv_id"),
        get("author_names", ()),
        get("github"),
        get("project_page"),
        get("comments"),
    )
    if not (
        _opt(arxiv, str)
        and _opt(github, str)
        and _opt(page, str)
        and _opt(comments, int)
        and (names == () or (type(names) is list and all(type(x) is str for x in names)))
    ):
        raise CorruptFileError(where, f"paper {pid!r} has a field of the wrong type")
    return arxiv, tuple(names), github, page, comments


def entry_to_doc(entry: Entry) -> dict[str, Any]:
    """Unknown fields are left out rather than stored as null: smaller, faster files."""
    doc: dict[str, Any] = {
        "id": entry.id,
        "title": entry.title,
        "first_seen": entry.first_seen,
        "last_seen": entry.last_seen,
    }
    for name in (
        "authors",
        "organization",
        "published",
        "upvotes",
        "arxiv_id",
        "github",
        "project_page",
        "comments",
    ):
        value = getattr(entry, name)
        if value is not None:
            doc[name] = value
    if entry.links:
        doc["links"] = list(entry.links)
    if entry.author_names:
        doc["author_names"] = list(entry.author_names)
    return doc


def state_from_doc(doc: Mapping[str, Any], where: Path) -> PaperState:
    get = doc.get
    read, starred, note = get("read", False), get("starred", False), get("note", "")
    r_at, s_at, n_at, u_at = get("read_at"), get("starred_at"), get("note_at"), get("updated_at")
    removed, rm_at = get("removed", False), get("removed_at")
    if not (
        type(read) is bool
        and type(starred) is bool
        and type(note) is str
        and (r_at is None or type(r_at) is str)
        and (s_at is None or type(s_at) is str)
        and (n_at is None or type(n_at) is str)
        and (u_at is None or type(u_at) is str)
        and type(removed) is bool
        and (rm_at is None or type(rm_at) is str)
    ):
        raise CorruptFileError(where, f"paper {get('id')!r} has a malformed read/starred/note")
    return PaperState(read, starred, note, r_at, s_at, n_at, u_at, removed, rm_at)


def state_to_doc(pid: str, title: str, state: PaperState) -> dict[str, Any]:
    """Only what differs from the default is stored. Starred and annotated papers also
    keep a snapshot of their title, so a note still makes sense if the catalog is lost."""
    doc: dict[str, Any] = {"id": pid}
    if state.starred or state.note:
        doc["title"] = title
    for name in ("read", "starred", "removed"):
        if getattr(state, name):
            doc[name] = True
    if state.note:
        doc["note"] = state.note
    for name in ("read_at", "starred_at", "note_at", "updated_at", "removed_at"):
        value = getattr(state, name)
        if value is not None:
            doc[name] = value
    return doc


def upvotes_from_doc(doc: Mapping[str, Any], where: Path) -> dict[str, int]:
    """The upvotes a paper had on each day it was fetched: ``{"YYYY-MM-DD": n}``."""
    days = doc.get("u")
    if not (
        type(doc.get("id")) is str
        and type(days) is dict
        and all(type(d) is str and _DAY.fullmatch(d) and type(n) is int for d, n in days.items())
    ):
        raise CorruptFileError(where, f"paper {doc.get('id')!r} has a malformed upvote history")
    return dict(days)


def upvotes_to_doc(pid: str, days: Mapping[str, int]) -> dict[str, Any]:
    return {"id": pid, "u": dict(days)}
