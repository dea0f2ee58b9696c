"""Fault tests: SIGKILL at random points, a lock held by a stopped process, failing I/O.

``READQ_KILL_ROUNDS`` sets the number of kills (default 200, as CI runs it); the
``slow`` marker runs a heavier version (``pytest -m slow``).
"""

from __future__ import annotations

import errno
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from readq.errors import LockTimeoutError, StoreWriteError
from readq.ids import paper_id
from readq.library import Library
from readq.models import Paper
from readq.storage import fsutil
from readq.storage import store as store_mod

WRITER = r"""
import sys
from readq.ids import paper_id
from readq.library import Library
from readq.models import Paper

data, start = sys.argv[1], int(sys.argv[2])
lib = Library.open(data)
ids = sorted(paper_id(f"Seed paper {k}") for k in range(40))  # fixed: imports don't shift it
out = sys.stdout
i = start
while True:
    pid = ids[i % len(ids)]
    kind = i % 4
    if kind == 0:
        value = i % 8 == 0
        out.write(f"try star {i} {pid} {value}\n"); out.flush()
        lib.set_field([pid], "starred", value)
        out.write(f"ok star {i} {pid} {value}\n"); out.flush()
    elif kind in (1, 2):
        note = f"note {i} " + "x" * (i * 37 % 900)  # notes that grow and shrink
        out.write(f"try note {i} {pid} {i}\n"); out.flush()
        lib.set_note(pid, note)
        out.write(f"ok note {i} {pid} {i}\n"); out.flush()
    else:
        batch = [Paper(paper_id(f"batch {i} paper {k}"), f"batch {i} paper {k}", "abstract " * 50)
                 for k in range(12)]
        out.write(f"try import {i} - -\n"); out.flush()
        lib.import_papers(batch)
        out.write(f"ok import {i} - -\n"); out.flush()
    i += 1
"""

SEED_IDS = sorted(paper_id(f"Seed paper {k}") for k in range(40))


def _seed_library(data_dir: Path) -> None:
    Library.open(data_dir).import_papers(
        [Paper(paper_id(f"Seed paper {k}"), f"Seed paper {k}", "abstract") for k in range(40)]
    )


def _batch_ids(i: int) -> list[str]:
    return [paper_id(f"batch {i} paper {k}") for k in range(12)]


class _Ledger:
    """What the disk must hold: the last value reported saved for every (field, paper),
    and every import batch that landed. Exact: the only write allowed to be in doubt is
    the one the writer had started (``try``) when it was killed."""

    def __init__(self) -> None:
        self.saved: dict[tuple[str, str], str] = {}
        for pid in SEED_IDS:
            self.saved[("star", pid)] = "False"
            self.saved[("note", pid)] = ""
        self.imports: set[int] = set()

    def check(self, data_dir: Path, log: list[str]) -> int:
        """Check the disk against the log of one killed writer; return the next step."""
        lib = Library.open(data_dir)  # raises if any file is damaged
        assert not list(data_dir.rglob("*" + fsutil.TMP_SUFFIX))
        lines = [line.split() for line in log if line.strip()]
        assert lines, "the writer printed nothing"
        for parts in lines:  # one write() per line: never cut, never lost
            assert len(parts) == 5 and parts[0] in ("try", "ok"), parts
        in_doubt: tuple[str, int, str, str] | None = None
        last_i = -1
        for n, (status, kind, i_text, pid, value) in enumerate(lines):
            i = int(i_text)
            last_i = max(last_i, i)
            if status == "try":
                done = n + 1 < len(lines) and lines[n + 1][:3] == ["ok", kind, i_text]
                assert done or n == len(lines) - 1, f"try {kind} {i} never reported saved"
                if not done:
                    in_doubt = (kind, i, pid, value)
                continue
            if kind == "import":
                self.imports.add(i)
            else:
                self.saved[(kind, pid)] = value
        if in_doubt and in_doubt[0] == "import":
            landed = [pid in lib.entries for pid in _batch_ids(in_doubt[1])]
            assert all(landed) or not any(landed), f"import {in_doubt[1]} half applied"
            if all(landed):
                self.imports.add(in_doubt[1])
        for i in self.imports:
            assert all(pid in lib.entries for pid in _batch_ids(i)), f"import {i} lost"
        expected_papers = 40 + 12 * len(self.imports)
        assert len(lib.entries) == expected_papers, "papers appeared from nowhere"
        for (kind, pid), value in self.saved.items():
            st = lib.state(pid)
            actual = str(st.starred) if kind == "star" else (st.note.split()[1] if st.note else "")
            allowed = {value}
            if in_doubt and in_doubt[0] == kind and in_doubt[2] == pid:
                allowed.add(in_doubt[3])
            assert actual in allowed, f"{kind} {pid}: disk has {actual!r}, saved was {value!r}"
            self.saved[(kind, pid)] = actual  # the write in doubt, if it landed, is saved
        assert set(lib.states) <= set(SEED_IDS)
        return last_i + 1


def _kill_rounds(data_dir: Path, rounds: int) -> None:
    _seed_library(data_dir)
    rng = random.Random(1234)
    ledger = _Ledger()
    step = 0
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    for _ in range(rounds):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(data_dir), str(step)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert proc.stdout and proc.stderr
        # wait until it has started writing, then kill at a random moment
        first = proc.stdout.readline()
        time.sleep(rng.uniform(0.0, 0.04))
        proc.send_signal(signal.SIGKILL)
        # Read the rest through the same buffered reader: readline() may already hold
        # more lines in its buffer (communicate() would read past them and lose them).
        rest, err = proc.stdout.read(), proc.stderr.read()
        proc.wait(timeout=30)
        assert proc.returncode == -signal.SIGKILL, err
        step = ledger.check(data_dir, [first, *rest.splitlines()])


