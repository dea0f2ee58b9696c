"""``readq list`` as a whole process, before and after, in one run (issue 12).

Usage:  python benchmarks/bench_cli.py DATA_DIR BEFORE_SRC [-n 10] [--cached-bytecode]

Runs ``python -m readq --data-dir DATA_DIR list ...`` with ``PYTHONPATH=BEFORE_SRC`` (an
older checkout's ``src``) and with this checkout's ``src``, alternating round by round
(the machines are shared and noisy: only figures of one run compare), and prints the
median wall and CPU time of each. It first checks that both print the same bytes.
``--cached-bytecode`` lets both write and use ``.pyc`` files (in a temp dir), as an
installed readq does; by default the environment decides (``PYTHONDONTWRITEBYTECODE``).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

AFTER_SRC = Path(__file__).resolve().parent.parent / "src"
CASES = {
    "list QUERY --limit 20": ["list", "speculative decoding", "--limit", "20"],
    "list QUERY --limit 20 --json": ["list", "speculative decoding", "--limit", "20", "--json"],
    "list --limit 20": ["list", "--limit", "20"],
    "--version": ["--version"],
}


def _env(src: Path, pyc: Path | None) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(src), COLUMNS="100")
    if pyc is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(pyc / src.as_posix().strip("/").replace("/", "_"))
    return env


def _run(argv: list[str], env: dict[str, str]) -> tuple[float, float, bytes]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(argv, env=env, capture_output=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu, proc.stdout + b"\0" + proc.stderr + bytes([proc.returncode])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data_dir")
    ap.add_argument("before_src")
    ap.add_argument("-n", type=int, default=10)
    ap.add_argument("--cached-bytecode", action="store_true")
    args = ap.parse_args()
    pyc = Path(tempfile.mkdtemp(prefix="readq-bench-pyc-")) if args.cached_bytecode else None
    sides = {"before": _env(Path(args.before_src), pyc), "after": _env(AFTER_SRC, pyc)}
    print(
        f"load average {os.getloadavg()[0]:.1f}; {args.n} rounds; bytecode "
        f"{'cached' if pyc else 'as the environment says'}"
    )
    print("| command | before wall | after wall | after/before | before CPU | after CPU |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, words in CASES.items():
        argv = [sys.executable, "-m", "readq", "--data-dir", args.data_dir, *words]
        outputs = {side: _run(argv, env)[2] for side, env in sides.items()}  # warm-up
        same = "" if outputs["before"] == outputs["after"] else " (OUTPUT DIFFERS)"
        walls: dict[str, list[float]] = {side: [] for side in sides}
        cpus: dict[str, list[float]] = {side: [] for side in sides}
        for _ in range(args.n):
            for side, env in sides.items():
                wall, cpu, _ = _run(argv, env)
                walls[side].append(wall)
                cpus[side].append(cpu)
        b, a = (statistics.median(walls[s]) * 1000 for s in ("before", "after"))
        cb, ca = (statistics.median(cpus[s]) * 1000 for s in ("before", "after"))
        print(
            f"| `readq {name}`{same} | {b:.0f} ms | {a:.0f} ms | {a / b:.2f}x "
            f"| {cb:.0f} ms | {ca:.0f} ms |"
        )


if __name__ == "__main__":
    main()
