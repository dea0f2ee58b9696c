"""The listing parser against hand-written fixtures, the real seed pages and bad input."""

from __future__ import annotations

import codecs
import datetime as dt
import io
import itertools
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from readq.errors import InputError, NoInputError
from readq.ids import paper_id
from readq.listing import decode_lines, parse_bytes, parse_file, parse_lines, parse_text
from readq.models import Paper, ParseResult, ParseWarning

LISTINGS = Path(__file__).resolve().parent.parent / "data" / "listings"
TODAY = dt.date(2026, 11, 22)


def parse_fixture(name: str, **kw: object) -> ParseResult:
    return parse_file(LISTINGS / name, today=TODAY, **kw)  # type: ignore[arg-type]


def fields(paper: Paper) -> dict[str, object]:
    """Everything but the abstract, which the tests check by its start."""
    doc = paper.to_dict()
    del doc["abstract"], doc["id"]
    return doc


def meta(
    title: str,
    authors: int | None = None,
    organization: str | None = None,
    published: str | None = None,
    upvotes: int | None = None,
    links: tuple[str, ...] = (),
) -> dict[str, object]:
    return {
        "title": title,
        "authors": authors,
        "organization": organization,
        "published": published,
        "upvotes": upvotes,
        "links": list(links),
    }


META_BLOCKS_EXPECTED = [
    meta(
        "Sparse Lanterns: Routing Tokens Through Lightweight Experts",
        authors=4,
        published="2024-10-18",
        upvotes=2,
        links=("https://github.com/example-lab/sparse-lanterns",),
    ),
    meta("Quiet Gradients Are Informative", authors=1, published="2026-09-14", upvotes=3),
    meta("Tiled Attention for Very Long Documents"),
    meta(
        "Benchmarking Tabular Agents in the Wild",
        organization="Google",
        published="2025-12-01",
        links=("https://tab-agents.example.org/leaderboard",),
    ),
    meta("Cheap Priors for Expensive Simulators", authors=12, published="2024-02-29"),
    meta("Broken Calendar Study", authors=3),
    meta("Last One With a Year and No Upvotes", authors=2, published="2016-11-26"),
]


# -- fixtures: every layout --------------------------------------------------------------


def test_blank_line_separated_listing_with_metadata_blocks() -> None:
    result = parse_fixture("meta_blocks.txt")
    assert [fields(p) for p in result.papers] == META_BLOCKS_EXPECTED
    first = result.papers[0]
    assert first.abstract.startswith("We study how to route tokens through a pool")
    assert first.abstract.endswith("https://github.com/example-lab/sparse-lanterns.")
    assert all(p.id == paper_id(p.title, p.abstract) for p in result.papers)
    # The only complaint is the impossible date; chrome and the page date are silent.
    assert [(w.line, w.message) for w in result.warnings] == [
        (55, "invalid date 'Feb 31, 2024' ignored")
    ]


@pytest.mark.parametrize(
    "name", ["meta_blocks_crlf.txt", "meta_blocks_utf16le.txt", "meta_blocks_utf16be.txt"]
)
def test_crlf_and_utf16_files_parse_exactly_like_the_lf_utf8_file(name: str) -> None:
    plain = parse_fixture("meta_blocks.txt")
    other = parse_fixture(name)
    assert other.papers == plain.papers
    assert other.warnings == plain.warnings
    assert not other.papers[0].title.startswith("\ufeff")


def test_no_blank_lines_and_chrome_glued_to_the_first_title() -> None:
    result = parse_fixture("no_blank_lines.txt")
    assert [fields(p) for p in result.papers] == [
        meta("Glass Box Probing of Recurrent Planners"),
        meta(
            "Ten Lessons from Failed Pretraining Runs",
            authors=6,
            published="2025-03-03",
            upvotes=17,
            links=("http://example.com/lessons",),
        ),
        meta("Why Does Label Smoothing Help Calibration?"),
    ]
    assert result.papers[0].abstract.startswith("Recurrent planners are hard to inspect")
    assert result.papers[2].abstract.startswith("Label smoothing is known")
    assert result.warnings == []


