"""Crash-safe file writing: temp file in the same directory, fsync, rename, fsync dir.

A reader (or a crash) sees either the old bytes or the new ones, never a mix. A damaged
file is copied aside (``keep_aside``) before readq reports it, never changed. The
``os`` calls go through this module's ``os`` attribute so fault tests can inject
failures at each step.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

TMP_SUFFIX = ".readq-tmp"
FILE_MODE = 0o600


def fsync_dir(directory: Path) -> None:
    """Make a rename in ``directory`` durable (a no-op where directories can't be opened)."""
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_temp(path: Path, data: bytes) -> Path:
    """Write ``data`` to a fsynced temp file beside ``path``; return the temp path."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(prefix="." + path.name + ".", suffix=TMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, FILE_MODE)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return Path(tmp)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically and durably."""
    tmp = write_temp(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)


def remove_quietly(paths: Iterable[Path]) -> None:
    for p in paths:
        with contextlib.suppress(OSError):
            os.unlink(p)


def stray_temps(root: Path) -> list[Path]:
    """Temp files a crash left in the data dir (regular files only, no links followed)."""
    found: list[Path] = []
    for d in (root, *(root / sub for sub in ("catalog", "abstracts", "state", "backups"))):
        try:
            entries = list(os.scandir(d))
        except OSError:
            continue
        found += [
            Path(e.path)
            for e in entries
            if e.name.endswith(TMP_SUFFIX) and e.is_file(follow_symlinks=False)
        ]
    return found


def keep_aside(path: Path, stamp: str) -> Path | None:
    """Copy a damaged file's exact bytes to ``<name>.corrupt-<stamp>``; the file itself
    stays untouched. An identical copy already kept is reused. None if it cannot copy
    (a link, not a regular file, unreadable, too large)."""
    from readq.errors import ReadqError
    from readq.storage.safety import read_regular

    try:
        raw = read_regular(path)
    except (OSError, ReadqError):
        return None
    if raw is None:
        return None
    for old in path.parent.glob(path.name + ".corrupt-*"):
        try:
            if read_regular(old) == raw:
                return old
        except (OSError, ReadqError):
            continue
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    try:
        atomic_write_bytes(aside, raw)
    except OSError:
        return None
    return aside
