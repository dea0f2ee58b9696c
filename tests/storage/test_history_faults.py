"""Fault tests for the undo history (``history.json``), the same four as the store's:
SIGKILL at random moments, damaged files, two writers at once, hostile entries.

``READQ_KILL_ROUNDS`` scales the kills (default 200 there, a tenth of it here: each
round starts a Python process)."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from readq import history
from readq.cli import main
from readq.ids import paper_id
from readq.library import Library
from readq.models import Paper
from readq.storage.store import Store

IDS = sorted(paper_id(f"History paper {k}") for k in range(8))

WRITER = r"""
import sys
from readq import history
from readq.library import Library

data, start, ids = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(",")
lib = Library.open(data)
out = sys.stdout
i = start
while True:
    pid, value = ids[i % len(ids)], (i // len(ids)) % 2 == 0
    out.write(f"try {i}\n"); out.flush()
    change = history.update(lib, {pid: {"starred": value}}, f"star {i}")
    changed = int(bool(history.Step.of_change(change, "")))  # a no-op is not a step
    out.write(f"ok {i} {changed}\n"); out.flush()
    i += 1
"""


def _seed(data: Path) -> Library:
    lib = Library.open(data)
    lib.import_papers(
        [Paper(paper_id(f"History paper {k}"), f"History paper {k}", "abs") for k in range(8)]
    )
    return lib


def _files(data: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(data)): p.read_bytes()
        for p in sorted(data.rglob("*"))
        if p.is_file()
        and ".corrupt-" not in p.name
        and p.name != "readq.lock"
        and "backups" not in p.parts
    }


def test_sigkill_while_recording_history_never_damages_it_nor_undoes_the_uncommitted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "lib"
    _seed(data)
    rng = random.Random(77)
    tried: set[int] = set()
    step = 0
    rounds = max(10, int(os.environ.get("READQ_KILL_ROUNDS", "200")) // 10)
    for _ in range(rounds):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(data), str(step), ",".join(IDS)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        assert proc.stdout and proc.stderr
        first = proc.stdout.readline()
        time.sleep(rng.uniform(0.0, 0.05))
        proc.send_signal(signal.SIGKILL)
        rest, err = proc.stdout.read(), proc.stderr.read()
        proc.wait(timeout=30)
        assert proc.returncode == -signal.SIGKILL, err
        lines = [line.split() for line in [first, *rest.splitlines()] if line.strip()]
        oks = {int(parts[1]) for parts in lines if parts[0] == "ok" and parts[2] == "1"}
        tried |= {int(parts[1]) for parts in lines}
        # the file is always valid JSON of the right shape
        raw = json.loads((data / history.HISTORY_FILE).read_text(encoding="utf-8"))
        assert set(raw) == {"undo", "redo"}
        undo_steps, _ = history.load(Store(data))
        labels = [int(s.label.split()[1]) for s in undo_steps]
        assert labels == sorted(labels), "steps out of order"
        assert set(labels) <= tried, "a step that was never tried"
        assert oks <= set(labels) or len(labels) == history.LIMIT, "a recorded step was lost"
        lib = Library.open(data)
        for s in undo_steps:  # a step recorded is committed: when it is a paper's newest
            pid = next(iter(s.after))  # try, what it says it did is on disk
            if int(s.label.split()[1]) == max(i for i in tried if IDS[i % 8] == pid):
                assert lib.state(pid).starred == s.after[pid]["starred"], s
        step = max(tried) + 1
    # undo works afterwards, and each undo puts back exactly what its step changed
    for _ in range(5):
        undo_steps, _ = history.load(Store(data))
        newest = undo_steps[-1]
        pid = next(iter(newest.after))
        assert main(["--data-dir", str(data), "undo"]) == 0
        assert Library.open(data).state(pid).starred == newest.before[pid]["starred"]
    assert not list(data.glob("*.corrupt-*"))
    capsys.readouterr()


def _history_variants(raw: bytes) -> list[tuple[str, bytes]]:
    rng = random.Random(5)
    out = [(f"truncated to {k}", raw[:k]) for k in range(0, len(raw), max(1, len(raw) // 40))]
    out += [
        ("binary", bytes(range(256)) * 4),
        ("a list", b"[1, 2]"),
        ("undo not an object", b'{"undo": [], "redo": {}}'),
        ("wrong types", raw.replace(b'"starred":true', b'"starred":"yes"', 1)),
        ("label not a string", raw.replace(b'"label":"star"', b'"label":7', 1)),
        ("duplicate step", raw.replace(b'{"1":', b'{"1":{},"1":', 1)),
        ("huge int", raw.replace(b'"starred":true', b'"starred":' + b"9" * 5000, 1)),
        ("deep nesting", raw.replace(b'"starred":true', b'"starred":' + b"[" * 100000, 1)),
        ("NaN", raw.replace(b'"starred":true', b'"starred":NaN', 1)),
    ]
    for i in range(30):
        flipped = bytearray(raw)
        flipped[rng.randrange(len(raw))] ^= 1 << rng.randrange(8)
        out.append((f"bit flip {i}", bytes(flipped)))
    return out


def test_a_damaged_history_is_refused_by_undo_in_one_line_and_kept(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lib = _seed(data_dir)
    history.update(lib, {IDS[0]: {"starred": True}}, "star")
    path = data_dir / history.HISTORY_FILE
    raw = path.read_bytes()
    assert b'"starred":true' in raw and b'"label":"star"' in raw
    for name, damaged in _history_variants(raw):
        for old in data_dir.glob("*.corrupt-*"):
            old.unlink()
        path.write_bytes(damaged)
        before = _files(data_dir)
        capsys.readouterr()
        for args in (["undo", "--list"], ["undo"], ["redo"]):
            code = main(args)
            err = capsys.readouterr().err.strip()
            if code == 0 or err.startswith("readq: nothing to redo"):
                continue  # a bit flip that left valid data of the same shape
            assert code != 0 and len(err.splitlines()) == 1, (name, args, err)
            assert "Traceback" not in err and "internal error" not in err, (name, err)
            if args[0] == "undo":
                assert "history.json" in err or "not in the library" in err, (name, err)
            assert _files(data_dir) == before, f"{name}: {args} changed something"
        if _files(data_dir) == before and main(["undo", "--list"]) != 0:
            assert path.read_bytes() == damaged, f"{name}: the damaged file was overwritten"
        capsys.readouterr()
        path.write_bytes(raw)
        Library.open(data_dir).update({IDS[0]: {"starred": True}})


RECORDER = r"""
import sys
from readq import history
from readq.library import Library
lib = Library.open(sys.argv[1])
tag, ids = sys.argv[2], sys.argv[3].split(",")
for i in range(40):
    history.update(lib, {ids[i % len(ids)]: {"note": f"{tag} {i}"}}, f"{tag} {i}")
print("done")
"""


def test_two_processes_recording_at_once_lose_no_step(tmp_path: Path) -> None:
    data = tmp_path / "lib"
    _seed(data)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", RECORDER, str(data), tag, ",".join(ids)],
            stdout=subprocess.PIPE,
            text=True,
        )
        for tag, ids in (("a", IDS[:4]), ("b", IDS[4:]))
    ]
    outs = [p.communicate(timeout=120)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0] and all(o.strip() == "done" for o in outs)
    undo_steps, _ = history.load(Store(data))
    labels = [s.label for s in undo_steps]
    assert sorted(labels) == sorted(f"{t} {i}" for t in "ab" for i in range(40))
    for tag in "ab":  # each process's steps in its own order
        mine = [int(label.split()[1]) for label in labels if label.startswith(tag)]
        assert mine == sorted(mine)


def _hostile(pid: str, before: dict[str, object], after: dict[str, object]) -> bytes:
    step = {
        "label": "star",
        "time": "2026-12-01T00:00:00Z",
        "before": {pid: before},
        "after": {pid: after},
    }
    return json.dumps({"undo": {"1": step}, "redo": {"1": step}}).encode()


HOSTILE = [
    ("unknown paper", _hostile("0123456789abcdef", {"starred": False}, {"starred": True})),
    ("path characters", _hostile("../../etc/passwd", {"starred": False}, {"starred": True})),
    ("not a state field", _hostile(IDS[0], {"title": "a"}, {"title": "b"})),
    ("dunder field", _hostile(IDS[0], {"__class__": "a"}, {"__class__": "b"})),
    ("value of the wrong type", _hostile(IDS[0], {"starred": "no"}, {"starred": "yes"})),
    ("note not a string", _hostile(IDS[0], {"note": ""}, {"note": ["x"]})),
    (
        "catalog entry of another id",
        json.dumps(
            {
                "undo": {},
                "redo": {
                    "1": {
                        "label": "import",
                        "time": "t",
                        "added": {IDS[0]: {"id": IDS[1], "title": "Evil"}},
                    }
                },
            }
        ).encode(),
    ),
]


@pytest.mark.parametrize("name, raw", HOSTILE, ids=[n for n, _ in HOSTILE])
def test_a_hostile_history_entry_is_refused_clearly(
    data_dir: Path, capsys: pytest.CaptureFixture[str], name: str, raw: bytes
) -> None:
    _seed(data_dir)
    path = data_dir / history.HISTORY_FILE
    path.write_bytes(raw)
    before = _files(data_dir)
    capsys.readouterr()
    for args in (["undo"], ["redo"]):
        code = main(args)
        err = capsys.readouterr().err.strip()
        assert code != 0 and len(err.splitlines()) == 1, (name, args, err)
        assert "internal error" not in err, (name, err)
        assert _files(data_dir) == before, f"{name}: {args} changed something"
    assert path.read_bytes() == raw
    lib = Library.open(data_dir)
    assert "0123456789abcdef" not in lib.states and len(lib.entries) == 8
