"""A library opened with ``lazy_catalog``: reads what it is asked, sees what an eager
library sees, and ``readq list QUERY`` takes its rows from the current search index."""

from __future__ import annotations

from pathlib import Path

import pytest

import readq
from readq.catalog import LazyCatalog, paper_ids
from readq.ids import paper_id
from readq.library import Library
from readq.models import Paper
from readq.search.index import SearchIndex

TITLES = [f"Paper number {k} about {w}" for k, w in enumerate(["lora", "diffusion"] * 20)]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    lib = Library.open(tmp_path / "data")
    lib.import_papers(
        Paper(paper_id(t), t, f"abstract of {t}", upvotes=k) for k, t in enumerate(TITLES)
    )
    lib.update({paper_id(TITLES[0]): {"read": True, "starred": True}})
    return tmp_path / "data"


def lazy(root: Path) -> Library:
    return Library.open(root, lazy_catalog=True)


def test_lookups_read_one_shard_and_the_whole_is_the_eager_catalog(root: Path) -> None:
    eager, lib = Library.open(root), lazy(root)
    assert isinstance(lib.entries, LazyCatalog) and not lib.entries.complete
    pid = paper_id(TITLES[3])
    assert lib.entries[pid] == eager.entries[pid] and pid in lib.entries
    assert "f" * 16 not in lib.entries and lib.entries.get("nope") is None
    assert not lib.entries.complete
    assert list(lib.entries.items()) == list(eager.entries.items())  # same order too
    assert len(lib.entries) == len(eager.entries) and lib.entries.complete
    assert lib.by_arxiv == eager.by_arxiv and lib.states == eager.states


def test_select_on_a_lazy_library_equals_the_eager_one(root: Path) -> None:
    SearchIndex.open_or_build(Library.open(root))  # the index on disk is current
    for query in ("lora", "diffusion -number", "is:read", "up:>10 lora", "'paper"):
        for view in ("all", "unread", "starred"):
            want = readq.select(Library.open(root), query, view=view)
            assert readq.select(lazy(root), query, view=view) == want, (query, view)


def test_a_current_index_supplies_the_papers(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    SearchIndex.open_or_build(Library.open(root))
    lib = lazy(root)
    read: list[str] = []
    monkeypatch.setattr(lib, "_load_catalog_shard", read.append)
    lib.entries = LazyCatalog(lib._load_catalog_shard)
    ids, _ = readq.select(lib, "diffusion")
    assert [lib.entries[p].title for p in ids[:3]] and read == []
    assert sorted(paper_ids(lib.entries)) == sorted(Library.open(root).entries)
    assert read == []


def test_importing_into_a_lazy_library_reads_the_whole_catalog(root: Path) -> None:
    lib = lazy(root)
    report = lib.import_papers([Paper(paper_id(TITLES[1]), TITLES[1], "", upvotes=99)])
    assert lib.entries.complete and report.updated == 1
    assert Library.open(root).entries[paper_id(TITLES[1])].upvotes == 99


def test_readq_list_query_prints_what_it_printed(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from readq.cli.app import main

    outputs = []
    for _ in range(2):  # the first run builds the index, the second reads it
        main(["--data-dir", str(root), "list", "lora"])
        outputs.append(capsys.readouterr().out)
    main(["--data-dir", str(root), "list", "--json", "lora"])
    assert outputs[0] == outputs[1] and len(outputs[0].splitlines()) == 20
    assert len(capsys.readouterr().out.splitlines()) == 20


def test_served_by_the_current_index_nothing_is_read_or_decoded(root: Path) -> None:
    SearchIndex.open_or_build(Library.open(root))
    lib = lazy(root)
    assert lib.serve_catalog(SearchIndex.open_current)
    entries = lib.entries
    assert isinstance(entries, LazyCatalog) and entries.sourced
    pid = paper_id(TITLES[5])
    assert pid in entries and "f" * 16 not in entries
    assert len(lib) == len(TITLES) and sorted(paper_ids(entries)) == sorted(map(paper_id, TITLES))
    assert dict.__len__(entries) == 0  # membership and size: no entry decoded
    assert entries[pid] == Library.open(root).entries[pid]
    assert not entries.complete


def test_without_a_current_index_the_catalog_is_read_whole(root: Path) -> None:
    lib = lazy(root)
    assert not lib.serve_catalog(lambda _lib: None)
    assert isinstance(lib.entries, LazyCatalog) and lib.entries.complete
    assert lib.entries == Library.open(root).entries


def test_a_poll_tells_what_another_process_changed_in_a_served_catalog(root: Path) -> None:
    SearchIndex.open_or_build(Library.open(root))
    lib = lazy(root)
    assert lib.serve_catalog(SearchIndex.open_current)
    other = Library.open(root)
    new = [
        Paper(paper_id(f"A brand new paper {k}"), f"A brand new paper {k}", "new") for k in range(9)
    ]
    assert len({pid[0] for pid in (p.id for p in new)}) > 1  # in several catalog shards
    other.import_papers(new)
    _, changed = lib.poll()
    assert changed == {p.id for p in new}
    assert lib.entries == other.entries and lib.abstract(new[0].id) == "new"