def test_two_pages_pasted_one_after_another() -> None:
    result = parse_fixture("two_pages.txt")
    assert [fields(p) for p in result.papers] == [
        meta(
            "Counting Objects With Language Feedback",
            authors=5,
            published="2026-11-03",
            upvotes=8,
        ),
        # The second page's date line ("Nov 5") must not become this paper's date.
        meta("Robust Speech Tokens Under Packet Loss"),
        meta("Self-Checking Proof Sketches", authors=7, published="2026-11-05", upvotes=21),
        meta("Thin Adapters for Thick Models"),
    ]
    assert result.warnings == []


def test_truncated_last_record_is_skipped_with_a_warning() -> None:
    data = (LISTINGS / "truncated.txt").read_bytes()
    assert not data.endswith(b"\n")
    result = parse_fixture("truncated.txt")
    assert [p.title for p in result.papers] == [
        "Small Batch Fine-Tuning Revisited",
        "Streaming Tokenizers for Live Captions",
    ]
    assert result.papers[0].published == "2025-06-02"
    assert result.papers[0].upvotes == 4
    assert len(result.warnings) == 1
    assert result.warnings[0].line == 15
    assert result.warnings[0].message.startswith(
        "incomplete record at end of input skipped: title without abstract"
    )


def test_record_cut_after_the_authors_line_keeps_what_it_has() -> None:
    (paper,) = parse_fixture("truncated_meta.txt").papers
    assert fields(paper) == meta("Cut After the Authors Line", authors=5)


def test_hostile_titles_are_kept_literally_with_controls_removed() -> None:
    result = parse_fixture("hostile.txt")
    titles = [p.title for p in result.papers]
    assert titles == [
        "[bold]x",
        "A [/] B",
        "[@click=app.quit]Q[/]",
        "\U0001f469\u200d\U0001f52c Lab Notes: ZWJ Sequences in Titles",
        "\u0646\u0645\u0648\u0630\u062c \u0644\u063a\u0648\u064a (RTL Title)",
        "(untitled)",
        "Title With Escape ]0;pwned Inside",
    ]
    assert result.papers[1].abstract == "Abstract with an escape [2J sequence and a bell here."
    for paper in result.papers:
        text = paper.title + paper.abstract
        assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in text)
    assert [(w.line, w.message) for w in result.warnings] == [
        (21, "blank title replaced by '(untitled)'")
    ]
    # An untitled paper is identified by its abstract, so two of them do not collide.
    untitled = result.papers[5]
    assert untitled.id == paper_id("", untitled.abstract)
    assert untitled.id != paper_id("(untitled)")


def test_nul_and_other_controls_in_pasted_text_are_stripped() -> None:
    result = parse_text("Ti\x00tle \x1b[31mRed\x1b[0m\n\nAbs\x07tract\x9b text.\n", today=TODAY)
    (paper,) = result.papers
    assert paper.title == "Title [31mRed[0m"
    assert paper.abstract == "Abstract text."


# -- chrome and empty input --------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n  \n",
        "\n\n  \nSubscribe\nDaily Papers\nbyAK and the research community\nNov 5\n",
        "new\nGet trending papers in your email inbox once a day!\nSubscribe\n",
    ],
)
def test_empty_and_chrome_only_input_gives_no_papers(text: str) -> None:
    result = parse_text(text, today=TODAY)
    assert result.papers == []


def test_chrome_glued_to_a_title_is_removed_but_real_words_are_not() -> None:
    text = (
        "Subscriber Churn Prediction\n\nAbstract one.\n\n"
        "Daily PapersSubscribeDeep Nets\n\nAbstract two.\n"
    )
    assert [p.title for p in parse_text(text).papers] == [
        "Subscriber Churn Prediction",
        "Deep Nets",
    ]


# -- metadata variants (P15) -------------------------------------------------------------


