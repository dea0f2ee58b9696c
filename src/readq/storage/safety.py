"""What readq trusts in its data dir, and how it reads from it.

- The data dir must belong to the user and be writable by nobody else (like OpenSSH's
  ``~/.ssh`` check); otherwise readq refuses with one line saying how to fix it.
- Links are never followed inside the data dir: every data file is opened with
  ``O_NOFOLLOW``, and only regular files are read, never more than a size cap (a FIFO
  or ``/dev/zero`` planted at a data path cannot hang readq or fill its memory).
- JSON is parsed strictly: duplicate keys, ``NaN``/``Infinity``, huge integers and deep
  nesting are damage, never silently read as something else.
"""

from __future__ import annotations

import errno
import json
import os
import stat
from pathlib import Path
from typing import Any

from readq.errors import CorruptFileError, DataPermissionError, UnsafeDataDirError, shown

MAX_DATA_BYTES = 512 * 1024 * 1024  # one data file (a catalog shard of a huge library)
MAX_INT_DIGITS = 30
MAX_DEPTH = 6  # file → table → document → field → list → item (and one to spare)

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
# what open(O_NOFOLLOW) fails with on a symlink: Linux ELOOP, FreeBSD EMLINK, NetBSD EFTYPE
_LINK_ERRNOS = {errno.ELOOP, errno.EMLINK, getattr(errno, "EFTYPE", errno.ELOOP)}


def describe_owner(st: os.stat_result) -> str:
    try:
        import pwd

        return pwd.getpwuid(st.st_uid).pw_name
    except (ImportError, KeyError):
        return f"uid {st.st_uid}"


def check_data_dir(root: Path) -> None:
    """Refuse a data dir (or a subdirectory of it) that is not safe to trust.

    Missing is fine (it is created on the first write). A dangling symlink, a foreign
    owner or write permission for others raises UnsafeDataDirError (exit 77).
    """
    try:
        st = os.stat(root)
    except FileNotFoundError:
        if os.path.islink(root):
            target = os.readlink(root)
            raise UnsafeDataDirError(
                f"the data dir {shown(root)} is a symbolic link to {shown(target)}, which does not "
                f"exist; fix: mkdir -m 700 {shown(target)} (or remove the link)"
            ) from None
        return
    except NotADirectoryError:
        raise UnsafeDataDirError(f"the data dir {shown(root)} is not a directory") from None
    if not stat.S_ISDIR(st.st_mode):
        raise UnsafeDataDirError(
            f"the data dir {shown(root)} is not a directory; fix: move it away or choose "
            "another --data-dir"
        )
    _check_owner_and_mode(root, st)
    for sub in ("catalog", "abstracts", "state", "backups"):
        try:
            sst = os.lstat(root / sub)
        except OSError:
            continue
        if stat.S_ISLNK(sst.st_mode):
            raise UnsafeDataDirError(
                f"{shown(root / sub)} is a symbolic link; readq does not follow links inside its "
                f"data dir. Fix: replace it with the directory it points to"
            )
        if not stat.S_ISDIR(sst.st_mode):
            raise UnsafeDataDirError(
                f"{shown(root / sub)} is not a directory; fix: move it out of the data dir"
            )
        _check_owner_and_mode(root / sub, sst)


def _check_owner_and_mode(path: Path, st: os.stat_result) -> None:
    me = os.geteuid() if hasattr(os, "geteuid") else st.st_uid
    if st.st_uid != me:
        raise UnsafeDataDirError(
            f"refusing to use {shown(path)}: it is owned by {describe_owner(st)}, not by you; "
            f"fix: chown -R {me} {shown(path)}"
        )
    if st.st_mode & 0o022:
        raise UnsafeDataDirError(
            f"refusing to use {shown(path)}: others can write to it (mode "
            f"{oct(st.st_mode & 0o777)}); fix: chmod go-w {shown(path)}"
        )


def unsafe_link(path: Path) -> UnsafeDataDirError:
    return UnsafeDataDirError(
        f"{shown(path)} is a symbolic link; readq does not follow links inside its data dir. "
        "Fix: replace the link with the file itself"
    )


def open_nofollow(path: Path, flags: int, mode: int = 0o600) -> int:
    """``os.open`` that never follows a symlink at ``path`` (UnsafeDataDirError)."""
    try:
        return os.open(path, flags | _NOFOLLOW | _CLOEXEC, mode)
    except OSError as exc:
        if exc.errno in _LINK_ERRNOS:
            raise unsafe_link(path) from None
        raise


