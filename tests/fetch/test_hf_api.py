"""The /api/daily_papers reader: tolerant per item, strict about the overall shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from readq.errors import EX_DATAERR, InputError
from readq.ids import paper_id
from readq.listing import parse_text
from readq.listing.hf_api import (
    ApiFormatError,
    ApiPaper,
    looks_like_api_response,
    parse_daily_papers,
)

API_DATA = Path(__file__).resolve().parent.parent / "data" / "api"
SAMPLE = Path(__file__).resolve().parents[2] / "src" / "readq" / "sample.txt"


def load(name: str) -> bytes:
    return (API_DATA / name).read_bytes()


def test_normal_day_reads_every_field() -> None:
    result = parse_daily_papers(load("daily_normal.json"))
    assert result.warnings == []
    assert len(result.papers) == 6
    slora = next(p for p in result.papers if p.arxiv_id == "2311.03285")
    assert slora.title == "S-LoRA: Serving Thousands of Concurrent LoRA Adapters"
    assert slora.abstract.startswith('The "pretrain-then-finetune" paradigm')
    assert slora.authors[:2] == ("Ying Sheng", "Shiyi Cao")
    assert len(slora.authors) == 12
    assert slora.published == "2024-01-21"
    assert (slora.upvotes, slora.comments) == (31, 2)
    assert slora.github == "https://github.com/S-LoRA/S-LoRA"
    assert slora.project_page is None
    assert "Unified Paging" in slora.keywords
    assert slora.ai_summary and slora.ai_summary.startswith("A short machine summary")
    triforce = next(p for p in result.papers if p.arxiv_id == "2404.11912")
    assert triforce.project_page == "https://infini-ai-lab.github.io/TriForce/"


def test_papers_get_the_same_identity_as_the_pasted_listing() -> None:
    """The API copy of a paper in sample.txt merges with it (ids come from the title)."""
    listed = {p.id for p in parse_text(SAMPLE.read_text(encoding="utf-8")).papers}
    api = [p.to_paper() for p in parse_daily_papers(load("daily_normal.json")).papers]
    shared = [p for p in api if p.id in listed]
    assert [p.title for p in shared] == [
        "Sparse Speculative Decoding with Draft Trees for Long-Context Inference"
    ]
    record = shared[0]
    assert record.authors == 6 and record.upvotes == 42 and record.published == "2024-01-21"
    assert record.links == (
        "https://arxiv.org/abs/2511.14021",
        "https://github.com/sparsespec/sparsespec",
    )


def test_fixture_titles_match_the_seed_pages(seeds: list[Path]) -> None:
    """daily_normal.json shares papers with ../shared/seeds, for the later merge tests."""
    seeded = {p.id for s in seeds for p in parse_text(s.read_text(encoding="utf-8")).papers}
    api = parse_daily_papers(load("daily_normal.json")).papers
    assert sum(paper_id(p.title, p.abstract) in seeded for p in api) >= 4


def test_empty_day() -> None:
    result = parse_daily_papers(load("empty_day.json"))
    assert (result.papers, result.warnings) == ([], [])


def test_missing_optional_fields_are_fine() -> None:
    result = parse_daily_papers(load("missing_optional.json"))
    assert result.warnings == []
    first, second, third = result.papers
    assert first == ApiPaper(
        arxiv_id="2401.00001",
        title="A Paper With Only A Title And Summary",
        abstract="Nothing else is known about it.",
    )
    assert second.abstract == "" and second.published == "2024-01-22"
    assert third.arxiv_id is None and third.comments == 0 and third.authors == ()


def test_a_wrong_type_costs_only_its_item() -> None:
    result = parse_daily_papers(load("wrong_types.json"), source="2024-01-24")
    assert [p.title for p in result.papers] == [
        "The Good Paper Before",
        "Bad Id But Kept",
        "The Good Paper After",
    ]
    warnings = "\n".join(result.warnings)
    assert "2024-01-24: item 1: title is a number, not a string; skipped" in warnings
    assert "item 2: paper is a string, not an object; skipped" in warnings
    assert "item 3: authors is a string, not a list; skipped" in warnings
    assert "item 4: a string, not an object; skipped" in warnings
    assert "item 5: id 'not-an-id!' is not an arXiv id; kept the paper without it" in warnings
    bad = result.papers[1]
    assert bad.arxiv_id is None
    assert (bad.github, bad.project_page, bad.upvotes, bad.keywords) == (None, None, None, ())
    assert result.papers[2].upvotes is None  # true is not a count


def test_control_characters_and_escape_sequences_are_stripped() -> None:
    (paper,) = parse_daily_papers(load("control_chars.json")).papers
    assert paper.title == "Evil Title With Controls Here"
    assert paper.abstract == "Line one line two and a title change."
    assert paper.authors == ("Mallory Hacker",)
    for text in (paper.title, paper.abstract, *paper.authors, *paper.keywords):
        assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in text)
        assert "[2J" not in text and "]0;" not in text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'{"error": "Invalid date"}', "an error from the API, not papers: Invalid date"),
        (b'{"papers": []}', "a JSON object (keys: papers), not the list of papers"),
        (b'"hello"', "a JSON string, not the list of papers"),
        (b"42", "a JSON number, not the list of papers"),
        (b"null", "a JSON null, not the list of papers"),
        (b"[1, 2", "not valid JSON (line 1, column 6)"),
        (b"[{]", "not valid JSON (line 1, column 3)"),
        (b"\n\n  <html>", "not valid JSON (line 3, column 3)"),
        (b"", "not valid JSON (line 1, column 1)"),
        (b"[NaN]", "NaN, which JSON does not allow"),
        (b'[{"paper": {"upvotes": -Infinity}}]', "-Infinity, which JSON does not allow"),
        pytest.param(b"[" + b"9" * 5000 + b"]", "not usable JSON", id="huge-int"),
        pytest.param(b"[" * 100_000 + b"]" * 100_000, "nested too deeply", id="deep"),
        (b"[\xff]", "not valid UTF-8 at byte offset 1"),
    ],
)
def test_not_a_daily_papers_list_is_one_clear_error(data: bytes, message: str) -> None:
    with pytest.raises(ApiFormatError) as caught:
        parse_daily_papers(data, source="day.json")
    assert message in str(caught.value)
    assert str(caught.value).startswith("day.json is ")
    assert isinstance(caught.value, InputError)
    assert caught.value.exit_code == EX_DATAERR == 65
    assert "\n" not in str(caught.value)


def test_invalid_fixture_reports_line_and_column() -> None:
    with pytest.raises(ApiFormatError, match=r"not valid JSON \(line 1, column \d+\)"):
        parse_daily_papers(load("invalid.json"))


def test_str_input_and_bom_are_accepted() -> None:
    text = load("missing_optional.json").decode()
    assert len(parse_daily_papers(text).papers) == 3
    assert len(parse_daily_papers(b"\xef\xbb\xbf" + text.encode()).papers) == 3


def test_bare_paper_objects_are_read_too() -> None:
    """/api/papers/search and friends list paper objects without the item wrapper."""
    data = json.dumps([{"id": "2401.00001", "title": "T", "summary": "S", "upvotes": 1}])
    (paper,) = parse_daily_papers(data).papers
    assert (paper.arxiv_id, paper.title, paper.upvotes) == ("2401.00001", "T", 1)


def test_item_title_stands_in_and_untitled_is_flagged() -> None:
    data = json.dumps(
        [
            {"paper": {"id": "2401.00001", "summary": "S"}, "title": "From The Item"},
            {"paper": {"id": "2401.00002", "title": "  ", "summary": "Only a summary"}},
            {"paper": {"authors": [{"name": "Nobody"}]}},
        ]
    )
    result = parse_daily_papers(data)
    assert [p.title for p in result.papers] == ["From The Item", "(untitled)"]
    assert result.warnings == [
        "item 1: no title",
        "item 2: no title, summary or id; skipped",
    ]


@pytest.mark.parametrize(
    "arxiv_id",
    ["2401.12345", "2401.1234", "2401.12345v3", "hep-th/9901001", "math.GT/0309136"],
)
def test_valid_arxiv_ids(arxiv_id: str) -> None:
    (paper,) = parse_daily_papers(json.dumps([{"paper": {"id": arxiv_id, "title": "T"}}])).papers
    assert paper.arxiv_id == arxiv_id


@pytest.mark.parametrize("arxiv_id", ["2401.123", "24011.2345", "HEP-TH/9901001", "x\x1b", ""])
def test_invalid_arxiv_ids_keep_the_paper(arxiv_id: str) -> None:
    result = parse_daily_papers(json.dumps([{"paper": {"id": arxiv_id, "title": "T"}}]))
    assert result.papers[0].arxiv_id is None
    assert "is not an arXiv id" in result.warnings[0]


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://github.com/a/b", True),
        ("http://example.org/x?y=1", True),
        ("HTTPS://EXAMPLE.ORG", True),
        ("javascript:alert(1)", False),
        ("file:///etc/passwd", False),
        ("ftp://example.org", False),
        ("https://", False),
        ("https://exa mple.org", False),
        ("https://example.org/\x1b[31m", False),
        ("//example.org", False),
    ],
)
def test_only_http_urls_are_kept(url: str, kept: bool) -> None:
    data = json.dumps([{"paper": {"title": "T", "githubRepo": url, "projectPage": url}}])
    (paper,) = parse_daily_papers(data).papers
    assert (paper.github == url) is kept and (paper.project_page == url) is kept


def test_authors_tolerate_odd_entries() -> None:
    data = json.dumps(
        [{"paper": {"title": "T", "authors": [{"name": " Ada\tLovelace "}, "Alan Turing", {}, 7]}}]
    )
    result = parse_daily_papers(data)
    assert result.papers[0].authors == ("Ada Lovelace", "Alan Turing")
    assert result.warnings == ["item 0: 2 author entries without a name"]


def test_lone_surrogates_are_replaced() -> None:
    (paper,) = parse_daily_papers(r'[{"paper": {"title": "bad \ud800 text"}}]').papers
    assert paper.title == "bad \ufffd text"
    paper.title.encode("utf-8")  # can be saved


def test_published_falls_back_to_the_item_date() -> None:
    data = json.dumps([{"paper": {"title": "T"}, "publishedAt": "2024-03-05T10:00:00Z"}])
    assert parse_daily_papers(data).papers[0].published == "2024-03-05"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"[]", True),
        (b'  \n{"error": "x"}', True),
        (b"\xef\xbb\xbf[1]", True),
        (b"[not json", False),
        (b"Daily Papers\n\nSome Title\n", False),
        (b"", False),
        (b"[NaN]", False),
    ],
)
def test_looks_like_api_response(data: bytes, expected: bool) -> None:
    assert looks_like_api_response(data) is expected


def test_looks_like_api_response_for_the_fixtures_and_sample() -> None:
    assert looks_like_api_response(load("daily_normal.json"))
    assert not looks_like_api_response(SAMPLE.read_bytes())
