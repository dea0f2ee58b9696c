"""The stored form of the library's models: catalog and state documents.

Reading checks every field's type, because a wrong type means a damaged file
(``CorruptFileError``); writing leaves out what is unknown or default, which keeps the
files small and fast to load.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from readq.errors import CorruptFileError
from readq.models import Entry, PaperState


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
    return Entry(pid, title, authors, org, published, upvotes, tuple(links), first, last)


def entry_to_doc(entry: Entry) -> dict[str, Any]:
    """Unknown fields are left out rather than stored as null: smaller, faster files."""
    doc: dict[str, Any] = {
        "id": entry.id,
        "title": entry.title,
        "first_seen": entry.first_seen,
        "last_seen": entry.last_seen,
    }
    for name in ("authors", "organization", "published", "upvotes"):
        value = getattr(entry, name)
        if value is not None:
            doc[name] = value
    if entry.links:
        doc["links"] = list(entry.links)
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
