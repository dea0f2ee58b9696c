"""Fault tests for the config file (``READQ_CONFIG``): SIGKILL during saves, damaged and
hostile files (never a hang: each runs in a child process with a timeout), and two
processes saving at once."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from readq.config import load_settings

SAVER = r"""
import sys
from pathlib import Path
from readq.config import save_setting
path, start = Path(sys.argv[1]), int(sys.argv[2])
i = start
while True:
    print(f"try {i}", flush=True)
    save_setting("export_path", f"/papers/{i}.md", path)
    print(f"ok {i}", flush=True)
    i += 1
"""


def test_sigkill_while_saving_settings_leaves_the_old_or_the_new_value(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('# my settings\ntheme = "nord"\n', encoding="utf-8")
    rng = random.Random(3)
    saved: str | None = None
    step = 0
    for _ in range(15):
        proc = subprocess.Popen(
            [sys.executable, "-c", SAVER, str(path), str(step)],
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
        oks = [int(i) for status, i in lines if status == "ok"]
        in_doubt = int(lines[-1][1]) if lines[-1][0] == "try" else None
        settings, problems = load_settings(path)
        assert problems == []
        allowed = {f"/papers/{oks[-1]}.md" if oks else saved}
        if in_doubt is not None:
            allowed.add(f"/papers/{in_doubt}.md")
        assert settings.export_path in allowed
        assert settings.theme == "nord"
        assert path.read_text(encoding="utf-8").startswith("# my settings\n")
        saved = settings.export_path
        step = int(lines[-1][1]) + 1


def _hostile(kind: str, path: Path) -> None:
    if kind == "binary bytes":
        path.write_bytes(bytes(range(256)) * 8)
    elif kind == "a 50 MB file":
        with open(path, "wb") as f:  # sparse: instant to make, 50 MB to read
            f.truncate(50 * 1024 * 1024)
    elif kind == "a FIFO":
        os.mkfifo(path)
    elif kind == "a directory":
        path.mkdir()
    elif kind == "a symlink to /dev/zero":
        path.symlink_to("/dev/zero")
    elif kind == "NUL in a string":
        path.write_bytes(b'theme = "no\x00rd"\n')
    elif kind == "deep nesting":
        path.write_bytes(b"keys = " + b"[" * 100_000 + b"\n")
    elif kind == "huge int":
        path.write_bytes(b"split = " + b"9" * 5000 + b"\n")


PROBE = r"""
import sys
from pathlib import Path
from readq.config import ConfigError, load_settings, save_setting, Settings
path = Path(sys.argv[1])
settings, problems = load_settings(path)
print(settings == Settings(), len(problems))
for p in problems:
    print("problem:", p)
try:
    save_setting("theme", "nord", path)
    print("saved")
except ConfigError as exc:
    print("refused:", exc)
"""

HOSTILE = [
    "binary bytes",
    "a 50 MB file",
    "a FIFO",
    "a directory",
    "a symlink to /dev/zero",
    "NUL in a string",
    "deep nesting",
]


@pytest.mark.parametrize("kind", HOSTILE)
def test_a_damaged_or_hostile_config_gives_defaults_and_one_line_and_is_never_overwritten(
    tmp_path: Path, kind: str
) -> None:
    path = tmp_path / "config.toml"
    _hostile(kind, path)
    before = path.read_bytes() if path.is_file() and not path.is_symlink() else None
    started = time.monotonic()
    run = subprocess.run(
        [sys.executable, "-c", PROBE, str(path)],
        check=False,
        capture_output=True,
        text=True,
        timeout=20,
    )
    assert time.monotonic() - started < 15, f"{kind}: took too long"
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == "True 1", (kind, run.stdout)  # the defaults, and one problem
    assert lines[1].startswith("problem: ") and str(path) in lines[1], lines[1]
    assert lines[2].startswith("refused: ") and "not saved" in lines[2], (kind, lines[2])
    assert len(lines) == 3
    if before is not None:
        assert path.read_bytes() == before, f"{kind}: the file was overwritten"
    assert os.path.islink(path) == (kind == "a symlink to /dev/zero")


TWO_SAVERS = r"""
import sys
from pathlib import Path
from readq.config import save_setting
path, key = Path(sys.argv[1]), sys.argv[2]
for i in range(60):
    if key == "split":
        save_setting("split", 20 + i % 60, path)
    else:
        save_setting("export_path", f"/papers/{i}.md", path)
print("done")
"""


def test_two_processes_saving_different_keys_at_once_keep_both(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", TWO_SAVERS, str(path), key], stdout=subprocess.PIPE, text=True
        )
        for key in ("split", "export_path")
    ]
    outs = [p.communicate(timeout=60)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0] and all(o.strip() == "done" for o in outs)
    settings, problems = load_settings(path)
    assert problems == []
    assert settings.split == 20 + 59 % 60 and settings.export_path == "/papers/59.md"
