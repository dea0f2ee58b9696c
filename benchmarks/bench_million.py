"""1,000,000 papers (issue 12): import, launch and per-keystroke figures.

Issue 12 asks, at 1,000,000 papers (ten listings of 100k: imports over 256 MB are
refused by design), for import, launch and per-keystroke figures, with the goals
launch < 5 s and per-keystroke median < 50 ms. This script measures, on one data dir
kept under ``--workdir`` (default ``/tmp/readq-million``) so that it can be re-run
quickly against newer code:

1. ten listings of 100,000 papers from ``/work/shared/tools/gen_papers.py``. By default
   they are the ten consecutive slices of *one* generator run of 1,000,000 papers
   (``-n 1000000 --seed 1``; the generator is prefix-stable, so the first slice is the
   ``-n 100000 --seed 1`` file): titles are unique within one run only, and ten runs
   with seeds 1..10 (``--listings seeds``) share ~5% of their titles, which merge into
   948,809 papers instead of 1,000,000;
2. the imports with the real CLI, one ``readq --data-dir DIR add FILE`` process per
   file, each timed (wall clock and peak RSS of the process), into a fresh data dir;
   steps 1-2 are skipped when ``<workdir>/import.json`` says they are done;
3. the first ``readq list QUERY --limit 20`` of the run (after the imports it builds
   and saves the search index; with ``--rebuild-index`` the index file is deleted
   first so that the build is measured again), then ``readq list QUERY --limit 20``
   as a whole process with the index current (median over a few queries and rounds),
   and ``readq list --limit 20`` (no query: the whole catalog is read) once;
4. in a fresh process: ``Library.open``, ``SearchIndex.open_current(lib)``,
   ``index.prepare()``, then typing a few queries one key at a time
   (``index.search(text[:k], states=lib.states)``, term cache on, as in
   ``bench_search_disk.py``): median and p95 per keystroke, and the peak RSS of that
   process;
5. the reading queue (TUI) in fresh processes, headless (Textual ``run_test`` at
   120x40), measured as ``bench_tui.py`` does: launch to the first painted list (from
   starting the process: interpreter, imports and ``Library.open`` included), time
   until the search index is complete, keystroke to repainted list in the filter, peak
   RSS (no star toggles: the library is left as it was).

    nice python benchmarks/bench_million.py [--workdir /tmp/readq-million] [--write-docs]

``--write-docs`` writes the ``<!-- million:begin -->`` section of docs/performance.md
(made after the search section when missing). ``--json FILE`` keeps the raw figures,
``--from-json FILE`` renders saved ones.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
GEN = Path("/work/shared/tools/gen_papers.py")
DOC = REPO / "docs" / "performance.md"
N_FILES = 10
PER_FILE = 100_000
# as bench_search_disk.py: typed one key at a time on the opened index
TYPED = ["speculative decoding long", "difusion models", "author:dao mamba", "lora adapters"]
LIST_QUERIES = ["speculative decoding", "difusion", "quantization -survey"]
# as bench_tui.py: typed into the TUI's filter
TUI_QUERIES = [
    "diffusion",
    "lora adapters",
    "transformer",
    "retrieval augmented",
    "robot policy",
    "speech",
    "graph neural",
    "quantization",
]
TARGETS = {"launch_s": 5.0, "key_median_ms": 50.0}


def log(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def readq_exe() -> str:
    exe = Path(sys.executable).with_name("readq")
    return str(exe) if exe.exists() else shutil.which("readq") or "readq"


def run_measured(cmd: list[str], **kw: Any) -> dict[str, Any]:
    """Run ``cmd``; its wall-clock time, peak RSS (from wait4), exit code and output."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, **kw)
        _, status, usage = os.wait4(proc.pid, 0)
        took = time.perf_counter() - t
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return {
            "s": took,
            "rss_mb": usage.ru_maxrss / 1024,
            "rc": proc.returncode,
            "stdout": out.read().decode("utf-8", "replace"),
            "stderr": err.read().decode("utf-8", "replace"),
        }


# -- 1. listings ---------------------------------------------------------------------------