def test_sigkill_at_random_points_never_damages_or_loses_saved_changes(tmp_path: Path) -> None:
    _kill_rounds(tmp_path / "lib", int(os.environ.get("READQ_KILL_ROUNDS", "200")))


@pytest.mark.slow
def test_sigkill_heavy(tmp_path: Path) -> None:
    _kill_rounds(tmp_path / "lib", 1000)


TOGGLER = r"""
import sys
from readq.library import Library
lib = Library.open(sys.argv[1])
pid, n = sys.argv[2], int(sys.argv[3])
for i in range(n):
    st = lib.update({pid: {"starred": not lib.states.get(pid) or not lib.states[pid].starred}})
print("done")
"""

NOTER = r"""
import sys
from readq.ids import paper_id
from readq.library import Library
lib = Library.open(sys.argv[1])
tag, n = sys.argv[2], int(sys.argv[3])
for i in range(n):
    lib.set_note(paper_id(f"Paper {tag} {i}"), f"{tag} note {i}")
print("done")
"""


def test_two_processes_toggling_and_noting_at_once_end_exact(tmp_path: Path) -> None:
    data = tmp_path / "lib"
    papers = [
        Paper(paper_id(f"Paper {t} {i}"), f"Paper {t} {i}", "abs")
        for t in ("a", "b")
        for i in range(300)
    ]
    papers += [Paper(paper_id(t), t, "abs") for t in ("Toggle A", "Toggle B")]
    Library.open(data).import_papers(papers)
    a, b = paper_id("Toggle A"), paper_id("Toggle B")
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", TOGGLER, str(data), a, "1000"], stdout=subprocess.PIPE, text=True
        ),
        subprocess.Popen(
            [sys.executable, "-c", TOGGLER, str(data), b, "1000"], stdout=subprocess.PIPE, text=True
        ),
        subprocess.Popen(
            [sys.executable, "-c", NOTER, str(data), "a", "300"], stdout=subprocess.PIPE, text=True
        ),
        subprocess.Popen(
            [sys.executable, "-c", NOTER, str(data), "b", "300"], stdout=subprocess.PIPE, text=True
        ),
    ]
    outs = [p.communicate(timeout=600)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0]
    assert all(o.strip() == "done" for o in outs)
    lib = Library.open(data)
    # 1000 toggles each from unstarred: even count, so both end unstarred
    assert not lib.state(a).starred and not lib.state(b).starred
    notes = {pid: st.note for pid, st in lib.states.items() if st.note}
    assert len(notes) == 600
    assert notes[paper_id("Paper a 299")] == "a note 299"


HOLDER = r"""
import sys, time
from pathlib import Path
from readq.storage.lock import library_lock
with library_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    time.sleep(60)
"""


def test_a_lock_held_by_a_stopped_process_times_out_naming_it(tmp_path: Path) -> None:
    data = tmp_path / "lib"
    _seed_library(data)
    before = {p: p.read_bytes() for p in data.rglob("*.json")}
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(data)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout and holder.stdout.readline().strip() == "locked"
        os.kill(holder.pid, signal.SIGSTOP)
        lib = Library.open(data, lock_timeout=0.5)
        started = time.monotonic()
        with pytest.raises(LockTimeoutError, match=f"PID {holder.pid}"):
            lib.set_field([next(iter(lib.entries))], "starred", True)
        assert time.monotonic() - started < 5
        assert {p: p.read_bytes() for p in data.rglob("*.json")} == before
    finally:
        os.kill(holder.pid, signal.SIGCONT)
        holder.kill()
        holder.wait()
    # once the holder is gone the lock is free again (the kernel released it)
    Library.open(data).set_field([next(iter(Library.open(data).entries))], "starred", True)


@pytest.mark.parametrize("fail_at", range(1, 7))
@pytest.mark.parametrize("err", [errno.ENOSPC, errno.EIO, errno.EROFS])
def test_io_error_at_each_step_of_a_write_leaves_the_old_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fail_at: int, err: int
) -> None:
    """Fail the Nth file-system call of a write; old bytes stay, memory matches disk."""
    data = tmp_path / "lib"
    lib = Library.open(data)
    lib.import_papers([Paper(paper_id(f"P{i}"), f"P{i}", "abs") for i in range(3)])
    pid = paper_id("P1")
    lib.set_note(pid, "the old note")
    before = {p: p.read_bytes() for p in data.rglob("*.json")}

    calls = {"n": 0}

    def wrap(real):  # type: ignore[no-untyped-def]
        def fn(*a, **k):  # type: ignore[no-untyped-def]
            calls["n"] += 1
            if calls["n"] == fail_at:
                raise OSError(err, os.strerror(err))
            return real(*a, **k)

        return fn

    with monkeypatch.context() as m:
        for name in ("fsync", "replace", "fdopen", "chmod"):
            m.setattr(store_mod.os, name, wrap(getattr(os, name)))
        m.setattr(fsutil.tempfile, "mkstemp", wrap(fsutil.tempfile.mkstemp))
        try:
            lib.set_note(pid, "the new note " * 50)
            saved = True
        except StoreWriteError as exc:
            saved = False
            assert "NOT saved" in str(exc)
    fresh = Library.open(data)
    assert fresh.state(pid).note == lib.state(pid).note  # memory matches disk
    if not saved:
        assert fresh.state(pid).note == "the old note"
        assert {p: p.read_bytes() for p in data.rglob("*.json")} == before
    assert not list(data.rglob("*" + fsutil.TMP_SUFFIX))