@pytest.mark.parametrize(
    ("date_line", "published", "upvotes"),
    [
        ("Nov 5", "2026-11-05", None),
        ("Dec 1", "2025-12-01", None),
        ("Nov 22", "2026-11-22", None),  # today itself
        ("Nov 23", "2025-11-23", None),  # tomorrow is last year
        ("Feb 29", "2024-02-29", None),  # most recent leap day
        ("Sep 14 3", "2026-09-14", 3),
        ("Oct 18, 2024 2", "2024-10-18", 2),
        ("Feb 11, 2020 1", "2020-02-11", 1),
        ("Nov 26, 2016", "2016-11-26", None),
        ("Jan 2 1234", "2026-01-02", 1234),
        ("Sept 3, 2023", "2023-09-03", None),
        ("Feb 29, 2024", "2024-02-29", None),
    ],
)
def test_date_forms(date_line: str, published: str, upvotes: int | None) -> None:
    text = f"A Title\n\nAn abstract.\n\n  • 2 authors\n·\n{date_line}\n"
    (paper,) = parse_text(text, today=TODAY).papers
    assert (paper.published, paper.upvotes, paper.authors) == (published, upvotes, 2)


def test_yearless_leap_day_before_this_years_leap_day_goes_back_four_years() -> None:
    text = "A Title\n\nAn abstract.\n\n  • 2 authors\n·\nFeb 29\n"
    (paper,) = parse_text(text, today=dt.date(2024, 2, 28)).papers
    assert paper.published == "2020-02-29"


@pytest.mark.parametrize("date_line", ["Feb 31", "Feb 29, 2023", "Apr 0, 2024", "Jun 31 5"])
def test_impossible_dates_are_dropped_with_a_warning(date_line: str) -> None:
    text = f"A Title\n\nAn abstract.\n\n  • 2 authors\n·\n{date_line}\n"
    result = parse_text(text, today=TODAY)
    (paper,) = result.papers
    assert paper.published is None
    assert paper.authors == 2
    assert [w.message for w in result.warnings] == [f"invalid date {date_line!r} ignored"]
    assert result.warnings[0].line == 7


def test_metadata_variants_never_become_titles() -> None:
    text = (
        "One Author Typo\n\nAbstract one.\n\n  • 1 authors\n·\nMay 8\n\n"
        "No Authors Line\n\nAbstract two.\n\n·\nMar 1, 2022\n\n"
        "Dot Alone\n\nAbstract three.\n\n·\n\n"
        "Garbage Date\n\nAbstract four.\n\n  • 4 authors\n·\nSmarch 45, 20x5\n\n"
        "Last\n\nAbstract five.\n"
    )
    result = parse_text(text, today=TODAY)
    assert [(p.title, p.authors, p.published) for p in result.papers] == [
        ("One Author Typo", 1, "2026-05-08"),
        ("No Authors Line", None, "2022-03-01"),
        ("Dot Alone", None, None),
        ("Garbage Date", 4, None),
        ("Last", None, None),
    ]
    assert [w.message for w in result.warnings] == ["unrecognised date 'Smarch 45, 20x5' ignored"]


@pytest.mark.parametrize(
    ("org_line", "organization"),
    [
        ("Google Google", "Google"),
        ("Hugging Face Hugging Face", "Hugging Face"),
        ("Meta AI", "Meta AI"),
        ("Allen Institute", "Allen Institute"),
    ],
)
def test_organization_line_is_read_and_doubled_names_collapse(
    org_line: str, organization: str
) -> None:
    text = f"Title\nAbstract text.\n{org_line}\n·\nOct 7, 2024 2\nNext Title\nNext abstract.\n"
    first, second = parse_text(text, today=TODAY).papers
    assert (first.organization, first.authors, first.published, first.upvotes) == (
        organization,
        None,
        "2024-10-07",
        2,
    )
    assert (second.title, second.organization) == ("Next Title", None)


# -- pairing when a block is missing -----------------------------------------------------

