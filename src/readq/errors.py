"""Every error a user can meet, each with a one-line message and an exit code.

The CLI prints ``readq: <message>`` and exits with ``exit_code``; the TUI shows the
same message in a notification. Exit codes follow BSD ``sysexits.h``.
"""

from __future__ import annotations

EX_USAGE = 64  # bad command line
EX_DATAERR = 65  # bad input data / damaged data file
EX_NOINPUT = 66  # input file missing or unreadable
EX_SOFTWARE = 70  # internal error (a bug: see the crash log)
EX_CANTCREAT = 73  # cannot write an output file
EX_IOERR = 74  # a write to the library failed (disk full, I/O error)
EX_TEMPFAIL = 75  # the library is locked by another readq
EX_NOPERM = 77  # permission denied
EX_NOTFOUND = 1  # a query or id matched nothing


def shown(path: object) -> str:
    """A path for a message: bytes that are not UTF-8 shown as ``\\xff``, not as a lone
    surrogate that no terminal can print."""
    text = str(path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return text


class ReadqError(Exception):
    """Base class: ``str(err)`` is the whole user-facing message."""

    exit_code = EX_SOFTWARE


class UsageError(ReadqError):
    exit_code = EX_USAGE


class InputError(ReadqError):
    """A listing that cannot be imported (missing, binary, not UTF-8, no papers)."""

    exit_code = EX_DATAERR


class NoInputError(InputError):
    exit_code = EX_NOINPUT


class UnknownIdError(ReadqError):
    exit_code = EX_NOTFOUND


class AmbiguousIdError(ReadqError):
    exit_code = EX_USAGE


class StoreError(ReadqError):
    """Something is wrong with the data files."""

    exit_code = EX_DATAERR


class CorruptFileError(StoreError):
    """A data file exists but cannot be read. It is never treated as empty."""

    def __init__(self, path: object, reason: str, kept_as: object | None = None) -> None:
        self.path = path
        self.reason = reason
        self.kept_as = kept_as
        where = f" (damaged copy kept as {shown(kept_as)})" if kept_as else ""
        super().__init__(
            f"cannot read {shown(path)}: {reason}{where}; nothing was changed. "
            "Run 'readq doctor' to check the files and 'readq restore --list' to see backups"
        )


class FutureSchemaError(StoreError):
    def __init__(self, path: object, found: int, supported: int) -> None:
        super().__init__(
            f"{path} was written by a newer readq (schema {found}, this readq knows "
            f"up to {supported}); upgrade readq. Nothing was changed"
        )


class StoreWriteError(StoreError):
    """A write failed. Normally the files are exactly as they were before it; with
    ``durable`` the change is already journaled and completes on the next start."""

    exit_code = EX_IOERR

    def __init__(self, message: str, *, durable: bool = False) -> None:
        super().__init__(message)
        self.durable = durable


class ReadOnlyWriteError(StoreWriteError):
    """A write refused by the file system's permissions (read-only data dir or disk)."""

    exit_code = EX_NOPERM


class BackupWriteError(StoreWriteError):
    """The backup that must come before an import, a bulk change or a restore could not
    be written, so the change was refused."""


class LockTimeoutError(StoreError):
    exit_code = EX_TEMPFAIL


class ReadOnlyError(StoreError):
    exit_code = EX_NOPERM


class UnsafeDataDirError(StoreError):
    """The data dir (or a file in it) is not safe to trust: another user's, writable by
    others, or a symbolic link. Nothing is read or written."""

    exit_code = EX_NOPERM


class DataPermissionError(StoreError):
    """A data file exists but this user may not read it (not damage: nothing to restore)."""

    exit_code = EX_NOPERM


class OutputError(ReadqError):
    exit_code = EX_CANTCREAT
