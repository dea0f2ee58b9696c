"""The Markdown export: golden documents, hostile text, and crash-safe writing.

Every check parses the output with markdown-it-py's CommonMark preset, i.e. what a
notes app would show the user, not the raw bytes.
"""

from __future__ import annotations

import datetime
import os
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

import readq
from readq import export
from readq.export import (
    ExportItem,
    arxiv_search_url,
    hf_search_url,
    render_markdown,
    write_markdown,
)
from readq.models import Entry, PaperState
from readq.storage import fsutil
from readq.text import is_blank

GOLDEN = Path(__file__).resolve().parent / "data" / "export"
DAY = datetime.date(2026, 11, 22)
MD = MarkdownIt("commonmark")

# Characters the single-line cleaning drops or turns into spaces (mirrors the import
# rules, written independently of readq.text).
_TO_SPACE = {ord(c): " " for c in "\r\n\t\u2028\u2029"}
_DROPPED = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def shown_line(text: str) -> str:
    """What a reader should see for a single-line field."""
    return " ".join(_DROPPED.sub("", text.translate(_TO_SPACE)).split())


def shown_title(title: str) -> str:
    shown = shown_line(title)
    return "(untitled)" if is_blank(shown) else shown


def shown_note(note: str) -> str:
    return _DROPPED.sub("", note.replace("\r\n", "\n").replace("\r", "\n"))


def item(
    title: str,
    *,
    id: str = "0123456789abcdef",
    abstract: str = "",
    note: str = "",
    authors: int | None = None,
    organization: str | None = None,
    published: str | None = None,
    upvotes: int | None = None,
    links: tuple[str, ...] = (),
) -> ExportItem:
    entry = Entry(
        id=id,
        title=title,
        authors=authors,
        organization=organization,
        published=published,
        upvotes=upvotes,
        links=links,
    )
    return ExportItem(entry=entry, abstract=abstract, state=PaperState(starred=True, note=note))


# --- golden documents -------------------------------------------------------------------

TYPICAL = [
    item(
        "Attention Is All You Need",
        id="5ae7c2d1f0b94e63",
        abstract=(
            "The dominant sequence transduction models are based on complex recurrent or "
            "convolutional neural networks. We propose the Transformer, based solely on "
            "attention mechanisms. Code: https://github.com/tensorflow/tensor2tensor"
        ),
        note="Read section 3.2 again.\nCompare with *linear* attention (see [1]).",
        authors=8,
        published="2017-06-12",
        upvotes=123,
        links=("https://github.com/tensorflow/tensor2tensor",),
    ),
    item(
        "S-LoRA: Serving Thousands of Concurrent LoRA Adapters",
        id="c0ffee00deadbeef",
        abstract="We present S-LoRA, a system for scalable serving of many LoRA adapters.",
        note="Try with our 7B model:\n\n```bash\npip install s-lora\n```",
        authors=1,
        organization="UC Berkeley",
        published="2023-11-06",
        upvotes=1,
        links=("https://github.com/S-LoRA/S-LoRA", "https://arxiv.org/abs/2311.03285"),
    ),
]

SPARSE = [
    item(
        "Scaling_Laws for *Everything* & More",
        id="1111222233334444",
        abstract="Only an organization is known; no authors, date or links.",
        organization="Acme Research Lab",
    ),
    item("A paper nobody described", id="5555666677778888"),
]

SCENARIOS: dict[str, Sequence[ExportItem]] = {
    "typical": TYPICAL,
    "sparse": SPARSE,
    "empty": [],
}


@pytest.fixture
def pinned_version(monkeypatch: pytest.MonkeyPatch) -> None:
    """Golden files must not change on every release."""
    monkeypatch.setattr(readq, "__version__", "0.1.0")


