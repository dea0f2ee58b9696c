"""Multi-file commits: several files replaced so that a crash leaves all old or all new.

One file: temp + fsync + rename. Several: all temps are written and fsynced, then
``journal.json`` naming them is written atomically, then the renames; a crash after the
journal is rolled forward by :func:`recover` on the next start. Every function here is
called under the library lock.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

from readq.errors import CorruptFileError, StoreWriteError
from readq.storage import fsutil
from readq.storage.codec import encode, read_json_file
from readq.storage.layout import JOURNAL_FILE


def write_files(root: Path, files: dict[Path, dict[str, Any]]) -> None:
    """Replace ``files`` (paths inside the data dir ``root``) all at once, or not at all.

    Raises StoreWriteError; with ``durable`` set the change is journaled and completes on
    the next start, without it the files on disk are unchanged.
    """
    # Write through symlinks (a data file linked into a synced folder stays linked).
    payloads = {Path(os.path.realpath(path)): encode(data) for path, data in files.items()}
    temps: dict[Path, Path] = {}
    try:
        for path, payload in payloads.items():
            temps[path] = fsutil.write_temp(path, payload)
        if len(temps) == 1:
            ((path, tmp),) = temps.items()
            os.replace(tmp, path)
            fsutil.fsync_dir(path.parent)
            return
        journal = {"replace": [[str(t), str(p)] for p, t in temps.items()]}
        fsutil.atomic_write_bytes(root / JOURNAL_FILE, encode(journal))
    except OSError as exc:
        fsutil.remove_quietly(temps.values())
        raise StoreWriteError(_write_failure(exc)) from exc
    _roll_forward(root, journal)


def needs_recovery(root: Path) -> bool:
    """A commit was interrupted, or a crash left temp files behind."""
    if (root / JOURNAL_FILE).exists():
        return True
    return root.is_dir() and any(root.rglob("*" + fsutil.TMP_SUFFIX))


def recover(root: Path, *, sweep: bool = False) -> None:
    """Finish a commit interrupted after its journal; with ``sweep``, drop stray temps.

    Called under the lock, so no other readq is half-way through writing a temp.
    """
    journal_path = root / JOURNAL_FILE
    if journal_path.exists():
        journal = read_json_file(journal_path, tinydb_shape=False)
        pairs = journal.get("replace") if journal else None
        if not (
            isinstance(pairs, list)
            and all(
                isinstance(p, list) and len(p) == 2 and all(isinstance(x, str) for x in p)
                for p in pairs
            )
        ):
            raise CorruptFileError(journal_path, "the commit journal is malformed")
        _roll_forward(root, {"replace": pairs})
    if sweep:
        fsutil.remove_quietly(root.rglob("*" + fsutil.TMP_SUFFIX))


def _roll_forward(root: Path, journal: dict[str, Any]) -> None:
    dirs: set[Path] = set()
    try:
        for tmp, final in journal["replace"]:
            if os.path.exists(tmp):
                os.replace(tmp, final)
            dirs.add(Path(final).parent)
        for d in dirs:
            fsutil.fsync_dir(d)
        os.unlink(root / JOURNAL_FILE)
        fsutil.fsync_dir(root)
    except OSError as exc:
        raise StoreWriteError(
            f"a write was interrupted ({exc.strerror}); it will be completed the next "
            "time readq starts",
            durable=True,
        ) from exc


def _write_failure(exc: OSError) -> str:
    reason = exc.strerror or str(exc)
    if exc.errno == errno.ENOSPC:
        reason = "the disk is full"
    where = exc.filename or "data dir"
    return f"the change was NOT saved: {reason} ({where}); your data on disk is unchanged"