LONG = "This abstract is long enough to look like one, with several clauses and a period. " * 3


def test_a_title_that_lost_its_abstract_does_not_shift_the_pairing() -> None:
    text = f"First Title\n{LONG}\nOrphan Title\nThird Title\n{LONG}\nFourth Title\n{LONG}\n"
    result = parse_text(text, today=TODAY)
    assert [p.title for p in result.papers] == ["First Title", "Third Title", "Fourth Title"]
    assert [(w.line, w.message) for w in result.warnings] == [
        (3, "title without abstract skipped: 'Orphan Title'")
    ]


def test_a_copy_starting_mid_record_skips_the_headless_abstract() -> None:
    text = f"{LONG}\nSecond Title\n{LONG}\nThird Title\n{LONG}\n"
    result = parse_text(text, today=TODAY)
    assert [p.title for p in result.papers] == ["Second Title", "Third Title"]
    assert result.warnings[0].line == 1
    assert result.warnings[0].message.startswith("abstract without title skipped")


def test_short_abstracts_are_still_paired_by_position() -> None:
    text = "Title One\nWithdrawn\nTitle Two\nShort note\n  • 2 authors\n·\nMay 8\n"
    result = parse_text(text, today=TODAY)
    assert [(p.title, p.abstract, p.authors) for p in result.papers] == [
        ("Title One", "Withdrawn", None),
        ("Title Two", "Short note", 2),
    ]


# -- links --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("abstract", "links"),
    [
        ("Code: https://github.com/a/b.", ("https://github.com/a/b",)),
        ("(Code at https://github.com/a/b.)", ("https://github.com/a/b",)),
        ("See https://x.io/,  and https://y.io/p;", ("https://x.io/", "https://y.io/p")),
        ("Repo https://github.com/a/b.git.", ("https://github.com/a/b.git",)),
        (
            "Wiki https://en.wikipedia.org/wiki/Foo_(bar).",
            ("https://en.wikipedia.org/wiki/Foo_(bar)",),
        ),
        ("At {https://github.com/dx/dynaip}.", ("https://github.com/dx/dynaip",)),
        ("Twice https://a.org/x.https://a.org/x.", ("https://a.org/x",)),
        ("Glued https://a.org/x.https://b.org/y", ("https://a.org/x", "https://b.org/y")),
        (
            "Video https://www.youtube.com/watch?v=nR8. Code",
            ("https://www.youtube.com/watch?v=nR8",),
        ),
        ("No links, only ftp://host/x and http:// alone.", ()),
    ],
)
def test_links_are_extracted_in_order_without_trailing_punctuation(
    abstract: str, links: tuple[str, ...]
) -> None:
    (paper,) = parse_text(f"Title\n\n{abstract}\n").papers
    assert paper.links == links


# -- line endings and decoding -----------------------------------------------------------


