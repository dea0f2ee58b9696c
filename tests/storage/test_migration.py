"""Opening a format-1 library (tests/data/v1-library, written by readq before format 2)."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from readq.cli import main
from readq.errors import CorruptFileError, FutureSchemaError
from readq.library import Library
from readq.storage import backup, layout, migrate, store
from readq.storage.store import Store

V1 = Path(__file__).resolve().parent.parent / "data" / "v1-library"
STARRED = "14468ce2887e33d5"
READ = "0ea83918854b3d74"


def _copy(tmp_path: Path) -> Path:
    data = tmp_path / "lib"
    shutil.copytree(V1, data, ignore=shutil.ignore_patterns("README.md"))
    return data


def _version(data: Path) -> int:
    meta = json.loads((data / "meta.json").read_text())["meta"]["1"]
    return int(meta["schema_version"])


def _data_files(data: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(data)): p.read_bytes()
        for p in sorted(data.rglob("*.json"))
        if p.name != "meta.json" and "backups" not in p.parts
    }


def test_a_v1_library_is_upgraded_once_after_a_verified_backup(tmp_path: Path) -> None:
    data = _copy(tmp_path)
    before = _data_files(data)
    lib = Library.open(data)
    (notice,) = lib.notices
    assert notice.startswith("upgraded your library to format 2 (backup: ")
    assert _version(data) == layout.SCHEMA_VERSION == 2
    (taken,) = backup.list_backups(Store(data))
    assert taken.kind == "pre-upgrade" and str(taken.path) in notice
    assert taken.papers == 2  # read back and compared before the upgrade went on
    # the papers and the reading state are exactly what format 1 had
    assert _data_files(data) == before
    assert len(lib) == 4
    assert lib.state(STARRED).starred and lib.state(STARRED).note == "read the batching part"
    assert lib.state(READ).read
    assert lib.entries[STARRED].arxiv_id is None and lib.entries[STARRED].upvotes == 12
    assert Library.open(data).notices == []  # says so once


def test_the_cli_says_so_once_on_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _copy(tmp_path)
    assert main(["--data-dir", str(data), "stats"]) == 0
    err = capsys.readouterr().err
    assert err.count("readq: upgraded your library to format 2 (backup: ") == 1
    assert main(["--data-dir", str(data), "stats"]) == 0
    assert capsys.readouterr().err == ""


def test_a_v1_readq_refuses_the_upgraded_library(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _copy(tmp_path)
    Library.open(data)
    for module in (store, migrate):
        monkeypatch.setattr(module, "SCHEMA_VERSION", 1)
    with pytest.raises(FutureSchemaError, match="newer readq"):
        Library.open(data)


def test_a_damaged_v1_library_is_not_upgraded(tmp_path: Path) -> None:
    data = _copy(tmp_path)
    (data / "state" / "14.json").write_text("{not json")
    with pytest.raises(CorruptFileError):
        Library.open(data)
    assert _version(data) == 1
    assert not (data / "backups").exists() or not any((data / "backups").iterdir())


def test_new_fields_of_the_wrong_type_are_damage(tmp_path: Path) -> None:
    lib = Library.open(tmp_path / "lib")
    from readq.models import Paper

    lib.import_papers([Paper("a" * 16, "T", "abs", arxiv_id="2401.00001")])
    shard = tmp_path / "lib" / "catalog" / "a.json"
    for field, bad in (("arxiv_id", 5), ("author_names", "A, B"), ("comments", "3")):
        docs = json.loads(shard.read_text())
        doc = next(iter(docs["papers"].values()))
        doc[field] = bad
        shard.write_text(json.dumps(docs))
        with pytest.raises(CorruptFileError, match="wrong type"):
            Library.open(tmp_path / "lib")


OPEN = "import sys; from readq.library import Library; Library.open(sys.argv[1]); print('done')"


def test_kill_9_during_the_upgrade_leaves_v1_or_v2(tmp_path: Path) -> None:
    """SIGKILL at random moments of an upgrade: the next open finds format 1 or 2, never a
    mix, and the papers and state are those of format 1."""
    rounds = int(os.environ.get("READQ_MIGRATION_KILLS", "12"))
    rng = random.Random(11)
    probe = _copy(tmp_path / "probe")
    started = time.monotonic()
    subprocess.run([sys.executable, "-c", OPEN, str(probe)], check=True, capture_output=True)
    whole = time.monotonic() - started
    seen: set[int] = set()
    for n in range(rounds):
        data = _copy(tmp_path / str(n))
        before = _data_files(data)
        proc = subprocess.Popen([sys.executable, "-c", OPEN, str(data)], stdout=subprocess.PIPE)
        time.sleep(rng.uniform(0.5, 1.2) * whole)
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
        version = _version(data)
        seen.add(version)
        assert version in (1, 2)
        assert _data_files(data) == before
        lib = Library.open(data)
        assert _version(data) == 2 and len(lib) == 4 and lib.state(STARRED).starred
    assert seen  # (which versions were hit depends on timing)
