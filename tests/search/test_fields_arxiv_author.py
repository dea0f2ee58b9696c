"""``arxiv:2401.12345`` and ``author:name`` (fuzzy on author names)."""

from __future__ import annotations

import dataclasses

import pytest

from readq.models import Entry
from readq.search.index import SearchIndex
from readq.search.query import arxiv_key, parse_query


def entries() -> list[Entry]:
    return [
        Entry(
            "a",
            "Attention Is All You Need",
            arxiv_id="1706.03762",
            author_names=("Ashish Vaswani", "Noam Shazeer"),
        ),
        Entry(
            "b",
            "Mamba: Linear-Time Sequence Modeling",
            arxiv_id="2312.00752v2",
            author_names=("Albert Gu", "Tri Dao"),
        ),
        Entry("c", "FlashAttention", arxiv_id="2205.14135", author_names=("Tri Dao",)),
        Entry("d", "A Pasted Paper Without API Fields"),
    ]


@pytest.fixture
def index() -> SearchIndex:
    idx = SearchIndex()
    idx.add(entries(), {})
    return idx


def ids(idx: SearchIndex, q: str) -> list[str]:
    return idx.search(q, states={}).ids


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("2401.12345", "2401.12345"),
        ("2401.12345v3", "2401.12345"),
        ("https://arxiv.org/abs/2401.12345v2", "2401.12345"),
        ("arxiv.org/pdf/2401.12345.pdf", "2401.12345"),
        ("hep-th/9901001", "hep-th/9901001"),
        ("12345", None),
    ],
)
def test_arxiv_key(text: str, key: str | None) -> None:
    assert arxiv_key(text) == key


def test_arxiv_field(index: SearchIndex) -> None:
    assert ids(index, "arxiv:1706.03762") == ["a"]
    assert ids(index, "arxiv:2312.00752") == ["b"]  # the stored version does not matter
    assert ids(index, "arxiv:2312.00752v1") == ["b"]
    assert ids(index, "arxiv:2401.00001") == []
    assert set(ids(index, "-arxiv:1706.03762")) == {"b", "c", "d"}


def test_bad_arxiv_is_reported() -> None:
    _, errors = parse_query("arxiv:nope")
    assert errors == ["arxiv:nope: expected an arXiv id like arxiv:2401.12345"]


def test_author_field_is_fuzzy(index: SearchIndex) -> None:
    assert set(ids(index, "author:dao")) == {"b", "c"}
    assert ids(index, "author:vaswany") == ["a"]  # one typo
    assert ids(index, "author:shaz") == ["a"]  # a prefix
    assert ids(index, 'author:"albert gu"') == ["b"]
    assert set(ids(index, "by:dao -author:gu")) == {"c"}
    assert ids(index, "mamba author:dao") == ["b"]


def test_author_names_are_not_free_words(index: SearchIndex) -> None:
    assert ids(index, "vaswani") == []


def test_reindexed_entry_moves_its_author_and_arxiv(index: SearchIndex) -> None:
    old = entries()[2]
    index.add([dataclasses.replace(old, author_names=("Someone Else",), arxiv_id="2205.99999")])
    assert ids(index, "author:dao") == ["b"]
    assert ids(index, "author:someone") == ["c"]
    assert ids(index, "arxiv:2205.14135") == []
    assert ids(index, "arxiv:2205.99999") == ["c"]
