"""Importing the real page copies in ../shared/seeds (skipped when they are absent)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from readq.cli import main, sample_listing
from readq.library import Library
from readq.listing import parse_bytes, parse_file

TODAY = dt.date(2026, 11, 22)


def test_all_seeds_give_each_paper_once_and_reimport_is_idempotent(
    seeds: list[Path], data_dir: Path
) -> None:
    parsed = [parse_file(s, today=TODAY).papers for s in seeds]
    unique = {p.id for papers in parsed for p in papers}
    total = sum(len(papers) for papers in parsed)
    assert total > len(unique)  # the seeds really do overlap

    lib = Library.open()
    for papers in parsed:
        lib.import_papers(papers)
    assert len(Library.open()) == len(unique)

    snapshot = {p: p.read_bytes() for p in data_dir.rglob("*.json")}
    reports = [Library.open().import_papers(papers) for papers in parsed]
    assert all(r.new == 0 for r in reports)
    changed = {p for p in data_dir.rglob("*.json") if p.read_bytes() != snapshot.get(p)}
    assert all(p.parent.name == "catalog" for p in changed)  # only last_seen moved


def test_state_survives_reimport_and_metadata_merges_across_seeds(seeds: list[Path]) -> None:
    lib = Library.open()
    first = parse_file(seeds[0], today=TODAY).papers
    lib.import_papers(first)
    overopt = next(p for p in first if p.title.startswith("Confronting Reward Model"))
    assert overopt.authors is None  # seed 000 has no metadata blocks
    lib.set_field([overopt.id], "starred", True)
    lib.set_note(overopt.id, "compare with the constrained RLHF baseline")
    for seed in seeds:
        Library.open().import_papers(parse_file(seed, today=TODAY).papers)
    fresh = Library.open()
    entry = fresh.entries[overopt.id]
    assert entry.authors == 7 and entry.published == "2023-10-06"  # filled in by seed 002
    assert fresh.state(overopt.id).starred
    assert fresh.state(overopt.id).note == "compare with the constrained RLHF baseline"


def test_the_cli_imports_the_seeds(seeds: list[Path], capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["add", *map(str, seeds)]) == 0
    out = capsys.readouterr().out
    assert "new" in out and "repeated in the input" in out


def test_the_builtin_sample_is_a_realistic_listing() -> None:
    result = parse_bytes(sample_listing(), today=TODAY)
    assert len(result.papers) >= 10 and not result.warnings
    assert any(p.organization for p in result.papers)
    assert any(p.authors is None and p.organization is None for p in result.papers)
    assert any(p.links for p in result.papers)
