"""Restore, backup rotation and doctor under hostile or unlucky conditions."""

from __future__ import annotations

import errno
import gzip
import json
import os
import time
import zlib
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from readq.cli import main
from readq.errors import BackupWriteError, CorruptFileError
from readq.ids import paper_id
from readq.library import Library
from readq.models import Paper
from readq.storage import backup, fsutil, journal, layout


def paper(title: str) -> Paper:
    return Paper(id=paper_id(title), title=title, abstract=f"About {title}.")


def _files(data_dir: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in data_dir.rglob("*") if p.is_file()}


def _backup_file(path: Path, state: dict[str, object]) -> Path:
    data = {"format": "readq-state-backup", "version": 1, "meta": {}, "state": state}
    path.write_bytes(gzip.compress(json.dumps(data).encode()))
    return path


def _doc(pid: str, **fields: object) -> dict[str, object]:
    return {str(int(pid, 16)): {"id": pid, **fields}}


def test_restore_rolls_a_pending_commit_forward_first(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lib = Library.open()
    lib.import_papers([paper("A"), paper("B")])
    lib.set_note(paper_id("A"), "kept")
    saved = backup.take_backup(lib.store, "pre-bulk")
    assert saved
    with monkeypatch.context() as m:
        m.setattr(journal, "_roll_forward", lambda root, pairs: None)
        lib.import_papers([paper("Late 1"), paper("Late 2")])
    assert (data_dir / layout.JOURNAL_FILE).exists()
    backup.restore(lib.store, saved.path)
    fresh = Library.open()
    assert paper_id("Late 1") in fresh.entries and paper_id("Late 2") in fresh.entries
    assert fresh.state(paper_id("A")).note == "kept"


@pytest.mark.parametrize(
    "bad",
    [
        {"1": {"id": "not-hex-at-all!!", "starred": True}},
        _doc("00000000000000ff", starred="yes"),
        _doc("00000000000000ff", note=["a list"]),
        {"2": {"id": "00000000000000ff", "starred": True}},
        _doc("00000000000000ff", starred=True, colour="red"),
        {"\u00b2": {"id": "00000000000000ff"}},
    ],
    ids=["non-hex id", "starred a string", "note a list", "key not the id", "unknown", "sup2"],
)
def test_restore_validates_the_whole_backup_before_touching_anything(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], bad: dict[str, object]
) -> None:
    lib = Library.open()
    lib.import_papers([paper("A")])
    lib.set_note(paper_id("A"), "current")
    state = {**_doc(paper_id("A"), note="old"), **bad}
    source = _backup_file(tmp_path / "bad.json.gz", state)
    before = _files(data_dir)
    assert main(["restore", str(source)]) == 65
    err = capsys.readouterr().err
    assert "bad.json.gz" in err and "Traceback" not in err
    assert _files(data_dir) == before


