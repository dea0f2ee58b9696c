"""Multi-file commits: several files replaced so that a crash leaves all old or all new.

One file: temp + fsync + rename. Several: all temps are written and fsynced, then
``journal.json`` naming them is written atomically, then the renames; a crash after the
journal is rolled forward by :func:`recover` on the next start. Every function here that
writes is called under the library lock.

The journal names files *relative to the data dir*, so a copy of the data dir
(``cp -a``) rolls forward inside the copy and never touches the original. Recovery only
accepts names of readq's own data files and their temps: a journal naming anything
else (an absolute path elsewhere, ``..``, a symlink) is damage and is refused.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from pathlib import Path
from typing import Any

from readq.errors import CorruptFileError, ReadOnlyWriteError, StoreWriteError
from readq.storage import fsutil, safety
from readq.storage.codec import encode, read_json_file
from readq.storage.layout import JOURNAL_FILE, is_data_file

JOURNAL_VERSION = 2


def write_files(root: Path, files: dict[Path, dict[str, Any]]) -> None:
    """Replace ``files`` (paths inside the data dir ``root``) all at once, or not at all.

    Raises StoreWriteError; with ``durable`` set the change is journaled and completes on
    the next start, without it the files on disk are unchanged.
    """
    payloads: dict[Path, bytes] = {}
    for path, data in files.items():
        rel = path.relative_to(root).as_posix()
        if not is_data_file(rel):
            raise ValueError(f"not a data file of the library: {rel}")
        if os.path.islink(path):
            raise safety.unsafe_link(path)
        payloads[path] = encode(data)
    temps: dict[Path, Path] = {}
    try:
        for path, payload in payloads.items():
            temps[path] = fsutil.write_temp(path, payload)
        if len(temps) == 1:
            ((path, tmp),) = temps.items()
            os.replace(tmp, path)
            fsutil.fsync_dir(path.parent)
            return
        pairs = [[_rel(root, t), _rel(root, p)] for p, t in temps.items()]
        journal = {"version": JOURNAL_VERSION, "replace": pairs}
        fsutil.atomic_write_bytes(root / JOURNAL_FILE, encode(journal))
    except OSError as exc:
        fsutil.remove_quietly(temps.values())
        raise _write_failure(exc) from exc
    _roll_forward(root, pairs)


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def needs_recovery(root: Path) -> bool:
    """A commit was interrupted, or a crash left temp files behind."""
    if os.path.lexists(root / JOURNAL_FILE):
        return True
    return root.is_dir() and any(fsutil.stray_temps(root))


def pending(root: Path) -> dict[str, Path]:
    """The committed-but-not-yet-renamed files of an interrupted commit: data file name →
    its new contents (the temp). Readers use it to see the last committed state without
    waiting for the lock; {} when no commit is pending."""
    return {final: root / tmp for tmp, final in _read_journal(root)}


def recover(root: Path, *, sweep: bool = False) -> None:
    """Finish a commit interrupted after its journal; with ``sweep``, drop stray temps.

    Called under the lock, so no other readq is half-way through writing a temp.
    """
    pairs = _read_journal(root)
    if pairs:
        _roll_forward(root, [list(p) for p in pairs])
    elif os.path.lexists(root / JOURNAL_FILE):
        _roll_forward(root, [])
    if sweep:
        fsutil.remove_quietly(fsutil.stray_temps(root))


_TMP = re.compile(r"\.(?P<name>[^/]+)\.[^/]*" + re.escape(fsutil.TMP_SUFFIX))


def _read_journal(root: Path) -> list[tuple[str, str]]:
    journal_path = root / JOURNAL_FILE
    journal = read_json_file(journal_path, tinydb_shape=False)
    if journal is None:
        return []
    pairs = journal.get("replace")
    if not isinstance(pairs, list):
        raise CorruptFileError(journal_path, "the commit journal is malformed")
    out: list[tuple[str, str]] = []
    for pair in pairs:
        if not (isinstance(pair, list) and len(pair) == 2 and all(type(x) is str for x in pair)):
            raise CorruptFileError(journal_path, "the commit journal is malformed")
        tmp, final = (_inside(root, journal_path, x) for x in pair)
        tdir, _, tname = tmp.rpartition("/")
        fdir, _, fname = final.rpartition("/")
        m = _TMP.fullmatch(tname)
        if not (is_data_file(final) and tdir == fdir and m and m.group("name") == fname):
            raise CorruptFileError(
                journal_path, f"the commit journal names a file that is not readq's: {final!r}"
            )
        out.append((tmp, final))
    return out


def _inside(root: Path, journal_path: Path, name: str) -> str:
    """``name`` as a path relative to ``root``; a journal of an older readq names
    absolute paths, accepted only when they lie inside this data dir."""
    if os.path.isabs(name):
        try:
            name = Path(name).relative_to(root).as_posix()
        except ValueError:
            try:
                name = Path(name).relative_to(os.path.realpath(root)).as_posix()
            except ValueError:
                raise CorruptFileError(
                    journal_path, f"the commit journal names a file outside the data dir: {name!r}"
                ) from None
    parts = name.split("/")
    if any(p in ("", ".", "..") for p in parts):
        raise CorruptFileError(journal_path, f"the commit journal names {name!r}")
    return name


def _roll_forward(root: Path, pairs: list[list[str]]) -> None:
    dirs: set[Path] = set()
    try:
        for tmp_rel, final_rel in pairs:
            tmp, final = root / tmp_rel, root / final_rel
            for d in (final.parent,):
                if d != root and os.path.islink(d):
                    raise safety.unsafe_link(d)
            try:
                st = os.lstat(tmp)
            except FileNotFoundError:
                dirs.add(final.parent)
                continue  # already renamed before the crash
            if not stat.S_ISREG(st.st_mode):
                raise CorruptFileError(root / JOURNAL_FILE, f"{tmp_rel} is not a regular file")
            os.replace(tmp, final)
            dirs.add(final.parent)
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


def _write_failure(exc: OSError) -> StoreWriteError:
    reason = exc.strerror or str(exc)
    if exc.errno == errno.ENOSPC:
        reason = "the disk is full"
    where = exc.filename or "data dir"
    message = f"the change was NOT saved: {reason} ({where}); your data on disk is unchanged"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return ReadOnlyWriteError(message)
    return StoreWriteError(message)
