"""Backups, restore and doctor."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from readq.cli import main
from readq.errors import CorruptFileError
from readq.ids import paper_id
from readq.library import Library
from readq.models import Paper
from readq.storage import backup
from readq.storage.layout import STATE, shard_name


def paper(title: str) -> Paper:
    return Paper(id=paper_id(title), title=title, abstract=f"About {title}.")


def clock_at(day: int):
    when = datetime(2026, 11, 1, 9, tzinfo=timezone.utc) + timedelta(days=day)
    return lambda: when


def test_daily_backups_only_when_changed_and_rotated() -> None:
    Library.open(clock=clock_at(0)).import_papers([paper(f"P{i}") for i in range(5)])
    pid = paper_id("P1")
    for day in range(20):
        lib = Library.open(clock=clock_at(day))
        lib.set_note(pid, f"thoughts on day {day}")  # a change every day
    lib = Library.open(clock=clock_at(20))
    dailies = [b for b in backup.list_backups(lib.store) if b.kind == "daily"]
    assert len(dailies) == backup.KEEP["daily"]
    for b in dailies:
        backup.read_backup(b.path)  # every one parses
    # no change since the newest daily: no new backup even a day later
    Library.open(clock=clock_at(21)).set_note(pid, "thoughts on day 19")
    assert len([b for b in backup.list_backups(lib.store) if b.kind == "daily"]) == 14


def test_bulk_and_import_take_a_backup_first() -> None:
    lib = Library.open()
    lib.import_papers([paper("A"), paper("B")])
    lib.set_field([paper_id("A")], "starred", True)
    lib.set_field([paper_id("A"), paper_id("B")], "read", True)
    kinds = {b.kind for b in backup.list_backups(lib.store)}
    assert "pre-bulk" in kinds
    lib.import_papers([paper("C")])
    assert "pre-import" in {b.kind for b in backup.list_backups(lib.store)}


def test_restore_brings_back_state_and_keeps_the_current_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    lib = Library.open()
    lib.import_papers([paper("A"), paper("B")])
    a = paper_id("A")
    lib.set_note(a, "precious note")
    lib.set_field([a, paper_id("B")], "read", True)  # pre-bulk backup holds the note
    lib.set_note(a, "")  # oops
    assert main(["restore", "--list"]) == 0
    assert "pre-bulk" in capsys.readouterr().out
    assert main(["restore"]) == 0
    assert Library.open().state(a).note == "precious note"
    assert "pre-restore" in {b.kind for b in backup.list_backups(lib.store)}


def test_a_damaged_state_is_never_backed_up_and_restore_keeps_it_aside(data_dir: Path) -> None:
    lib = Library.open()
    lib.import_papers([paper("A"), paper("B")])
    a = paper_id("A")
    lib.set_note(a, "keep me")
    backup.take_backup(lib.store, "pre-bulk")
    shard = data_dir / shard_name(STATE, a)
    shard.write_bytes(b'{"state": {"1": trunc')
    with pytest.raises(CorruptFileError):
        backup.take_backup(lib.store, "pre-bulk")
    backup.restore(lib.store)
    kept = list(shard.parent.glob(shard.name + ".corrupt-*"))
    assert kept and kept[0].read_bytes() == b'{"state": {"1": trunc'
    assert Library.open().state(a).note == "keep me"


def test_doctor_reports_damage_and_exits_nonzero(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    lib = Library.open()
    lib.import_papers([paper("A")])
    assert main(["doctor"]) == 0
    capsys.readouterr()
    shard = next((data_dir / "catalog").glob("*.json"))
    shard.write_bytes(b"garbage")
    assert main(["doctor"]) == 65
    out = capsys.readouterr().out
    assert "PROBLEM" in out and shard.name in out
    assert shard.read_bytes() == b"garbage"
    assert not list(data_dir.rglob("*.corrupt-*"))  # doctor never writes
