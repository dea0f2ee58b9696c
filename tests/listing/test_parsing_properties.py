"""Property tests: the parser never crashes, and generated listings round-trip.

The generator renders records the way the papers page does (see
``docs/listing-format.md``): title, abstract, then an optional metadata block of an
authors or organization line, ``·`` and a date, with or without blank lines and page
chrome.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readq.errors import InputError
from readq.ids import paper_id
from readq.listing import parse_bytes, parse_lines, parse_text
from readq.models import Paper, ParseResult, ParseWarning

TODAY = dt.date(2026, 11, 22)
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
HEADER = [
    "new",
    "Get trending papers in your email inbox!",
    "Subscribe",
    "Daily Papers",
    "byAK and the research community",
]
CHROME = {line.casefold() for line in HEADER} | {
    "get trending papers in your email inbox once a day!"
}
# Lines the page itself would never show as a title or an abstract.
# (A title starting "3 authors" is excluded too: cut short, it would be an authors line.)
NOT_TEXT = re.compile(
    r"[A-Za-z]{3,9}\.? \d{1,2}(, \d{4})?( \d+)?|(Subscribe|Daily Papers)[A-Z0-9].*"
    r"|\d+ authors?\b.*",
    re.DOTALL,
)

FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

word = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-éüßΩЖ中文",
    min_size=1,
    max_size=9,
)


def is_plain_text(line: str) -> bool:
    return line.casefold() not in CHROME and not NOT_TEXT.fullmatch(line)


titles = st.lists(word, min_size=3, max_size=10).map(" ".join).filter(is_plain_text)


@st.composite
def abstracts(draw: st.DrawFn) -> tuple[str, tuple[str, ...]]:
    """An abstract, possibly short, possibly mentioning a URL; and its expected links."""
    text = " ".join(draw(st.lists(word, min_size=1, max_size=40)))
    links: tuple[str, ...] = ()
    if draw(st.booleans()):
        url = f"https://example.org/{draw(word)}"
        text += f" Code: {url}{draw(st.sampled_from(['', '.', ',', ').']))}"
        links = (url,)
    if draw(st.booleans()):
        text += "."
    return text, links


@dataclass(frozen=True)
class Record:
    paper: Paper
    meta_lines: tuple[str, ...]  # empty: no metadata block


@st.composite
def records(draw: st.DrawFn) -> Record:
    title = draw(titles)
    abstract, links = draw(abstracts().filter(lambda a: is_plain_text(a[0])))
    authors = organization = published = upvotes = None
    meta_lines: tuple[str, ...] = ()
    if draw(st.booleans()):
        if draw(st.integers(0, 4)) == 0:
            organization = draw(st.sampled_from(["Google", "NVIDIA", "Hugging", "AI2", "Qwen"]))
            who = draw(st.sampled_from([organization, f"{organization} {organization}"]))
        else:
            authors = draw(st.integers(1, 500))
            who = f"  • {authors} author{'' if authors == 1 else 's'}"
        if draw(st.booleans()):  # "Mon D": only recent dates come back as themselves
            day = draw(st.dates(TODAY - dt.timedelta(days=364), TODAY))
            date_line = f"{MONTHS[day.month - 1]} {day.day}"
        else:
            day = draw(st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)))
            date_line = f"{MONTHS[day.month - 1]} {day.day}, {day.year}"
        upvotes = draw(st.none() | st.integers(0, 99_999))
        if upvotes is not None:
            date_line += f" {upvotes}"
        published = day.isoformat()
        meta_lines = (who, "·", date_line)
    paper = Paper(
        id=paper_id(title, abstract),
        title=title,
        abstract=abstract,
        authors=authors,
        organization=organization,
        published=published,
        upvotes=upvotes,
        links=links,
    )
    return Record(paper, meta_lines)


@dataclass(frozen=True)
class Listing:
    records: tuple[Record, ...]
    spaced: bool  # blank lines between blocks, like the page copy; else seed-001 style
    header: bool

    @property
    def papers(self) -> list[Paper]:
        return [r.paper for r in self.records]

    def blocks(self) -> list[str]:
        blocks = HEADER + ["Nov 5"] if self.header else []
        for record in self.records:
            blocks += [record.paper.title, record.paper.abstract]
            if record.meta_lines:
                blocks.append("\n".join(record.meta_lines))
        return blocks

    def render(self) -> str:
        return ("\n\n" if self.spaced else "\n").join(self.blocks()) + "\n"

    def record_ends(self) -> list[int]:
        """Offset in ``render()`` just after each record's final newline."""
        sep = "\n\n" if self.spaced else "\n"
        ends: list[int] = []
        pos = sum(len(b) + len(sep) for b in (HEADER + ["Nov 5"] if self.header else []))
        for record in self.records:
            parts = [record.paper.title, record.paper.abstract]
            if record.meta_lines:
                parts.append("\n".join(record.meta_lines))
            pos += sum(len(p) + len(sep) for p in parts)
            ends.append(pos - len(sep) + 1)
        return ends


