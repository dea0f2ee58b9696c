"""Merging imported papers into the catalog: each paper once, known papers keep their
state and gain metadata, and the ``ImportReport`` that says what happened."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from readq.models import Entry, Paper
from readq.storage.documents import entry_from_doc, entry_to_doc
from readq.storage.store import Shard


@dataclass
class ImportReport:
    new: int = 0
    known: int = 0
    updated: int = 0
    duplicates: int = 0  # repeats within the input itself
    new_ids: list[str] = field(default_factory=list)
    changed_ids: list[str] = field(default_factory=list)


def merge_paper(old: Paper, new: Paper) -> Paper:
    """Two copies of one paper in the same input: later metadata wins, gaps are filled."""
    return replace(
        old,
        abstract=old.abstract or new.abstract,
        authors=new.authors if new.authors is not None else old.authors,
        organization=new.organization or old.organization,
        published=new.published or old.published,
        upvotes=new.upvotes if new.upvotes is not None else old.upvotes,
        links=tuple(dict.fromkeys(old.links + new.links)),
    )


def unique_papers(papers: Iterable[Paper], report: ImportReport) -> dict[str, Paper]:
    """Each paper once, by id, in input order; repeats are merged and counted."""
    incoming: dict[str, Paper] = {}
    for paper in papers:
        if paper.id in incoming:
            report.duplicates += 1
            incoming[paper.id] = merge_paper(incoming[paper.id], paper)
        else:
            incoming[paper.id] = paper
    return incoming


def new_entry(paper: Paper, now: str) -> Entry:
    return Entry(
        id=paper.id,
        title=paper.title,
        authors=paper.authors,
        organization=paper.organization,
        published=paper.published,
        upvotes=paper.upvotes,
        links=paper.links,
        first_seen=now,
        last_seen=now,
    )


def merged_entry(old: Entry, paper: Paper, now: str) -> Entry:
    """A paper seen again: keep what we had, fill gaps, take the latest upvote count."""
    return replace(
        old,
        authors=old.authors if old.authors is not None else paper.authors,
        organization=old.organization or paper.organization,
        published=old.published or paper.published,
        upvotes=paper.upvotes if paper.upvotes is not None else old.upvotes,
        links=tuple(dict.fromkeys(old.links + paper.links)),
        last_seen=now,
    )


def _seen_again(old: Entry, paper: Paper, now: str, report: ImportReport) -> Entry:
    entry = merged_entry(old, paper, now)
    if replace(entry, last_seen=old.last_seen) != old:
        report.updated += 1
        report.changed_ids.append(paper.id)
    else:
        report.known += 1
    return entry


def import_shard(
    catalog: Shard, abstracts: Shard, papers: Iterable[Paper], now: str, report: ImportReport
) -> dict[str, Entry]:
    """Merge ``papers`` (all of one catalog shard) into it and its abstracts shard.

    Returns the resulting entries. A catalog shard with a damaged document is refused
    (CorruptFileError), never rewritten. A known paper's abstract is only filled in.
    """
    catalog.check(entry_from_doc)
    results: dict[str, Entry] = {}
    puts: dict[str, dict[str, Any]] = {}
    drops: list[str] = []
    abstract_puts: dict[str, dict[str, Any]] = {}
    abstract_drops: list[str] = []
    for paper in papers:
        doc = catalog.get(paper.id)
        adoc = abstracts.get(paper.id)
        if doc is not None:
            entry = _seen_again(entry_from_doc(doc, catalog.path), paper, now, report)
            drops.append(paper.id)
            wants_abstract = bool(paper.abstract) and not (adoc and adoc.get("abstract"))
        else:
            entry = new_entry(paper, now)
            report.new += 1
            report.new_ids.append(paper.id)
            wants_abstract = True
        if wants_abstract:
            if adoc is not None:
                abstract_drops.append(paper.id)
            abstract_puts[paper.id] = {"id": paper.id, "abstract": paper.abstract}
        puts[paper.id] = entry_to_doc(entry)
        results[paper.id] = entry
    catalog.replace(drops, puts)
    abstracts.replace(abstract_drops, abstract_puts)
    return results