def make_listings(workdir: Path, mode: str, per_file: int = PER_FILE) -> list[Path]:
    where = workdir / "listings"
    where.mkdir(parents=True, exist_ok=True)
    if mode == "seeds":
        files = [where / f"seed-{k}.txt" for k in range(1, N_FILES + 1)]
        for k, path in enumerate(files, 1):
            if not path.exists():
                part = path.with_suffix(".part")
                cmd = [sys.executable, str(GEN), "-n", str(per_file), "--seed", str(k)]
                subprocess.run([*cmd, "-o", str(part)], check=True)
                part.rename(path)
        return files
    files = [where / f"split-{k:02d}.txt" for k in range(1, N_FILES + 1)]
    if all(p.exists() for p in files):
        return files
    # one run of the generator, its output cut into ten files of PER_FILE papers (with
    # the default options every paper is three blank-line separated blocks: title,
    # abstract, then meta line + "·" + date line)
    cmd = [sys.executable, str(GEN), "-n", str(N_FILES * per_file), "--seed", "1"]
    gen = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, encoding="utf-8")
    assert gen.stdout is not None
    blocks = 0
    k = 0
    out = None
    for line in gen.stdout:
        if out is None:
            out = files[k].with_suffix(".part").open("w", encoding="utf-8", newline="\n")
        out.write(line)
        if line == "\n":
            blocks += 1
            if blocks == 3 * per_file:
                out.close()
                files[k].with_suffix(".part").rename(files[k])
                out, blocks, k = None, 0, k + 1
    if gen.wait() != 0 or k != N_FILES:
        raise SystemExit(f"gen_papers.py failed or wrote {k} files of {per_file}")
    return files


# -- 2. imports ----------------------------------------------------------------------------

_SUMMARY = re.compile(r"(\d+) new, (\d+) already known, (\d+) updated")


def import_all(workdir: Path, files: list[Path], mode: str, per_file: int) -> dict[str, Any]:
    """Import the ten files into ``<workdir>/data`` (skipped when already done)."""
    state = workdir / "import.json"
    data = workdir / "data"
    if state.exists():
        done: dict[str, Any] = json.loads(state.read_text())
        if done.get("listings") == mode and done.get("per_file") == per_file and data.is_dir():
            log(f"imports already done ({state}): skipped")
            return done
    shutil.rmtree(data, ignore_errors=True)
    load = os.getloadavg()[0]
    rows: list[dict[str, Any]] = []
    for path in files:
        log(f"readq add {path.name} ...")
        r = run_measured([readq_exe(), "--data-dir", str(data), "add", str(path)])
        if r["rc"] != 0:
            raise SystemExit(f"readq add {path} failed ({r['rc']}):\n{r['stderr'][-2000:]}")
        m = _SUMMARY.search(r["stdout"])
        new, known, updated = (int(x) for x in m.groups()) if m else (-1, -1, -1)
        rows.append(
            {
                "file": path.name,
                "mb": path.stat().st_size / 2**20,
                "s": r["s"],
                "rss_mb": r["rss_mb"],
                "new": new,
                "known": known,
                "updated": updated,
                "merged": r["stderr"].count("merged as one paper"),
            }
        )
        log(f"  {r['s']:.1f} s, peak RSS {r['rss_mb']:.0f} MB, {new:,} new, {known:,} known")
    done = {
        "listings": mode,
        "per_file": per_file,
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "commit": git_commit(),
        "files": rows,
        "total_s": sum(f["s"] for f in rows),
        "papers_after": sum(f["new"] for f in rows),
        "disk_mb": du_mb(data),
        "load": [load, os.getloadavg()[0]],
    }
    state.write_text(json.dumps(done, indent=1))
    return done


def du_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def git_commit() -> str:
    r = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    return r.stdout.strip()


# -- 3. readq list as a whole process ------------------------------------------------------


def readq_list(data: Path, query: str | None) -> dict[str, Any]:
    cmd = [readq_exe(), "--data-dir", str(data), "list", "--limit", "20"]
    if query:
        cmd.insert(4, query)
    return run_measured(cmd)


