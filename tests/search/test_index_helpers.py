"""Abstracts tokenised in helper processes: the same index as in-process, whatever fails."""

from __future__ import annotations

import random
import subprocess
import sys

import pytest

from readq.models import Entry
from readq.search import building as search
from readq.search import worker as index_worker
from readq.search.index import SearchIndex

_WORD_TEXT = (
    "diffusion transformer speculative decoding mixture experts routing quantization "
    "low-rank adapters s-lora self-supervised video retrieval long-context benchmark "
    "reward model overoptimization normalisation tokenizer alignment"
)
WORDS = _WORD_TEXT.split()


def library(n: int) -> tuple[list[Entry], dict[str, str]]:
    rng = random.Random(7)
    entries, abstracts = [], {}
    for k in range(n):
        pid = f"p{k:05d}"
        title = " ".join(rng.sample(WORDS, 4)) + f" {k}"
        entries.append(
            Entry(
                pid,
                title,
                3,
                None,
                f"2024-01-{k % 28 + 1:02d}",
                k % 50,
                (),
                "2026-11-01T07:00:00Z",
                "2026-11-01T07:00:00Z",
            )
        )
        text = " ".join(rng.choice(WORDS) for _ in range(40)) + f" word{k % 97}"
        if k % 31 == 0:
            text += " code at https://github.com/example/repo"
        if k % 17 == 0:
            text = ""  # papers without an abstract
        abstracts[pid] = text
    return entries, abstracts


QUERIES = [
    "diffusion",
    "specul decodng",
    "slora",
    "word42",
    "has:code",
    "abs:retrieval -video",
    "'normalisation",
    "normalization experts",
]


def snapshot(idx: SearchIndex) -> tuple[object, ...]:
    """Everything a search can see, postings compared as sets (their order is free)."""
    post = {f: {w: sorted(a) for w, a in p.items() if a} for f, p in idx._post.items()}
    results = [idx.search(q, states={}).ids for q in QUERIES]
    return post, sorted(idx._vocab), sorted(idx._code), idx.abstracts_indexed, results


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "PARALLEL_MIN", 50)
    monkeypatch.setattr(search, "PARALLEL_BATCH", 40)


def build(entries: list[Entry], abstracts: dict[str, str], helpers: int) -> SearchIndex:
    idx = SearchIndex()
    idx.add(entries)
    idx.add_abstracts(abstracts, helpers=helpers)
    return idx


def test_helpers_build_the_same_index_as_in_process(small_batches: None) -> None:
    entries, abstracts = library(400)
    serial = build(entries, abstracts, helpers=0)
    parallel = build(entries, abstracts, helpers=2)
    assert snapshot(parallel) == snapshot(serial)
    assert parallel.search("word42", states={}).ids  # and it finds something real
    assert "p00031" in parallel.search("has:code", states={}).ids


def test_reindexing_after_a_helper_build_changes_only_what_changed(small_batches: None) -> None:
    entries, abstracts = library(200)
    idx = build(entries, abstracts, helpers=2)
    changed = dict(abstracts, p00001="an entirely new zeppelin abstract")
    idx.add_abstracts(changed, helpers=2)
    assert idx.search("zeppelin", states={}).ids == ["p00001"]
    reference = build(entries, changed, helpers=0)
    assert snapshot(idx)[4] == snapshot(reference)[4]