@pytest.mark.parametrize("separator", ["\x0c", "\x1c", "\u2028", "\x85", "\x0b", "\u2029"])
def test_unicode_line_separators_inside_an_abstract_do_not_split_it(separator: str) -> None:
    text = f"Title\nFirst half{separator}second half.\nNext\nNext abstract.\n"
    for result in (parse_text(text), parse_bytes(text.encode("utf-8"))):
        assert [p.title for p in result.papers] == ["Title", "Next"]
        assert result.papers[0].abstract.startswith("First half")
        assert result.papers[0].abstract.endswith("second half.")


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 7, 1 << 20])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_decode_lines_is_independent_of_chunk_boundaries(chunk_size: int, encoding: str) -> None:
    text = "é\r\nab\rc\r\r\n\nd€\U0001f600\n\x0c\u2028x\r"
    data = text.encode(encoding)
    lines = list(decode_lines(io.BytesIO(data), chunk_size=chunk_size))
    assert lines == ["é", "ab", "c", "", "", "d€\U0001f600", "\x0c\u2028x"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_explicit_utf8_encoding_still_drops_the_bom(encoding: str) -> None:
    data = codecs.BOM_UTF8 + b"Title\nAbstract.\n"
    lines = list(decode_lines(io.BytesIO(data), encoding=encoding, chunk_size=1))
    assert lines == ["Title", "Abstract."]


def test_decode_lines_reads_in_bounded_chunks() -> None:
    """The whole input is never requested at once (a 100 MB file streams)."""

    class Recorder(io.BytesIO):
        sizes: list[int]

        def read(self, size: int | None = -1) -> bytes:
            self.sizes.append(-1 if size is None else size)
            return super().read(size)

    stream = Recorder(b"Title\n\nAbstract.\n" * 5000)
    stream.sizes = []
    assert sum(1 for _ in decode_lines(stream, chunk_size=4096)) == 15000
    assert stream.sizes and all(0 < size <= 4096 for size in stream.sizes)


def test_parse_lines_is_lazy() -> None:
    def endless() -> Iterator[str]:
        for n in itertools.count():
            yield f"Title {n}"
            yield f"Abstract {n}."

    first_three = list(itertools.islice(parse_lines(endless(), today=TODAY), 3))
    assert [p.title for p in first_three] == ["Title 0", "Title 1", "Title 2"]


def test_latin1_bytes_name_the_offset_and_suggest_an_encoding() -> None:
    data = "Title\n\nCafé au lait.\n".encode("latin-1")
    with pytest.raises(InputError) as info:
        parse_bytes(data)
    message = str(info.value)
    assert "not valid UTF-8 at byte offset 10" in message
    assert "--encoding latin-1" in message
    result = parse_bytes(data, encoding="latin-1")
    assert result.papers[0].abstract == "Café au lait."


def test_decode_error_offset_is_absolute_across_chunks() -> None:
    data = b"Title\n\n" + b"a" * 5000 + "€".encode()[:2] + b"b\n"
    with pytest.raises(InputError, match="byte offset 5007 "):
        list(decode_lines(io.BytesIO(data), chunk_size=3))
    # A multi-byte character cut off by the end of the file.
    with pytest.raises(InputError, match="byte offset 5007 "):
        list(decode_lines(io.BytesIO(data[:-2]), chunk_size=64))


def test_file_errors_start_with_the_path(tmp_path: Path) -> None:
    bad = tmp_path / "cp1252.txt"
    bad.write_bytes(b"Title\n\n\x93quoted\x94 text.\n")
    with pytest.raises(InputError) as info:
        parse_file(bad)
    assert str(info.value).startswith(f"{bad}: not valid UTF-8 at byte offset 7 ")
    assert parse_file(bad, encoding="cp1252").papers[0].abstract == "\u201cquoted\u201d text."


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
        b"\x7fELF\x02\x01\x01" + b"\x00" * 100,
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00",
        b"Title\n\nAbstract\x00 with a NUL byte.\n",
        bytes(range(1, 32)) * 4,
        os.urandom(1 << 16),
    ],
)
def test_binary_data_is_rejected(data: bytes, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"does not look like a text listing \(binary data\)"):
        parse_bytes(data)
    path = tmp_path / "blob.bin"
    path.write_bytes(data)
    with pytest.raises(InputError) as info:
        parse_file(path)
    assert str(info.value) == f"{path} does not look like a text listing (binary data)"


def test_a_stray_nul_in_a_real_listing_is_stripped_not_binary() -> None:
    data = (LISTINGS / "hostile.txt").read_bytes().replace(b"[bold]", b"[bo\x00ld]", 1)
    papers = parse_bytes(data).papers
    assert len(papers) == 7
    assert not any("\x00" in p.title + p.abstract for p in papers)


def test_text_with_a_few_escape_sequences_is_not_binary() -> None:
    data = (LISTINGS / "hostile.txt").read_bytes()
    assert b"\x1b" in data
    assert len(parse_bytes(data).papers) == 7


def test_unknown_encoding_is_an_input_error() -> None:
    with pytest.raises(InputError, match="unknown encoding 'klingon'"):
        parse_bytes(b"Title\nAbstract\n", encoding="klingon")


