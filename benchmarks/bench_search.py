"""Benchmark of readq's search engine (issue 4): index build, query latency, relevance.

For each size it generates (or reuses) a synthetic listing with
``/work/shared/tools/gen_papers.py``, reads it, builds a :class:`SearchIndex` the way
the app does (titles first, abstracts afterwards) and times 20 fixed queries, each run
with a cold term cache. At the baseline size (100k) it also times one
``rapidfuzz.process.extract`` over the titles per query, in the same run, and reports
the ratio. Relevance (top-1 accuracy on ``tests/data/relevance``) is measured for the
engine and for that whole-string baseline.

    python benchmarks/bench_search.py                  # 10k and 100k
    python benchmarks/bench_search.py --sizes 10000 100000 1000000 --write-docs
    python benchmarks/bench_search.py --from-json figures.json --write-docs
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from rapidfuzz import fuzz, process, utils  # noqa: E402

from readq.ids import paper_id  # noqa: E402
from readq.models import Entry, PaperState  # noqa: E402
from readq.search.index import SearchIndex  # noqa: E402
from readq.search.worker import helper_count  # noqa: E402

GEN = REPO.parent / "shared" / "tools" / "gen_papers.py"
SEEDS = REPO.parent / "shared" / "seeds"
REL = REPO / "tests" / "data" / "relevance"
DOC = REPO / "docs" / "performance.md"
NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.timezone.utc)

QUERIES = [
    # one word
    "diffusion",
    "quantization",
    "specul",
    "mamba",
    # several words
    "speculative decoding",
    "mixture experts routing",
    "long context retrieval benchmark",
    "reward model overoptimization",
    # typos and hyphenation
    "tranformers",
    "distilation language models",
    "normalisation",
    "self-supervised video",
    "s-lora",
    # fields, phrases, exclusions
    'title:agents "tool use"',
    "abs:hallucination -survey",
    "org:google diffusion",
    # state and numbers
    "is:unread up:>10 quantization",
    "is:starred",
    "date:>=2024-06-01 authors:>5 lora",
    "seen:7d has:code",
]
TYPING = "speculative decoding long"  # typed one key at a time, with the term cache

_MONTHS = {
    m: i
    for i, m in enumerate(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], 1
    )
}
_DATE = re.compile(r"([A-Z][a-z]{2}) (\d{1,2})(?:, (\d{4}))?(?: (\d+))?\Z")


def listing(n: int, workdir: Path) -> Path:
    path = workdir / f"papers-{n}.txt"
    if not path.exists():
        subprocess.run(
            [sys.executable, str(GEN), "-n", str(n), "--seed", "1", "-o", str(path)], check=True
        )
    return path


def read_listing(path: Path) -> tuple[list[Entry], dict[str, str]]:
    """A fast reader for the generator's own output (the real parser is not benchmarked here)."""
    entries: list[Entry] = []
    abstracts: dict[str, str] = {}
    blocks = path.read_text(encoding="utf-8").split("\n\n")
    i = 0
    base = NOW.replace(hour=7)
    while i + 1 < len(blocks):
        title, abstract = blocks[i].strip(), blocks[i + 1].strip()
        i += 2
        authors = org = published = upvotes = None
        if i < len(blocks) and "\n\u00b7\n" in blocks[i]:
            meta, _, date = blocks[i].partition("\n\u00b7\n")
            i += 1
            m = re.match(r"\s*\u2022 (\d+) author", meta)
            if m:
                authors = int(m.group(1))
            else:
                org = meta.strip().split(" ")[0]
            dm = _DATE.match(date.strip())
            if dm:
                if dm.group(3):
                    published = f"{dm.group(3)}-{_MONTHS[dm.group(1)]:02d}-{int(dm.group(2)):02d}"
                upvotes = int(dm.group(4)) if dm.group(4) else None
        pid = paper_id(title)
        k = len(entries)
        seen = (base - dt.timedelta(days=k % 60)).strftime("%Y-%m-%dT%H:%M:%SZ")
        entries.append(Entry(pid, title, authors, org, published, upvotes, (), seen, seen))
        abstracts[pid] = abstract
    return entries, abstracts


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def states_for(entries: list[Entry]) -> dict[str, PaperState]:
    """A sparse, realistic state map: 2% read, 0.5% starred, 0.2% with a note."""
    out: dict[str, PaperState] = {}
    for k, e in enumerate(entries):
        if k % 50 == 0 or k % 200 == 3 or k % 500 == 7:
            out[e.id] = PaperState(
                read=k % 50 == 0,
                starred=k % 200 == 3,
                note="check the ablation" if k % 500 == 7 else "",
            )
    return out


