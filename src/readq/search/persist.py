"""The search index on disk: ``<data dir>/index/search.idx``, opened in milliseconds.

The file is a cache of what the index computed from the library, never a source of
truth, so it is trusted only when everything checks out:

* a header (magic, :data:`FORMAT`, length and CRC-32 of the marshal data), the file's
  exact length, and a CRC-32 per 64 KiB of each big table, checked the first time a
  part of it is read (:mod:`readq.search.checked`): a torn, truncated or flipped
  file fails a digest and is rebuilt, reported once (the rebuilt file replaces it);
* the payload's *library key* (:func:`library_key`: a digest of every catalog and
  abstract shard's mtime, inode and size, which catalog shards the library loaded,
  and the format): any change to the library by this or another process makes the
  index stale;
* a file of a newer format (a newer readq wrote it) is ignored and rebuilt.

The payload is ``marshal`` data (plain lists, tuples, str, bytes, ints: loading it
never runs code, unlike pickle), long lists of strings packed into one string
(:mod:`readq.search.stored`), then the big byte tables, read in place from the
memory-mapped file (only the pages a query touches are read, and checked): the
postings (raw ``array('I')`` bytes, a word's array made when a query
first asks for it) and one marshal record per paper entry (decoded when a paper is
looked at, :mod:`readq.search.entrytable`), so opening the index needs neither the
library's catalog nor ~36,000 arrays. The date order and the stem table are stored too.
Writing is temp file + fsync + atomic rename (:mod:`readq.storage.fsutil`) with a
unique temp name, so a crash leaves the old or the new file and two processes
writing at once each rename a whole file (the last one wins; an index saved under an
older key is simply found stale later).

Abstract texts are not stored (they are 90% of the library's bytes): a loaded index
knows which papers have one and a CRC of it, and reads a text from the library only
when a phrase has to be verified in it or the abstract is re-indexed.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import mmap
import os
import stat
import struct
import tempfile
import time
import zlib
from array import array
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from readq.models import Entry
from readq.search.checked import CheckedBytes, IndexDamaged
from readq.search.payload import (
    NOT_LOADED,
    NotLoaded,
    check_file,
    release,
    restore,
    snapshot,
    text_crc,
)
from readq.storage.fsutil import FILE_MODE, fsync_dir, remove_quietly
from readq.storage.layout import abstract_shards, catalog_shards

FORMAT = 3  # bump on any change of the payload's layout or of what the words mean
MAGIC = b"READQIX\n"
_HEAD = struct.Struct(">8sIQI")  # magic, format, marshal data length, its CRC-32
INDEX_DIR = "index"
INDEX_FILE = "search.idx"
TEMP_SUFFIX = ".idx-tmp"
_STALE_TEMP_S = 3600  # temp files older than this are a crashed writer's: removed
_TABLES = ("has", "crc", "code", "code_links", "up", "authors", "published", "seen", "arxiv")
"""Per-paper tables stored as byte tables after the marshal data (see payload)."""


class LibraryLike(Protocol):
    """What :func:`library_key` reads of a :class:`readq.library.Library`."""

    entries: dict[str, Entry]

    @property
    def store(self) -> Any: ...


def index_path(data_dir: Path) -> Path:
    return data_dir / INDEX_DIR / INDEX_FILE


def library_key(library: LibraryLike) -> str:
    """A digest of the library's content as the file system shows it: every catalog
    and abstract shard's (mtime, inode, size), which shards were loaded, and
    :data:`FORMAT`.
    Catalog shards use the signatures the library recorded when it read them, so an
    index built from this library is never keyed to a newer catalog."""
    store = library.store
    loaded: dict[str, Any] = getattr(library, "_signatures", {}) or {}
    h = hashlib.blake2b(digest_size=16)
    # the papers are the catalog shards' (their signatures below); a library that
    # loaded one shard only (``catalog_prefix``) has a key of its own
    h.update(f"{FORMAT}:{getattr(library, 'catalog_scope', '')}".encode())
    for rel in catalog_shards():
        sig = loaded[rel] if rel in loaded else store.signature(rel)
        h.update(f"|{rel}:{sig}".encode())
    for rel in abstract_shards():
        h.update(f"|{rel}:{store.signature(rel)}".encode())
    return h.hexdigest()


class _Unusable(Exception):
    """Why an index file cannot be used: ``stale``, ``newer`` or ``damaged``."""


def _validate(payload: Any, key: str) -> None:
    """Raise :class:`_Unusable` if a decoded payload cannot be used."""
    if not isinstance(payload, dict):
        raise _Unusable("damaged")
    if payload.get("key") != key:
        raise _Unusable("stale")
    ends, blob = payload["entries"]
    if len(ends) % 8 or (len(ends) and array("Q", bytes(ends[-8:]))[0] != len(blob)):
        raise _Unusable("damaged")
    if not isinstance(payload["stems"], dict):
        raise _Unusable("damaged")
    for _, ends, flat in payload["post"].values():
        if len(ends) % 8 or len(flat) % 4:
            raise _Unusable("damaged")


# -- the file ------------------------------------------------------------------------------


def read(path: Path, key: str, *, check_all: bool = False) -> tuple[dict[str, Any] | None, str]:
    """The payload of the index file if it is current: (payload, "") or (None, why):
    ``missing``, ``stale``, ``newer`` (written by a newer readq) or ``damaged``.

    The big tables are checked as they are read (IndexDamaged then), or all now with
    ``check_all``."""
    try:
        mapped = _map(path)
    except FileNotFoundError:
        return None, "missing"
    except OSError:
        return None, "damaged"
    try:
        payload = _decode(mapped)
        _validate(payload, key)
        if check_all:
            for section in payload["sections"]:
                section.check_all()
    except _Unusable as why:
        return None, str(why)
    except (IndexDamaged, ValueError, EOFError, TypeError, KeyError, AttributeError):
        return None, "damaged"
    except (OverflowError, IndexError):
        return None, "damaged"
    return payload, ""


def _map(path: Path) -> mmap.mmap:
    """The index file, memory-mapped read-only (a link is not followed; an empty or
    not regular file is damaged). Files are only ever replaced, never written in
    place, so the mapping stays the file that was opened."""
    flags = os.O_RDONLY | os.O_NONBLOCK  # a FIFO put there must not block the open
    fd = os.open(path, flags | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size < _HEAD.size:
            raise OSError("not an index file")
        return mmap.mmap(fd, 0, access=mmap.ACCESS_READ)
    finally:
        os.close(fd)


def _decode(mapping: mmap.mmap) -> Any:
    """The payload: marshal data, with its big byte tables as checked views of the
    mapped file (``sections``; ``mapping``: the mapping itself)."""
    raw = memoryview(mapping)
    magic, fmt, length, digest = _HEAD.unpack_from(raw)
    if magic != MAGIC:
        raise _Unusable("damaged")
    if fmt != FORMAT:
        raise _Unusable("newer" if fmt > FORMAT else "stale")
    meta = raw[_HEAD.size : _HEAD.size + length]
    if len(meta) != length or zlib.crc32(meta) != digest:
        raise _Unusable("damaged")
    payload = marshal.loads(meta)
    if not isinstance(payload, dict):
        raise _Unusable("damaged")
    sections, at = [], _HEAD.size + length
    for size, crcs in payload["raw"]:
        sections.append(CheckedBytes(raw[at : at + size], crcs))
        at += size
    if at != len(raw):
        raise _Unusable("damaged")
    payload["sections"] = sections
    payload["mapping"] = mapping
    payload["post"] = {f: (w, e, sections[k]) for f, (w, e, k) in payload["post"].items()}
    for name in _TABLES:
        payload[name] = sections[payload[name]]
    for name in ("entries", "date_rank"):
        payload[name] = tuple(sections[k] for k in payload[name])
    return payload


def write(path: Path, meta: bytes, sections: Sequence[bytes] = ()) -> None:
    """Write the index file atomically (unique temp name, fsync, rename, fsync dir)."""
    head = _HEAD.pack(MAGIC, FORMAT, len(meta), zlib.crc32(meta))
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    _remove_stale_temps(path)
    # Not fsutil.atomic_write_bytes: its ".readq-tmp" temps belong to the store, which
    # sweeps them (under its lock, that this writer does not take) when it opens.
    fd, name = tempfile.mkstemp(prefix="." + path.name + ".", suffix=TEMP_SUFFIX, dir=path.parent)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(head)
            f.write(meta)
            for section in sections:
                f.write(section)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        remove_quietly([tmp])
        raise
    fsync_dir(path.parent)


def _remove_stale_temps(path: Path) -> None:
    """Temp files a killed writer left behind (only old ones: another process may be
    writing one right now)."""
    now = time.time()
    old = []
    for tmp in path.parent.glob("." + path.name + ".*" + TEMP_SUFFIX):
        with contextlib.suppress(OSError):
            if now - tmp.stat().st_mtime > _STALE_TEMP_S:
                old.append(tmp)
    remove_quietly(old)


def unsaved(error: OSError) -> str:
    """The one-line report of an index that was built but could not be saved."""
    reason = error.strerror or type(error).__name__
    return f"could not save the search index ({reason}); it is built again next time"


def describe(why: str) -> str:
    """The one-line report of an index that could not be used."""
    return {
        "damaged": "the search index on disk was damaged; rebuilt it",
        "newer": "the search index on disk was written by a newer readq; rebuilt it",
    }.get(why, "")


__all__ = [
    "FORMAT",
    "NOT_LOADED",
    "NotLoaded",
    "check_file",
    "release",
    "describe",
    "index_path",
    "library_key",
    "read",
    "restore",
    "snapshot",
    "text_crc",
    "write",
]
