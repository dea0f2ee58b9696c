"""The search index on disk: ``<data dir>/index/search.idx``, opened in milliseconds.

The file is a cache of what the index computed from the library, never a source of
truth, so it is trusted only when everything checks out:

* a header (magic, :data:`FORMAT`, payload length, BLAKE2b digest of the payload): a
  torn, truncated or flipped file fails the digest and is rebuilt, reported once (the
  rebuilt file replaces it);
* the payload's *library key* (:func:`library_key`: a digest of every catalog and
  abstract shard's mtime, inode and size, the number of papers and the format): any
  change to the library by this or another process makes the index stale;
* a file of a newer format (a newer readq wrote it) is ignored and rebuilt.

The payload is ``marshal`` data (plain lists, tuples, str, bytes, ints: loading it
never runs code, unlike pickle) with the postings as raw ``array('I')`` bytes.
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
import struct
import time
import zlib
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import astuple, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, cast

from readq.models import Entry
from readq.search.vocabulary import Postings
from readq.storage.fsutil import TMP_SUFFIX, atomic_write_bytes, remove_quietly
from readq.storage.layout import abstract_shards, catalog_shards

if TYPE_CHECKING:
    from readq.search.matching import QueryMatching

FORMAT = 1  # bump on any change of the payload's layout or of what the words mean
MAGIC = b"READQIX\n"
_HEAD = struct.Struct(">8sIQ16s")  # magic, format, payload length, digest
INDEX_DIR = "index"
INDEX_FILE = "search.idx"
_ENTRY_FIELDS = tuple(f.name for f in fields(Entry))
_STALE_TEMP_S = 3600  # temp files older than this are a crashed writer's: removed


class LibraryLike(Protocol):
    """What :func:`library_key` reads of a :class:`readq.library.Library`."""

    entries: dict[str, Entry]

    @property
    def store(self) -> Any: ...


class NotLoaded:
    """The abstract of a paper in an index loaded from disk: indexed (the paper has
    one), text not read. True, unlike an empty abstract; its ``crc`` tells whether a
    text given later is the same one."""

    __slots__ = ("crc",)

    def __init__(self, crc: int) -> None:
        self.crc = crc

    def __bool__(self) -> bool:
        return True


def text_crc(text: str) -> int:
    return zlib.crc32(text.encode("utf-8", "surrogatepass"))


def index_path(data_dir: Path) -> Path:
    return data_dir / INDEX_DIR / INDEX_FILE


def library_key(library: LibraryLike) -> str:
    """A digest of the library's content as the file system shows it: every catalog
    and abstract shard's (mtime, inode, size), the papers loaded, and :data:`FORMAT`.
    Catalog shards use the signatures the library recorded when it read them, so an
    index built from this library is never keyed to a newer catalog."""
    store = library.store
    loaded: dict[str, Any] = getattr(library, "_signatures", {}) or {}
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{FORMAT}:{len(library.entries)}".encode())
    for rel in catalog_shards():
        sig = loaded[rel] if rel in loaded else store.signature(rel)
        h.update(f"|{rel}:{sig}".encode())
    for rel in abstract_shards():
        h.update(f"|{rel}:{store.signature(rel)}".encode())
    return h.hexdigest()


# -- tables <-> payload ------------------------------------------------------------------


class LazyEntries(Sequence[Entry]):
    """The index's entries after a load: built from their stored tuples on first use
    (making 100k frozen dataclasses costs ~0.3 s; a query reads a few hundred)."""

    def __init__(self, rows: list[tuple[Any, ...]]) -> None:
        self._rows: list[Any] = rows

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, d: int) -> Entry:  # type: ignore[override]
        row = self._rows[d]
        if type(row) is tuple:
            row = self._rows[d] = Entry(*row)
        return row  # type: ignore[no-any-return]

    def __setitem__(self, d: int, entry: Entry) -> None:
        self._rows[d] = entry

    def __iter__(self) -> Iterator[Entry]:
        return map(self.__getitem__, range(len(self._rows)))

    def append(self, entry: Entry) -> None:
        self._rows.append(entry)


def snapshot(ix: QueryMatching, key: str, crcs: dict[int, int]) -> bytes:
    """The index's tables as a payload (``crcs``: abstract CRCs by paper, when known)."""
    abstracts = ix._abstracts
    has = bytearray(len(abstracts))
    crc = array("I", bytes(4 * len(abstracts)))
    for d, text in enumerate(abstracts):
        if text is None:
            continue
        if isinstance(text, NotLoaded):
            has[d], crc[d] = 2, text.crc
        elif text:
            has[d], crc[d] = 2, crcs.get(d, 0) or text_crc(text)
        else:
            has[d] = 1
    post = {}
    for fld, table in ix._post.items():
        words, ends, flat = [], array("Q"), array("I")
        for w, arr in table.items():
            if arr:
                words.append(w)
                flat.extend(arr)
                ends.append(len(flat))
        post[fld] = (words, ends.tobytes(), flat.tobytes())
    entries = [astuple(e) if isinstance(e, Entry) else e for e in _rows(ix._entries)]
    payload = {
        "key": key,
        "fields": _ENTRY_FIELDS,
        "ids": ix._ids,
        "entries": entries,
        "has": bytes(has),
        "crc": crc.tobytes(),
        "code": sorted(ix._code),
        "code_links": sorted(ix._code_links),
        "up": ix._up,
        "authors": ix._authors,
        "published": ix._published,
        "seen": ix._seen,
        "post": post,
        "arxiv": {k: sorted(v) for k, v in ix._arxiv.items() if v},
    }
    return marshal.dumps(payload)