def bench_size(n: int, workdir: Path, repeats: int) -> dict[str, object]:
    path = listing(n, workdir)
    entries, abstracts = read_listing(path)
    states = states_for(entries)
    gc.collect()
    before = rss_mb()
    idx = SearchIndex()
    t0 = time.perf_counter()
    idx.add(entries)
    t1 = time.perf_counter()
    idx.add_abstracts(abstracts)  # in helper processes from 20k papers, as the app does
    t2 = time.perf_counter()
    gc.collect()
    mem = rss_mb() - before
    serial_s = None
    if n <= 100_000:  # the same build in this process only, for the ratio
        alone = SearchIndex()
        t = time.perf_counter()
        alone.add(entries)
        alone.add_abstracts(abstracts, helpers=0)
        serial_s = time.perf_counter() - t
        del alone
        gc.collect()
    # one query of each kind was already needed to warm lazy structures (sorted
    # vocabulary, date ranks): report that first query separately
    t = time.perf_counter()
    idx.search("warm up", states=states, now=NOW)
    first = time.perf_counter() - t
    lat: list[float] = []
    per_query: dict[str, list[float]] = {q: [] for q in QUERIES}
    counts: dict[str, int] = {}
    for _ in range(repeats):
        for q in QUERIES:
            idx._clear_caches()  # cold: no help from the previous keystroke
            t = time.perf_counter()
            res = idx.search(q, states=states, now=NOW)
            el = time.perf_counter() - t
            lat.append(el)
            per_query[q].append(el)
            counts[q] = len(res.ids)
    typing: list[float] = []
    idx._clear_caches()
    for k in range(1, len(TYPING) + 1):
        t = time.perf_counter()
        idx.search(TYPING[:k], states=states, now=NOW)
        typing.append(time.perf_counter() - t)
    # cancellation: a newer keystroke arrives 5 ms into the search; how long until the
    # search gives up (only searches still running at 5 ms count)
    cancel_lat: list[float] = []
    for q in QUERIES:
        idx._clear_caches()
        t = time.perf_counter()
        res = idx.search(
            q, states=states, now=NOW, cancelled=lambda t=t: time.perf_counter() - t > 0.005
        )
        if res.cancelled:
            cancel_lat.append(time.perf_counter() - t - 0.005)
    cancel_lat = cancel_lat or [0.0]
    out: dict[str, object] = {
        "n": n,
        "titles_s": t1 - t0,
        "abstracts_s": t2 - t1,
        "build_s": t2 - t0,
        "serial_build_s": serial_s,
        "helpers": helper_count(),
        "index_mb": mem,
        "vocab": len(idx._vocab),
        "first_query_ms": first * 1000,
        "median_ms": statistics.median(lat) * 1000,
        "p95_ms": pct(lat, 95) * 1000,
        "max_ms": max(lat) * 1000,
        "typing_median_ms": statistics.median(typing) * 1000,
        "typing_max_ms": max(typing) * 1000,
        "cancel_max_ms": max(cancel_lat) * 1000,
        "per_query_ms": {q: statistics.median(v) * 1000 for q, v in per_query.items()},
        "counts": counts,
    }
    if n == 100_000:
        titles = [utils.default_process(e.title) for e in entries]
        base: list[float] = []
        for q in QUERIES:
            words = " ".join(w for w in q.split() if ":" not in w).strip("\"'-")
            pq = utils.default_process(words or q)
            t = time.perf_counter()
            process.extract(pq, titles, scorer=fuzz.WRatio, limit=None, score_cutoff=70)
            base.append(time.perf_counter() - t)
        out["baseline_median_ms"] = statistics.median(base) * 1000
        out["baseline_p95_ms"] = pct(base, 95) * 1000
    del idx, entries, abstracts
    gc.collect()
    return out


def relevance() -> dict[str, object]:
    """Top-1 accuracy of the engine and of WRatio over titles, on the relevance set."""
    sys.path.insert(0, str(REPO / "tests" / "search"))
    from test_relevance import evaluate, load_corpus  # type: ignore[import-not-found]

    with_seeds = SEEDS.is_dir() and any(SEEDS.glob("*.txt"))
    corpus = load_corpus(with_seeds=with_seeds)
    return evaluate(corpus) | {"seeds": with_seeds}


