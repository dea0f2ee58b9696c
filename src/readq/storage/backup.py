"""Backups of the precious part of the library (read/starred/note state), restore, doctor.

A backup is one gzipped JSON file in ``<data dir>/backups/`` holding every state
document plus ``meta``. It is taken under the library lock (never mid-write), only from
files that parse (a damaged library is never backed up), written atomically, and read
back before it counts. Kinds: ``daily`` (at most one a day, only when the state
changed), ``pre-import``, ``pre-bulk``, ``pre-restore``.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from readq.clock import file_stamp, utc_now
from readq.errors import CorruptFileError, ReadqError, StoreError
from readq.storage import fsutil
from readq.storage.codec import check_shape, encode, read_json_file
from readq.storage.layout import (
    ABSTRACTS,
    CATALOG,
    JOURNAL_FILE,
    META_FILE,
    STATE,
    TABLES,
    all_shards,
    shard_name,
)
from readq.storage.lock import library_lock
from readq.storage.store import Store

BACKUP_DIR = "backups"
KEEP = {"daily": 14, "pre-import": 10, "pre-bulk": 10, "pre-restore": 5}
_NAME = re.compile(r"^state-(\d{8}T\d{6}Z)-([a-z]+(?:-[a-z]+)?)(?:-\d+)?\.json\.gz$")


@dataclass(frozen=True)
class Backup:
    path: Path
    taken: datetime
    kind: str
    papers: int

    @property
    def label(self) -> str:
        when = self.taken.strftime("%Y-%m-%d %H:%M:%S")
        return f"{when} UTC  {self.kind:<11} {self.papers} papers with state"


def snapshot_state(store: Store) -> dict[str, Any]:
    """Every state document (validated) plus meta; raises CorruptFileError on damage."""
    docs: dict[str, Any] = {}
    for rel in all_shards(STATE):
        for key, doc in store.read_docs(rel).items():
            docs[key] = doc
    meta = read_json_file(store.root / META_FILE) or {}
    return {
        "format": "readq-state-backup",
        "version": 1,
        "meta": meta.get("meta", {}),
        "state": docs,
    }


def read_backup(path: Path) -> dict[str, Any]:
    """Parse and check a backup file; a damaged backup raises CorruptFileError."""
    try:
        raw = gzip.decompress(path.read_bytes())
        data = json.loads(raw.decode("utf-8"))
    except FileNotFoundError:
        raise CorruptFileError(path, "no such backup") from None
    except (OSError, EOFError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CorruptFileError(path, f"not a readable backup ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != "readq-state-backup":
        raise CorruptFileError(path, "not a readq state backup")
    check_shape(path, {"state": data.get("state")})
    return data


def list_backups(store: Store, *, verify: bool = True) -> list[Backup]:
    """Backups newest first; with ``verify`` only those that parse (paper counts known)."""
    directory = store.root / BACKUP_DIR
    out: list[Backup] = []
    if not directory.is_dir():
        return out
    for path in directory.iterdir():
        m = _NAME.match(path.name)
        if not m:
            continue
        count = -1
        if verify:
            try:
                count = len(read_backup(path)["state"])
            except CorruptFileError:
                continue
        taken = datetime.strptime(m.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
        out.append(Backup(path, taken, m.group(2), count))
    out.sort(key=lambda b: (b.taken, b.path.name), reverse=True)
    return out


def _digest(data: dict[str, Any]) -> str:
    return hashlib.sha256(encode(data["state"])).hexdigest()


def take_backup(
    store: Store, kind: str, *, now: datetime | None = None, locked: bool = False
) -> Backup | None:
    """Write a verified backup; None when there is no state yet or nothing changed (daily).

    Call with ``locked=True`` from inside a held library lock.
    """
    if not locked:
        with library_lock(store.root, store.lock_timeout):
            return take_backup(store, kind, now=now, locked=True)
    now = now or utc_now()
    existing = list_backups(store, verify=False)
    if kind == "daily":
        dailies = [b for b in existing if b.kind == "daily"]
        if dailies and now - dailies[0].taken < timedelta(days=1):
            return None
    data = snapshot_state(store)
    if not data["state"]:
        return None
    if kind == "daily" and existing:
        try:
            if _digest(read_backup(existing[0].path)) == _digest(data):
                return None
        except CorruptFileError:
            pass
    path = store.root / BACKUP_DIR / f"state-{file_stamp(now)}-{kind}.json.gz"
    n = 1
    while path.exists():
        n += 1
        path = store.root / BACKUP_DIR / f"state-{file_stamp(now)}-{kind}-{n}.json.gz"
    payload = gzip.compress(encode(data), compresslevel=6, mtime=0)
    fsutil.atomic_write_bytes(path, payload)
    read_backup(path)  # verify before it counts
    _rotate(store)
    return Backup(path, now, kind, len(data["state"]))


def _rotate(store: Store) -> None:
    by_kind: dict[str, list[Backup]] = {}
    for b in list_backups(store, verify=False):
        by_kind.setdefault(b.kind, []).append(b)
    for kind, items in by_kind.items():
        for old in items[KEEP.get(kind, 10) :]:
            fsutil.remove_quietly([old.path])


def restore(store: Store, source: Path | None = None, *, now: datetime | None = None) -> Backup:
    """Replace the whole state with a backup (newest if ``source`` is None).

    The current state is backed up first when it is readable; damaged state files are
    kept aside byte-for-byte as ``<name>.corrupt-<UTC>`` before being replaced.
    """
    now = now or utc_now()
    if source is None:
        backups = list_backups(store)
        if not backups:
            raise StoreError(f"there are no backups in {store.root / BACKUP_DIR}")
        chosen = backups[0]
    else:
        data = read_backup(source)
        chosen = Backup(source, now, "file", len(data["state"]))
    data = read_backup(chosen.path)
    with library_lock(store.root, store.lock_timeout):
        try:
            take_backup(store, "pre-restore", now=now, locked=True)
        except CorruptFileError:
            _keep_damaged_aside(store, now)
        shards: dict[str, dict[str, Any]] = {rel: {} for rel in all_shards(STATE)}
        for key, doc in data["state"].items():
            pid = doc.get("id")
            if isinstance(pid, str) and len(pid) >= 2:
                shards[shard_name(STATE, pid.lower())][key] = doc
        files = {store.root / rel: {TABLES[STATE]: docs} for rel, docs in shards.items()}
        store.write_files(files)
    return chosen


def _keep_damaged_aside(store: Store, now: datetime) -> None:
    for rel in all_shards(STATE):
        path = store.root / rel
        try:
            read_json_file(path)
        except CorruptFileError:
            fsutil.keep_aside(path, file_stamp(now))


@dataclass
class Finding:
    ok: bool
    text: str


def doctor(store: Store) -> list[Finding]:
    """Check every file; say what is wrong and what to do. Never writes."""
    found: list[Finding] = []
    root = store.root
    if not root.exists():
        return [Finding(True, f"no library yet at {root} (it is created on the first import)")]
    try:
        meta = store.check_meta()
        found.append(
            Finding(True, f"meta.json: schema version {meta['schema_version'] if meta else '?'}")
        )
    except ReadqError as exc:
        found.append(Finding(False, str(exc)))
    for kind in (CATALOG, ABSTRACTS, STATE):
        bad = 0
        docs = 0
        for rel in all_shards(kind):
            try:
                docs += len(store.read_docs(rel))
            except CorruptFileError as exc:
                bad += 1
                found.append(Finding(False, str(exc)))
        if not bad:
            found.append(Finding(True, f"{kind}: {docs} documents, all files readable"))
    if (root / JOURNAL_FILE).exists():
        found.append(
            Finding(
                False,
                "an interrupted change is pending; it completes the next time "
                "readq writes (or run any command that changes something)",
            )
        )
    strays = list(root.rglob("*" + fsutil.TMP_SUFFIX))
    if strays:
        found.append(
            Finding(False, f"{len(strays)} leftover temporary files (removed on next start)")
        )
    corrupt = list(root.rglob("*.corrupt-*"))
    if corrupt:
        found.append(
            Finding(
                True,
                f"{len(corrupt)} damaged files kept aside for you: "
                + ", ".join(p.name for p in corrupt[:3]),
            )
        )
    backups = list_backups(store)
    if backups:
        found.append(Finding(True, f"{len(backups)} backups, newest {backups[0].label.strip()}"))
    else:
        found.append(
            Finding(True, "no backups yet (taken daily and before imports and bulk changes)")
        )
    mode = root.stat().st_mode & 0o777
    found.append(
        Finding(
            mode & 0o077 == 0,
            f"data dir permissions {oct(mode)}"
            + ("" if mode & 0o077 == 0 else " (others can read it: chmod 700)"),
        )
    )
    if not os.access(root, os.W_OK):
        found.append(Finding(False, f"{root} is not writable: changes cannot be saved"))
    return found
