"""The search index's tables as the payload of the index file, and back.

:func:`snapshot` turns an index's tables into ``marshal`` data plus the big byte tables
that follow it in the file; :func:`restore` fills an index from a payload
:func:`readq.search.persist.read` returned, reading in place what it can and making the
rest when first needed. :mod:`readq.search.persist` owns the file itself.
"""

from __future__ import annotations

import contextlib
import marshal
import mmap
import zlib
from array import array
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import numpy.typing as npt

from readq.models import Entry
from readq.search import entrytable
from readq.search.checked import chunk_crcs
from readq.search.stored import StoredPostings, pack_strs, unpack_strs

if TYPE_CHECKING:
    from readq.search.matching import QueryMatching


class NotLoaded(str):
    """The abstract of a paper in an index loaded from disk: indexed (the paper has
    one), text not read. A one-character string no abstract equals (so a str to every
    reader of the table, and true, unlike an empty abstract); the index keeps its CRC
    (``_abstract_crc``) to tell whether a text given later is the same one."""

    __slots__ = ()


NOT_LOADED: str = NotLoaded("\x00")


def text_crc(text: str) -> int:
    return zlib.crc32(text.encode("utf-8", "surrogatepass"))


# -- tables <-> payload ------------------------------------------------------------------


def snapshot(ix: QueryMatching, key: str) -> tuple[bytes, list[bytes]]:
    """The index's tables as the marshal data and the big byte tables after it."""
    abstracts = ix._abstracts
    known = ix._abstract_crc
    has = bytearray(len(abstracts))
    crc = array("I", bytes(4 * len(abstracts)))
    for d, text in enumerate(abstracts):
        if text is None:
            continue
        if text is NOT_LOADED:
            has[d], crc[d] = 2, known[d]
        elif text:
            has[d], crc[d] = 2, text_crc(text)
        else:
            has[d] = 1
    post = {}
    raw: list[bytes] = []
    for fld, table in ix._post.items():
        words, ends, flat = [], array("Q"), array("I")
        for w, arr in sorted(table.items()):  # sorted: looked up by bisection when read
            if arr:
                words.append(w)
                flat.extend(arr)
                ends.append(len(flat))
        post[fld] = (pack_strs(words), ends.tobytes(), _section(raw, flat.tobytes()))
    positions, order = ix._date_ranks()
    entry_ends, blob = entrytable.encode(ix._entries)
    # The per-paper tables are byte tables after the marshal data: read (and checked)
    # when a query first needs them, never copied at open.
    payload: dict[str, Any] = {
        "key": key,
        "ids": pack_strs(ix._ids),
        "entries": (_section(raw, entry_ends), _section(raw, blob)),
        "has": _section(raw, bytes(has)),
        "crc": _section(raw, crc.tobytes()),
        "code": _section(raw, array("I", sorted(ix._code)).tobytes()),
        "code_links": _section(raw, array("I", sorted(ix._code_links)).tobytes()),
        "up": _section(raw, array("q", ix._up).tobytes()),
        "authors": _section(raw, array("q", ix._authors).tobytes()),
        "published": _section(raw, marshal.dumps(pack_strs(ix._published))),
        "seen": _section(raw, marshal.dumps(pack_strs(ix._seen))),
        "post": post,
        "arxiv": _section(raw, marshal.dumps({k: sorted(v) for k, v in ix._arxiv.items() if v})),
        "date_rank": (
            _section(raw, positions.astype("<u4").tobytes()),
            _section(raw, order.astype("<u4").tobytes()),
        ),
        # stemming every word is ~0.1 s of a first query at 100k papers: stored instead
        "stems": _stems_of(ix._vocab.stem_table(), post),
    }
    vocabulary = sorted(set().union(*(unpack_strs(words) for words, _, _ in post.values())))
    payload["vocabulary"] = pack_strs(vocabulary)
    by_len: dict[int, list[str]] = {}
    for w in vocabulary:
        by_len.setdefault(len(w), []).append(w)
    payload["by_len"] = {n: pack_strs(ws) for n, ws in by_len.items()}
    payload["raw"] = [(len(b), chunk_crcs(b)) for b in raw]
    return marshal.dumps(payload), raw


def _section(raw: list[bytes], data: bytes) -> int:
    """Put a big byte table after the marshal data (read in place, never copied)."""
    raw.append(data)
    return len(raw) - 1