def render(results: list[dict[str, object]], rel: dict[str, object]) -> str:
    when = dt.date.today().isoformat()
    lines = [
        "## Search",
        "",
        f"Measured by `benchmarks/bench_search.py` on {when} (Python {platform.python_version()},"
        f" {os.cpu_count()} cores; synthetic listings from `gen_papers.py --seed 1`).",
        "Build = `add(entries)` (titles, organisations, metadata) then `add_abstracts()`,"
        f" which from 20k papers tokenises the abstracts in {results[0].get('helpers', 2)}"
        ' helper processes (one per core), as the app does; "in-process" is the same'
        " build with no helpers, measured in the same run;",
        "memory = growth of the process RSS during the build (the abstract strings"
        " themselves belong to the library and are not counted).",
        "Latency = 20 fixed queries (1-word, multi-word, typo, hyphen, field, phrase,"
        " exclusion and state terms), each with a cold term cache, "
        f"{results[0].get('repeats', 3)} rounds.",
        "",
        "| papers | build: titles | build: abstracts | build total | in-process build"
        " | index memory | vocabulary | median | p95 | max | first query |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['n']:,} | {r['titles_s']:.2f} s | {r['abstracts_s']:.2f} s |"
            f" {r['build_s']:.2f} s | {_serial(r)} | {r['index_mb']:.0f} MB | {r['vocab']:,} |"
            f" {r['median_ms']:.1f} ms | {r['p95_ms']:.1f} ms | {r['max_ms']:.1f} ms |"
            f" {r['first_query_ms']:.0f} ms |"
        )
    lines += [
        "",
        "Typing `" + TYPING + "` one key at a time (term cache on, as in the TUI),"
        " and how long a search runs on once `cancelled()` turns true 5 ms in:",
        "",
        "| papers | per keystroke: median | per keystroke: max | cancel: max |",
        "|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['n']:,} | {r['typing_median_ms']:.1f} ms |"
            f" {r['typing_max_ms']:.1f} ms | {r['cancel_max_ms']:.2f} ms |"
        )
    base = next((r for r in results if "baseline_median_ms" in r), None)
    if base is not None:
        lines += [
            "",
            "Baseline, same run, 100k titles: one `process.extract(q, titles,"
            " scorer=fuzz.WRatio, limit=None, score_cutoff=70)` per query over pre-processed"
            f" titles: median {base['baseline_median_ms']:.0f} ms, p95"
            f" {base['baseline_p95_ms']:.0f} ms. The index answers in"
            f" {base['median_ms'] / base['baseline_median_ms']:.2f}x the baseline's median time"
            f" ({base['baseline_median_ms'] / base['median_ms']:.0f}x faster) while also"
            " searching the abstracts.",
        ]
    lines += [
        "",
        "Median per query (ms):",
        "",
        "| query | " + " | ".join(f"{r['n']:,}" for r in results) + " |",
        "|---|" + "---:|" * len(results),
    ]
    for q in QUERIES:
        cells = " | ".join(f"{r['per_query_ms'][q]:.1f}" for r in results)  # type: ignore[index]
        lines.append(f"| `{q}` | {cells} |")
    disk = next((r["disk"] for r in results if r.get("disk")), None)
    if disk is not None:
        from bench_search_disk import render_disk  # type: ignore[import-not-found]

        lines += render_disk(disk)
    lines += [
        "",
        "### Relevance",
        "",
        f"Top-1 accuracy on the relevance set (`tests/data/relevance/`, {rel['total']} queries"
        f" typed from memory, with typos, hyphenation and abstract-only words; corpus: the"
        f" fixture papers{' plus the 300 seed papers' if rel['seeds'] else ''}):",
        "",
        "| ranking | top-1 |",
        "|---|---:|",
        f"| readq word index | {rel['hits']}/{rel['total']} ({rel['accuracy']:.0%}) |",
        f"| `extractOne(q, titles, scorer=WRatio)` | {rel['baseline_hits']}/{rel['total']}"
        f" ({rel['baseline_accuracy']:.0%}) |",
    ]
    return "\n".join(lines)


def _serial(r: dict[str, object]) -> str:
    serial = r.get("serial_build_s")
    if not isinstance(serial, float):
        return "n/a"
    return f"{serial:.2f} s ({serial / float(r['build_s']):.1f}x)"  # type: ignore[arg-type]


def write_docs(text: str) -> None:
    doc = DOC.read_text(encoding="utf-8")
    begin, end = "<!-- search:begin -->", "<!-- search:end -->"
    a, b = doc.index(begin) + len(begin), doc.index(end)
    DOC.write_text(doc[:a] + "\n" + text + "\n" + doc[b:], encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/readq-bench"))
    ap.add_argument("--write-docs", action="store_true")
    ap.add_argument("--json", type=Path, help="also write the raw figures here")
    ap.add_argument("--disk-size", type=int, default=100_000, help="0: skip the on-disk part")
    ap.add_argument("--baseline", type=Path, help="src/ of a readq to compare, same run")
    ap.add_argument(
        "--from-json",
        type=Path,
        help="render (and with --write-docs, write) figures saved by --json",
    )
    a = ap.parse_args(argv)
    if a.from_json:
        saved = json.loads(a.from_json.read_text())
        text = render(saved["sizes"], saved["relevance"])
        print(text)
        if a.write_docs:
            write_docs(text)
        return
    a.workdir.mkdir(parents=True, exist_ok=True)
    results = []
    for n in a.sizes:
        r = bench_size(n, a.workdir, a.repeats)
        r["repeats"] = a.repeats
        if n == a.disk_size:
            from bench_search_disk import bench_disk  # type: ignore[import-not-found]

            r["disk"] = bench_disk(n, a.workdir, *read_listing(listing(n, a.workdir)), a.baseline)
            print(json.dumps(r["disk"], indent=1), flush=True)
        results.append(r)
        print(
            json.dumps({k: v for k, v in r.items() if k not in ("per_query_ms",)}, indent=1),
            flush=True,
        )
    rel = relevance()
    print(json.dumps(rel))
    text = render(results, rel)
    print(text)
    if a.json:
        a.json.write_text(json.dumps({"sizes": results, "relevance": rel}, indent=1))
    if a.write_docs:
        write_docs(text)


if __name__ == "__main__":
    main()
