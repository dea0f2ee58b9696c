"""Fault tests for ``export-state.json`` (``readq export --since-last``): damaged and
hostile files are one line and exit 65 (never a hang: FIFOs and devices run in a child
with a timeout), and SIGKILL during exports leaves the old time or the new one."""

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

from readq.cli import main
from readq.export.state import last_export, state_path
from readq.ids import paper_id
from readq.library import Library
from readq.models import Paper


def _seed(data: Path) -> None:
    lib = Library.open(data)
    lib.import_papers(
        [Paper(paper_id(f"Export paper {k}"), f"Export paper {k}", "abs") for k in range(5)]
    )
    lib.set_field([paper_id(f"Export paper {k}") for k in range(5)], "starred", True)


GOOD = b'{"version": 1, "last_export": "2026-11-30T10:00:00Z"}\n'
DAMAGED = [
    ("empty", b""),
    ("truncated", GOOD[:20]),
    ("binary", bytes(range(256))),
    ("invalid UTF-8", GOOD.replace(b"2026", b"\xff\xfe", 1)),
    ("a list", b"[]"),
    ("wrong type", b'{"version": 1, "last_export": 20261130}'),
    ("not a time", b'{"version": 1, "last_export": "../../etc/passwd"}'),
    (
        "duplicate keys",
        b'{"last_export": "2026-11-30T10:00:00Z", "last_export": "2020-01-01T00:00:00Z"}',
    ),
    ("huge int", b'{"last_export": ' + b"9" * 50_000 + b"}"),
    ("deep nesting", b'{"last_export": ' + b"[" * 100_000 + b"}"),
    ("NaN", b'{"last_export": NaN}'),
    ("huge file", GOOD + b" " * (2 * 1024 * 1024)),
]


@pytest.mark.parametrize("name, raw", DAMAGED, ids=[n for n, _ in DAMAGED])
def test_a_damaged_export_state_is_exit_65_in_one_line_and_kept(
    data_dir: Path, capsys: pytest.CaptureFixture[str], name: str, raw: bytes
) -> None:
    _seed(data_dir)
    path = state_path(data_dir)
    path.write_bytes(raw)
    capsys.readouterr()
    code = main(["export", "--since-last"])
    out, err = capsys.readouterr()
    assert code == 65, (name, err)
    assert out == "" and len(err.strip().splitlines()) == 1 and "export-state.json" in err
    assert path.read_bytes() == raw


PROBE = r"""
import sys
from readq.cli import main
sys.exit(main(["--data-dir", sys.argv[1], "export", "--since-last"]))
"""


@pytest.mark.parametrize("kind", ["a FIFO", "a symlink to /dev/zero", "a directory"])
def test_a_fifo_device_or_directory_as_export_state_does_not_hang(
    tmp_path: Path, kind: str
) -> None:
    data = tmp_path / "lib"
    _seed(data)
    path = state_path(data)
    if kind == "a FIFO":
        os.mkfifo(path)
    elif kind == "a directory":
        path.mkdir()
    else:
        path.symlink_to("/dev/zero")
    run = subprocess.run(
        [sys.executable, "-c", PROBE, str(data)],
        check=False,
        capture_output=True,
        text=True,
        timeout=20,
    )
    assert run.returncode in (65, 77), run.stderr
    assert run.stdout == "" and len(run.stderr.strip().splitlines()) == 1, run.stderr
    assert "Traceback" not in run.stderr


EXPORTER = r"""
import sys
from readq.export.state import record_export
data, start = sys.argv[1], int(sys.argv[2])
i = start
while True:
    h, m, sec = i // 3600 % 24, i // 60 % 60, i % 60
    when = f"2026-12-{1 + i // 86400 % 28:02d}T{h:02d}:{m:02d}:{sec:02d}Z"
    print(f"try {i} {when}", flush=True)
    record_export(__import__("pathlib").Path(data), when)
    print(f"ok {i} {when}", flush=True)
    i += 1
"""


def test_sigkill_while_recording_an_export_leaves_the_old_time_or_the_new(tmp_path: Path) -> None:
    data = tmp_path / "lib"
    _seed(data)
    rng = random.Random(11)
    saved: str | None = None
    step = 0
    for _ in range(15):
        proc = subprocess.Popen(
            [sys.executable, "-c", EXPORTER, str(data), str(step)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout and proc.stderr
        first = proc.stdout.readline()
        time.sleep(rng.uniform(0.0, 0.03))
        proc.send_signal(signal.SIGKILL)
        rest, err = proc.stdout.read(), proc.stderr.read()
        proc.wait(timeout=30)
        assert proc.returncode == -signal.SIGKILL, err
        lines = [line.split() for line in [first, *rest.splitlines()] if line.strip()]
        oks = [when for status, _, when in lines if status == "ok"]
        allowed = {oks[-1] if oks else saved}
        if lines[-1][0] == "try":
            allowed.add(lines[-1][2])
        assert last_export(data) in allowed
        if state_path(data).exists():
            assert json.loads(state_path(data).read_text(encoding="utf-8"))["version"] == 1
        else:  # killed before the first record was written: nothing recorded, no file
            assert saved is None and not oks
        saved = last_export(data)
        step = int(lines[-1][1]) + 1
    # a real export --since-last works afterwards, and records a new time
    assert (
        main(["--data-dir", str(data), "export", "--since-last", "-o", str(tmp_path / "out.md")])
        == 0
    )
    assert last_export(data) != saved
