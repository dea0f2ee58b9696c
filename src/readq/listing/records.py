"""Assembling ``Paper`` records from classified lines (the "Records" grammar of
``docs/listing-format.md``).

``parse_lines`` holds at most one record plus one line of look-ahead, so memory is
bounded by one record whatever the size of the input.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Iterator
from typing import Final

from readq.ids import paper_id
from readq.listing.fields import collapse_doubled, links, preview, resolve_date
from readq.listing.lines import (
    BULLET_LINE,
    CHROME_LINE,
    DATE_LINE,
    DOT_LINE,
    TEXT,
    Date,
    Line,
    abstract_like,
    classified,
    dateish,
    title_like,
)
from readq.models import Paper, ParseWarning
from readq.text import is_blank

UNTITLED: Final = "(untitled)"
LONG_TITLE: Final = 1000  # characters; longer titles are kept but flagged

_NO_META, _AFTER_BULLET, _AFTER_ORG, _AFTER_DOT = range(4)


class _Records:
    """The record being assembled; feed it classified lines, it yields finished Papers."""

    def __init__(self, today: _dt.date, warnings: list[ParseWarning]) -> None:
        self.today = today
        self.warnings = warnings
        self._reset()

    def _reset(self) -> None:
        self.title: str | None = None
        self.title_no = 0
        self.abstract: str | None = None
        self.authors: int | None = None
        self.organization: str | None = None
        self.date: Date | None = None
        self.date_no = 0
        self.stage = _NO_META

    def _warn(self, line: int, message: str) -> None:
        self.warnings.append(ParseWarning(line, message))

    @property
    def complete(self) -> bool:
        return self.abstract is not None

    def _drop_orphan_title(self) -> None:
        assert self.title is not None
        self._warn(self.title_no, f"title without abstract skipped: {preview(self.title)}")
        self._reset()

    def _paper(self) -> Paper:
        """The finished record; resets the builder."""
        assert self.title is not None and self.abstract is not None
        raw_title, abstract = self.title, self.abstract
        title = raw_title
        if is_blank(raw_title):
            title = UNTITLED
            self._warn(self.title_no, f"blank title replaced by {UNTITLED!r}")
        elif len(title) > LONG_TITLE:
            self._warn(
                self.title_no,
                f"title is {len(title):,} characters long (kept): {preview(title)}",
            )
        published = None
        if self.date is not None:
            try:
                published = resolve_date(self.date, self.today).isoformat()
            except ValueError:
                self._warn(self.date_no, f"invalid date {self.date.raw!r} ignored")
        paper = Paper(
            # The raw title, so untitled papers get distinct ids from their abstracts.
            id=paper_id(raw_title, abstract),
            title=title,
            abstract=abstract,
            authors=self.authors,
            organization=self.organization,
            published=published,
            upvotes=self.date.upvotes if self.date is not None else None,
            links=links(abstract),
        )
        self._reset()
        return paper

    def feed(self, line: Line, following: Line | None) -> Iterator[Paper]:
        """Take one non-blank line; ``following`` is the next one (look-ahead only)."""
        kind = line.kind
        if kind == CHROME_LINE:
            return
        if kind == DATE_LINE:
            # After "•"/"·" it is the paper's date; anywhere else it is the page's date.
            if self.complete and self.stage in (_AFTER_BULLET, _AFTER_DOT):
                self.date, self.date_no = line.date, line.no
                yield self._paper()
            return
        if kind == BULLET_LINE:
            yield from self._bullet(line)
        elif kind == DOT_LINE:
            yield from self._dot(line)
        else:
            yield from self._text(line, following)

    def _bullet(self, line: Line) -> Iterator[Paper]:
        if self.complete and self.stage == _NO_META:
            self.authors = line.authors
            self.stage = _AFTER_BULLET
            return
        if self.complete:
            yield self._paper()
        elif self.title is not None:
            self._drop_orphan_title()
        self._warn(line.no, f"authors line without a paper ignored: {preview(line.text)}")

    def _dot(self, line: Line) -> Iterator[Paper]:
        if self.complete and self.stage != _AFTER_DOT:
            self.stage = _AFTER_DOT
            if line.date is not None:
                self.date, self.date_no = line.date, line.no
                yield self._paper()
            elif line.text:
                self._warn(line.no, f"unrecognised date {line.text!r} ignored")
                yield self._paper()
            return
        if self.title is not None and not self.complete:
            self._drop_orphan_title()
        self._warn(line.no, "'·' line without a paper ignored")

    def _text(self, line: Line, following: Line | None) -> Iterator[Paper]:
        text = line.text
        if self.complete:
            if self.stage == _AFTER_DOT and dateish(text):
                self._warn(line.no, f"unrecognised date {text!r} ignored")
                yield self._paper()
                return
            if self.stage == _NO_META and following is not None and following.kind == DOT_LINE:
                self.organization = collapse_doubled(text)
                self.stage = _AFTER_ORG
                return
            yield self._paper()
        next_text = following.text if following is not None and following.kind == TEXT else None
        if self.title is None:
            if abstract_like(text) and next_text is not None and title_like(next_text):
                # The copy started in the middle of a record.
                self._warn(line.no, f"abstract without title skipped: {preview(text)}")
                return
            self.title, self.title_no = text, line.no
            return
        if (
            title_like(self.title)
            and title_like(text)
            and next_text is not None
            and abstract_like(next_text)
        ):
            # Two titles in a row and then an abstract: the first one lost its abstract.
            self._drop_orphan_title()
            self.title, self.title_no = text, line.no
            return
        self.abstract = text

    def finish(self) -> Iterator[Paper]:
        if self.complete:
            yield self._paper()
        elif self.title is not None:
            self._warn(
                self.title_no,
                "incomplete record at end of input skipped: title without abstract "
                f"{preview(self.title)}",
            )
            self._reset()


def parse_lines(
    lines: Iterable[str],
    *,
    today: _dt.date | None = None,
    warnings: list[ParseWarning] | None = None,
) -> Iterator[Paper]:
    """Yield every paper in ``lines`` in input order, duplicates included.

    Never raises on any text: whatever cannot be understood is skipped with a
    ``ParseWarning`` appended to ``warnings``. Memory is bounded by one record.
    ``today`` (the import date) resolves dates shown without a year.
    """
    records = _Records(today or _dt.date.today(), warnings if warnings is not None else [])
    items = classified(lines)
    current = next(items, None)
    while current is not None:
        following = next(items, None)
        yield from records.feed(current, following)
        current = following
    yield from records.finish()
