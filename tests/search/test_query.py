"""The query language parser: every operator, field, filter and malformed term."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readq.search.query import Filter, Query, Term, fold, parse_query, split_words

NOW = dt.datetime(2026, 11, 22, 12, 30, tzinfo=dt.timezone.utc)


def parse(text: str) -> tuple[Query, list[str]]:
    return parse_query(text, now=NOW)


def test_plain_words_are_fuzzy_and_normalised() -> None:
    q, errors = parse("Speculative  DECODING")
    assert errors == []
    assert q.words == ("speculative", "decoding")
    assert all(t.kind == "fuzzy" and t.field == "any" for t in q.terms)
    assert q.ranked


@pytest.mark.parametrize("text", ["s-lora", "slora", "S-LoRA", "S\u2011LoRA", "(S-LoRA),"])
def test_hyphens_and_punctuation_do_not_matter(text: str) -> None:
    q, _ = parse(text)
    assert q.words == ("slora",)


def test_accents_and_case_fold() -> None:
    assert parse("Schrödinger NAÏVE")[0].words == ("schrodinger", "naive")
    assert fold("Café-Bar") == "cafe-bar"


def test_punctuation_inside_a_term_splits_it() -> None:
    assert parse("gpt-3.5")[0].words == ("gpt3", "5")


def test_phrase_and_exact_word() -> None:
    q, errors = parse('"Speculative  Decoding" \'lora')
    assert errors == []
    assert q.phrases == ("speculative decoding",)
    assert q.exact_words == ("lora",)
    assert q.words == ()
    assert q.ranked


def test_phrase_keeps_hyphenated_parts_apart() -> None:
    assert parse('"S-LoRA serving"')[0].phrases == ("s lora serving",)


@pytest.mark.parametrize("text", ["-survey", "!survey"])
def test_exclusion(text: str) -> None:
    q, errors = parse(text + " diffusion")
    assert errors == []
    assert q.words == ("diffusion",)
    assert q.exclusions == (Term("survey", "fuzzy", "any", True, text),)


def test_excluded_phrase_and_field() -> None:
    q, _ = parse('-"tool use" -title:survey')
    assert [(t.kind, t.field, t.text) for t in q.exclusions] == [
        ("phrase", "any", "tool use"),
        ("fuzzy", "title", "survey"),
    ]
    assert not q.ranked


@pytest.mark.parametrize(
    ("text", "fld"),
    [
        ("title:diffusion", "title"),
        ("abstract:diffusion", "abstract"),
        ("abs:diffusion", "abstract"),
        ("note:diffusion", "note"),
        ("org:diffusion", "org"),
        ("TITLE:diffusion", "title"),
    ],
)
def test_fields(text: str, fld: str) -> None:
    q, errors = parse(text)
    assert errors == []
    assert q.field_terms == (Term("diffusion", "fuzzy", fld, False, text),)  # type: ignore[arg-type]
    assert q.words == ()


def test_field_with_phrase_and_exact() -> None:
    q, _ = parse('title:"tool use" abs:\'lora')
    assert [(t.kind, t.field, t.text) for t in q.terms] == [
        ("phrase", "title", "tool use"),
        ("exact", "abstract", "lora"),
    ]


def test_only_org_and_note_terms_are_not_ranked() -> None:
    assert not parse("org:google note:todo")[0].ranked
    assert parse("title:agents")[0].ranked


@pytest.mark.parametrize(
    ("text", "key", "negated"),
    [
        ("is:read", "read", False),
        ("is:unread", "read", True),
        ("is:starred", "starred", False),
        ("is:unstarred", "starred", True),
        ("-is:read", "read", True),
        ("!is:unread", "read", False),
        ("has:note", "note", False),
        ("has:code", "code", False),
        ("-has:note", "note", True),
    ],
)
def test_state_filters(text: str, key: str, negated: bool) -> None:
    q, errors = parse(text)
    assert errors == []
    assert q.filters == (Filter(key, None, None, negated, text),)  # type: ignore[arg-type]
    assert not q.ranked


@pytest.mark.parametrize(
    ("text", "lo", "hi"),
    [
        ("up:>10", 11, None),
        ("up:>=10", 10, None),
        ("up:<3", None, 2),
        ("up:<=3", None, 3),
        ("up:5", 5, 5),
        ("up:=5", 5, 5),
        ("authors:>5", 6, None),
        ("upvotes:>1", 2, None),
    ],
)
def test_number_filters(text: str, lo: int | None, hi: int | None) -> None:
    q, errors = parse(text)
    assert errors == []
    (f,) = q.filters
    assert (f.lo, f.hi) == (lo, hi)
    assert f.key == ("authors" if text.startswith("authors") else "up")


@pytest.mark.parametrize(
    ("text", "lo", "hi"),
    [
        ("date:2024", "2024-01-01", "2025-01-01"),
        ("date:2024-09", "2024-09-01", "2024-10-01"),
        ("date:2024-12", "2024-12-01", "2025-01-01"),
        ("date:2024-09-01", "2024-09-01", "2024-09-02"),
        ("date:>=2024-09-01", "2024-09-01", None),
        ("date:>2024-09-01", "2024-09-02", None),
        ("date:<2023", None, "2023-01-01"),
        ("date:<=2023", None, "2024-01-01"),
        ("date:>2023", "2024-01-01", None),
    ],
)
def test_date_filters(text: str, lo: str | None, hi: str | None) -> None:
    q, errors = parse(text)
    assert errors == []
    (f,) = q.filters
    assert (f.key, f.lo, f.hi) == ("date", lo, hi)


@pytest.mark.parametrize(
    ("text", "lo", "hi"),
    [
        ("seen:today", "2026-11-22T00:00:00Z", "2026-11-23T00:00:00Z"),
        ("seen:yesterday", "2026-11-21T00:00:00Z", "2026-11-22T00:00:00Z"),
        ("seen:7d", "2026-11-15T12:30:00Z", None),
        ("seen:2w", "2026-11-08T12:30:00Z", None),
        ("seen:12h", "2026-11-22T00:30:00Z", None),
        ("seen:90min", "2026-11-22T11:00:00Z", None),
        ("seen:3mo", "2026-08-24T12:30:00Z", None),
        ("seen:1y", "2025-11-22T12:30:00Z", None),
        ("seen:2030y", "1970-01-01T00:00:00Z", None),
        ("seen:202420247d", "1970-01-01T00:00:00Z", None),
        ("seen:" + "9" * 5000 + "w", "1970-01-01T00:00:00Z", None),
        ("seen:>=2026-11-01", "2026-11-01T00:00:00Z", None),
    ],
)
def test_seen_filters(text: str, lo: str | None, hi: str | None) -> None:
    q, errors = parse(text)
    assert errors == []
    (f,) = q.filters
    assert (f.key, f.lo, f.hi) == ("seen", lo, hi)


def test_seen_today_uses_the_zone_of_now() -> None:
    tz = dt.timezone(dt.timedelta(hours=2))
    q, _ = parse_query("seen:today", now=dt.datetime(2026, 11, 22, 1, 0, tzinfo=tz))
    assert q.filters[0].lo == "2026-11-21T22:00:00Z"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("up:>abc", "up:>abc: expected a number after '>'"),
        ("up:", "up:: expected a number"),
        ("authors:many", "authors:many: expected a number"),
        ("date:2024-13", "date:2024-13: '2024-13' is not a valid date"),
        ("date:yesterday", "date:yesterday: expected a date like 2024, 2024-09 or 2024-09-01"),
        ("seen:soon", "seen:soon: expected today"),
        ("seen:10m", "seen:10m: 'm' is ambiguous: write 10min (minutes) or 10mo (months)"),
        ("is:maybe", "is:maybe: expected is:read, is:unread, is:starred or is:unstarred"),
        ("has:pdf", "has:pdf: expected has:note or has:code"),
        ("title:", "title:: expected a word"),
        ('"open phrase', '"open phrase: unclosed quote'),
        ("foo:bar", "foo:bar: unknown field 'foo:'"),
    ],
)
def test_malformed_terms_give_a_message(text: str, message: str) -> None:
    q, errors = parse("diffusion " + text)
    assert len(errors) == 1
    assert errors[0].startswith(message)
    assert q.errors == tuple(errors)
    assert q.words[:1] == ("diffusion",)


def test_the_rest_of_a_malformed_query_still_works() -> None:
    q, errors = parse("up:>abc diffusion is:unread date:2024-99")
    assert len(errors) == 2
    assert q.words == ("diffusion",)
    assert [f.key for f in q.filters] == ["read"]


def test_unclosed_quote_reads_to_the_end_as_a_phrase() -> None:
    q, errors = parse('lora "speculative decod')
    assert errors
    assert q.words == ("lora",)
    assert q.phrases == ("speculative decod",)


def test_unknown_field_is_searched_as_words() -> None:
    q, _ = parse("foo:bar")
    assert q.words == ("foo", "bar")


def test_trailing_colon_is_just_a_word() -> None:
    q, errors = parse("llama: open")
    assert errors == []
    assert q.words == ("llama", "open")


def test_empty_and_blank() -> None:
    for text in ("", "   ", "-", "!"):
        q, errors = parse(text)
        assert q.is_empty and errors == []
        assert not q.ranked


def test_split_words_joins_hyphenated() -> None:
    assert split_words(fold("Fine-Tuning of S-LoRA")) == ["finetuning", "of", "slora"]


def test_default_now_is_used_when_not_given() -> None:
    q, errors = parse_query("seen:today")
    assert errors == [] and q.filters[0].lo is not None


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            list("ab -!:\"'<>=.,é0123456789 ")
            + ["is:", "up:", "date:", "seen:", "title:", "7d", "2024"]
        ),
        max_size=25,
    ).map("".join)
)
def test_parser_never_raises(text: str) -> None:
    q, errors = parse(text)
    assert isinstance(q, Query)
    assert all(isinstance(e, str) and e for e in errors)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_parser_never_raises_on_any_text(text: str) -> None:
    parse(text)