def read_regular(path: Path, cap: int | None = None) -> bytes | None:
    """The bytes of the regular file ``path``; None if it does not exist.

    Never follows a symlink, never blocks on a FIFO or device, never reads past ``cap``
    (default ``MAX_DATA_BYTES``).
    """
    cap = MAX_DATA_BYTES if cap is None else cap
    try:
        fd = open_nofollow(path, os.O_RDONLY | _NONBLOCK)
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        raise CorruptFileError(path.parent, "it is a file, not a directory") from None
    except IsADirectoryError:
        raise CorruptFileError(path, "it is a directory, not a file") from None
    except PermissionError as exc:
        raise permission_error(path, exc) from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise CorruptFileError(path, "it is a directory, not a file")
        if not stat.S_ISREG(st.st_mode):
            raise CorruptFileError(path, "it is not a regular file (a device, FIFO or socket)")
        if st.st_size > cap:
            raise CorruptFileError(path, f"it is larger than the {cap:,} bytes readq reads")
        chunks: list[bytes] = []
        size = 0
        while size <= cap:
            chunk = os.read(fd, min(1 << 20, cap + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > cap:
            raise CorruptFileError(path, f"it is larger than the {cap:,} bytes readq reads")
        return b"".join(chunks)
    except IsADirectoryError:
        raise CorruptFileError(path, "it is a directory, not a file") from None
    finally:
        os.close(fd)


def permission_error(path: Path, exc: OSError) -> DataPermissionError:
    """Permission denied is not damage: say whose file it is and how to fix it."""
    try:
        st = os.lstat(path)
    except OSError:
        return DataPermissionError(f"cannot read {shown(path)}: {exc.strerror}")
    me = os.geteuid() if hasattr(os, "geteuid") else st.st_uid
    if st.st_uid != me:
        return DataPermissionError(
            f"cannot read {shown(path)}: it belongs to {describe_owner(st)}, not to you; "
            f"fix: chown {me} {shown(path)}"
        )
    return DataPermissionError(
        f"cannot read {shown(path)}: permission denied (mode {oct(st.st_mode & 0o777)}); "
        f"fix: chmod u+rw {shown(path)}"
    )


# -- strict JSON ----------------------------------------------------------------------


class _Damage(ValueError):
    pass


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data = dict(pairs)
    if len(data) != len(pairs):
        seen: set[str] = set()
        dup = next(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
        raise _Damage(f"the key {dup[:40]!r} appears twice in one object")
    return data


def _constant(name: str) -> Any:
    raise _Damage(f"{name} is not a number JSON allows")


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise _Damage(f"an integer of {len(text)} digits")
    return int(text)


def _float(text: str) -> float:
    if len(text) > 64:
        raise _Damage(f"a number of {len(text)} characters")
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise _Damage("a number too large for a float")
    return value


def loads_strict(path: Path, raw: bytes, *, fast: bool = False) -> Any:
    """Parse UTF-8 JSON; everything unusual is CorruptFileError, never a crash.

    ``fast`` (the big catalog and abstracts shards, where a 30% slower open would be
    felt) skips the per-object duplicate-key and per-integer checks; the caller then
    checks that no document was lost to a duplicate key (:func:`count_ids`).
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorruptFileError(path, f"not valid UTF-8 at byte {exc.start}") from None
    hooks: dict[str, Any] = {"parse_constant": _constant, "parse_float": _float}
    if not fast:
        hooks.update(object_pairs_hook=_pairs, parse_int=_int)
    try:
        data = json.loads(text, **hooks)
    except json.JSONDecodeError as exc:
        raise CorruptFileError(path, f"not valid JSON ({exc.msg} at byte {exc.pos})") from None
    except _Damage as exc:
        raise CorruptFileError(path, f"not valid data ({exc})") from None
    except RecursionError:
        raise CorruptFileError(path, "not valid data (nested too deeply)") from None
    except ValueError as exc:  # anything else json.loads refuses
        raise CorruptFileError(path, f"not valid JSON ({str(exc)[:80]})") from None
    return data


def check_depth(path: Path, data: object, limit: int = MAX_DEPTH) -> None:
    """Nesting deeper than readq ever writes is damage (and would crash ``repr``)."""
    level: list[object] = [data]
    for _ in range(limit + 1):
        nxt: list[object] = []
        for item in level:
            if isinstance(item, dict):
                nxt.extend(v for v in item.values() if isinstance(v, (dict, list)))
            elif isinstance(item, list):
                nxt.extend(v for v in item if isinstance(v, (dict, list)))
        if not nxt:
            return
        level = nxt
    raise CorruptFileError(path, f"not valid data (nested deeper than {limit} levels)")


def count_ids(raw: bytes) -> int:
    """How many ``"id":"`` keys the raw JSON holds: one per document. Inside a JSON
    string every quote is escaped, so this sequence only ever appears as a real key."""
    return raw.count(b'"id":"')
