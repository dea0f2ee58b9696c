"""``readq doctor``: check every file of the library and say what is wrong. Never writes.

Besides damage it reports what makes the data dir unsafe or fragile: symbolic links,
files owned by someone else, files others may read or write, a pending commit, leftover
temporary files, and whether a backup could be written right now.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from readq.errors import ReadqError
from readq.storage import fsutil, safety
from readq.storage.backup import BACKUP_DIR, list_backups
from readq.storage.layout import ABSTRACTS, CATALOG, JOURNAL_FILE, STATE, all_shards
from readq.storage.store import Store

_SUBDIRS = (CATALOG, ABSTRACTS, STATE, BACKUP_DIR)
_MIN_FREE = 16 * 1024 * 1024


@dataclass
class Finding:
    ok: bool
    text: str


def doctor(store: Store) -> list[Finding]:
    """Check every file; say what is wrong and what to do. Never writes."""
    keep, store.keep_damage_aside = store.keep_damage_aside, False
    try:
        return _doctor(store)
    finally:
        store.keep_damage_aside = keep


def _doctor(store: Store) -> list[Finding]:
    root = store.root
    if not os.path.lexists(root):
        return [Finding(True, f"no library yet at {root} (it is created on the first import)")]
    try:
        safety.check_data_dir(root)
    except ReadqError as exc:
        return [Finding(False, str(exc)), *_permissions(root)]
    found: list[Finding] = []
    try:
        meta = store.check_meta()
        version = meta["schema_version"] if meta else "?"
        found.append(Finding(True, f"meta.json: schema version {version}"))
    except ReadqError as exc:
        found.append(Finding(False, str(exc)))
    for kind in (CATALOG, ABSTRACTS, STATE):
        bad = docs = 0
        for rel in all_shards(kind):
            try:
                docs += len(store.read_docs(rel))
            except ReadqError as exc:
                bad += 1
                found.append(Finding(False, str(exc)))
        if not bad:
            found.append(Finding(True, f"{kind}: {docs:,} documents, all files readable"))
    if os.path.lexists(root / JOURNAL_FILE):
        found.append(
            Finding(
                False,
                "an interrupted change is pending; it completes the next time "
                "readq writes (or run any command that changes something)",
            )
        )
    strays = fsutil.stray_temps(root)
    if strays:
        found.append(
            Finding(False, f"{len(strays)} leftover temporary files (removed on next start)")
        )
    corrupt = [p for d in (root, *(root / s for s in _SUBDIRS)) for p in _aside(d)]
    if corrupt:
        found.append(
            Finding(
                True,
                f"{len(corrupt)} damaged files kept aside for you: "
                + ", ".join(p.name for p in corrupt[:3]),
            )
        )
    found += _backups(store)
    found += _permissions(root)
    return found


def _aside(directory: Path) -> list[Path]:
    try:
        return [Path(e.path) for e in os.scandir(directory) if ".corrupt-" in e.name]
    except OSError:
        return []


def _backups(store: Store) -> list[Finding]:
    found: list[Finding] = []
    try:
        backups = list_backups(store)
    except (OSError, ReadqError) as exc:
        return [Finding(False, f"cannot list the backups: {exc}")]
    if backups:
        found.append(Finding(True, f"{len(backups)} backups, newest {backups[0].label.strip()}"))
    else:
        found.append(
            Finding(True, "no backups yet (taken daily and before imports and bulk changes)")
        )
    directory = store.root / BACKUP_DIR
    where = directory if directory.is_dir() else store.root
    problem = ""
    if not os.access(where, os.W_OK):
        problem = f"{where} is not writable"
    else:
        try:
            free = os.statvfs(where)
            if free.f_bavail * free.f_frsize < _MIN_FREE:
                problem = f"less than {_MIN_FREE >> 20} MB free in {where}"
        except OSError:
            pass
    if problem:
        found.append(
            Finding(
                False,
                f"a backup cannot be written now ({problem}): imports, bulk changes and "
                "restores are refused until it can",
            )
        )
    return found


def _permissions(root: Path) -> list[Finding]:
    """Links, foreign owners and files others may read or write, anywhere in the dir."""
    found: list[Finding] = []
    me = os.geteuid() if hasattr(os, "geteuid") else -1
    try:
        mode = os.stat(root).st_mode & 0o777
    except OSError as exc:
        return [Finding(False, f"cannot look at {root}: {exc.strerror}")]
    found.append(
        Finding(
            mode & 0o077 == 0,
            f"data dir permissions {oct(mode)}"
            + ("" if mode & 0o077 == 0 else f" (others can read it: chmod 700 {root})"),
        )
    )
    links, foreign, open_to_others = _scan(root, me)
    for names, what, fix in (
        (
            links,
            "symbolic links, which readq refuses to follow",
            "replace each with the file it points to",
        ),
        (foreign, "files owned by someone else", f"fix: chown -R {me} {root}"),
        (open_to_others, "files others can read or write", f"fix: chmod -R go-rwx {root}"),
    ):
        if names:
            shown = ", ".join(names[:5])
            found.append(Finding(False, f"{len(names)} {what}: {shown} ({fix})"))
    if not os.access(root, os.W_OK):
        found.append(Finding(False, f"{root} is not writable: changes cannot be saved"))
    return found


def _scan(root: Path, me: int) -> tuple[list[str], list[str], list[str]]:
    """Names of the links, the files of other users and the files open to others."""
    links: list[str] = []
    foreign: list[str] = []
    open_to_others: list[str] = []
    for d in (root, *(root / s for s in _SUBDIRS)):
        try:
            entries = list(os.scandir(d))
        except OSError:
            continue
        for e in entries:
            try:
                st = e.stat(follow_symlinks=False)
            except OSError:
                continue
            name = os.path.relpath(e.path, root)
            if stat.S_ISLNK(st.st_mode):
                links.append(name)
            elif st.st_mode & 0o066:
                open_to_others.append(f"{name} ({oct(st.st_mode & 0o777)})")
            if me >= 0 and st.st_uid != me:
                foreign.append(f"{name} ({safety.describe_owner(st)})")
    return links, foreign, open_to_others