@pytest.mark.usefixtures("pinned_version")
@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_golden_document(name: str) -> None:
    """The exact document a user gets; regenerate with READQ_UPDATE_GOLDEN=1, then review."""
    got = render_markdown(SCENARIOS[name], generated=DAY).encode("utf-8")
    path = GOLDEN / f"{name}.md"
    if os.environ.get("READQ_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(got)
    assert path.read_bytes() == got
    assert_valid(SCENARIOS[name], got.decode("utf-8"))


def test_document_names_the_installed_version_and_count() -> None:
    text = render_markdown(TYPICAL, generated=DAY)
    assert text.startswith("# Starred papers — 2026-11-22\n\n")
    assert f"2 papers, exported by readq {readq.__version__}." in text


def test_zero_starred_says_so() -> None:
    tokens = MD.parse(render_markdown([], generated=DAY))
    headings = [t for t in tokens if t.type == "heading_open"]
    assert len(headings) == 1
    assert "no starred papers" in inline_text(tokens[4]).lower()


def test_custom_title_is_escaped() -> None:
    tokens = MD.parse(render_markdown([], generated=DAY, title="My *list* <b>"))
    assert inline_text(tokens[1]) == "My *list* <b> — 2026-11-22"


def test_papers_keep_the_callers_order() -> None:
    items = [item(f"Paper {n}", id=f"{n:016x}") for n in (3, 1, 2)]
    tokens = MD.parse(render_markdown(items, generated=DAY))
    assert paper_titles(tokens) == ["Paper 3", "Paper 1", "Paper 2"]


def test_metadata_line_pluralizes_and_omits_missing_parts() -> None:
    text = render_markdown(
        [
            item("One", authors=1, upvotes=0, id="aaaaaaaaaaaaaaaa"),
            item("Two", organization="Org", published="2026-01-02", id="bbbbbbbbbbbbbbbb"),
            item("Three", id="cccccccccccccccc"),
        ],
        generated=DAY,
    )
    lines = text.splitlines()
    assert "1 author · 0 upvotes · `id: aaaaaaaaaaaaaaaa`" in lines
    assert "Published 2026-01-02 · Org · `id: bbbbbbbbbbbbbbbb`" in lines
    assert "No date, authors or upvotes listed · `id: cccccccccccccccc`" in lines


def test_search_urls_encode_the_title() -> None:
    assert (
        hf_search_url("S-LoRA: a&b c/d") == "https://huggingface.co/papers?q=S-LoRA%3A+a%26b+c%2Fd"
    )
    assert (
        arxiv_search_url("S-LoRA: a&b")
        == "https://arxiv.org/search/?query=S-LoRA%3A+a%26b&searchtype=title"
    )
    # Whitespace in a pasted title does not leak into the query.
    assert hf_search_url("  two\n words ") == "https://huggingface.co/papers?q=two+words"


def test_search_links_point_at_the_built_urls() -> None:
    title = "Foo <bar> & (baz) [x]"
    tokens = MD.parse(render_markdown([item(title)], generated=DAY))
    hrefs = link_hrefs(tokens)
    assert hrefs[:2] == [
        MD.normalizeLink(hf_search_url(title)),
        MD.normalizeLink(arxiv_search_url(title)),
    ]


def test_code_span_id_survives_backticks() -> None:
    for odd in ["abc`", "`abc", "a``b", " a "]:
        tokens = MD.parse(render_markdown([item("T", id=odd)], generated=DAY))
        spans = [c.content for c in children(tokens) if c.type == "code_inline"]
        assert spans == [f"id: {odd.strip()}"]


def test_lone_surrogate_does_not_break_the_export(tmp_path: Path) -> None:
    """A title loaded from JSON may hold a lone surrogate; the file must still be written."""
    text = render_markdown([item("bad \ud800 title", note="n\udfff")], generated=DAY)
    write_markdown(tmp_path / "out.md", text)
    assert "bad \ufffd title" in (tmp_path / "out.md").read_text("utf-8")


# --- hostile text -----------------------------------------------------------------------

HOSTILE_LINES = [
    "*bold* _em_ **strong** __x__",
    "[link](https://evil.example) ![img](x.png) [ref]: https://evil.example",
    "# not a heading ## ###",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "`code` ``two`` ```three```",
    "<tag> <script>alert(1)</script> <!-- c --> <https://auto.example> <a@b.co>",
    "$E=mc^2$ $$x$$ \\(y\\)",
    "trailing backslash \\",
    "> quote",
    "- item",
    "1. ordered",
    "+ plus",
    "&amp; &lt;b&gt; &#60;script&#62; &copy;",
    "line one\r\nline two\rline three",
    "    indented code",
    "~~~ tilde fence",
    "``` backtick fence",
    "emoji 👩\u200d🔬 and RTL עברית العربية",
    "NUL\x00inside and ESC\x1b[2J and BEL\x07",
    "---",
    "===",
    "[bold]x A [/] B [@click=app.quit]Q[/] [link=javascript:alert(1)]L[/link]",
    "HyperZ$\\cdot$Z$\\cdot$W",
    "\u200b",
    "x" * 5000,
]

HOSTILE_NOTES = [
    "```\nfenced inside\n```",
    "~~~\ntilde\n~~~",
    "````` five\n``` three",
    "CRLF\r\nline\r\nend\r\n",
    "    four spaces\n\ttab",
    "| a | b |\n|---|---|",
    "<script>alert(1)</script>",
    "# heading?\n- list?\n> quote?",
    "trailing spaces   \n\n\nblank lines",
    "NUL\x00gone",
    "`",
]

HOSTILE_LINKS = (
    "https://example.com/a b",
    "https://example.com/<x>",
    "https://example.com/(paren)",
    "https://example.com/?a=1&b=2&amp;c=3",
    "https://example.com/back\\slash`tick",
    "javascript:alert(1)",
    "file:///etc/passwd",
    "HTTP://EXAMPLE.COM/UPPER",
)


def hostile_items() -> list[ExportItem]:
    items = []
    for n, text in enumerate(HOSTILE_LINES):
        items.append(
            item(
                text,
                id=f"{n:016x}",
                abstract=text,
                organization=text,
                note=HOSTILE_NOTES[n % len(HOSTILE_NOTES)],
                links=HOSTILE_LINKS if n == 0 else (),
            )
        )
    return items


def test_hostile_text_stays_literal() -> None:
    items = hostile_items()
    text = render_markdown(items, generated=DAY)
    assert_valid(items, text)
    tokens = MD.parse(text)
    # http(s) links are clickable (spaces and <> percent-encoded); others stay inert text.
    hrefs = link_hrefs(tokens)[2 : 2 + 6]  # the first paper carries the links
    assert hrefs == [
        "https://example.com/a%20b",
        "https://example.com/%3Cx%3E",
        "https://example.com/(paren)",
        "https://example.com/?a=1&b=2&amp;c=3",
        "https://example.com/back%5Cslash%60tick",
        MD.normalizeLink("HTTP://EXAMPLE.COM/UPPER"),
    ]
    plain = [inline_text(t) for t in tokens if t.type == "inline"]
    assert "javascript:alert(1)" in plain
    assert "file:///etc/passwd" in plain


def test_abstract_and_organization_are_shown_verbatim() -> None:
    items = hostile_items()
    tokens = MD.parse(render_markdown(items, generated=DAY))
    paragraphs = [inline_text(t) for t in tokens if t.type == "inline"]
    for it in items:
        assert shown_line(it.abstract) in paragraphs
        org = shown_line(it.entry.organization or "")
        if org and not is_blank(org):
            assert any(p.startswith(org + " · ") for p in paragraphs)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.text(st.characters(exclude_categories=("Cs",))),  # title
            st.text(st.characters(exclude_categories=("Cs",))),  # note
            st.text(st.characters(exclude_categories=("Cs",))),  # abstract / organization
            st.lists(st.text(st.characters(exclude_categories=("Cs",))), max_size=2),
        ),
        max_size=3,
    )
)
def test_any_text_renders_literally(papers: list[tuple[str, str, str, list[str]]]) -> None:
    items = [
        item(
            title,
            id=f"{n:016x}",
            note=note,
            abstract=other,
            organization=other,
            links=tuple("https://x.example/" + s for s in links),
        )
        for n, (title, note, other, links) in enumerate(papers)
    ]
    assert_valid(items, render_markdown(items, generated=DAY))


