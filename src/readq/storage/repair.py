"""``readq doctor --repair``: set damaged files aside and rebuild what can be rebuilt.

- A pending commit is rolled forward and leftover temporary files are removed.
- A damaged catalog or abstracts shard is copied aside byte-for-byte (``.corrupt-<UTC>``)
  and replaced: the catalog shard with the papers whose title the state keeps (starred
  and annotated papers), the abstracts shard empty. Re-importing your listings then
  fills both in again (and the search index, built from them at start, follows).
- Read/starred/note state is never touched here: it is rebuilt only from a backup, with
  ``readq restore``, which backs up the current state first.
"""

from __future__ import annotations

import os
from datetime import datetime

from readq.clock import file_stamp, iso, utc_now
from readq.errors import CorruptFileError, ReadqError
from readq.models import Entry
from readq.storage import fsutil, journal, safety
from readq.storage.documents import entry_to_doc
from readq.storage.layout import (
    ABSTRACTS,
    CATALOG,
    JOURNAL_FILE,
    STATE,
    TABLES,
    all_shards,
    doc_id,
    shard_name,
)
from readq.storage.lock import library_lock
from readq.storage.store import Store


def repair(store: Store, *, now: datetime | None = None) -> list[str]:
    """Repair what can be repaired; return one line per action taken or refused."""
    now = now or utc_now()
    root = store.root
    safety.check_data_dir(root)
    if not store.exists():
        return ["nothing to repair: there is no library yet"]
    actions: list[str] = []
    with library_lock(root, store.lock_timeout):
        try:
            journal.recover(root, sweep=True)
        except CorruptFileError as exc:
            kept = fsutil.keep_aside(root / JOURNAL_FILE, file_stamp(now))
            if kept is None:
                raise
            os.unlink(root / JOURNAL_FILE)
            fsutil.remove_quietly(fsutil.stray_temps(root))
            actions.append(f"set the damaged commit journal aside as {kept.name} ({exc.reason})")
        titles, damaged_state = _state_titles(store)
        for rel in all_shards(CATALOG) + all_shards(ABSTRACTS):
            actions += _repair_shard(store, rel, titles, now)
        for rel in damaged_state:
            actions.append(
                f"{rel} is damaged and was not touched (state is only rebuilt from a backup): "
                "run 'readq restore --list' and 'readq restore'"
            )
    return actions or ["nothing to repair"]


def _state_titles(store: Store) -> tuple[dict[str, str], list[str]]:
    titles: dict[str, str] = {}
    damaged: list[str] = []
    for rel in all_shards(STATE):
        try:
            docs = store.read_docs(rel)
        except ReadqError:
            damaged.append(rel)
            continue
        for doc in docs.values():
            title = doc.get("title")
            if type(title) is str and title:
                titles[doc["id"]] = title
    return titles, damaged


def _repair_shard(store: Store, rel: str, titles: dict[str, str], now: datetime) -> list[str]:
    path = store.path(rel)
    try:
        store.read_file(path)
        return []
    except CorruptFileError as exc:
        reason = exc.reason
    except ReadqError as exc:
        return [f"{rel} cannot be repaired here: {exc}"]
    kept = fsutil.keep_aside(path, file_stamp(now))
    if kept is None:
        return [f"{rel} is damaged ({reason}) but no copy could be kept aside: left as is"]
    kind = rel.split("/", 1)[0]
    docs: dict[str, object] = {}
    if kind == CATALOG:
        stamp = iso(now)
        for pid, title in titles.items():
            if shard_name(CATALOG, pid) == rel:
                entry = Entry(pid, title, first_seen=stamp, last_seen=stamp)
                docs[str(doc_id(pid))] = entry_to_doc(entry)
    store.write_files({path: {TABLES[kind]: docs}})
    rebuilt = f" ({len(docs)} papers rebuilt from your state)" if kind == CATALOG else ""
    return [
        f"{rel} was damaged ({reason}): kept aside as {kept.name} and replaced{rebuilt}; "
        "re-import your listings to fill it in again"
    ]
