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
import io
import os
import re
import zlib
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from readq.clock import file_stamp, utc_now
from readq.errors import BackupWriteError, CorruptFileError, ReadqError, StoreError
from readq.storage import fsutil, journal, safety
from readq.storage.codec import check_fields, check_ids, check_shape, encode
from readq.storage.documents import state_from_doc, state_to_doc
from readq.storage.layout import (
    META_FILE,
    STATE,
    STATE_DOC_FIELDS,
    TABLES,
    all_shards,
    shard_name,
)
from readq.storage.lock import library_lock
from readq.storage.store import Store
from readq.text import plural

BACKUP_DIR = "backups"
KEEP = {"daily": 14, "pre-import": 10, "pre-bulk": 10, "pre-restore": 5}
MAX_BACKUP_BYTES = 64 * 1024 * 1024  # compressed, as stored
MAX_BACKUP_JSON = 256 * 1024 * 1024  # decompressed (a gzip bomb stops here)
DESTRUCTIVE = ("pre-import", "pre-bulk", "pre-restore", "pre-upgrade")
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
        return f"{when} UTC  {self.kind:<11} {plural(self.papers, 'paper')} with state"


def snapshot_state(store: Store) -> dict[str, Any]:
    """Every state document (validated) plus meta; raises CorruptFileError on damage."""
    docs: dict[str, Any] = {}
    for rel in all_shards(STATE):
        for key, doc in store.read_docs(rel).items():
            docs[key] = doc
    meta = store.read_file(store.root / META_FILE) or {}
    return {
        "format": "readq-state-backup",
        "version": 1,
        "meta": meta.get("meta", {}),
        "state": docs,
    }


