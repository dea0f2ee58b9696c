"""The library store: persistence, deltas, dedup on import, damaged files, crash recovery."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from readq.errors import (
    AmbiguousIdError,
    CorruptFileError,
    FutureSchemaError,
    StoreWriteError,
    UnknownIdError,
)
from readq.ids import paper_id
from readq.library import Library
from readq.models import Paper
from readq.storage import layout
from readq.storage import store as store_mod


def paper(title: str, **kw: object) -> Paper:
    return Paper(
        id=paper_id(title), title=title, abstract=kw.pop("abstract", f"About {title}."), **kw
    )  # type: ignore[arg-type]


def fixed_clock(stamp: str = "2026-11-22T08:00:00"):
    when = datetime.fromisoformat(stamp).replace(tzinfo=timezone.utc)
    return lambda: when


def test_a_new_library_is_empty_and_creates_nothing_until_written(data_dir: Path) -> None:
    lib = Library.open()
    assert len(lib) == 0
    assert not data_dir.exists()


def test_import_then_reopen_keeps_papers_and_abstracts(data_dir: Path) -> None:
    lib = Library.open()
    report = lib.import_papers([paper("Alpha", authors=3, upvotes=5), paper("Beta")])
    assert (report.new, report.known, report.updated) == (2, 0, 0)
    again = Library.open()
    pid = paper_id("Alpha")
    assert again.entries[pid].authors == 3
    assert again.entries[pid].upvotes == 5
    assert again.abstract(pid) == "About Alpha."
    meta = json.loads((data_dir / "meta.json").read_text())
    assert meta["meta"]["1"]["schema_version"] == store_mod.SCHEMA_VERSION


def test_data_dir_and_files_are_private(data_dir: Path) -> None:
    Library.open().import_papers([paper("Alpha")])
    assert (data_dir.stat().st_mode & 0o777) == 0o700
    for f in data_dir.rglob("*.json"):
        assert (f.stat().st_mode & 0o777) == 0o600, f


def test_reimport_changes_only_last_seen_and_keeps_state() -> None:
    lib = Library.open(clock=fixed_clock("2026-11-20T08:00:00"))
    lib.import_papers([paper("Alpha", upvotes=1)])
    pid = paper_id("Alpha")
    lib.set_field([pid], "starred", True)
    lib.set_note(pid, "precious")
    lib2 = Library.open(clock=fixed_clock("2026-11-22T09:00:00"))
    report = lib2.import_papers([paper("Alpha", upvotes=1)])
    assert (report.new, report.known, report.updated) == (0, 1, 0)
    e = Library.open().entries[pid]
    assert e.first_seen == "2026-11-20T08:00:00Z"
    assert e.last_seen == "2026-11-22T09:00:00Z"
    st = Library.open().state(pid)
    assert st.starred and st.note == "precious"


def test_a_paper_seen_again_gains_metadata_and_latest_upvotes() -> None:
    lib = Library.open()
    lib.import_papers([paper("Alpha", upvotes=2)])
    report = lib.import_papers([paper("alpha", authors=7, published="2024-09-14", upvotes=9)])
    assert report.updated == 1 and report.new == 0
    e = Library.open().entries[paper_id("Alpha")]
    assert (e.authors, e.published, e.upvotes, e.title) == (7, "2024-09-14", 9, "Alpha")


def test_duplicates_within_one_input_are_merged() -> None:
    report = Library.open().import_papers(
        [paper("Alpha"), paper("ALPHA ", authors=4), paper("Beta")]
    )
    assert report.new == 2 and report.duplicates == 1
    assert Library.open().entries[paper_id("Alpha")].authors == 4


def test_state_round_trip_and_sparse_storage(data_dir: Path) -> None:
    lib = Library.open()
    lib.import_papers([paper("Alpha"), paper("Beta")])
    a = paper_id("Alpha")
    lib.set_field([a], "read", True)
    assert Library.open().state(a).read
    lib.set_field([a], "read", False)
    assert not Library.open().state(a).read
    docs = [
        d
        for f in (data_dir / "state").glob("*.json")
        for d in json.loads(f.read_text())["state"].values()
    ]
    assert docs == []  # untouched papers store nothing


def test_undo_and_redo_are_field_deltas() -> None:
    lib = Library.open()
    lib.import_papers([paper("Alpha")])
    a = paper_id("Alpha")
    change = lib.set_field([a], "starred", True, "star")
    other = Library.open()
    other.set_note(a, "written by another process")
    lib.undo(change)
    st = Library.open().state(a)
    assert not st.starred
    assert st.note == "written by another process"  # the undo did not clobber it
    lib.redo(change)
    assert Library.open().state(a).starred


def test_two_library_instances_never_lose_each_others_changes() -> None:
    first = Library.open()
    first.import_papers([paper("Alpha"), paper("Beta")])
    second = Library.open()
    first.set_field([paper_id("Alpha")], "starred", True)
    second.set_field([paper_id("Beta")], "read", True)  # second's memory predates first's star
    fresh = Library.open()
    assert fresh.state(paper_id("Alpha")).starred
    assert fresh.state(paper_id("Beta")).read


def test_poll_sees_changes_written_by_another_instance() -> None:
    viewer = Library.open()
    viewer.import_papers([paper("Alpha")])
    writer = Library.open()
    writer.set_field([paper_id("Alpha")], "starred", True)
    writer.import_papers([paper("Gamma")])
    state_changed, catalog_changed = viewer.poll()
    assert paper_id("Alpha") in state_changed
    assert viewer.state(paper_id("Alpha")).starred
    assert paper_id("Gamma") in catalog_changed and paper_id("Gamma") in viewer.entries
    assert viewer.poll() == (set(), set())


def test_resolve_prefixes_like_git() -> None:
    lib = Library.open()
    lib.import_papers([paper(f"Paper {i}") for i in range(40)])
    pid = paper_id("Paper 7")
    assert lib.resolve(pid[:10]) == pid
    assert lib.resolve(pid.upper()) == pid
    with pytest.raises(AmbiguousIdError):
        lib.resolve(pid[:1])
    with pytest.raises(UnknownIdError):
        lib.resolve("ffffffffffffffff" if not pid.startswith("ffff") else "0000000000000000")


def test_notes_are_cleaned_of_control_characters() -> None:
    lib = Library.open()
    lib.import_papers([paper("Alpha")])
    a = paper_id("Alpha")
    lib.set_note(a, "line one\x1b[2J\r\nline two\x00\x07")
    assert Library.open().state(a).note == "line one[2J\nline two"


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"   \n",
        b"{not json",
        b"[]",
        b'{"state": []}',
        b'{"state": {"x": {}}}',
        b'{"state": {"1": {"id": "a", "starred": "yes"}}}',
        b"\xff\xfe\x00garbage",
    ],
)
def test_a_damaged_state_file_is_never_read_as_empty_nor_overwritten(
    data_dir: Path, damage: bytes
) -> None:
    lib = Library.open()
    lib.import_papers([paper("Alpha")])
    a = paper_id("Alpha")
    lib.set_field([a], "starred", True)
    shard = data_dir / layout.shard_name(layout.STATE, a)
    shard.write_bytes(damage)
    with pytest.raises(CorruptFileError) as err:
        Library.open()
    assert str(shard) in str(err.value)
    kept = list(shard.parent.glob(shard.name + ".corrupt-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == damage
    assert "kept as" in str(err.value) and "readq restore" in str(err.value)
    with pytest.raises(CorruptFileError):
        Library.open()
    assert len(list(shard.parent.glob(shard.name + ".corrupt-*"))) == 1  # kept once
    with pytest.raises(CorruptFileError):
        lib.set_field([a], "read", True)  # a write must not replace the damaged file
    assert shard.read_bytes() == damage


def test_truncated_catalog_is_reported_with_its_name(data_dir: Path) -> None:
    Library.open().import_papers([paper("Alpha")])
    shard = data_dir / layout.shard_name(layout.CATALOG, paper_id("Alpha"))
    raw = shard.read_bytes()
    for cut in (1, len(raw) // 2, len(raw) - 1):
        shard.write_bytes(raw[:cut])
        with pytest.raises(CorruptFileError, match="catalog"):
            Library.open()


def test_future_schema_is_refused_untouched(data_dir: Path) -> None:
    Library.open().import_papers([paper("Alpha")])
    meta = data_dir / "meta.json"
    meta.write_text('{"meta": {"1": {"schema_version": 99}}}')
    before = meta.read_bytes()
    with pytest.raises(FutureSchemaError, match="newer readq"):
        Library.open()
    assert meta.read_bytes() == before


def test_missing_meta_with_data_present_is_suspicious(data_dir: Path) -> None:
    Library.open().import_papers([paper("Alpha")])
    (data_dir / "meta.json").unlink()
    with pytest.raises(CorruptFileError, match="missing"):
        Library.open()


def test_failed_write_leaves_files_byte_identical(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lib = Library.open()
    lib.import_papers([paper("Alpha"), paper("Beta")])
    a = paper_id("Alpha")
    lib.set_field([a], "starred", True)
    snapshot = {p: p.read_bytes() for p in data_dir.rglob("*.json")}

    def boom(*_a: object, **_k: object) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as m:
        m.setattr(store_mod.os, "replace", boom)
        with pytest.raises(StoreWriteError, match="NOT saved"):
            lib.set_field([a], "starred", False)
        with pytest.raises(StoreWriteError):
            lib.import_papers([paper("Gamma")])
    assert {p: p.read_bytes() for p in data_dir.rglob("*.json")} == snapshot
    assert not list(data_dir.rglob("*.readq-tmp"))
    assert lib.state(a).starred  # memory still matches the disk


def test_interrupted_multi_file_commit_is_rolled_forward(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lib = Library.open()
    lib.import_papers([paper("Alpha")])

    calls = {"n": 0}
    real_replace = os.replace

    def crash_after_first(src: object, dst: object) -> None:
        calls["n"] += 1
        if str(dst).endswith("journal.json"):
            real_replace(src, dst)  # type: ignore[arg-type]
            return
        raise KeyboardInterrupt  # the process "dies" before any shard is replaced

    with monkeypatch.context() as m:
        m.setattr(store_mod.os, "replace", crash_after_first)
        with pytest.raises(KeyboardInterrupt):
            lib.import_papers([paper(f"New {i}") for i in range(30)])
    assert (data_dir / "journal.json").exists()
    fresh = Library.open()  # recovery completes the commit
    assert len(fresh) == 31
    assert not (data_dir / "journal.json").exists()
    assert not list(data_dir.rglob("*.readq-tmp"))


def test_stray_temp_files_are_swept_on_open(data_dir: Path) -> None:
    Library.open().import_papers([paper("Alpha")])
    stray = data_dir / "catalog" / ".0.json.abc.readq-tmp"
    stray.write_bytes(b"half a write")
    Library.open()
    assert not stray.exists()


CHILD = r"""
import sys
from readq.library import Library
lib = Library.open(sys.argv[1])
pid = sys.argv[2]
for i in range(int(sys.argv[3])):
    lib.set_note(pid, f"{sys.argv[4]} {i}")
    lib.set_field([pid], "starred", i % 2 == 0)