def bench_list(data: Path, rounds: int, rebuild: bool) -> dict[str, Any]:
    from readq.search import persist

    idx = persist.index_path(data)
    if rebuild:
        idx.unlink(missing_ok=True)
    before = idx.stat().st_mtime_ns if idx.exists() else None
    log(f"first readq list {LIST_QUERIES[0]!r} (index on disk: {before is not None}) ...")
    first = readq_list(data, LIST_QUERIES[0])
    after = idx.stat().st_mtime_ns if idx.exists() else None
    built = after is not None and after != before
    log(f"  {first['s']:.1f} s, peak RSS {first['rss_mb']:.0f} MB, index written: {built}")
    out: dict[str, Any] = {
        "first_s": first["s"],
        "first_rss_mb": first["rss_mb"],
        "first_built_index": built,
        "first_stderr": first["stderr"].strip()[-500:],
        "index_mb": idx.stat().st_size / 2**20 if idx.exists() else 0.0,
    }
    times: dict[str, list[float]] = {q: [] for q in LIST_QUERIES}
    rss = 0.0
    for _ in range(rounds):
        for q in LIST_QUERIES:
            r = readq_list(data, q)
            times[q].append(r["s"])
            rss = max(rss, r["rss_mb"])
    out["list_ms"] = {q: statistics.median(v) * 1000 for q, v in times.items()}
    out["list_median_ms"] = statistics.median(x for v in times.values() for x in v) * 1000
    out["list_rss_mb"] = rss
    out["rounds"] = rounds
    still = idx.stat().st_mtime_ns if idx.exists() else None
    out["index_rewritten_meanwhile"] = still != after
    floor = readq_list(data, None)
    out["noquery_ms"] = floor["s"] * 1000
    out["noquery_rss_mb"] = floor["rss_mb"]
    log(f"  readq list QUERY median {out['list_median_ms']:.0f} ms; no query {floor['s']:.1f} s")
    return out


# -- 4. in-process: open the index, keystrokes ---------------------------------------------

