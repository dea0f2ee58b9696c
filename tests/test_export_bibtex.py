"""The BibTeX export: entries read back by bibtexparser, keys, and hostile titles."""

from __future__ import annotations

import datetime
import os
import re
from pathlib import Path

import bibtexparser
import pytest
from bibtexparser.bparser import BibTexParser
from hypothesis import given, settings
from hypothesis import strategies as st

import readq
from readq.export import ExportItem, render_bibtex
from readq.export.bibtex import bibtex_title, citation_keys, escape_bibtex
from readq.models import Entry, PaperState

GOLDEN = Path(__file__).resolve().parent / "data" / "export"
DAY = datetime.date(2026, 11, 22)

# What each escape stands for, written independently of readq.export.bibtex.
_UNESCAPE = [
    (r"\textasciitilde{}", "~"),
    (r"\textasciicircum{}", "^"),
    (r"\textbackslash{}", "\\"),
    (r"\textbraceleft{}", "{"),
    (r"\textbraceright{}", "}"),
]
_ESCAPED_CHAR = re.compile(r"\\([&%$#_{}])")


def decode(value: str) -> str:
    """The text a reader of the bibliography sees: escapes undone, case braces gone."""
    out = []
    i = 0
    while i < len(value):
        for escape, char in _UNESCAPE:
            if value.startswith(escape, i):
                out.append(char)
                i += len(escape)
                break
        else:
            m = _ESCAPED_CHAR.match(value, i)
            if m:
                out.append(m.group(1))
                i = m.end()
            elif value[i] in "{}":
                i += 1  # a protecting brace
            else:
                out.append(value[i])
                i += 1
    return "".join(out)


def raw_braces_balance(value: str) -> bool:
    """BibTeX counts every brace, escaped or not: they must balance, never dip below 0."""
    depth = 0
    for ch in value:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


def item(
    title: str,
    *,
    id: str = "0123456789abcdef",
    arxiv_id: str | None = None,
    author_names: tuple[str, ...] = (),
    published: str | None = None,
) -> ExportItem:
    entry = Entry(
        id=id, title=title, arxiv_id=arxiv_id, author_names=author_names, published=published
    )
    return ExportItem(entry, "", PaperState(starred=True))


def parse(text: str) -> list[dict[str, str]]:
    parser = BibTexParser(common_strings=False)
    parser.ignore_nonstandard_types = False
    entries: list[dict[str, str]] = bibtexparser.loads(text, parser).entries
    return entries


PAPERS = [
    item(
        "LoRA: Low-Rank Adaptation of Large Language Models",
        id="9e8d7c6b5a493827",
        arxiv_id="2106.09685",
        author_names=("Edward J. Hu", "Yelong Shen", "Phillip Wallis"),
        published="2021-06-17",
    ),
    item(
        "The Ünïcode Paper on 50% of $ & # _ {braces} ~ ^ \\ stuff",
        id="1111111111111111",
        arxiv_id="2401.12345v2",
        author_names=("José Núñez", "Smith, Jr., John", "Anderson and Co"),
    ),
    item("A paper only pasted from a listing", id="2222222222222222", published="2024-03-01"),
    item("Attention", id="3333333333333333", author_names=("Ann Lee",), published="2024-05-05"),
    item(
        "Attention, again", id="4444444444444444", author_names=("Bo Lee",), published="2024-01-01"
    ),
]


@pytest.fixture
def pinned_version(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readq, "__version__", "0.1.0")


@pytest.mark.usefixtures("pinned_version")
def test_golden_bibtex() -> None:
    """The exact file; regenerate with READQ_UPDATE_GOLDEN=1, then review."""
    got = render_bibtex(PAPERS, generated=DAY)[0].encode("utf-8")
    path = GOLDEN / "papers.bib"
    if os.environ.get("READQ_UPDATE_GOLDEN") == "1":
        path.write_bytes(got)
    assert path.read_bytes() == got


