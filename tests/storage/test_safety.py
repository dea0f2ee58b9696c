"""Attacks on the data dir: foreign owners, links, journals pointing elsewhere, FIFOs,
devices, hostile JSON; and readers that must not wait for a stopped writer.

Each kind of attack is a separate case so the next variant of it gets caught.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from readq.cli import main
from readq.errors import CorruptFileError, UnsafeDataDirError
from readq.ids import paper_id
from readq.library import Library
from readq.models import Paper
from readq.storage import journal, layout
from readq.storage.store import Store

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="chown needs root")


def paper(title: str) -> Paper:
    return Paper(id=paper_id(title), title=title, abstract=f"About {title}.")


def _library(data_dir: Path) -> Library:
    lib = Library.open(data_dir)
    lib.import_papers([paper(f"P{i}") for i in range(40)])
    lib.set_note(paper_id("P1"), "precious")
    return lib


def _pending_commit(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    """Leave a journaled import half-done, as a crash after the journal would."""
    lib = Library.open(data_dir)
    with monkeypatch.context() as m:
        m.setattr(journal, "_roll_forward", lambda root, pairs: None)
        lib.import_papers([paper("Late A"), paper("Late B")])
    assert (data_dir / layout.JOURNAL_FILE).exists()
    return paper_id("Late A"), paper_id("Late B")


# -- the data dir itself --------------------------------------------------------------


@needs_root
def test_a_data_dir_owned_by_someone_else_is_refused_with_exit_77(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _library(data_dir)
    os.chown(data_dir, 12345, 12345)
    assert main(["list"]) == 77
    err = capsys.readouterr().err
    assert "owned by" in err and "chown" in err and len(err.strip().splitlines()) == 1


def test_a_data_dir_writable_by_others_is_refused_with_exit_77(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _library(data_dir)
    before = {p: p.read_bytes() for p in data_dir.rglob("*.json")}
    os.chmod(data_dir, 0o777)
    assert main(["star", paper_id("P1")]) == 77
    assert "chmod go-w" in capsys.readouterr().err
    os.chmod(data_dir / "state", 0o757)  # a subdirectory too
    os.chmod(data_dir, 0o700)
    assert main(["list"]) == 77
    assert {p: p.read_bytes() for p in data_dir.rglob("*.json")} == before


def test_a_dangling_symlinked_data_dir_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    link = tmp_path / "dangling"
    link.symlink_to(tmp_path / "nowhere")
    assert main(["--data-dir", str(link), "list"]) == 77
    assert "does not exist" in capsys.readouterr().err
    assert not (tmp_path / "nowhere").exists()


def test_state_that_is_a_file_and_a_lock_that_is_a_directory(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _library(data_dir)
    (data_dir / "readq.lock").unlink()
    (data_dir / "readq.lock").mkdir()
    assert main(["star", paper_id("P1")]) == 77
    assert "rmdir" in capsys.readouterr().err
    (data_dir / "readq.lock").rmdir()
    shutil.rmtree(data_dir / "state")
    (data_dir / "state").write_text("not a directory")
    assert main(["list"]) == 77
    assert "not a directory" in capsys.readouterr().err


# -- links ------------------------------------------------------------------------------


def test_a_planted_lock_symlink_does_not_truncate_its_target(
    data_dir: Path, tmp_path: Path
) -> None:
    lib = _library(data_dir)
    victim = tmp_path / "victim.txt"
    victim.write_text("do not truncate me")
    (data_dir / "readq.lock").unlink()
    (data_dir / "readq.lock").symlink_to(victim)
    with pytest.raises(UnsafeDataDirError, match="symbolic link"):
        lib.set_field([paper_id("P2")], "starred", True)
    assert victim.read_text() == "do not truncate me"


def test_a_symlinked_shard_is_refused_and_a_dangling_one_creates_nothing(
    data_dir: Path, tmp_path: Path
) -> None:
    lib = _library(data_dir)
    a = paper_id("P1")
    shard = data_dir / layout.state_shard(a)
    elsewhere = tmp_path / "synced.json"
    shard.rename(elsewhere)
    shard.symlink_to(elsewhere)
    before = elsewhere.read_bytes()
    with pytest.raises(UnsafeDataDirError, match="symbolic link"):
        Library.open(data_dir)
    with pytest.raises(UnsafeDataDirError):
        lib.set_note(a, "through the link")
    assert elsewhere.read_bytes() == before and shard.is_symlink()
    elsewhere.unlink()  # now dangling
    with pytest.raises(UnsafeDataDirError):
        lib.set_note(a, "into the void")
    assert not elsewhere.exists()


# -- journals -------------------------------------------------------------------------


def test_a_copy_of_the_data_dir_rolls_forward_inside_the_copy_only(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _library(data_dir)
    late_a, late_b = _pending_commit(data_dir, monkeypatch)
    original = {p: p.read_bytes() for p in data_dir.rglob("*") if p.is_file()}
    copy = tmp_path / "rescue"
    shutil.copytree(data_dir, copy, symlinks=True)
    opened = Library.open(copy)
    assert late_a in opened.entries and late_b in opened.entries
    assert {p: p.read_bytes() for p in data_dir.rglob("*") if p.is_file()} == original


@pytest.mark.parametrize(
    "target",
    ["/etc/../{outside}", "{outside}", "../outside.json", "state/../../outside.json", "x.json"],
)
def test_a_journal_naming_a_file_outside_the_data_dir_is_refused(
    data_dir: Path, tmp_path: Path, target: str
) -> None:
    _library(data_dir)
    outside = tmp_path / "outside.json"
    outside.write_text("mine")
    tmp = data_dir / "state" / ".00.json.x.readq-tmp"
    tmp.write_text("{}")
    name = target.format(outside=outside)
    journal_file = data_dir / layout.JOURNAL_FILE
    journal_file.write_text(json.dumps({"replace": [[str(tmp), name]]}))
    with pytest.raises(CorruptFileError, match="journal"):
        Library.open(data_dir).set_field([paper_id("P2")], "starred", True)
    assert outside.read_text() == "mine" and journal_file.exists()


def test_a_journal_with_a_symlinked_temp_is_refused(data_dir: Path, tmp_path: Path) -> None:
    _library(data_dir)
    planted = tmp_path / "planted.json"
    planted.write_text("{}")
    tmp = data_dir / "state" / ".00.json.x.readq-tmp"
    tmp.symlink_to(planted)
    (data_dir / layout.JOURNAL_FILE).write_text(
        json.dumps({"replace": [["state/.00.json.x.readq-tmp", "state/00.json"]]})
    )
    with pytest.raises(CorruptFileError, match="not a regular file"):
        Store(data_dir).prepare()
    assert not (data_dir / "state" / "00.json").is_symlink()


# -- hangs and unbounded reads ----------------------------------------------------------


def test_a_fifo_at_a_data_path_does_not_hang(data_dir: Path) -> None:
    _library(data_dir)
    shard = data_dir / layout.state_shard(paper_id("P1"))
    shard.unlink()
    os.mkfifo(shard)
    started = time.monotonic()
    with pytest.raises(CorruptFileError, match="not a regular file"):
        Library.open(data_dir)
    assert time.monotonic() - started < 5


def test_a_device_at_a_data_path_is_not_read(data_dir: Path) -> None:
    _library(data_dir)
    meta = data_dir / layout.META_FILE
    meta.unlink()
    try:
        os.mknod(meta, 0o600 | 0o020000, os.makedev(1, 5))  # /dev/zero
    except (PermissionError, OSError):
        pytest.skip("cannot create a device node here")
    with pytest.raises(CorruptFileError, match="not a regular file"):
        Library.open(data_dir)


def test_an_oversized_data_file_is_damage_not_a_memory_hog(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from readq.storage import safety

    _library(data_dir)
    monkeypatch.setattr(safety, "MAX_DATA_BYTES", 100)
    with pytest.raises(CorruptFileError, match="larger than"):
        Library.open(data_dir)


# -- readers and a stopped writer ---------------------------------------------------------

HOLDER = r"""
import sys, time
from pathlib import Path
from readq.storage.lock import library_lock
with library_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    time.sleep(60)
"""


def test_readers_see_the_last_commit_without_waiting_for_a_stopped_writer(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _library(data_dir)
    late_a, _ = _pending_commit(data_dir, monkeypatch)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(data_dir)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout and holder.stdout.readline().strip() == "locked"
        os.kill(holder.pid, signal.SIGSTOP)
        started = time.monotonic()
        lib = Library.open(data_dir)
        assert late_a in lib.entries  # the committed import, read from the journal
        assert main(["list"]) == 0
        assert "Late A" in capsys.readouterr().out
        assert time.monotonic() - started < 5
        assert (data_dir / layout.JOURNAL_FILE).exists()  # not touched without the lock
    finally:
        os.kill(holder.pid, signal.SIGCONT)
        holder.kill()
        holder.wait()
    Library.open(data_dir)
    assert not (data_dir / layout.JOURNAL_FILE).exists()


# -- hostile JSON never crashes a command -------------------------------------------------

HOSTILE = {
    "deep nesting": b'{"state":' + b"[" * 100000 + b"]" * 100000 + b"}",
    "huge int": b'{"state":{"1":{"id":' + b"9" * 5000 + b"}}}",
    "superscript key": '{"state":{"\u00b2":{"id":"x"}}}'.encode(),
    "non-hex id": b'{"state":{"1":{"id":"zzzzzzzzzzzzzzzz"}}}',
    "duplicate keys": b'{"state":{},"state":{}}',
    "NaN": b'{"state":{"1":{"id":NaN}}}',
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
@pytest.mark.parametrize("command", [["list"], ["doctor"], ["stats"], ["export"]])
def test_hostile_json_never_crashes_a_command(
    data_dir: Path, capsys: pytest.CaptureFixture[str], name: str, command: list[str]
) -> None:
    _library(data_dir)
    shard = data_dir / layout.state_shard(paper_id("P1"))
    shard.write_bytes(HOSTILE[name])
    code = main(command)
    err = capsys.readouterr().err
    assert code == 65, err
    assert "Traceback" not in err and "crash log" not in err and len(err.splitlines()) == 1
    assert shard.read_bytes() == HOSTILE[name]
    kept = list(shard.parent.glob(shard.name + ".corrupt-*"))
    assert not kept if command == ["doctor"] else kept  # doctor never writes


def test_a_damaged_abstracts_shard_is_kept_aside(data_dir: Path) -> None:
    lib = _library(data_dir)
    a = paper_id("P1")
    shard = data_dir / layout.abstract_shard(a)
    shard.write_bytes(b'{"abstracts":{"1":{"id":"1"},"1":{}}}')
    with pytest.raises(CorruptFileError) as info:
        Library.open(data_dir).abstract(a)
    assert info.value.kept_as
    assert shard.read_bytes() == b'{"abstracts":{"1":{"id":"1"},"1":{}}}'
    del lib


@pytest.mark.parametrize("err", [13, 30])  # EACCES, EROFS
def test_a_read_only_data_dir_exits_77_not_74(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], err: int
) -> None:
    from readq.storage import fsutil

    _library(data_dir)
    before = {p: p.read_bytes() for p in data_dir.rglob("*.json")}

    def refused(*a: object, **k: object) -> None:
        raise OSError(err, os.strerror(err), str(data_dir / "state"))

    monkeypatch.setattr(fsutil.tempfile, "mkstemp", refused)
    assert main(["star", paper_id("P3")]) == 77
    assert "NOT saved" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in data_dir.rglob("*.json")} == before


def test_a_data_dir_path_with_a_non_utf8_byte_is_shown_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    odd = Path(os.fsdecode(os.fsencode(str(tmp_path)) + b"/bad\xffdir"))
    _library(odd)
    assert main(["--data-dir", str(odd), "list"]) == 0
    os.chmod(odd, 0o777)
    capsys.readouterr()
    assert main(["--data-dir", str(odd), "list"]) == 77
    err = capsys.readouterr().err
    assert "bad\\xffdir" in err and "\udcff" not in err