def _stems_of(table: dict[str, list[str]], post: dict[str, Any]) -> dict[str, list[str]]:
    """The stem table of the words saved (a word no paper has any more is not)."""
    kept = {w for words, _, _ in post.values() for w in unpack_strs(words)}
    stems = {root: [w for w in words if w in kept] for root, words in table.items()}
    return {root: words for root, words in stems.items() if words}


def restore(ix: QueryMatching, payload: dict[str, Any], entries: Mapping[str, Entry]) -> None:
    """Fill ``ix``'s tables from a payload :func:`read` returned (validated there).

    The entries are the index's own (as indexed, decoded on first use), so a library
    whose catalog is read lazily is not read whole. The key already names the catalog
    files; a fully loaded catalog (a plain dict) with fewer papers than the index
    raises KeyError all the same (not its index)."""
    ids = unpack_strs(payload["ids"])
    n = len(ids)
    sized = {1: [payload["has"]], 4: [payload["crc"], *payload["date_rank"]]}
    sized[8] = [payload["up"], payload["authors"], payload["entries"][0]]
    if any(len(table) != width * n for width, tables in sized.items() for table in tables):
        raise ValueError("a table of the index file has the wrong length")
    if type(entries) is dict and len(entries) < n:
        raise KeyError("a paper of the index is not in the library")
    ix._ids = ids
    ix._entries = entrytable.EntryTable.decoded_from(
        payload["entries"][0][:], payload["entries"][1]
    )
    has = bytes(payload["has"][:])
    ix._pending = set() if has.find(0) < 0 else {d for d, k in enumerate(has) if not k}
    for fld, (packed, ends_b, flat) in payload["post"].items():
        words = unpack_strs(packed)
        ends = array("Q", ends_b)
        if len(ends) != len(words) or (words and ends[-1] * 4 != len(flat)):
            raise ValueError("postings of the index file do not add up")
        ix._post[fld] = StoredPostings(words, ends, flat)  # arrays made on first use
    by_len = {int(n): unpack_strs(ws) for n, ws in payload["by_len"].items()}
    ix._vocab.restore_words(unpack_strs(payload["vocabulary"]), by_len)
    ix._vocab.restore_stems(payload["stems"])
    ix._file = (payload["mapping"], payload["sections"])
    # Tables a query may never need are made on first use (see IndexTables.__getattr__);
    # NOT_LOADED stands in for a text: true like one, never read as one (_abstract_text)
    kinds = cast("list[str | None]", [None, "", NOT_LOADED])

    def strings(name: str) -> list[str]:
        values = unpack_strs(marshal.loads(payload[name][:]))
        if len(values) != n:
            raise ValueError(f"the index table {name} has the wrong length")
        return values

    def numbers(name: str, kind: str) -> array[int]:
        table = array(kind)
        table.frombytes(payload[name][:])
        return table

    def date_rank() -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        pos, order = (np.frombuffer(t[:], "<u4").astype(np.int64) for t in payload["date_rank"])
        return pos, order

    ix.make_later(
        _num=lambda: dict(zip(ids, range(n), strict=True)),
        _abstracts=lambda: list(map(kinds.__getitem__, has)),
        _abstract_crc=lambda: numbers("crc", "I"),
        _code=lambda: set(numbers("code", "I")),
        _code_links=lambda: set(numbers("code_links", "I")),
        _up=lambda: numbers("up", "q").tolist(),
        _authors=lambda: numbers("authors", "q").tolist(),
        _published=lambda: strings("published"),
        _seen=lambda: strings("seen"),
        _arxiv=lambda: {k: set(v) for k, v in marshal.loads(payload["arxiv"][:]).items()},
        _date_rank=date_rank,
    )


def check_file(ix: QueryMatching) -> None:
    """Check every table of the file ``ix`` was read from (IndexDamaged if one is
    damaged), then let the pages go: the checks read all 70 MB of it, and what a
    query needs later is read back from the page cache."""
    if ix._file is None:
        return
    mapping, sections = ix._file
    for section in sections:
        section.check_all()
    release(mapping)


def release(mapping: mmap.mmap) -> None:
    """Let the mapped pages go (they stay in the page cache: a later read faults them
    back in without reading the disk), so a full check does not count 70 MB of file
    into the process's memory."""
    with contextlib.suppress(AttributeError, OSError, ValueError):  # not on every OS
        mapping.madvise(mmap.MADV_DONTNEED)