def test_entries_read_back_with_bibtexparser() -> None:
    text, missing = render_bibtex(PAPERS, generated=DAY)
    assert missing == 3
    entries = parse(text)
    assert [e["ID"] for e in entries] == [
        "hu2021lora",
        "nunez2024unicode",
        "anon2024paper",
        "lee2024attention",
        "lee2024attentiona",
    ]
    lora, odd, pasted = entries[:3]
    assert lora["ENTRYTYPE"] == "misc"
    assert decode(lora["title"]) == PAPERS[0].entry.title
    assert lora["title"].startswith("{LoRA}: {Low-Rank} Adaptation")
    assert bibtex_title("(LoRA), or GPT-4?") == "({LoRA}), or {GPT-4}?"
    assert lora["author"] == "Edward J. Hu and Yelong Shen and Phillip Wallis"
    assert (lora["year"], lora["eprint"], lora["archiveprefix"]) == ("2021", "2106.09685", "arXiv")
    assert lora["url"] == "https://arxiv.org/abs/2106.09685"

    assert decode(odd["title"]) == PAPERS[1].entry.title
    assert odd["year"] == "2024"  # from the arXiv id, the listing had no date
    names = [decode(n) for n in odd["author"].split(" and ") if n]
    assert names[0] == "José Núñez"
    assert odd["author"].count("{") == 2  # the comma and the "and" names kept whole

    assert "eprint" not in pasted and pasted["howpublished"] == "Hugging Face Daily Papers"
    assert pasted["url"].startswith("https://huggingface.co/papers?q=A+paper+only")


def test_keys_do_not_depend_on_the_order() -> None:
    forward = {e["title"]: e["ID"] for e in parse(render_bibtex(PAPERS, generated=DAY)[0])}
    backward = parse(render_bibtex(PAPERS[::-1], generated=DAY)[0])
    assert {e["title"]: e["ID"] for e in backward} == forward


def test_key_suffixes_skip_keys_already_taken() -> None:
    keys = citation_keys([("1", "x2024data"), ("2", "x2024dat"), ("3", "x2024dat")])
    assert sorted(keys.values()) == ["x2024dat", "x2024data", "x2024datb"]
    many = citation_keys([(f"{n:03}", "k") for n in range(30)])
    assert len(set(many.values())) == 30 and many["027"] == "kaa"


@pytest.mark.parametrize(
    ("title", "escaped"),
    [
        ("a & b % c $ d # e _ f", r"a \& b \% c \$ d \# e \_ f"),
        ("x ~ y ^ z \\ w", r"x \textasciitilde{} y \textasciicircum{} z \textbackslash{} w"),
        ("set {a, b}", r"set \{a, b\}"),
        ("oops { never closed", r"oops \textbraceleft{} never closed"),
        ("} first", r"\textbraceright{} first"),
    ],
)
def test_special_characters_are_escaped(title: str, escaped: str) -> None:
    assert escape_bibtex(title) == escaped


def test_capitals_inside_words_are_protected() -> None:
    assert (
        bibtex_title("GPT-4 meets BERT and Über Models") == "{GPT-4} meets {BERT} and Über Models"
    )


TITLE_CHARS = st.text(
    st.one_of(st.sampled_from(list('&%$#_{}~^\\@,"= \n\tAaZz')), st.characters(codec="utf-8")),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(TITLE_CHARS, min_size=1, max_size=4))
def test_any_title_reads_back_exactly(titles: list[str]) -> None:
    items = [
        item(t, id=f"{n:016x}", arxiv_id="2401.00001", author_names=(t,))
        for n, t in enumerate(titles)
    ]
    text, _ = render_bibtex(items, generated=DAY)
    entries = parse(text)
    assert len(entries) == len(items)
    assert len({e["ID"] for e in entries}) == len(items)
    for entry, it in zip(entries, items, strict=True):
        shown = readq.export.display_title(it.entry.title)
        assert raw_braces_balance(entry["title"])
        assert decode(entry["title"]) == shown
        assert entry["eprint"] == "2401.00001"
        assert re.fullmatch(r"[a-z0-9]+", entry["ID"])