"""


def test_two_processes_writing_at_once_lose_nothing(data_dir: Path) -> None:
    lib = Library.open()
    lib.import_papers([paper("Alpha"), paper("Beta")])
    a, b = paper_id("Alpha"), paper_id("Beta")
    procs = [
        subprocess.Popen([sys.executable, "-c", CHILD, str(data_dir), pid, "60", tag])
        for pid, tag in ((a, "alpha"), (b, "beta"))
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    fresh = Library.open()
    assert fresh.state(a).note == "alpha 59" and fresh.state(b).note == "beta 59"
    assert not fresh.state(a).starred and not fresh.state(b).starred


def test_a_journaled_change_that_fails_half_way_still_shows_in_memory(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lib = Library.open()
    lib.import_papers([paper("Alpha")])
    real_replace = os.replace

    def fail_shards(src: object, dst: object) -> None:
        if str(dst).endswith("journal.json"):
            real_replace(src, dst)  # type: ignore[arg-type]
            return
        raise OSError(5, "Input/output error")

    with monkeypatch.context() as m:
        m.setattr(store_mod.os, "replace", fail_shards)
        with pytest.raises(StoreWriteError, match="completed the next time") as err:
            lib.import_papers([paper(f"New {i}") for i in range(5)])
    assert err.value.durable
    assert paper_id("New 3") in lib.entries  # memory agrees with what will be on disk
    lib.set_note(paper_id("New 3"), "works at once")  # and the paper can be used
    assert Library.open().state(paper_id("New 3")).note == "works at once"