def read_backup(path: Path, *, follow: bool = False) -> dict[str, Any]:
    """Parse and check a backup file completely; a damaged backup raises CorruptFileError.

    Only a regular file is read, at most ``MAX_BACKUP_BYTES`` of it, decompressed to at
    most ``MAX_BACKUP_JSON`` (so ``/dev/zero``, a FIFO or a gzip bomb cannot hang readq or
    fill its memory). ``follow`` allows a symlink (a file the user named).
    """
    try:
        raw = safety.read_regular(
            Path(os.path.realpath(path)) if follow else path, MAX_BACKUP_BYTES
        )
    except CorruptFileError as exc:
        raise CorruptFileError(path, exc.reason) from None
    if raw is None:
        raise CorruptFileError(path, "no such backup")
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(raw)) as gz:
            text = gz.read(MAX_BACKUP_JSON + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise CorruptFileError(path, f"not a readable backup ({exc})") from None
    if len(text) > MAX_BACKUP_JSON:
        raise CorruptFileError(
            path, f"it decompresses to more than the {MAX_BACKUP_JSON:,} bytes readq reads"
        )
    data = safety.loads_strict(path, text)
    if not isinstance(data, dict) or data.get("format") != "readq-state-backup":
        raise CorruptFileError(path, "not a readq state backup")
    if not isinstance(data.get("meta", {}), dict):
        raise CorruptFileError(path, "its meta is not a JSON object")
    state = data.get("state")
    check_shape(path, {"state": state})
    assert isinstance(state, dict)
    check_ids(path, state, "")
    check_fields(path, state, STATE_DOC_FIELDS)
    for key, doc in state.items():
        state_from_doc(doc, path)
        for value in doc.values():
            if type(value) is str and not value.isascii():
                try:
                    value.encode("utf-8")
                except UnicodeEncodeError:
                    raise CorruptFileError(
                        path, f"document {key} has text that is not valid Unicode"
                    ) from None
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


def _digest_of(path: Path) -> str | None:
    try:
        return _digest(read_backup(path))
    except CorruptFileError:
        return None


def take_backup(
    store: Store, kind: str, *, now: datetime | None = None, locked: bool = False
) -> Backup | None:
    """Write a verified backup; None when there is no state yet, or for ``daily`` when
    one was taken less than a day ago or nothing changed. When the newest backup already
    holds exactly this state, no second copy is written: it is returned instead.

    Call with ``locked=True`` from inside a held library lock. A backup that must come
    before a destructive change (``pre-*``) and cannot be written raises
    BackupWriteError, so the change is refused; a daily one raises the OSError.
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
    if existing and _digest_of(existing[0].path) == _digest(data):
        # never the same backup twice: the newest one already holds this state
        return None if kind == "daily" else existing[0]
    try:
        return _write_backup(store, kind, now, data)
    except (OSError, CorruptFileError) as exc:
        if kind not in DESTRUCTIVE:
            raise
        reason = exc.strerror if isinstance(exc, OSError) else exc.reason
        raise BackupWriteError(
            f"could not write the backup readq takes before this change ({reason}, in "
            f"{store.root / BACKUP_DIR}); nothing was changed. Free some space or fix the "
            "permissions, then try again ('readq doctor' checks it)"
        ) from exc


def _write_backup(store: Store, kind: str, now: datetime, data: dict[str, Any]) -> Backup:
    path = store.root / BACKUP_DIR / f"state-{file_stamp(now)}-{kind}.json.gz"
    n = 1
    while os.path.lexists(path):
        n += 1
        path = store.root / BACKUP_DIR / f"state-{file_stamp(now)}-{kind}-{n}.json.gz"
    payload = gzip.compress(encode(data), compresslevel=6, mtime=0)
    fsutil.atomic_write_bytes(path, payload)
    read_backup(path)  # verify before it counts
    _rotate(store)
    return Backup(path, now, kind, len(data["state"]))


def protected_backups(backups: list[Backup]) -> set[Path]:
    """Backups rotation must keep whatever their number (``backups`` newest first):

    - the newest state before a destructive change (the newest ``pre-*`` backup), and
    - the state before the current series of restores (its oldest ``pre-restore``),

    each until a newer daily backup holds the same data.
    """
    keep: set[Path] = set()
    newest_pre = next((b for b in backups if b.kind in DESTRUCTIVE), None)
    if newest_pre:
        keep.add(newest_pre.path)
    series = None
    for b in backups:
        if b.kind != "pre-restore":
            break
        series = b
    if series:
        keep.add(series.path)
    for path in list(keep):
        taken = next(b.taken for b in backups if b.path == path)
        newer_dailies = [b for b in backups if b.kind == "daily" and b.taken > taken]
        if newer_dailies:
            digest = _digest_of(path)
            if digest and any(_digest_of(d.path) == digest for d in newer_dailies):
                keep.discard(path)
    return keep


def _rotate(store: Store) -> None:
    backups = list_backups(store, verify=False)
    keep = protected_backups(backups)
    by_kind: dict[str, list[Backup]] = {}
    for b in backups:
        by_kind.setdefault(b.kind, []).append(b)
    for kind, items in by_kind.items():
        for old in items[KEEP.get(kind, 10) :]:
            if old.path not in keep:
                fsutil.remove_quietly([old.path])


def restore(store: Store, source: Path | None = None, *, now: datetime | None = None) -> Backup:
    """Replace the whole state with a backup (newest if ``source`` is None).

    In this order: the backup is validated completely (nothing changes if it is bad);
    under the lock, a pending interrupted commit is rolled forward; the current state is
    backed up (or, when damaged, its files are kept aside byte-for-byte); then every
    state file is replaced in one atomic commit. Restored notes and titles go through the
    same cleaning as imports. ``papers`` of the result counts the papers restored.
    """
    now = now or utc_now()
    if source is None:
        backups = list_backups(store)
        if not backups:
            raise StoreError(f"there are no backups in {store.root / BACKUP_DIR}")
        chosen = backups[0]
        data = read_backup(chosen.path)
    else:
        data = read_backup(source, follow=True)
        chosen = Backup(source, now, "file", len(data["state"]))
    shards = _restored_shards(chosen.path, data["state"])
    count = sum(len(docs) for docs in shards.values())
    if store.exists():
        store.check_meta()
    else:
        store.prepare()
    with library_lock(store.root, store.lock_timeout):
        journal.recover(store.root, sweep=True)
        try:
            take_backup(store, "pre-restore", now=now, locked=True)
        except CorruptFileError:
            _keep_damaged_aside(store, now)
        files = {store.root / rel: {TABLES[STATE]: docs} for rel, docs in shards.items()}
        store.write_files(files)
    return Backup(chosen.path, chosen.taken, chosen.kind, count)


def _restored_shards(path: Path, state: dict[str, Any]) -> dict[str, dict[str, Any]]:
    from readq.text import clean_line, clean_note

    shards: dict[str, dict[str, Any]] = {rel: {} for rel in all_shards(STATE)}
    for key, doc in state.items():
        pid = doc["id"]
        st = state_from_doc(doc, path)
        st = replace(st, note=clean_note(st.note))
        if st.is_default:
            continue
        title = clean_line(doc["title"]) if type(doc.get("title")) is str else ""
        shards[shard_name(STATE, pid)][key] = state_to_doc(pid, title, st)
    return shards


def _keep_damaged_aside(store: Store, now: datetime) -> None:
    for rel in all_shards(STATE):
        path = store.root / rel
        try:
            store.read_file(path)
        except CorruptFileError:
            fsutil.keep_aside(path, file_stamp(now))
        except ReadqError:
            continue