def test_helpers_that_cannot_start_fall_back(
    small_batches: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    entries, abstracts = library(300)
    serial = build(entries, abstracts, helpers=0)

    def refuse() -> subprocess.Popen[bytes]:
        raise OSError("fork: resource temporarily unavailable")

    monkeypatch.setattr(index_worker, "_start", refuse)
    assert snapshot(build(entries, abstracts, helpers=2)) == snapshot(serial)


def test_a_helper_that_dies_midway_falls_back(
    small_batches: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One helper answers one batch then crashes (with a traceback on its stderr, which
    must not reach the terminal); every paper is still indexed."""
    entries, abstracts = library(300)
    serial = build(entries, abstracts, helpers=0)
    real_start = index_worker._start
    started: list[subprocess.Popen[bytes]] = []

    def flaky() -> subprocess.Popen[bytes]:
        if started:
            proc = subprocess.Popen(
                [sys.executable, "-c", "import sys; sys.stdin.buffer.read(100); 1/0"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        else:
            proc = real_start()
        started.append(proc)
        return proc

    monkeypatch.setattr(index_worker, "_start", flaky)
    assert snapshot(build(entries, abstracts, helpers=2)) == snapshot(serial)
    assert len(started) == 2
    assert all(p.poll() is not None for p in started)  # nothing left running


def test_cancelling_stops_the_helpers(small_batches: None, monkeypatch: pytest.MonkeyPatch) -> None:
    entries, abstracts = library(400)
    started: list[subprocess.Popen[bytes]] = []
    real_start = index_worker._start

    def tracked() -> subprocess.Popen[bytes]:
        started.append(real_start())
        return started[-1]

    monkeypatch.setattr(index_worker, "_start", tracked)
    idx = SearchIndex()
    idx.add(entries)
    merged = []
    real_merge = idx._merge_postings

    def merge(*args: object) -> None:
        merged.append(1)
        real_merge(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(idx, "_merge_postings", merge)
    idx.add_abstracts(abstracts, helpers=2, cancelled=lambda: len(merged) >= 1)
    assert len(merged) == 1
    assert not idx.abstracts_indexed
    # what was merged is searchable; the rest is still pending and not half-indexed
    result = idx.search("diffusion", states={})
    assert result.partial and result.ids
    assert all(p.poll() is not None for p in started)
    # a later, uncancelled pass completes the index
    idx.add_abstracts(abstracts, helpers=0)
    assert idx.abstracts_indexed
    assert snapshot(idx)[4] == snapshot(build(entries, abstracts, helpers=0))[4]


def test_new_papers_abstracts_leave_the_others_pending() -> None:
    """An import while the first build still runs: indexing the new papers' abstracts
    must not declare the index complete (searches would call themselves whole)."""
    entries, abstracts = library(60)
    idx = SearchIndex()
    idx.add(entries[:50])
    idx.add(entries[50:])
    idx.add_abstracts({e.id: abstracts[e.id] for e in entries[50:]}, complete=False)
    assert not idx.abstracts_indexed
    assert idx.search("word55", states={}).partial
    assert "p00055" in idx.search("word55", states={}).ids
    idx.add_abstracts(abstracts)
    assert idx.abstracts_indexed
    assert snapshot(idx)[4] == snapshot(build(entries, abstracts, helpers=0))[4]


def test_a_hung_helper_is_given_up_on(small_batches: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """A helper that never answers (stuck at start-up, say) must not stall the build
    forever: after the stall limit the rest is indexed in-process, and it is stopped."""
    entries, abstracts = library(200)
    serial = build(entries, abstracts, helpers=0)
    started: list[subprocess.Popen[bytes]] = []

    def hung() -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(
            [sys.executable, "-c", "import time; time.sleep(120)"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        started.append(proc)
        return proc

    monkeypatch.setattr(index_worker, "_start", hung)
    monkeypatch.setattr(index_worker, "STALL_SECONDS", 0.5)
    assert snapshot(build(entries, abstracts, helpers=2)) == snapshot(serial)
    assert started and all(p.poll() is not None for p in started)


@pytest.mark.parametrize("helpers", [0, 2])
def test_an_import_during_the_first_build_keeps_its_newer_abstract(
    small_batches: None, helpers: int
) -> None:
    """The first build works from a snapshot of the abstracts; an import that lands
    meanwhile indexes a newer text for a paper. The build must neither overwrite it
    with the old one nor add postings twice."""
    entries, abstracts = library(400)
    idx = SearchIndex()
    idx.add(entries)
    fired: list[int] = []

    def import_meanwhile() -> bool:
        if not fired:
            fired.append(1)
            idx.add_abstracts(
                {"p00399": "zeppelin airship", "p00398": abstracts["p00398"]},
                helpers=0,
                complete=False,
            )
        return False

    idx.add_abstracts(abstracts, helpers=helpers, cancelled=import_meanwhile)
    assert fired
    assert idx.search("zeppelin", states={}).ids == ["p00399"]
    d = idx._num["p00398"]
    assert all(list(arr).count(d) <= 1 for arr in idx._post["abstract"].values())
    idx.add_abstracts({"p00399": "completely different text"}, helpers=0, complete=False)
    assert idx.search("zeppelin", states={}).ids == []


def test_helpers_do_not_run_code_from_the_current_directory(
    small_batches: None, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    """`python -m` puts the working directory first on sys.path: a `readq` folder there
    must not be what the helpers import."""
    trap = tmp_path / "readq"
    trap.mkdir()
    (trap / "__init__.py").write_text("")
    (trap / "index_worker.py").write_text(
        "import pathlib\npathlib.Path(__file__).with_name('RAN').write_text('x')\n"
    )
    monkeypatch.chdir(tmp_path)
    entries, abstracts = library(200)
    assert snapshot(build(entries, abstracts, helpers=2)) == snapshot(
        build(entries, abstracts, helpers=0)
    )
    assert not (trap / "RAN").exists()
