"""Relevance: does the paper a person means come first for what they type from memory?

The set lives in ``tests/data/relevance/``: ``papers.json`` (fixture papers written for
this test, always available) and ``queries.json`` (each query with the paper expected
first). Queries marked ``seeds`` run over the real listings in ``../shared/seeds`` too,
when they are present. The floors below are what the engine reached when this test was
written: a ranking change that loses relevance fails here. The whole-string baseline
(``rapidfuzz`` WRatio over the titles) is measured alongside for comparison.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from rapidfuzz import fuzz, process, utils

from readq.ids import paper_id
from readq.models import Entry
from readq.search.index import SearchIndex

HERE = Path(__file__).resolve().parent.parent
REL = HERE / "data" / "relevance"
SEEDS = HERE.parent.parent / "shared" / "seeds"

FIXTURE_FLOOR = 1.0  # top-1 on the fixture papers alone (38/38 when written)
COMBINED_FLOOR = 0.97  # fixtures + 300 seed papers (60/62 first, 134/136 with issue 12)
BASELINE_GAP = 0.3  # the index must beat the whole-string baseline by this much

Corpus = list[tuple[Entry, str]]


def load_queries() -> list[dict[str, Any]]:
    data = json.loads((REL / "queries.json").read_text(encoding="utf-8"))
    return list(data["queries"])


def fixture_corpus() -> Corpus:
    out: Corpus = []
    for d in json.loads((REL / "papers.json").read_text(encoding="utf-8")):
        entry = Entry(
            id=paper_id(d["title"]),
            title=d["title"],
            authors=d.get("authors"),
            organization=d.get("organization"),
            published=d.get("published"),
            upvotes=d.get("upvotes"),
            first_seen="2026-11-20T07:00:00Z",
        )
        out.append((entry, d["abstract"]))
    return out


def seed_corpus(files: list[Path]) -> Corpus:
    from readq.listing import parse_file

    seen: dict[str, tuple[Entry, str]] = {}
    for path in files:
        for p in parse_file(path, today=dt.date(2026, 11, 22)).papers:
            if p.id not in seen:
                seen[p.id] = (
                    Entry(
                        p.id,
                        p.title,
                        p.authors,
                        p.organization,
                        p.published,
                        p.upvotes,
                        p.links,
                        "2026-11-20T07:00:00Z",
                    ),
                    p.abstract,
                )
    return list(seen.values())


def load_corpus(*, with_seeds: bool, files: list[Path] | None = None) -> Corpus:
    corpus = fixture_corpus()
    if with_seeds:
        corpus += seed_corpus(files if files is not None else sorted(SEEDS.glob("*.txt")))
    return corpus


def evaluate(corpus: Corpus) -> dict[str, Any]:
    """Top-1 accuracy of the index and of the whole-string baseline over ``corpus``."""
    titles = {e.id: e.title for e, _ in corpus}
    has_seeds = len(corpus) > len(fixture_corpus())
    queries = [q for q in load_queries() if has_seeds or q["corpus"] == "fixtures"]
    index = SearchIndex()
    index.add([e for e, _ in corpus], {e.id: a for e, a in corpus})
    keys = list(titles)
    processed = [utils.default_process(titles[k]) for k in keys]
    hits = baseline_hits = 0
    misses = []
    for q in queries:
        result = index.search(q["query"], states={})
        top = titles[result.ids[0]] if result.ids else None
        if top == q["expect"]:
            hits += 1
        else:
            misses.append({"query": q["query"], "got": top, "expect": q["expect"]})
        best = process.extractOne(utils.default_process(q["query"]), processed, scorer=fuzz.WRatio)
        if best is not None and titles[keys[best[2]]] == q["expect"]:
            baseline_hits += 1
    total = len(queries)
    return {
        "total": total,
        "hits": hits,
        "accuracy": hits / total,
        "baseline_hits": baseline_hits,
        "baseline_accuracy": baseline_hits / total,
        "misses": misses,
    }


def test_relevance_set_is_well_formed() -> None:
    queries = load_queries()
    assert len(queries) >= 20
    fixture_titles = {e.title for e, _ in fixture_corpus()}
    for q in queries:
        assert q["corpus"] in ("fixtures", "seeds")
        if q["corpus"] == "fixtures":
            assert q["expect"] in fixture_titles, q
    assert sum(q["corpus"] == "fixtures" for q in queries) >= 20


def test_relevance_on_fixtures() -> None:
    report = evaluate(fixture_corpus())
    assert report["accuracy"] >= FIXTURE_FLOOR, report["misses"]
    assert report["accuracy"] >= report["baseline_accuracy"] + BASELINE_GAP


def test_relevance_with_seeds(seeds: list[Path]) -> None:
    corpus = load_corpus(with_seeds=True, files=seeds)
    titles = {e.title for e, _ in corpus}
    for q in load_queries():
        assert q["expect"] in titles, q
    report = evaluate(corpus)
    assert report["accuracy"] >= COMBINED_FLOOR, report["misses"]
    assert report["accuracy"] >= report["baseline_accuracy"] + BASELINE_GAP


if __name__ == "__main__":  # pragma: no cover - a quick report by hand
    print(json.dumps(evaluate(load_corpus(with_seeds=SEEDS.is_dir())), indent=1))
    pytest.main([__file__, "-q"])