_PROBE = r"""
import json, resource, sys, time
from readq.library import Library
from readq.search.index import SearchIndex
out = {}
t = time.perf_counter()
lib = Library.open(sys.argv[1])
out["library_open_s"] = time.perf_counter() - t
out["papers"] = len(lib.entries)
out["rss_library_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
opens = []
for _ in range(int(sys.argv[3])):
    index = None
    t = time.perf_counter()
    index = SearchIndex.open_current(lib)
    opens.append(time.perf_counter() - t)
    if index is None:
        print(json.dumps({"error": "the index on disk is not current"}))
        sys.exit(0)
out["opens"] = opens
t = time.perf_counter()
index.prepare()
out["prepare_s"] = time.perf_counter() - t
keys, per_query = [], {}
for text in json.loads(sys.argv[2]):
    lat = []
    for k in range(1, len(text) + 1):
        t = time.perf_counter()
        index.search(text[:k], states=lib.states)
        lat.append(time.perf_counter() - t)
    per_query[text] = lat
    keys += lat
out["keys"] = keys
out["per_query"] = per_query
out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


def bench_keystrokes(data: Path, opens: int) -> dict[str, Any]:
    log("in-process: Library.open, SearchIndex.open_current, keystrokes ...")
    cmd = [sys.executable, "-c", _PROBE, str(data), json.dumps(TYPED), str(opens)]
    r = run_measured(cmd)
    if r["rc"] != 0:
        raise SystemExit(f"keystroke probe failed:\n{r['stderr'][-3000:]}")
    got: dict[str, Any] = json.loads(r["stdout"].strip().splitlines()[-1])
    if "error" in got:
        raise SystemExit(f"keystroke probe: {got['error']}")
    keys = got.pop("keys")
    got |= {
        "open_s": statistics.median(got["opens"]),
        "key_median_ms": statistics.median(keys) * 1000,
        "key_p95_ms": pct(keys, 95) * 1000,
        "key_max_ms": max(keys) * 1000,
        "key_count": len(keys),
        "per_query_ms": {
            q: [statistics.median(v) * 1000, max(v) * 1000] for q, v in got["per_query"].items()
        },
        "process_s": r["s"],
    }
    del got["per_query"]
    log(
        f"  {got['papers']:,} papers; open_current {got['open_s']:.2f} s; keystroke median"
        f" {got['key_median_ms']:.1f} ms, p95 {got['key_p95_ms']:.1f} ms;"
        f" RSS {got['rss_mb']:.0f} MB"
    )
    return got


# -- 5. the TUI: launch to first paint, keystroke to repaint -------------------------------


def bench_tui(data: Path, runs: int) -> dict[str, Any]:
    from bench_tui import child_command  # type: ignore[import-not-found]

    got = []
    for i in range(runs):
        log(f"TUI run {i + 1}/{runs} ...")
        # bench_tui.py's child: first paint = first PaperList.render_line; a keystroke
        # ends when the list repaints after set_rows; read-only: the library is kept
        cmd = child_command(data, TUI_QUERIES, read_only=True)
        r = run_measured(cmd, cwd=REPO)
        lines = [x for x in r["stdout"].splitlines() if x.startswith("RESULT ")]
        if not lines:
            raise SystemExit(f"TUI child failed:\n{r['stdout'][-2000:]}\n{r['stderr'][-3000:]}")
        one = json.loads(lines[-1][7:])
        one["process_s"] = r["s"]
        log(
            f"  first paint {one['first_paint']:.2f} s (Library.open {one['library_open_s']:.2f}"
            f" s), index complete +{one['index_complete']:.1f} s, keystroke median"
            f" {statistics.median(one['keystrokes']) * 1000:.1f} ms, RSS {one['rss_mb']:.0f} MB"
        )
        got.append(one)
    keys = [x for g in got for x in g["keystrokes"]]
    return {
        "runs": got,
        "first_paint_s": statistics.median(g["first_paint"] for g in got),
        "first_paint_max_s": max(g["first_paint"] for g in got),
        "library_open_s": statistics.median(g["library_open_s"] for g in got),
        "imports_s": statistics.median(g["imports_s"] for g in got),
        "index_complete_s": statistics.median(g["index_complete"] for g in got),
        "key_median_ms": statistics.median(keys) * 1000,
        "key_p95_ms": pct(keys, 95) * 1000,
        "key_count": len(keys),
        "rss_first_paint_mb": max(g["rss_first_paint_mb"] for g in got),
        "rss_mb": max(g["rss_mb"] for g in got),
    }


# -- report --------------------------------------------------------------------------------


def _met(flag: bool) -> str:
    return "yes" if flag else "**no**"


def render(r: dict[str, Any]) -> str:
    imp, lst, key, tui = r["import"], r["list"], r["keys"], r["tui"]
    n = key["papers"]
    launch_ok = tui["first_paint_s"] < TARGETS["launch_s"]
    tui_key_ok = tui["key_median_ms"] < TARGETS["key_median_ms"]
    search_key_ok = key["key_median_ms"] < TARGETS["key_median_ms"]
    files = imp["files"]
    slowest = max(files, key=lambda f: f["s"])
    per = imp.get("per_file", PER_FILE)
    lines = [
        f"## {N_FILES * per:,} papers (issue 12)",
        "",
        f"Measured by `benchmarks/bench_million.py` on {r['date']} (commit {r['commit']},"
        f" Python {platform.python_version()}, {os.cpu_count()} cores shared with other work:"
        f" load average {r['load'][0]:.1f} at the start and {r['load'][1]:.1f} at the end,"
        " the script itself run under `nice`). The library: ten listings of"
        f" {per:,} papers (issue 12: a listing over 256 MB is refused by design), "
        + (
            f"the ten slices of one `gen_papers.py -n {10 * per} --seed 1` run (ten runs with"
            " seeds 1-10 share ~5% of their titles: at 100,000 each they merge into 948,809"
            " papers)"
            if imp["listings"] == "split"
            else f"`gen_papers.py -n {per} --seed K` for K = 1..10 (titles shared between"
            " seeds merge: fewer than 1,000,000 papers)"
        )
        + f", imported with one `readq add FILE` process each into one data dir"
        f" ({imp['disk_mb']:,.0f} MB on disk, {n:,} papers)."
        + (
            f" {N_FILES * per - n:,} generated titles normalise like an earlier one (they"
            " differ by a hyphen or case only, e.g. `QuantGPT` and `Quant-GPT`) and are one"
            " paper with it by readq's identity rule (docs/data.md)."
            if n < N_FILES * per
            else ""
        ),
        "",
        "| measure | figure | target | met |",
        "|---|---:|---:|---|",
        f"| launch to first painted list, TUI (interpreter, imports, `Library.open`"
        f" included; median of {len(tui['runs'])} processes) | {tui['first_paint_s']:.2f} s"
        f" (max {tui['first_paint_max_s']:.2f} s) | < 5 s | {_met(launch_ok)} |",
        f"| filter keystroke to repainted list, TUI, median ({tui['key_count']}"
        f" keystrokes, {len(TUI_QUERIES)} queries) | {tui['key_median_ms']:.1f} ms"
        f" (p95 {tui['key_p95_ms']:.0f} ms) | < 50 ms | {_met(tui_key_ok)} |",
        f"| search per keystroke on the opened index, median ({key['key_count']}"
        f" keystrokes, {len(TYPED)} queries typed) | {key['key_median_ms']:.1f} ms"
        f" (p95 {key['key_p95_ms']:.0f} ms, max {key['key_max_ms']:.0f} ms) | < 50 ms |"
        f" {_met(search_key_ok)} |",
        f"| import: ten `readq add` processes, total | {imp['total_s']:.0f} s"
        f" ({imp['total_s'] / 60:.1f} min) | | |",
        f"| import: one file of {per:,} papers (~{files[0]['mb']:.0f} MB) | first"
        f" {files[0]['s']:.1f} s, last {files[-1]['s']:.1f} s, slowest {slowest['s']:.1f} s;"
        f" peak RSS up to {max(f['rss_mb'] for f in files):,.0f} MB | | |",
        "| first `readq list QUERY --limit 20` of the run"
        + (" (builds and saves the search index)" if lst["first_built_index"] else "")
        + f" | {lst['first_s']:.1f} s (peak RSS {lst['first_rss_mb']:,.0f} MB) | | |",
        *_last_build(r),
        f"| `readq list QUERY --limit 20`, index current, whole process (median of"
        f" {len(LIST_QUERIES)} queries x {lst['rounds']}) | {lst['list_median_ms']:,.0f} ms"
        f" (peak RSS {lst['list_rss_mb']:,.0f} MB) | | |",
        f"| `readq list --limit 20` (no query: the whole catalog is read) |"
        f" {lst['noquery_ms'] / 1000:.1f} s (peak RSS {lst['noquery_rss_mb']:,.0f} MB) | | |",
        f"| `Library.open` (catalog and states) in a fresh process | {key['library_open_s']:.1f} s"
        " | | |",
        f"| `SearchIndex.open_current(lib)` (library open; index file"
        f" {lst['index_mb']:,.0f} MB) | {key['open_s']:.2f} s | | |",
        f"| `index.prepare()` | {key['prepare_s']:.2f} s | | |",
        f"| peak RSS: library and index open, after the keystrokes | {key['rss_mb']:,.0f} MB | | |",
        f"| peak RSS: TUI at first paint / after the keystrokes |"
        f" {tui['rss_first_paint_mb']:,.0f} / {tui['rss_mb']:,.0f} MB | | |",
        "",
        f"In the TUI, `Library.open` took {tui['library_open_s']:.1f} s of the launch"
        f" (interpreter and imports {tui['imports_s']:.1f} s; the rest,"
        f" {tui['first_paint_s'] - tui['library_open_s'] - tui['imports_s']:.1f} s, is the"
        " app's start up to the first row painted); the search index"
        f" (read from disk when current) was complete {tui['index_complete_s']:.1f} s after"
        " the first paint, and the keystrokes were typed once it was. Per file imported:",
        "",
        "| file | papers new | already known | updated (a title merged) | time | peak RSS |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for i, f in enumerate(files, 1):
        lines.append(
            f"| {i} | {f['new']:,} | {f['known']:,} | {f['updated']:,} | {f['s']:.1f} s |"
            f" {f['rss_mb']:,.0f} MB |"
        )
    lines += [
        "",
        f"Imports measured on {imp['date'][:10]} (commit {imp['commit']}; skipped in later"
        " runs, which reuse the data dir). Per keystroke on the opened index, median and max"
        " per query typed:",
        "",
        "| query | median | max |",
        "|---|---:|---:|",
    ]
    for q, (med, mx) in key["per_query_ms"].items():
        lines.append(f"| `{q}` | {med:.1f} ms | {mx:.0f} ms |")
    steps = r.get("steps_s", {})
    if steps:
        lines += [
            "",
            "Wall clock of this run's steps: "
            + ", ".join(f"{k} {v / 60:.1f} min" for k, v in steps.items() if v >= 1)
            + ". Re-run (imports skipped while `<workdir>/import.json` is there):"
            " `nice python benchmarks/bench_million.py --write-docs`"
            " (`--rebuild-index` to measure the index build again).",
        ]
    return "\n".join(lines)


def _last_build(r: dict[str, Any]) -> list[str]:
    """The row of the last index build measured, when this run did not build it."""
    b = r.get("index_build")
    if r["list"]["first_built_index"] or not b:
        return []
    return [
        f"| search index build and save (first `readq list QUERY` after the imports;"
        f" measured {b['date']}, commit {b['commit']}) | {b['s']:.1f} s (peak RSS"
        f" {b['rss_mb']:,.0f} MB) | | |"
    ]


def write_docs(text: str) -> None:
    doc = DOC.read_text(encoding="utf-8")
    begin, end = "<!-- million:begin -->", "<!-- million:end -->"
    if begin not in doc:
        anchor = "<!-- search:end -->"
        at = doc.index(anchor) + len(anchor) if anchor in doc else len(doc.rstrip())
        doc = doc[:at] + f"\n\n{begin}\n{end}" + doc[at:]
    a, b = doc.index(begin) + len(begin), doc.index(end)
    DOC.write_text(doc[:a] + "\n" + text + "\n" + doc[b:], encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/readq-million"))
    ap.add_argument(
        "--listings",
        choices=["split", "seeds"],
        default="split",
        help="split: ten slices of one 1M generator run (default); seeds: seeds 1..10",
    )
    ap.add_argument("--per-file", type=int, default=PER_FILE, help="papers per listing")
    ap.add_argument("--rounds", type=int, default=3, help="rounds of readq list QUERY")
    ap.add_argument("--opens", type=int, default=3, help="SearchIndex.open_current repeats")
    ap.add_argument("--tui-runs", type=int, default=2)
    ap.add_argument("--rebuild-index", action="store_true", help="measure the index build")
    ap.add_argument("--write-docs", action="store_true")
    ap.add_argument("--json", type=Path, help="also write the raw figures here")
    ap.add_argument("--from-json", type=Path, help="render figures saved by --json")
    a = ap.parse_args(argv)
    if a.from_json:
        r = json.loads(a.from_json.read_text())
    else:
        a.workdir.mkdir(parents=True, exist_ok=True)
        load = os.getloadavg()[0]
        steps: dict[str, float] = {}
        t = time.perf_counter()
        files = make_listings(a.workdir, a.listings, a.per_file)
        steps["listings"] = time.perf_counter() - t
        t = time.perf_counter()
        imported = import_all(a.workdir, files, a.listings, a.per_file)
        steps["import"] = time.perf_counter() - t
        data = a.workdir / "data"
        t = time.perf_counter()
        listed = bench_list(data, a.rounds, a.rebuild_index)
        steps["list"] = time.perf_counter() - t
        # the last index build measured (a run with the index current does not build it)
        build_file = a.workdir / "index-build.json"
        if listed["first_built_index"]:
            build = {"s": listed["first_s"], "rss_mb": listed["first_rss_mb"]}
            build |= {"date": dt.date.today().isoformat(), "commit": git_commit()}
            build_file.write_text(json.dumps(build))
        t = time.perf_counter()
        keys = bench_keystrokes(data, a.opens)
        steps["keystrokes"] = time.perf_counter() - t
        t = time.perf_counter()
        tui = bench_tui(data, a.tui_runs)
        steps["tui"] = time.perf_counter() - t
        r = {
            "date": dt.date.today().isoformat(),
            "commit": git_commit(),
            "load": [load, os.getloadavg()[0]],
            "steps_s": steps,
            "import": imported,
            "list": listed,
            "keys": keys,
            "tui": tui,
            "index_build": json.loads(build_file.read_text()) if build_file.exists() else None,
        }
        log("steps: " + ", ".join(f"{k} {v:.0f} s" for k, v in steps.items()))
        if a.json:
            a.json.write_text(json.dumps(r, indent=1))
        (a.workdir / "last-run.json").write_text(json.dumps(r, indent=1))
    text = render(r)
    print(text)
    if a.write_docs:
        write_docs(text)
        log(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    raise SystemExit(main())
