"""Damaged data files: every kind of damage is detected, kept aside and never
overwritten; a bit flip that leaves valid data of the same shape is read, losing nothing.

The count is exact: an oracle of the test's own (``_same_shape``) says which bit flips
are valid data, and every other variant must be refused.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from readq.errors import CorruptFileError
from readq.ids import paper_id
from readq.library import Library
from readq.models import Paper
from readq.storage import layout


def _damaged_variants(raw: bytes) -> list[tuple[str, bytes]]:
    """Every kind of damage the reader must catch, and 200 random bit flips."""
    rng = random.Random(99)
    key = raw.split(b'":{"', 2)[1].split(b'"')[-1]  # the first document's key
    out = [(f"truncated to {k}", raw[:k]) for k in range(len(raw))]
    out += [
        ("garbage appended", raw + b"garbage"),
        ("extra data", raw + raw),
        ("0 bytes", b""),
        ("whitespace", b"  \n\t "),
        ("NUL-filled", b"\x00" * len(raw)),
        ("invalid UTF-8", raw.replace(b'"', b"\xff", 1)),
        ("a list", b"[]"),
        ("null", b"null"),
        ("table not an object", b'{"state": []}'),
        ("wrong field type", raw.replace(b'"starred":true', b'"starred":"yes"')),
        ("duplicate document", raw[:-2] + b"," + raw[raw.index(b"{", 1) + 1 : -2] + b"}}"),
        ("duplicate field", raw.replace(b'"starred":true', b'"starred":true,"starred":false', 1)),
        ("NaN", raw.replace(b'"starred":true', b'"starred":true,"x":NaN', 1)),
        ("Infinity", raw.replace(b'"starred":true', b'"starred":true,"x":-Infinity', 1)),
        ("huge int", raw.replace(b'"starred":true', b'"starred":' + b"9" * 5000, 1)),
        ("huge float", raw.replace(b'"starred":true', b'"starred":1e999', 1)),
        ("deep nesting", raw.replace(b'"starred":true', b'"starred":' + b"[" * 100000, 1)),
        ("nested value", raw.replace(b'"starred":true', b'"starred":[[[[true]]]]', 1)),
        ("superscript key", raw.replace(b'"' + key + b'"', '"\u00b2"'.encode(), 1)),
        ("key not the id", raw.replace(b'"' + key + b'"', b'"1"', 1)),
        ("non-hex id", raw.replace(b'"id":"', b'"id":"zz', 1)),
        ("id of another shard", raw.replace(b'"id":"', b'"id":"f', 1)),
        ("unknown table", raw.replace(b'{"state":', b'{"stale":', 1)),
        ("extra table", raw[:-1] + b',"_default":{}}'),
        ("unknown field", raw.replace(b'"note":', b'"nnte":', 1)),
        ("field not a string key", raw.replace(b'"note":"', b'"note":["', 1)),
    ]
    for i in range(200):
        pos = rng.randrange(len(raw))
        flipped = bytearray(raw)
        flipped[pos] ^= 1 << rng.randrange(8)
        out.append((f"bit flip {i} at {pos}", bytes(flipped)))
    return out


def _same_shape(raw: bytes, damaged: bytes) -> bool:
    """The test's own oracle: ``damaged`` is strict JSON with the same tables, documents,
    field names, value types and ids as ``raw`` (a bit flip inside a note or a time
    stamp). Such a file is valid data and must be read, losing nothing."""

    def strict(pairs: list[tuple[str, object]]) -> dict[str, object]:
        if len({k for k, _ in pairs}) != len(pairs):
            raise ValueError("duplicate key")
        return dict(pairs)

    def bad(_: str) -> None:
        raise ValueError("constant")

    try:
        new = json.loads(damaged.decode("utf-8"), object_pairs_hook=strict, parse_constant=bad)
    except (ValueError, RecursionError):
        return False
    old = json.loads(raw)

    def same(a: object, b: object, depth: int) -> bool:
        """Same keys down to the documents' fields, same field types, same ids."""
        if depth == 2:  # a document
            return (
                isinstance(b, dict)
                and isinstance(a, dict)
                and a.keys() == b.keys()
                and a["id"] == b["id"]
                and all(type(b[f]) is type(v) for f, v in a.items())
            )
        return (
            isinstance(a, dict)
            and isinstance(b, dict)
            and a.keys() == b.keys()
            and all(same(a[k], b[k], depth + 1) for k in a)
        )

    return same(old, new, 0)


def test_damaged_state_files_are_never_read_as_empty_nor_overwritten(tmp_path: Path) -> None:
    data = tmp_path / "lib"
    lib = Library.open(data)
    titles = [f"Paper {i}" for i in range(300)]
    lib.import_papers([Paper(paper_id(t), t, "abs") for t in titles])
    a = paper_id("Paper 1")
    same_shard = [paper_id(t) for t in titles if paper_id(t)[:2] == a[:2]]
    for pid in same_shard:
        lib.update({pid: {"starred": True, "note": f"note of {pid}"}})
    shard = data / layout.shard_name(layout.STATE, a)
    raw = shard.read_bytes()
    tried = detected = valid = 0
    for name, damaged in _damaged_variants(raw):
        shard.write_bytes(damaged)
        tried += 1
        benign = name.startswith("bit flip") and _same_shape(raw, damaged)
        try:
            opened = Library.open(data)
        except CorruptFileError as exc:
            assert not benign, f"{name}: valid data refused ({exc})"
            detected += 1
            with pytest.raises(CorruptFileError):
                lib.set_field([a], "read", True)
            assert shard.read_bytes() == damaged, f"{name}: the damaged file was overwritten"
            assert exc.kept_as, f"{name}: no copy kept aside"
            continue
        assert benign, f"{name}: damage read as data"
        valid += 1
        # a flip inside a note or a time stamp: still every paper, starred, with a note
        for p in same_shard:
            st = opened.state(p)
            assert st.starred and st.note, f"{name}: {p} lost its state"
    assert detected == tried - valid
    assert 0 < valid < tried // 2  # the oracle is exercised both ways
    for stray in data.rglob("*.corrupt-*"):
        stray.unlink()


def test_damaged_catalog_shards_are_detected_exactly_too(tmp_path: Path) -> None:
    """The same damage kinds on a catalog shard (the "fast" reading path)."""
    data = tmp_path / "lib"
    lib = Library.open(data)
    titles = [f"Paper {i}" for i in range(300)]
    lib.import_papers([Paper(paper_id(t), t, "abs", authors=3, upvotes=7) for t in titles])
    a = paper_id("Paper 1")
    shard = data / layout.catalog_shard(a)
    same = [paper_id(t) for t in titles if paper_id(t)[0] == a[0]]
    raw = shard.read_bytes()
    variants = [
        (n, d.replace(b'"state"', b'"papers"'))
        for n, d in _damaged_variants(raw.replace(b'"papers"', b'"state"'))
    ]
    variants += [
        ("duplicate id-less document", raw[:-2] + b',"1":{"title":"x"}}}'),
        ("duplicate field", raw.replace(b'"title":', b'"title":"a","title":', 1)),
    ]
    for name, damaged in variants:
        if damaged == raw:
            continue  # a variant that needs state fields
        shard.write_bytes(damaged)
        benign = name.startswith("bit flip") and _same_shape(raw, damaged)
        try:
            opened = Library.open(data)
        except CorruptFileError:
            assert not benign, f"{name}: valid data refused"
            assert shard.read_bytes() == damaged
            continue
        assert benign, f"{name}: damage read as data"
        assert all(p in opened.entries for p in same), f"{name}: a paper was lost"