def _rows(entries: Sequence[Entry]) -> list[Any]:
    return entries._rows if isinstance(entries, LazyEntries) else list(entries)


def restore(ix: QueryMatching, payload: dict[str, Any]) -> None:
    """Fill ``ix``'s tables from a payload :func:`read` returned (validated there)."""
    ids: list[str] = payload["ids"]
    n = len(ids)
    ix._ids = ids
    ix._num = dict(zip(ids, range(n), strict=True))
    ix._entries = LazyEntries(payload["entries"])  # type: ignore[assignment]
    crc = array("I")
    crc.frombytes(payload["crc"])
    has: bytes = payload["has"]
    # a NotLoaded stands in for a text: true like one, never read as one (_abstract_text)
    ix._abstracts = cast(
        "list[str | None]",
        [None if h == 0 else "" if h == 1 else NotLoaded(c) for h, c in zip(has, crc, strict=True)],
    )
    ix._code = set(payload["code"])
    ix._code_links = set(payload["code_links"])
    ix._up, ix._authors = payload["up"], payload["authors"]
    ix._published, ix._seen = payload["published"], payload["seen"]
    for fld, (words, ends_b, flat_b) in payload["post"].items():
        table = Postings()
        view = memoryview(flat_b)
        ends = array("Q")
        ends.frombytes(ends_b)
        start = 0
        for w, end in zip(words, ends, strict=True):
            arr = array("I")
            arr.frombytes(view[start * 4 : end * 4])
            table[w] = arr
            start = end
        table.fresh.extend(words)
        ix._post[fld] = table
        ix._vocab.take_fresh(table)
    ix._arxiv = {k: set(v) for k, v in payload["arxiv"].items()}


class _Unusable(Exception):
    """Why an index file cannot be used: ``stale``, ``newer`` or ``damaged``."""


def _validate(payload: Any, key: str) -> None:
    """Raise :class:`_Unusable` if a decoded payload cannot be used."""
    if not isinstance(payload, dict):
        raise _Unusable("damaged")
    if payload.get("key") != key or tuple(payload.get("fields", ())) != _ENTRY_FIELDS:
        raise _Unusable("stale")
    n = len(payload["ids"])
    sized = ("entries", "up", "authors", "published", "seen", "has")
    if any(len(payload[k]) != n for k in sized) or len(payload["crc"]) != 4 * n:
        raise _Unusable("damaged")
    for words, ends, flat in payload["post"].values():
        if len(ends) != 8 * len(words) or len(flat) % 4:
            raise _Unusable("damaged")
        if words and array("Q", ends[-8:])[0] * 4 != len(flat):
            raise _Unusable("damaged")


# -- the file ------------------------------------------------------------------------------


def read(path: Path, key: str) -> tuple[dict[str, Any] | None, str]:
    """The payload of the index file if it is current: (payload, "") or (None, why):
    ``missing``, ``stale``, ``newer`` (written by a newer readq) or ``damaged``."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, "missing"
    except OSError:
        return None, "damaged"
    try:
        payload = _decode(raw)
        _validate(payload, key)
    except _Unusable as why:
        return None, str(why)
    except (ValueError, EOFError, TypeError, KeyError, AttributeError, OverflowError):
        return None, "damaged"
    return payload, ""


def _decode(raw: bytes) -> Any:
    if len(raw) < _HEAD.size:
        raise _Unusable("damaged")
    magic, fmt, length, digest = _HEAD.unpack_from(raw)
    if magic != MAGIC:
        raise _Unusable("damaged")
    if fmt != FORMAT:
        raise _Unusable("newer" if fmt > FORMAT else "stale")
    body = memoryview(raw)[_HEAD.size :]
    if len(body) != length or hashlib.blake2b(body, digest_size=16).digest() != digest:
        raise _Unusable("damaged")
    return marshal.loads(body)


def write(path: Path, body: bytes) -> None:
    """Write the index file atomically (unique temp name, fsync, rename, fsync dir)."""
    head = _HEAD.pack(MAGIC, FORMAT, len(body), hashlib.blake2b(body, digest_size=16).digest())
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    _remove_stale_temps(path)
    atomic_write_bytes(path, head + body)


def _remove_stale_temps(path: Path) -> None:
    """Temp files a killed writer left behind (only old ones: another process may be
    writing one right now)."""
    now = time.time()
    old = []
    for tmp in path.parent.glob("." + path.name + ".*" + TMP_SUFFIX):
        with contextlib.suppress(OSError):
            if now - tmp.stat().st_mtime > _STALE_TEMP_S:
                old.append(tmp)
    remove_quietly(old)


def describe(why: str) -> str:
    """The one-line report of an index that could not be used."""
    return {
        "damaged": "the search index on disk was damaged; rebuilt it",
        "newer": "the search index on disk was written by a newer readq; rebuilt it",
    }.get(why, "")


def abstract_reader(source: Callable[[str], str] | None, ids: list[str]) -> Callable[[int], str]:
    """Text of paper ``d``'s abstract from ``source`` (the library), '' without one."""

    def get(d: int) -> str:
        return source(ids[d]) if source is not None else ""

    return get


__all__ = [
    "FORMAT",
    "LazyEntries",
    "NotLoaded",
    "abstract_reader",
    "describe",
    "index_path",
    "library_key",
    "read",
    "restore",
    "snapshot",
    "text_crc",
    "write",
]
