"""The search index: matching, operators, fields, filters, ranking, updates, threads."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest

from readq.models import Entry, PaperState
from readq.search.index import SearchIndex, SearchResult, doc_words
from readq.search.query import parse_query

NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.timezone.utc)


def entry(
    pid: str,
    title: str,
    *,
    published: str | None = "2024-01-01",
    upvotes: int | None = 0,
    authors: int | None = 3,
    org: str | None = None,
    seen: str = "2026-11-01T07:00:00Z",
    links: tuple[str, ...] = (),
) -> Entry:
    return Entry(pid, title, authors, org, published, upvotes, links, seen, seen)


PAPERS: list[tuple[Entry, str]] = [
    (
        entry(
            "slora",
            "S-LoRA: Serving Thousands of Concurrent LoRA Adapters",
            published="2023-11-06",
            upvotes=40,
            authors=12,
        ),
        "We present S-LoRA, a system for scalable serving of many adapters. Code at "
        "https://github.com/S-LoRA/S-LoRA",
    ),
    (
        entry(
            "specdec",
            "Accelerating Inference with Speculative Decoding",
            published="2023-02-01",
            upvotes=12,
            org="Google",
        ),
        "A draft model proposes tokens that the target model verifies in parallel.",
    ),
    (
        entry(
            "normz",
            "Layer Normalization for Transformers",
            published="2022-05-01",
            upvotes=3,
            authors=2,
        ),
        "We study normalization layers in deep transformer networks.",
    ),
    (
        entry(
            "norms",
            "Batch Normalisation Without Batches",
            published="2021-03-01",
            upvotes=1,
            authors=1,
        ),
        "Running moments replace batch statistics for online learning.",
    ),
    (
        entry(
            "lagr",
            "Constrained RLHF for Reward Model Overoptimization",
            published="2024-10-02",
            upvotes=25,
            authors=6,
            org="Meta AI",
        ),
        "We use Lagrange multipliers to keep each reward below a threshold of usefulness.",
    ),
    (
        entry(
            "survey",
            "A Survey of Speculative Decoding Methods",
            published="2024-09-15",
            upvotes=8,
            authors=7,
        ),
        "We review draft-and-verify decoding, tree attention and self-speculation.",
    ),
    (
        entry(
            "nodate",
            "Diffusion Models Beat GANs",
            published=None,
            upvotes=None,
            authors=None,
            seen="2026-11-21T20:00:00Z",
        ),
        "Classifier guidance improves sample quality of diffusion models on ImageNet.",
    ),
    (
        entry(
            "video",
            "Latent Video Diffusion with Temporal Attention",
            published="2024-01-22",
            upvotes=36,
            authors=11,
            seen="2026-11-22T08:00:00Z",
        ),
        "We extend image diffusion models to video with temporal layers.",
    ),
]


@pytest.fixture
def index() -> SearchIndex:
    idx = SearchIndex()
    idx.add([e for e, _ in PAPERS], {e.id: a for e, a in PAPERS})
    return idx


def ids(
    idx: SearchIndex, query: str, states: dict[str, PaperState] | None = None, **kw: object
) -> list[str]:
    result = idx.search(query, states=states or {}, now=NOW, **kw)  # type: ignore[arg-type]
    assert not result.cancelled
    return result.ids


# -- matching words -------------------------------------------------------------------


def test_empty_query_returns_everything_unranked(index: SearchIndex) -> None:
    result = index.search("", states={}, now=NOW)
    assert result == SearchResult([e.id for e, _ in PAPERS], False, [], False, False)


def test_exact_word(index: SearchIndex) -> None:
    assert ids(index, "adapters") == ["slora"]


def test_prefix(index: SearchIndex) -> None:
    assert set(ids(index, "specul")) == {"specdec", "survey"}


@pytest.mark.parametrize(
    "query",
    ["tranformers", "transfromers", "layer normalisation", "constrianed rlhf", "overoptimisation"],
)
def test_typos(index: SearchIndex, query: str) -> None:
    got = ids(index, query)
    assert got and got[0] in ("normz", "lagr")


def test_british_and_american_spelling_both_match(index: SearchIndex) -> None:
    assert set(ids(index, "normalization")[:2]) == {"normz", "norms"}
    assert set(ids(index, "normalisation")[:2]) == {"normz", "norms"}


@pytest.mark.parametrize("query", ["s-lora", "slora", "S-LoRA", "SLoRA", "s lora"])
def test_hyphenation_does_not_matter(index: SearchIndex, query: str) -> None:
    assert ids(index, query)[0] == "slora"


def test_parts_of_a_hyphenated_word_match(index: SearchIndex) -> None:
    assert ids(index, "lora")[0] == "slora"


def test_abstract_only_word(index: SearchIndex) -> None:
    assert ids(index, "lagrange") == ["lagr"]
    assert ids(index, "lagrange multipliers")[0] == "lagr"


def test_short_words_do_not_explode(index: SearchIndex) -> None:
    assert ids(index, "zz") == []
    assert ids(index, "s")[0] == "slora"


def test_unknown_word(index: SearchIndex) -> None:
    result = index.search("xylophone", states={}, now=NOW)
    assert result.ids == [] and result.ranked


# -- ranking ----------------------------------------------------------------------------


def test_more_matched_words_rank_first(index: SearchIndex) -> None:
    got = ids(index, "speculative decoding survey")
    assert got[0] == "survey"
    assert got.index("survey") < got.index("specdec")


def test_title_match_beats_abstract_match() -> None:
    idx = SearchIndex()
    idx.add(
        [
            entry("a", "Something Else Entirely", published="2025-01-01"),
            entry("t", "Quokka Networks", published="2020-01-01"),
        ],
        {"a": "We train quokka networks.", "t": "Nothing relevant here."},
    )
    assert ids(idx, "quokka") == ["t", "a"]


def test_exact_beats_prefix_beats_typo() -> None:
    idx = SearchIndex()
    idx.add(
        [
            entry("typo", "Adaptor Layers", published="2025-03-01"),
            entry("prefix", "Adapters Everywhere", published="2025-02-01"),
            entry("exact", "The Adapter", published="2020-01-01"),
        ],
        {},
    )
    # "adaptor" is in as few papers as "adapter": a typed word that exists is taken as
    # meant, unless its neighbour is far rarer (a misspelling in the paper)
    assert ids(idx, "adapter") == ["exact", "prefix"]
    assert ids(idx, "adapte")[-1] == "typo"  # prefixes first, then the typo


def test_ties_break_by_date_newest_first() -> None:
    idx = SearchIndex()
    idx.add(
        [
            entry("old", "Mamba Layers", published="2022-01-01"),
            entry("new", "Mamba Layers Again", published="2024-01-01"),
            entry("none", "Mamba Layers Revisited", published=None),
            entry("mid", "Mamba Layers Too", published="2023-01-01"),
        ],
        {},
    )
    assert ids(idx, "mamba") == ["new", "mid", "old", "none"]


def test_all_words_must_match_unless_too_few_do(index: SearchIndex) -> None:
    # one paper has both words: papers with only one of them follow (fewer than 10 match)
    got = ids(index, "video diffusion")
    assert got[0] == "video"
    assert "nodate" in got


def test_enough_full_matches_drop_partial_ones() -> None:
    idx = SearchIndex()
    full = [entry(f"f{i}", f"Quokka Wombat Study {i}") for i in range(12)]
    idx.add(full + [entry("half", "Quokka Only")], {})
    got = ids(idx, "quokka wombat")
    assert len(got) == 12 and "half" not in got


def test_filters_alone_are_unranked_in_index_order(index: SearchIndex) -> None:
    result = index.search("up:>5", states={}, now=NOW)
    assert not result.ranked
    assert result.ids == ["slora", "specdec", "lagr", "survey", "video"]


# -- operators --------------------------------------------------------------------------


def test_phrase(index: SearchIndex) -> None:
    assert set(ids(index, '"speculative decoding"')) == {"specdec", "survey"}
    assert ids(index, '"decoding speculative"') == []
    assert ids(index, '"draft model proposes"') == ["specdec"]


def test_phrase_ignores_case_and_punctuation_between_words(index: SearchIndex) -> None:
    assert ids(index, '"s lora serving"') == ["slora"]
    assert ids(index, '"S-LoRA: SERVING"') == ["slora"]


def test_phrase_respects_word_boundaries(index: SearchIndex) -> None:
    assert ids(index, '"ora serving"') == []


def test_exact_word_operator_has_no_typos_or_prefixes(index: SearchIndex) -> None:
    assert ids(index, "'normalization") == ["normz"]
    assert ids(index, "'specul") == []


@pytest.mark.parametrize("neg", ["-", "!"])
def test_exclusion(index: SearchIndex, neg: str) -> None:
    assert ids(index, f"speculative {neg}survey") == ["specdec"]


def test_exclusion_covers_abstract_and_longer_words(index: SearchIndex) -> None:
    assert "lagr" not in ids(index, "reward -multiplier")
    assert ids(index, "-diffusion up:>30") == ["slora"]


def test_exclusion_only(index: SearchIndex) -> None:
    result = index.search("-diffusion", states={}, now=NOW)
    assert not result.ranked
    assert set(result.ids) == {"slora", "specdec", "normz", "norms", "lagr", "survey"}


# -- fields -----------------------------------------------------------------------------


def test_title_field(index: SearchIndex) -> None:
    assert set(ids(index, "title:diffusion")) == {"nodate", "video"}
    assert ids(index, "title:lagrange") == []


def test_abstract_field(index: SearchIndex) -> None:
    assert ids(index, "abstract:lagrange") == ["lagr"]
    assert ids(index, "abs:lagrange") == ["lagr"]
    assert ids(index, "abs:constrained") == []


def test_org_field(index: SearchIndex) -> None:
    assert ids(index, "org:google") == ["specdec"]
    assert ids(index, "org:meta") == ["lagr"]
    assert ids(index, "org:gogle") == ["specdec"]


def test_note_field() -> None:
    idx = SearchIndex()
    idx.add([e for e, _ in PAPERS], {})
    states = {
        "norms": PaperState(note="Read the appendix on running moments"),
        "video": PaperState(read=True),
    }
    assert ids(idx, "note:appendix", states) == ["norms"]
    assert ids(idx, "note:apendix", states) == ["norms"]
    assert ids(idx, 'note:"running moments"', states) == ["norms"]
    assert ids(idx, "note:video", states) == []
    assert "norms" not in ids(idx, "-note:appendix", states)


# -- state and number filters ------------------------------------------------------------


def test_state_filters(index: SearchIndex) -> None:
    states = {
        "slora": PaperState(read=True),
        "video": PaperState(starred=True, note="x"),
        "lagr": PaperState(read=True, starred=True),
    }
    assert ids(index, "is:read", states) == ["slora", "lagr"]
    assert ids(index, "is:starred", states) == ["lagr", "video"]
    assert ids(index, "has:note", states) == ["video"]
    unread = ids(index, "is:unread", states)
    assert "slora" not in unread and "lagr" not in unread and len(unread) == 6
    assert ids(index, "is:read is:starred", states) == ["lagr"]
    assert ids(index, "is:unstarred diffusion", states) == ["nodate"]


def test_states_are_sparse_and_unknown_ids_ignored(index: SearchIndex) -> None:
    states = {"gone": PaperState(read=True)}
    assert ids(index, "is:read", states) == []
    assert len(ids(index, "is:unread", states)) == len(PAPERS)


def test_has_code(index: SearchIndex) -> None:
    assert ids(index, "has:code") == ["slora"]
    idx = SearchIndex()
    idx.add([entry("l", "Linked", links=("https://github.com/a/b",)), entry("n", "Plain")], {})
    assert ids(idx, "has:code") == ["l"]


def test_upvote_and_author_filters(index: SearchIndex) -> None:
    assert ids(index, "up:>25") == ["slora", "video"]
    assert ids(index, "up:<=1") == ["norms", "nodate"]  # no count counts as 0
    assert ids(index, "up:12") == ["specdec"]
    assert ids(index, "authors:>10") == ["slora", "video"]
    assert ids(index, "authors:<2") == ["norms"]  # unknown author counts never match


def test_date_filters(index: SearchIndex) -> None:
    assert ids(index, "date:2024") == ["lagr", "survey", "video"]
    assert ids(index, "date:>=2024-09-01") == ["lagr", "survey"]
    assert ids(index, "date:<2023") == ["normz", "norms"]
    assert ids(index, "date:2023-11") == ["slora"]


def test_seen_filters(index: SearchIndex) -> None:
    assert ids(index, "seen:today") == ["video"]
    assert ids(index, "seen:1d") == ["nodate", "video"]
    assert ids(index, "seen:yesterday") == ["nodate"]
    assert len(ids(index, "seen:30d")) == len(PAPERS)


def test_filters_combine_with_words(index: SearchIndex) -> None:
    assert ids(index, "diffusion date:2024") == ["video"]
    assert ids(index, "speculative up:>10") == ["specdec"]


# -- malformed terms ----------------------------------------------------------------------


def test_malformed_terms_are_reported_and_the_rest_works(index: SearchIndex) -> None:
    result = index.search("up:>abc speculative -survey", states={}, now=NOW)
    assert result.errors == ["up:>abc: expected a number after '>'"]
    assert result.ids == ["specdec"]


def test_unclosed_quote_is_reported_and_searched_as_phrase(index: SearchIndex) -> None:
    result = index.search('"speculative decod', states={}, now=NOW)
    assert result.errors and "unclosed quote" in result.errors[0]
    assert set(result.ids) <= {"specdec", "survey"}


def test_query_object_keeps_its_errors(index: SearchIndex) -> None:
    query, errors = parse_query("is:nothing lora", now=NOW)
    result = index.search(query, states={})
    assert result.errors == errors and result.ids[0] == "slora"


# -- within, cancellation, partial indexes, updates -------------------------------------------


def test_within_restricts_to_a_subset(index: SearchIndex) -> None:
    assert ids(index, "speculative", within={"survey", "nodate"}) == ["survey"]
    assert ids(index, "", within=["video", "ghost"]) == ["video"]
    assert ids(index, "up:>0", within=["video", "ghost"]) == ["video"]


def test_cancelled_search_returns_quickly_and_says_so(index: SearchIndex) -> None:
    result = index.search("speculative decoding", states={}, now=NOW, cancelled=lambda: True)
    assert result.cancelled and result.ids == []


def test_titles_are_searchable_before_abstracts() -> None:
    idx = SearchIndex()
    idx.add([e for e, _ in PAPERS])
    assert not idx.abstracts_indexed
    result = idx.search("speculative", states={}, now=NOW)
    assert result.partial and set(result.ids) == {"specdec", "survey"}
    assert idx.search("lagrange", states={}, now=NOW).ids == []
    idx.add_abstracts({e.id: a for e, a in PAPERS[:3]})
    assert idx.abstracts_indexed  # a complete call: the rest have no abstract
    assert idx.search("lagrange", states={}, now=NOW).ids == []
    idx.add_abstracts({e.id: a for e, a in PAPERS})
    result = idx.search("lagrange", states={}, now=NOW)
    assert result.ids == ["lagr"] and not result.partial


def test_cancelled_abstract_indexing_stays_partial() -> None:
    idx = SearchIndex()
    idx.add([e for e, _ in PAPERS])
    idx.add_abstracts({e.id: a for e, a in PAPERS}, cancelled=lambda: True)
    assert not idx.abstracts_indexed
    assert idx.search("diffusion", states={}, now=NOW).partial


def test_update_replaces_an_entry(index: SearchIndex) -> None:
    old, _ = PAPERS[1]
    new = Entry(
        old.id,
        "Accelerating Inference with Lookahead Decoding",
        old.authors,
        "DeepMind",
        old.published,
        99,
        (),
        old.first_seen,
        old.last_seen,
    )
    index.add([new])
    assert "specdec" not in ids(index, "title:speculative")
    assert ids(index, "lookahead") == ["specdec"]
    assert ids(index, "org:google") == [] and ids(index, "org:deepmind") == ["specdec"]
    assert "specdec" in ids(index, "up:>90")
    assert ids(index, "draft model proposes")[0] == "specdec"  # abstract kept
    assert len(index) == len(PAPERS)


def test_changed_abstract_replaces_the_old_words(index: SearchIndex) -> None:
    index.add_abstracts({"lagr": "Penalty methods instead."})
    assert ids(index, "lagrange") == []
    assert ids(index, "penalty") == ["lagr"]


def test_import_adds_new_papers_with_abstracts(index: SearchIndex) -> None:
    index.add([entry("new", "Quokka Inference")], {"new": "Marsupial speed-ups."})
    assert ids(index, "marsupial") == ["new"]
    assert index.abstracts_indexed


def test_search_while_abstracts_are_indexed_in_another_thread() -> None:
    many = [
        (
            entry(f"p{i}", f"Paper {i} about quokka number {i}"),
            f"Abstract {i} mentions wombat{i % 7} and shared words.",
        )
        for i in range(3000)
    ]
    idx = SearchIndex()
    idx.add([e for e, _ in many])
    errors: list[BaseException] = []

    def work() -> None:
        try:
            idx.add_abstracts({e.id: a for e, a in many})
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    thread = threading.Thread(target=work)
    thread.start()
    while thread.is_alive():
        result = idx.search("quokka wombat3", states={}, now=NOW)
        assert not result.cancelled
        time.sleep(0.001)
    thread.join()
    assert not errors
    final = idx.search("wombat3", states={}, now=NOW)
    assert len(final.ids) == len([i for i in range(3000) if i % 7 == 3]) and not final.partial


# -- highlighting ------------------------------------------------------------------------------


def spans(idx: SearchIndex, query: str, title: str) -> list[str]:
    return [title[a:b] for a, b in idx.title_spans(query, title)]


def test_title_spans(index: SearchIndex) -> None:
    title = "S-LoRA: Serving Thousands of Concurrent LoRA Adapters"
    assert spans(index, "slora", title) == ["S-LoRA"]
    assert spans(index, "serv adapters", title) == ["Serv", "Adapters"]
    assert spans(index, "tousands", title) == ["Thousands"]
    assert spans(index, '"concurrent lora"', title) == ["Concurrent LoRA"]
    assert spans(index, "-serving abs:thousands lora", title) == ["LoRA", "LoRA"]
    assert spans(index, "thousand", title) == ["Thousand"]


def test_title_spans_with_accents() -> None:
    idx = SearchIndex()
    title = "Schrödinger Bridges"
    assert [title[a:b] for a, b in idx.title_spans("schrodinger", title)] == ["Schrödinger"]
    assert [title[a:b] for a, b in idx.title_spans("schro", title)] == ["Schrö"]


def test_doc_words_index_parts_and_compounds() -> None:
    assert doc_words("S-LoRA: state-of-the-art") == {
        "s",
        "lora",
        "slora",
        "state",
        "of",
        "the",
        "art",
        "stateoftheart",
    }


def test_an_exclusion_does_not_change_the_cached_matches_of_other_terms() -> None:
    idx = SearchIndex()
    idx.add([entry("a", "Diffusion Survey"), entry("b", "Diffusion Models")], {})
    assert sorted(ids(idx, "title:diffusion")) == ["a", "b"]
    assert ids(idx, "title:diffusion -survey") == ["b"]
    assert sorted(ids(idx, "title:diffusion")) == ["a", "b"]
