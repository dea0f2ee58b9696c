"""Identity and merging of fetched papers (docs/data.md, "Paper identity")."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

import readq
from readq.errors import CorruptFileError
from readq.ids import distinct_id, paper_id
from readq.importing import ALSO
from readq.library import Library
from readq.models import Paper


def api(title: str, arxiv: str | None, abstract: str = "abs", **kw: object) -> Paper:
    return Paper(paper_id(title, abstract), title, abstract, arxiv_id=arxiv, **kw)  # type: ignore[arg-type]


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 11, 20, 8, tzinfo=dt.timezone.utc)

    def __call__(self) -> dt.datetime:
        return self.now


def test_titles_that_normalize_alike_with_different_arxiv_ids_stay_two(tmp_path: Path) -> None:
    lib = Library.open(tmp_path)
    report = lib.import_papers(
        [api("C++ for Agents", "2401.00001"), api("C# for Agents", "2401.00002")]
    )
    assert report.new == 2 and not report.merged_titles
    first, second = paper_id("C++ for Agents"), distinct_id("C# for Agents", "2401.00002")
    assert lib.entries[first].arxiv_id == "2401.00001"
    assert lib.entries[second].title == "C# for Agents"
    # the same two again, even in the other order and from a fresh process: no new papers
    again = Library.open(tmp_path).import_papers(
        [api("C# for Agents", "2401.00002"), api("C++ for Agents", "2401.00001")]
    )
    assert again.new == 0 and len(Library.open(tmp_path)) == 2
    big = [api("Llama 2 7B", "2402.1"), api("Llama 27B", "2402.2")]
    assert Library.open(tmp_path).import_papers(big).new == 2


def test_a_retitled_paper_stays_one_paper_with_its_state(tmp_path: Path) -> None:
    lib = Library.open(tmp_path)
    lib.import_papers([api("Scaling $\\cdot$ Laws", "2403.00001", upvotes=3)])
    (pid,) = lib.entries
    lib.update({pid: {"starred": True, "note": "mine"}})
    report = Library.open(tmp_path).import_papers(
        [api("Scaling Laws, Revisited", "2403.00001", upvotes=9, comments=2)]
    )
    lib = Library.open(tmp_path)
    assert report.new == 0 and report.updated == 1 and not report.merged_titles
    assert list(lib.entries) == [pid]
    assert lib.entries[pid].upvotes == 9 and lib.entries[pid].comments == 2
    assert lib.state(pid).starred and lib.state(pid).note == "mine"


def test_different_titles_merged_without_arxiv_ids_are_named_and_keep_both_abstracts(
    tmp_path: Path,
) -> None:
    lib = Library.open(tmp_path)
    lib.import_papers([Paper(paper_id("C++ Tricks"), "C++ Tricks", "About C++.")])
    report = lib.import_papers([Paper(paper_id("C# Tricks"), "C# Tricks", "About C#.")])
    pid = paper_id("C++ Tricks")
    assert report.merged_titles == [(pid, "C++ Tricks", "C# Tricks")]
    text = Library.open(tmp_path).abstract(pid)
    assert text == "About C++." + ALSO.format(title="C# Tricks") + "About C#."
    assert lib.abstract(pid) == text
    # the same merge again adds nothing; the same title with other spacing is no merge
    assert lib.import_papers([Paper(pid, "C# Tricks", "About C#.")]).merged_titles
    assert Library.open(tmp_path).abstract(pid) == text
    assert not lib.import_papers([Paper(pid, "C++  Tricks", "About C++.")]).merged_titles
    # within one input too
    both = [
        Paper(paper_id("Llama 2 7B"), "Llama 2 7B", "a"),
        Paper(paper_id("Llama 27B"), "Llama 27B", "b"),
    ]
    report = lib.import_papers(both)
    assert report.merged_titles == [(paper_id("Llama 2 7B"), "Llama 2 7B", "Llama 27B")]
    assert lib.abstract(paper_id("Llama 2 7B")).endswith("b")


def test_upvote_history_momentum_trending_and_last_fetched(tmp_path: Path) -> None:
    clock = Clock()
    lib = Library.open(tmp_path, clock=clock)
    assert lib.last_fetched() is None
    day = dt.date(2026, 11, 19)
    lib.import_papers(
        [api("Hot", "1", upvotes=5), api("Cold", "2", upvotes=50)], fetched=True, last_fetched=day
    )
    assert lib.momentum(paper_id("Hot")) is None
    clock.now += dt.timedelta(days=1)
    lib.import_papers(
        [api("Hot", "1", upvotes=25), api("Cold", "2", upvotes=51)], fetched=True, last_fetched=day
    )
    lib = Library.open(tmp_path, clock=clock)
    assert lib.momentum(paper_id("Hot")) == 20 and lib.momentum(paper_id("Cold")) == 1
    assert lib.last_fetched() == day
    assert [e.title for e in readq.papers(lib, sort="trending")] == ["Hot", "Cold"]
    assert [e.title for e in readq.papers(lib, sort="upvotes")] == ["Cold", "Hot"]
    # an older day does not move last_fetched back; an empty day still counts
    lib.import_papers([], last_fetched=dt.date(2026, 11, 1))
    lib.import_papers([], last_fetched=dt.date(2026, 11, 21))
    assert Library.open(tmp_path).last_fetched() == dt.date(2026, 11, 21)
    # 91 days later the old points are gone; the file stays small
    clock.now += dt.timedelta(days=91)
    lib.import_papers([api("Hot", "1", upvotes=30)], fetched=True, last_fetched=day)
    shard = tmp_path / "upvotes" / f"{paper_id('Hot')[0]}.json"
    (doc,) = json.loads(shard.read_text())["upvotes"].values()
    assert doc == {"id": paper_id("Hot"), "u": {"2027-02-20": 30}}
    assert Library.open(tmp_path).momentum(paper_id("Hot")) is None


def test_damaged_history_and_last_fetched_are_damage_not_empty(tmp_path: Path) -> None:
    lib = Library.open(tmp_path)
    lib.import_papers([api("Hot", "1", upvotes=5)], fetched=True, last_fetched=dt.date(2026, 1, 2))
    shard = tmp_path / "upvotes" / f"{paper_id('Hot')[0]}.json"
    docs = json.loads(shard.read_text())
    next(iter(docs["upvotes"].values()))["u"] = {"yesterday": 5}
    shard.write_text(json.dumps(docs))
    with pytest.raises(CorruptFileError, match="upvote history"):
        Library.open(tmp_path).momentum(paper_id("Hot"))
    meta = tmp_path / "meta.json"
    data = json.loads(meta.read_text())
    data["meta"]["1"]["last_fetched"] = 20260102
    meta.write_text(json.dumps(data))
    with pytest.raises(CorruptFileError, match="last_fetched"):
        Library.open(tmp_path).last_fetched()