# --- writing ----------------------------------------------------------------------------


def test_write_markdown_writes_utf8_with_lf(tmp_path: Path) -> None:
    path = tmp_path / "out.md"
    text = render_markdown([item("Über 👩\u200d🔬", note="a\r\nb")], generated=DAY)
    write_markdown(path, text)
    data = path.read_bytes()
    assert data.decode("utf-8") == text
    assert b"\r" not in data
    assert data.endswith(b"\n")
    write_markdown(path, "x\r\ny\r")
    assert path.read_bytes() == b"x\ny\n"


def test_failed_write_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    path = folder / "out.md"
    path.write_bytes(b"old export\n")

    def boom(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fsutil.os, "replace", boom)
    with pytest.raises(OSError):
        write_markdown(path, render_markdown(TYPICAL, generated=DAY))
    assert path.read_bytes() == b"old export\n"
    assert [p.name for p in folder.iterdir()] == ["out.md"], "temp file left behind"


def test_export_module_has_no_textual_import() -> None:
    assert "textual" not in Path(export.__file__).read_text("utf-8")


# --- helpers ----------------------------------------------------------------------------


def children(tokens: list[Token]) -> list[Token]:
    return [c for t in tokens if t.type == "inline" for c in (t.children or [])]


def inline_text(token: Token) -> str:
    """The text a reader sees for an inline token (no markup allowed inside)."""
    return "".join(c.content for c in token.children or [])


