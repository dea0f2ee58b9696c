"""An inter-process lock around every write to the library.

``fcntl.flock`` on ``readq.lock`` in the data dir: the kernel drops it when the holder
dies (even on SIGKILL), so a crashed readq never leaves the library locked. The holder
writes its PID into the file so a waiter can say who holds it. The file is never
deleted (deleting a lock file lets two processes lock two different files).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import stat
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from readq.errors import LockTimeoutError, ReadOnlyError, UnsafeDataDirError
from readq.storage.safety import open_nofollow

LOCK_NAME = "readq.lock"
DEFAULT_TIMEOUT = 10.0

_thread_lock = threading.RLock()  # flock does not exclude threads sharing one fd


def _holder(fd: int) -> str:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        pid = os.read(fd, 32).decode("ascii", "replace").strip()
    except OSError:
        return ""
    return pid if pid.isdigit() else ""


def flock_within(fd: int, timeout: float) -> bool:
    """Take an exclusive ``flock`` on ``fd``, retrying for ``timeout`` seconds; False when
    another process still holds it then. Raises OSError where locks are not supported."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.02)


@contextlib.contextmanager
def library_lock(directory: Path, timeout: float = DEFAULT_TIMEOUT) -> Iterator[None]:
    """Hold the library's write lock; raise LockTimeoutError after ``timeout`` seconds."""
    with _thread_lock:
        path = directory / LOCK_NAME
        try:
            # never through a symlink: a planted link must not truncate its target
            fd = open_nofollow(path, os.O_RDWR | os.O_CREAT | os.O_NONBLOCK, 0o600)
        except OSError as exc:
            if exc.errno in (errno.EACCES, errno.EROFS, errno.EPERM):
                raise ReadOnlyError(f"cannot write in {directory}: {exc.strerror}") from exc
            if exc.errno == errno.EISDIR:
                raise UnsafeDataDirError(
                    f"{path} is a directory, but readq needs it to be its lock file; "
                    f"fix: rmdir {path}"
                ) from None
            raise
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise UnsafeDataDirError(
                f"{path} is not a regular file, but readq needs it to be its lock file; "
                f"fix: remove it (rm {path})"
            )
        try:
            if not flock_within(fd, timeout):
                pid = _holder(fd)
                who = f"another readq (PID {pid})" if pid else "another readq"
                raise LockTimeoutError(
                    f"the library in {directory} is locked by {who} and it did not "
                    f"let go within {timeout:g} s; nothing was changed. Try again, "
                    "or stop the other readq"
                )
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
                os.pwrite(fd, str(os.getpid()).encode("ascii"), 0)
            try:
                yield
            finally:
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, 0)
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