listings = st.builds(
    Listing,
    records=st.lists(records(), min_size=1, max_size=6).map(tuple),
    spaced=st.booleans(),
    header=st.booleans(),
)


def parse(text: str) -> ParseResult:
    return parse_text(text, today=TODAY)


# -- round trip --------------------------------------------------------------------------


@FAST
@given(listings)
def test_generated_listing_round_trips(listing: Listing) -> None:
    result = parse(listing.render())
    assert result.papers == listing.papers
    assert result.warnings == []


@FAST
@given(listings, st.sampled_from(["\r\n", "\r"]))
def test_line_endings_do_not_change_the_result(listing: Listing, eol: str) -> None:
    text = listing.render()
    assert parse(text.replace("\n", eol)).papers == listing.papers


@FAST
@given(listings, st.data())
def test_mixed_line_endings_do_not_change_the_result(listing: Listing, data: st.DataObject) -> None:
    lines = listing.render().split("\n")
    eols = data.draw(st.lists(st.sampled_from(["\n", "\r\n", "\r"]), min_size=len(lines)))
    text = "".join(line + eol for line, eol in zip(lines, eols[: len(lines)], strict=True))
    assert parse(text).papers == listing.papers


@FAST
@given(listings, st.sampled_from(["utf-8", "utf-8-sig", "utf-16-le-bom", "utf-16-be-bom"]))
def test_encodings_with_bom_decode_to_the_same_papers(listing: Listing, encoding: str) -> None:
    text = listing.render()
    if encoding == "utf-16-le-bom":
        data = b"\xff\xfe" + text.encode("utf-16-le")
    elif encoding == "utf-16-be-bom":
        data = b"\xfe\xff" + text.encode("utf-16-be")
    else:
        data = text.encode(encoding)
    result = parse_bytes(data, today=TODAY)
    assert result.papers == listing.papers
    assert not result.papers[0].title.startswith("\ufeff")


@FAST
@given(listings)
def test_a_listing_pasted_twice_yields_every_paper_twice(listing: Listing) -> None:
    text = listing.render()
    papers = parse(text + text).papers
    assert papers == listing.papers + listing.papers
    assert [p.id for p in papers] == [p.id for p in listing.papers] * 2


@FAST
@given(listings, st.data())
def test_a_prefix_yields_a_prefix_of_the_papers(listing: Listing, data: st.DataObject) -> None:
    text = listing.render()
    cut = data.draw(st.integers(0, len(text)))
    papers = parse(text[:cut]).papers
    complete = sum(end <= cut for end in listing.record_ends())
    # Every record that was copied whole comes out exactly as in the full listing ...
    assert papers[:complete] == listing.papers[:complete]
    # ... and at most one more, cut short: same title, so the same id.
    assert len(papers) in (complete, complete + 1)
    if len(papers) > complete:
        partial = papers[complete]
        assert partial.id == listing.papers[complete].id
        assert listing.papers[complete].abstract.startswith(partial.abstract)


# -- arbitrary input ---------------------------------------------------------------------

HEX = set("0123456789abcdef")


def check_papers(result: ParseResult) -> None:
    for paper in result.papers:
        assert paper.title and paper.title == paper.title.strip()
        assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in paper.title)
        assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in paper.abstract)
        assert len(paper.id) == 16 and set(paper.id) <= HEX
        assert all(link.lower().startswith(("http://", "https://")) for link in paper.links)
    assert all(w.line >= 1 and w.message for w in result.warnings)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_parses_without_raising(text: str) -> None:
    check_papers(parse(text))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text()))
def test_any_lines_parse_without_raising(lines: list[str]) -> None:
    warnings: list[ParseWarning] = []
    papers = list(parse_lines(lines, today=TODAY, warnings=warnings))
    check_papers(ParseResult(papers, warnings))


@settings(max_examples=300, deadline=None)
@given(st.binary())
def test_any_bytes_give_papers_or_an_input_error(data: bytes) -> None:
    try:
        result = parse_bytes(data, today=TODAY)
    except InputError as err:
        assert str(err)
    else:
        check_papers(result)


# Text without C0 controls: such text is never mistaken for binary data.
printable = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x7f", min_codepoint=0x20)
    | st.just("\n")
)


@settings(max_examples=200, deadline=None)
@given(printable, st.sampled_from(["\r\n", "\r"]))
def test_any_text_is_line_ending_invariant(text: str, eol: str) -> None:
    plain = parse(text)
    other = parse(text.replace("\n", eol))
    assert other.papers == plain.papers
    assert other.warnings == plain.warnings


@settings(max_examples=200, deadline=None)
@given(printable, st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-be-bom"]))
def test_any_text_is_encoding_invariant(text: str, encoding: str) -> None:
    if encoding == "utf-16-be-bom":
        data = b"\xfe\xff" + text.encode("utf-16-be")
    else:
        data = text.encode(encoding)
    plain = parse(text)
    decoded = parse_bytes(data, today=TODAY)
    assert decoded.papers == plain.papers
    assert decoded.warnings == plain.warnings