def test_unreadable_paths_are_no_input_errors(tmp_path: Path) -> None:
    with pytest.raises(NoInputError, match="missing.txt"):
        parse_file(tmp_path / "missing.txt")
    with pytest.raises(NoInputError, match="directory"):
        parse_file(tmp_path)


def test_a_fifo_is_refused_instead_of_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    started = time.monotonic()
    with pytest.raises(NoInputError, match="not a regular file"):
        parse_file(fifo)
    assert time.monotonic() - started < 2


# -- size ---------------------------------------------------------------------------------


def test_huge_lines_parse_in_linear_time() -> None:
    title = "Big " * 250_000  # 1 MB title
    abstract = "Long sentence with https://example.org/x. " * 250_000  # ~10 MB abstract
    data = f"{title}\n\n{abstract}\n\nNext\n\nNext abstract.\n".encode()
    started = time.monotonic()
    result = parse_bytes(data, today=TODAY)
    elapsed = time.monotonic() - started
    assert elapsed < 2.0
    assert [p.title[:8] for p in result.papers] == ["Big Big ", "Next"]
    assert len(result.papers[0].abstract) == len(abstract.strip())
    assert result.papers[0].links == ("https://example.org/x",)
    assert [w.message[:40] for w in result.warnings] == ["title is 999,999 characters long (kept):"]


def test_long_title_is_kept_and_flagged() -> None:
    title = "Word " * 300
    result = parse_text(f"{title}\n{LONG}\n")
    (paper,) = result.papers
    assert paper.title == title.strip()
    assert len(result.warnings) == 1
    warning = result.warnings[0]
    assert isinstance(warning, ParseWarning)
    assert warning.line == 1
    assert warning.message.startswith("title is 1,499 characters long (kept): 'Word Word")
    assert len(str(warning)) < 120  # the warning quotes the title, but not all of it


# -- the real page copies ----------------------------------------------------------------

SEED_COUNTS = {"000": 62, "001": 174, "002": 64}


def parse_seed(seeds: list[Path], prefix: str) -> ParseResult:
    (path,) = [p for p in seeds if p.name.startswith(prefix)]
    return parse_file(path, today=TODAY)


def by_title(result: ParseResult, start: str) -> Paper:
    (paper,) = [p for p in result.papers if p.title.startswith(start)]
    return paper


@pytest.mark.parametrize(("prefix", "count"), sorted(SEED_COUNTS.items()))
def test_seed_paper_counts(seeds: list[Path], prefix: str, count: int) -> None:
    result = parse_seed(seeds, prefix)
    assert len(result.papers) == count
    assert result.warnings == []
    for paper in result.papers:
        # Correct pairing: titles are short, abstracts long, and no chrome leaks in.
        assert len(paper.title) < 140 < len(paper.abstract)
        assert not paper.title.startswith(("Subscribe", "Get trending", "new", "Daily Papers"))


def test_seed_000_no_metadata(seeds: list[Path]) -> None:
    result = parse_seed(seeds, "000")
    assert result.papers[0].title == (
        "Confronting Reward Model Overoptimization with Constrained RLHF"
    )
    assert result.papers[0].abstract.startswith(
        "Large language models are typically aligned with human preferences"
    )
    triforce = by_title(result, "TriForce:")
    assert triforce.title == (
        "TriForce: Lossless Acceleration of Long Sequence Generation with "
        "Hierarchical Speculative Decoding"
    )
    assert triforce.links == ("https://github.com/Infini-AI-Lab/TriForce",)
    assert triforce.abstract.startswith("With large language models (LLMs) widely deployed")
    giant = by_title(result, "On Giant's Shoulders")
    assert giant.links == ("https://github.com/Facico/Dynamic-Logit-Fusion",)
    assert by_title(result, "HyperZ$\\cdot$Z$\\cdot$W Operator").abstract.startswith(
        "The self-attention mechanism"
    )
    assert all(
        (p.authors, p.organization, p.published, p.upvotes) == (None, None, None, None)
        for p in result.papers
    )
    last = "Predicting Rare Events by Shrinking Towards Proportional Odds"
    assert result.papers[-1].title == last