def link_hrefs(tokens: list[Token]) -> list[str]:
    return [str(c.attrs["href"]) for c in children(tokens) if c.type == "link_open"]


def paper_titles(tokens: list[Token]) -> list[str]:
    return [
        inline_text(tokens[i + 1])
        for i, t in enumerate(tokens)
        if t.type == "heading_open" and t.tag == "h2"
    ]


def expected_links(it: ExportItem) -> int:
    web = {
        link.strip()
        for link in it.entry.links
        if link.strip().lower().startswith(("http:", "https:"))
    }
    return 2 + len(web)


def assert_valid(items: Sequence[ExportItem], text: str) -> None:
    """Only the structure we built: one h1, one h2 per paper, our links, our notes."""
    tokens = MD.parse(text)
    kinds = Counter(t.type for t in tokens)
    inline_kinds = Counter(c.type for c in children(tokens))
    notes = [shown_note(it.state.note) for it in items]
    notes = [n for n in notes if n.strip()]

    assert not any("html" in k for k in kinds | inline_kinds), "raw HTML got through"
    allowed_blocks = {
        "heading_open", "heading_close", "paragraph_open", "paragraph_close", "inline",
        "bullet_list_open", "bullet_list_close", "list_item_open", "list_item_close", "fence",
    }  # fmt: skip
    assert set(kinds) <= allowed_blocks, kinds
    assert set(inline_kinds) <= {"text", "link_open", "link_close", "code_inline",
                                 "strong_open", "strong_close"}, inline_kinds  # fmt: skip

    headings = [t for t in tokens if t.type == "heading_open"]
    assert [h.tag for h in headings] == ["h1"] + ["h2"] * len(items)
    assert paper_titles(tokens) == [shown_title(it.entry.title) for it in items]

    assert kinds["bullet_list_open"] == len(items)
    assert inline_kinds["link_open"] == sum(expected_links(it) for it in items)
    assert inline_kinds["code_inline"] == len(items)  # the id spans, nothing else
    assert inline_kinds["strong_open"] == len(notes)  # the **Note** labels

    fences = [t for t in tokens if t.type == "fence"]
    assert [f.info for f in fences] == [""] * len(notes)
    assert [f.content for f in fences] == [n + "\n" for n in notes]

    for it in items:
        abstract = shown_line(it.abstract)
        if abstract:
            assert abstract in [inline_text(t) for t in tokens if t.type == "inline"]
