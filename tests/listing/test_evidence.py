"""Is it a listing? Markdown, code, CSV and scraps are refused; every listing is not."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import assume, given
from test_parsing_properties import FAST, Listing, listings

from readq import listing
from readq.errors import EX_DATAERR
from readq.listing import Evidence, NotAListingError, refusal, require_listing

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data" / "listings"
TODAY = dt.date(2026, 11, 22)


def verdict_of_file(path: Path) -> str | None:
    ev = Evidence()
    result = listing.parse_file(path, today=TODAY, evidence=ev)
    return refusal(result.papers, ev)


def verdict_of_text(text: str) -> str | None:
    ev = Evidence()
    result = listing.parse_text(text, today=TODAY, evidence=ev)
    return refusal(result.papers, ev)


NOT_LISTINGS = sorted(
    [REPO / "README.md", REPO / "CHANGELOG.md", REPO / "pyproject.toml"]
    + list((REPO / "docs").glob("*.md"))
    + list((REPO / "src" / "readq").rglob("*.py"))
    + list((REPO / "tests").glob("*/*.py"))
)


@pytest.mark.parametrize("path", NOT_LISTINGS, ids=lambda p: str(p.relative_to(REPO)))
def test_this_repositorys_docs_and_sources_are_refused(path: Path) -> None:
    ev = Evidence()
    result = listing.parse_file(path, today=TODAY, evidence=ev)
    if result.papers:  # a file that yields no papers is "no papers found" instead
        assert refusal(result.papers, ev)


@pytest.mark.parametrize(
    "text",
    [
        "hello\nworld\n",
        "name,year,city\nbob,1999,paris\nann,2004,rome\njo,2011,oslo\n",
        "id\ttitle\tyear\n1\tFoo Bar\t2020\n2\tBaz Qux\t2021\n3\tQuux\t2022\n",
        "Dear John,\nHow are you doing today? I hope well.\nBest regards,\nJane\n",
        "x = 1\nprint(x)\n",
        "import os\nos.system('ls')\n",
        "# Notes\n\n- first thing to read\n- second thing to read\n- third one\n",
        "```\nSome Title Here\nsome text here\n```\n",
        # hard-wrapped prose (a LICENSE) and a list of names (AUTHORS)
        "Permission is hereby granted, free of charge, to any person obtaining a copy\n"
        "of this software and associated documentation files (the Software), to deal\n"
        "in the Software without restriction, including without limitation the rights\n"
        "to use, copy, modify, merge, publish, distribute, sublicense, and or sell\n"
        "copies of the Software, and to permit persons to whom the Software is\n"
        "furnished to do so, subject to the following conditions stated below here\n" * 3,
        "".join(f"Firstname{i} Lastname{i}\n" for i in range(40)),
    ],
)
def test_text_that_is_not_a_listing_is_refused(text: str) -> None:
    assert verdict_of_text(text)


@pytest.mark.parametrize("path", sorted(DATA.glob("*.txt")), ids=lambda p: p.name)
def test_every_test_listing_is_accepted(path: Path) -> None:
    assert verdict_of_file(path) is None


def test_the_builtin_sample_is_accepted() -> None:
    assert verdict_of_file(REPO / "src" / "readq" / "sample.txt") is None


def test_every_seed_is_accepted(seeds: list[Path]) -> None:
    for path in seeds:
        assert verdict_of_file(path) is None, path.name


@FAST
@given(listings)
def test_every_generated_listing_is_accepted(generated: Listing) -> None:
    # A page with no author/date line at all and every line a Markdown list item is
    # a Markdown list, not a listing (the generator can draw one: titles like "- 0 0").
    assume(any(r.meta_lines for r in generated.records) or generated.header)
    assert verdict_of_text(generated.render()) is None


@pytest.mark.parametrize(
    "text",
    [
        "Some Paper Title Here\nshort abstract\n",  # a tiny but plausible record
        "Sparse Lanterns: Routing Tokens\nWe study routing.\n  • 4 authors\n·\nNov 5\n",
    ],
)
def test_small_plausible_listings_are_accepted(text: str) -> None:
    assert verdict_of_text(text) is None


def test_huge_abstract_lines_are_only_looked_at_in_part() -> None:
    text = "A Title of a Paper\n" + "word; " * 2_000_000 + "end.\n"
    assert verdict_of_text(text) is None


def test_require_listing_raises_one_line_with_the_way_to_force_it() -> None:
    ev = Evidence()
    result = listing.parse_text("hello\nworld\n", evidence=ev)
    with pytest.raises(NotAListingError) as err:
        require_listing(result.papers, ev, "standard input")
    message = str(err.value)
    assert "\n" not in message and "--force" in message and "standard input" in message
    assert err.value.exit_code == EX_DATAERR