def test_seed_001_no_blank_lines_and_glued_subscribe(seeds: list[Path]) -> None:
    result = parse_seed(seeds, "001")
    first = result.papers[0]
    assert first.title.startswith("Role of Locality and Weight Sharing in Image-Based Tasks")
    assert first.abstract.startswith("Vision tasks are characterized by the properties of locality")
    assert result.papers[1].title.startswith("Sketching Meets Differential Privacy")
    curriculum = by_title(result, "Curriculum-Based Reinforcement Learning")
    assert curriculum.links == (
        "https://www.youtube.com/watch?v=nRaMCrwU5X8",
        "https://github.com/Vassil17/Curriculum-Quadruped-Jumping-DRL",
    )
    assert by_title(result, "Diversity-Driven Synthesis").links == (
        "https://github.com/AngusDujw/Diversity-Driven-Synthesis",
    )
    assert by_title(result, "Dynamic Inertial Poser").links == ("https://github.com/dx118/dynaip",)
    last = result.papers[-1]  # the file ends without a newline
    assert last.title == "Universal Neural Functionals"
    assert last.links == ("https://github.com/AllanYangZhou/universal_neural_functional",)


def test_seed_002_metadata_blocks(seeds: list[Path]) -> None:
    result = parse_seed(seeds, "002")
    first = result.papers[0]
    assert fields(first) == meta(
        "Multi-Task Zero-Shot Action Recognition with Prioritised Data Augmentation",
        authors=3,
        published="2016-11-26",
    )
    alignment = by_title(result, "Learning to Optimize Multi-Objective Alignment")
    assert (alignment.authors, alignment.published, alignment.upvotes) == (9, "2026-09-14", 3)
    assert alignment.abstract.startswith("Prior works in multi-objective reinforcement learning")
    bone = by_title(result, "Bone: Block Affine")
    assert (bone.authors, bone.published) == (1, "2024-09-19")
    objective = by_title(result, "Objective Mismatch")
    assert (objective.published, objective.upvotes) == ("2020-02-11", 1)
    # Entries without a metadata block, between entries with one.
    baichuan = by_title(result, "Baichuan-M2")
    assert (baichuan.authors, baichuan.published, baichuan.upvotes) == (None, None, None)
    assert baichuan.abstract.startswith("As large language models (LLMs) advance")
    harder = by_title(result, "Harder Tasks Need More Experts")
    assert (harder.authors, harder.published) == (11, "2024-03-12")
    assert harder.links == ("https://github.com/ZhenweiAn/Dynamic_MoE",)
    fast = by_title(result, "Fast Controlled Generation")
    assert (fast.authors, fast.published) == (None, None)
    stats = by_title(result, "Statistical mechanics of continual learning")
    assert (stats.authors, stats.published) == (4, "2022-12-06")
    mm = by_title(result, "MM-RLHF")
    assert (mm.authors, mm.published, mm.upvotes, mm.links) == (
        20,
        "2026-02-14",
        5,
        ("https://mm-rlhf.github.io",),
    )
    assert by_title(result, "Anchored Supervised").published == "2026-09-28"
    last = result.papers[-1]  # the file ends without a newline after "Aug 16, 2023"
    assert (last.authors, last.published) == (2, "2023-08-16")
    assert sum(p.authors is None for p in result.papers) == 2


def test_seeds_concatenated_give_every_paper_of_each(seeds: list[Path]) -> None:
    """Pasting several pages into one file (chrome in the middle) loses nothing."""
    parts = [p.read_bytes() for p in seeds]
    combined = parse_bytes(b"\n".join(parts), today=TODAY)
    assert combined.papers == [p for path in seeds for p in parse_file(path, today=TODAY).papers]