def test_restored_notes_are_cleaned_like_imports_and_the_count_is_worded(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lib = Library.open()
    lib.import_papers([paper("A")])
    a = paper_id("A")
    lib.set_note(a, "current")
    dirty = "line\x1b]52;c;ZWNobw==\x07 one\x00\r\nline two\x9b"
    source = _backup_file(tmp_path / "one.json.gz", _doc(a, note=dirty, title="A\x1b[2J"))
    assert main(["restore", str(source)]) == 0
    assert "of 1 paper from" in capsys.readouterr().out
    note = Library.open().state(a).note
    assert "\x1b" not in note and "\x00" not in note and "\x07" not in note
    assert note.splitlines()[1] == "line two"
    empty = _backup_file(tmp_path / "empty.json.gz", {})
    assert main(["restore", str(empty)]) == 0
    out = capsys.readouterr().out
    assert "holds no read/starred/note state" in out and "0 paper" not in out
    assert Library.open().state(a).note == ""


def test_no_identical_backup_twice(data_dir: Path) -> None:
    lib = Library.open()
    lib.import_papers([paper("A")])
    lib.set_note(paper_id("A"), "n")
    for i in range(5):
        lib.import_papers([paper(f"More {i}")])  # the state did not change in between
    datas = [gzip.decompress(b.path.read_bytes()) for b in backup.list_backups(lib.store)]
    assert len(datas) == len(set(datas))


def test_the_state_before_a_restore_series_survives_any_number_of_restores(
    data_dir: Path,
) -> None:
    lib = Library.open()
    lib.import_papers([paper("A")])
    a = paper_id("A")
    lib.set_note(a, "the original")
    versions = []
    for i in range(3):
        lib.set_note(a, f"version {i}")
        taken = backup.take_backup(lib.store, "pre-bulk")
        assert taken
        versions.append(taken.path)
    lib.set_note(a, "the original")
    start = datetime.now(timezone.utc) + timedelta(hours=1)  # after the backups above
    for k in range(backup.KEEP["pre-restore"] + 4):  # restore, restore, ...
        backup.restore(lib.store, versions[k % 3], now=start + timedelta(minutes=k))
    notes = set()
    for b in backup.list_backups(lib.store):
        for doc in backup.read_backup(b.path)["state"].values():
            notes.add(doc.get("note"))
    assert "the original" in notes


def test_the_newest_state_before_a_destructive_change_outlives_rotation(
    data_dir: Path,
) -> None:
    lib = Library.open()
    lib.import_papers([paper("A")])
    a = paper_id("A")
    start = datetime(2026, 12, 1, 12, tzinfo=timezone.utc)
    lib.set_note(a, "before the bulk change")
    first = backup.take_backup(lib.store, "pre-bulk", now=start)
    assert first
    for k in range(backup.KEEP["pre-restore"] + 2):
        lib.set_note(a, f"restore {k}")
        backup.take_backup(lib.store, "pre-restore", now=start + timedelta(minutes=k + 1))
    kinds = [b.kind for b in backup.list_backups(lib.store)]
    assert kinds.count("pre-restore") >= backup.KEEP["pre-restore"]
    assert first.path.exists()


def test_a_gzip_bomb_and_devices_are_refused_quickly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    Library.open().import_papers([paper("A")])
    bomb = tmp_path / "bomb.json.gz"
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = b"\0" * (1 << 20)
    bomb.write_bytes(b"".join(comp.compress(chunk) for _ in range(600)) + comp.flush())
    assert bomb.stat().st_size < 2 << 20
    monkeypatch.setattr(backup, "MAX_BACKUP_JSON", 64 << 20)
    started = time.monotonic()
    assert main(["restore", str(bomb)]) == 65
    assert "decompresses to more than" in capsys.readouterr().err
    assert main(["restore", "/dev/zero"]) == 65
    assert "not a regular file" in capsys.readouterr().err
    fifo = tmp_path / "fifo.json.gz"
    os.mkfifo(fifo)
    assert main(["restore", str(fifo)]) == 65
    assert time.monotonic() - started < 20


def test_when_a_backup_cannot_be_written_imports_and_bulk_changes_refuse(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lib = Library.open()
    lib.import_papers([paper("A"), paper("B")])
    lib.set_note(paper_id("A"), "n")
    before = _files(data_dir)

    def full(path: Path, data: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(fsutil, "atomic_write_bytes", full)
    with pytest.raises(BackupWriteError, match="nothing was changed"):
        lib.import_papers([paper("C")])
    with pytest.raises(BackupWriteError):
        lib.set_field([paper_id("A"), paper_id("B")], "read", True)
    assert _files(data_dir) == before
    lib.set_field([paper_id("B")], "starred", True)  # one paper: still saved
    assert Library.open().state(paper_id("B")).starred
    monkeypatch.setattr("readq.storage.doctor._MIN_FREE", 1 << 62)
    assert main(["doctor"]) == 65
    assert "a backup cannot be written now" in capsys.readouterr().out


def test_doctor_reports_links_foreign_owners_and_open_files(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lib = Library.open()
    lib.import_papers([paper("A")])
    lib.set_note(paper_id("A"), "n")
    (tmp_path / "elsewhere.json").write_text("{}")
    (data_dir / "catalog" / "extra.json").symlink_to(tmp_path / "elsewhere.json")
    shard = data_dir / layout.state_shard(paper_id("A"))
    os.chmod(shard, 0o666)
    if os.geteuid() == 0:
        os.chown(data_dir / layout.META_FILE, 4242, 4242)
    assert main(["doctor"]) == 65
    out = capsys.readouterr().out
    assert "symbolic links" in out and "catalog/extra.json" in out
    assert "others can read or write" in out and "0o666" in out
    if os.geteuid() == 0:
        assert "owned by someone else" in out and "meta.json" in out


def test_an_unreadable_file_of_someone_else_is_not_called_damaged(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lib = Library.open()
    lib.import_papers([paper("A")])
    shard = data_dir / layout.catalog_shard(paper_id("A"))
    real_open = os.open

    def denied(path: object, *a: object, **k: object) -> int:
        if str(path) == str(shard):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, *a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", denied)
    if os.geteuid() == 0:
        os.chown(shard, 4242, 4242)
    assert main(["list"]) == 77
    err = capsys.readouterr().err
    assert "damaged" not in err and "restore" not in err
    assert "chown" in err or "chmod" in err
    assert not list(shard.parent.glob("*.corrupt-*"))


def test_read_backup_names_the_damage(tmp_path: Path) -> None:
    path = tmp_path / "x.json.gz"
    path.write_bytes(gzip.compress(b'{"format":"readq-state-backup","state":{},"state":{}}'))
    with pytest.raises(CorruptFileError, match="appears twice"):
        backup.read_backup(path)


def test_doctor_repair_sets_damaged_catalog_aside_and_rebuilds_never_touching_state(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    titles = [f"Paper {i}" for i in range(60)]
    lib = Library.open()
    lib.import_papers([paper(t) for t in titles])
    a = paper_id("Paper 1")
    lib.set_note(a, "precious")
    same = [t for t in titles if paper_id(t)[0] == a[0]]
    catalog = data_dir / layout.catalog_shard(a)
    abstracts = data_dir / layout.abstract_shard(a)
    catalog.write_bytes(b'{"papers":{"1":')
    abstracts.write_bytes(b"\x00" * 10)
    other = next(t for t in titles if paper_id(t)[:2] != a[:2])
    lib.set_note(paper_id(other), "other")
    state = data_dir / layout.state_shard(paper_id(other))
    state.write_bytes(b"garbage")
    assert main(["doctor", "--repair"]) == 65  # the state shard still needs a restore
    out = capsys.readouterr().out
    assert "kept aside" in out and "was not touched" in out
    assert state.read_bytes() == b"garbage"
    assert list(catalog.parent.glob(catalog.name + ".corrupt-*"))
    assert list(abstracts.parent.glob(abstracts.name + ".corrupt-*"))
    state.unlink()  # (as if restored)
    fresh = Library.open()
    assert fresh.entries[a].title == "Paper 1" and fresh.state(a).note == "precious"
    fresh.import_papers([paper(t) for t in same])  # re-imports are allowed again
    again = Library.open()
    assert all(paper_id(t) in again.entries for t in same)
    assert again.abstract(a) == "About Paper 1."


def test_restore_on_a_full_disk_is_exit_74_and_changes_nothing(
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    lib = Library.open()
    lib.import_papers([paper("A")])
    a = paper_id("A")
    lib.set_note(a, "current")
    source = _backup_file(tmp_path / "one.json.gz", _doc(a, note="from the backup", title="A"))
    before = _files(data_dir)

    def full(path: Path, data: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    with monkeypatch.context() as m:
        m.setattr(fsutil, "atomic_write_bytes", full)
        code = main(["restore", str(source)])
    err = capsys.readouterr().err
    assert code == 74, err
    assert err.count("\n") == 1 and "No space left" in err
    assert _files(data_dir) == before
    assert Library.open().state(a).note == "current"
