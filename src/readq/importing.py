"""Merging imported papers into the catalog: each paper once, known papers keep their
state and gain metadata, and the ``ImportReport`` that says what happened.

Identity (docs/data.md): a paper with an arXiv id is looked up by it first, so a paper
whose title changed stays one paper; otherwise by its title id. Two papers whose titles
normalize alike but whose arXiv ids differ are kept apart (``ids.distinct_id``). Two
different title texts merged under one id with nothing to tell them apart are reported
(``ImportReport.merged_titles``), and the other abstract is appended to the kept one
after an ``ALSO`` line, so neither is lost.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from readq.ids import distinct_id
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
    # (id, title kept, other title): different papers, perhaps, that became one
    merged_titles: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def papers(self) -> int:
        """Distinct papers in the input."""
        return self.new + self.known + self.updated


ALSO = "\n\n[also merged under this id: {title}]\n"


def same_title(a: str, b: str) -> bool:
    """The same text but for case and runs of whitespace (punctuation and where the
    spaces are count: "C++"/"C#" and "Llama 2 7B"/"Llama 27B" are different titles)."""
    return a.casefold().split() == b.casefold().split()


def with_other_abstract(kept: str, title: str, other: str) -> str:
    """``kept`` followed by ``other`` under a marked line, unless it already has it."""
    if not other or other in kept:
        return kept
    if not kept:
        return other
    return kept + ALSO.format(title=title) + other


def resolve_ids(
    papers: Iterable[Paper], known: Mapping[str, Entry], by_arxiv: Mapping[str, str]
) -> list[Paper]:
    """Each paper with the id it has in the library: by arXiv id first (a retitled paper
    keeps its id), else by title, unless that id belongs to another arXiv id."""
    seen = dict(by_arxiv)
    arxiv_of: dict[str, str] = {}
    out: list[Paper] = []
    for given in papers:
        paper = given
        if paper.arxiv_id:
            pid = seen.get(paper.arxiv_id)
            if pid is None:
                pid = paper.id
                old = known.get(pid)
                other = arxiv_of.get(pid) or (old.arxiv_id if old else None)
                if other and other != paper.arxiv_id:
                    pid = distinct_id(paper.title, paper.arxiv_id)
                seen[paper.arxiv_id] = pid
            arxiv_of[pid] = paper.arxiv_id
            if pid != paper.id:
                paper = replace(paper, id=pid)
        out.append(paper)
    return out


def _told_apart(a: str | None, b: str | None) -> bool:
    return bool(a and b and a == b)


def merge_paper(old: Paper, new: Paper, report: ImportReport | None = None) -> Paper:
    """Two copies of one paper in the same input: later metadata wins, gaps are filled."""
    abstract = old.abstract or new.abstract
    if not same_title(old.title, new.title) and not _told_apart(old.arxiv_id, new.arxiv_id):
        abstract = with_other_abstract(old.abstract, new.title, new.abstract)
        if report is not None:
            report.merged_titles.append((old.id, old.title, new.title))
    return replace(
        old,
        abstract=abstract,
        authors=new.authors if new.authors is not None else old.authors,
        organization=new.organization or old.organization,
        published=new.published or old.published,
        upvotes=new.upvotes if new.upvotes is not None else old.upvotes,
        links=tuple(dict.fromkeys(old.links + new.links)),
        arxiv_id=old.arxiv_id or new.arxiv_id,
        author_names=new.author_names or old.author_names,
        github=new.github or old.github,
        project_page=new.project_page or old.project_page,
        comments=new.comments if new.comments is not None else old.comments,
    )


def unique_papers(papers: Iterable[Paper], report: ImportReport) -> dict[str, Paper]:
    """Each paper once, by id, in input order; repeats are merged and counted."""
    incoming: dict[str, Paper] = {}
    for paper in papers:
        if paper.id in incoming:
            report.duplicates += 1
            incoming[paper.id] = merge_paper(incoming[paper.id], paper, report)
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
        arxiv_id=paper.arxiv_id,
        author_names=paper.author_names,
        github=paper.github,
        project_page=paper.project_page,
        comments=paper.comments,
    )


def merged_entry(old: Entry, paper: Paper, now: str) -> Entry:
    """A paper seen again: keep what we had (title, read/starred/note are elsewhere), fill
    gaps, take the latest upvote and comment counts, author names and links."""
    return replace(
        old,
        authors=old.authors if old.authors is not None else paper.authors,
        organization=old.organization or paper.organization,
        published=old.published or paper.published,
        upvotes=paper.upvotes if paper.upvotes is not None else old.upvotes,
        links=tuple(dict.fromkeys(old.links + paper.links)),
        last_seen=now,
        arxiv_id=old.arxiv_id or paper.arxiv_id,
        author_names=paper.author_names or old.author_names,
        github=paper.github or old.github,
        project_page=paper.project_page or old.project_page,
        comments=paper.comments if paper.comments is not None else old.comments,
    )


def _seen_again(old: Entry, paper: Paper, now: str, report: ImportReport) -> Entry:
    entry = merged_entry(old, paper, now)
    if replace(entry, last_seen=old.last_seen) != old:
        report.updated += 1
        report.changed_ids.append(paper.id)
    else:
        report.known += 1
    return entry


def _known(
    old: Entry, adoc: Mapping[str, Any] | None, paper: Paper, now: str, report: ImportReport
) -> tuple[Entry, Paper, bool]:
    """A known paper seen again: its entry, the paper with the abstract to keep, and
    whether that abstract must be written (filled in, or another title's appended)."""
    entry = _seen_again(old, paper, now, report)
    kept = str(adoc.get("abstract") or "") if adoc else ""
    if same_title(old.title, paper.title) or _told_apart(old.arxiv_id, paper.arxiv_id):
        return entry, paper, bool(paper.abstract) and not kept
    report.merged_titles.append((paper.id, old.title, paper.title))
    text = with_other_abstract(kept, paper.title, paper.abstract)
    return entry, replace(paper, abstract=text), text != kept


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
    for given in papers:
        paper = given
        doc = catalog.get(paper.id)
        adoc = abstracts.get(paper.id)
        if doc is not None:
            entry, paper, wants_abstract = _known(
                entry_from_doc(doc, catalog.path), adoc, paper, now, report
            )
            drops.append(paper.id)
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
