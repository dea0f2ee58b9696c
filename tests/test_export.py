"""The Markdown export: golden documents, hostile text, notes, links and crash-safe writing.

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
    note_markdown,
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
_DROPPED = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
# (the second set: invisible direction and width characters, neutralized at every output)


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
    arxiv_id: str | None = None,
    author_names: tuple[str, ...] = (),
    github: str | None = None,
    project_page: str | None = None,
    starred_at: str | None = None,
) -> ExportItem:
    entry = Entry(
        id=id,
        title=title,
        authors=authors,
        organization=organization,
        published=published,
        upvotes=upvotes,
        links=links,
        arxiv_id=arxiv_id,
        author_names=author_names,
        github=github,
        project_page=project_page,
    )
    state = PaperState(starred=True, note=note, starred_at=starred_at)
    return ExportItem(entry=entry, abstract=abstract, state=state)


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

FROM_API = [
    item(
        "LoRA: Low-Rank Adaptation of Large Language Models",
        id="9e8d7c6b5a493827",
        abstract="We propose Low-Rank Adaptation, or LoRA, which freezes the weights.",
        note="- [x] read\n- [ ] try on **our** data, see <https://github.com/microsoft/LoRA>",
        authors=3,
        author_names=("Edward J. Hu", "Yelong Shen", "Phillip Wallis", "Zeyuan Allen-Zhu"),
        published="2021-06-17",
        upvotes=42,
        arxiv_id="2106.09685",
        github="https://github.com/microsoft/LoRA",
        project_page="https://example.org/lora",
        links=("https://github.com/microsoft/LoRA", "https://arxiv.org/abs/2106.09685"),
    ),
]

SCENARIOS: dict[str, Sequence[ExportItem]] = {
    "typical": TYPICAL,
    "sparse": SPARSE,
    "from_api": FROM_API,
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


def test_papers_with_an_arxiv_id_link_their_pages() -> None:
    tokens = MD.parse(render_markdown(FROM_API, generated=DAY))
    assert link_hrefs(tokens)[:5] == [
        "https://huggingface.co/papers/2106.09685",
        "https://arxiv.org/abs/2106.09685",
        "https://arxiv.org/pdf/2106.09685",
        "https://github.com/microsoft/LoRA",
        "https://example.org/lora",
    ]
    labels = [inline_text(t) for t in tokens if t.type == "inline"]
    assert "Hugging Face" in labels and "arXiv" in labels and "PDF" in labels
    # The abstract's links are not repeated when the paper's own links cover them.
    skeleton = split_notes(FROM_API, tokens)
    assert link_hrefs(skeleton).count("https://github.com/microsoft/LoRA") == 1


def test_a_malformed_arxiv_id_falls_back_to_searches() -> None:
    odd = item("T", arxiv_id="javascript:alert(1)")
    hrefs = link_hrefs(MD.parse(render_markdown([odd], generated=DAY)))
    assert hrefs == [MD.normalizeLink(hf_search_url("T")), MD.normalizeLink(arxiv_search_url("T"))]


def test_author_names_replace_the_count() -> None:
    text = render_markdown(FROM_API, generated=DAY)
    assert "Edward J. Hu, Yelong Shen, Phillip Wallis et al. · 42 upvotes" in text
    two = item("T", author_names=("A B", "C D"), authors=2)
    assert "A B, C D · `id:" in render_markdown([two], generated=DAY)


def sample_export() -> str:
    """The built-in sample library, every paper starred: a realistic export."""
    lib = readq.open_library()
    readq.import_listing(lib, str(Path(readq.__file__).parent / "sample.txt"))
    readq.star(lib, list(lib.entries))
    return readq.starred_markdown(lib, today=DAY)


def test_a_realistic_export_is_pleasant_raw() -> None:
    """Escapes only where CommonMark needs them: it was 175 backslashes, every `-`, `.`
    and `,` of the sample escaped."""
    text = sample_export()
    assert text.count("\\") < 10
    assert "Mixture-of-Experts Routing" in text and "(KV) cache" in text
    lib = readq.open_library()
    items = export.starred_items(lib, order="published")
    assert_valid(items, render_markdown(items, generated=DAY))


@pytest.mark.parametrize(
    ("title", "raw"),
    [
        ("S-LoRA: 7B, 3.5x faster (v2)", "S-LoRA: 7B, 3.5x faster (v2)"),
        ("snake_case and _leading", "snake_case and \\_leading"),
        ("C# and F#", "C# and F#"),
        ("C# and #", "C# and \\#"),
        ("#", "\\#"),
        ("a <b> & c &amp; d", "a \\<b> & c \\&amp; d"),
        ("1. ordered", "1. ordered"),
        ("back\\slash \\*", "back\\slash \\\\\\*"),
    ],
)
def test_titles_escape_only_what_markdown_needs(title: str, raw: str) -> None:
    text = render_markdown([item(title)], generated=DAY)
    assert f"\n## {raw}\n" in text
    assert paper_titles(MD.parse(text)) == [shown_title(title)]


@pytest.mark.parametrize(
    ("abstract", "raw"),
    [
        ("- not a list", "\\- not a list"),
        ("+ not a list", "\\+ not a list"),
        ("> not a quote", "\\> not a quote"),
        ("# not a heading", "\\# not a heading"),
        ("2) not ordered", "2\\) not ordered"),
        ("10. not ordered", "10\\. not ordered"),
        ("--- not a rule", "\\--- not a rule"),
        ("costs $5 ~ $6", "costs \\$5 \\~ \\$6"),
    ],
)
def test_block_starts_are_escaped_in_abstracts(abstract: str, raw: str) -> None:
    text = render_markdown([item("T", abstract=abstract)], generated=DAY)
    assert f"\n{raw}\n" in text
    assert_valid([item("T", abstract=abstract)], text)


MARKDOWNISH = st.lists(
    st.sampled_from(
        [*"#>-+*_=`~[]()<>!&;:|\\$^{}1. \t\naAé", "&amp;", "http://x", "javascript:", "    "]
    ),
    max_size=30,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(MARKDOWNISH, min_size=1, max_size=3), MARKDOWNISH)
def test_any_title_renders_literally_without_html(titles: list[str], abstract: str) -> None:
    items = [item(t, id=f"{n:016x}", abstract=abstract) for n, t in enumerate(titles)]
    assert_valid(items, render_markdown(items, generated=DAY))


# --- notes ------------------------------------------------------------------------------


def note_tokens(note: str) -> list[Token]:
    """The tokens of the note in a document (checked to be the note's alone)."""
    items = [item("T", note=note)]
    tokens = MD.parse(render_markdown(items, generated=DAY))
    skeleton = split_notes(items, tokens)
    return [t for t in tokens if t not in skeleton]


def test_a_note_is_the_users_markdown() -> None:
    note = (
        "Key idea: *low rank* updates.\n\n"
        "- [paper](https://arxiv.org/abs/2106.09685)\n- `W = W0 + BA`\n"
    )
    tokens = note_tokens(note)
    kinds = [t.type for t in all_tokens(tokens)]
    assert "em_open" in kinds and "bullet_list_open" in kinds and "code_inline" in kinds
    assert link_hrefs(tokens) == ["https://arxiv.org/abs/2106.09685"]
    assert note_markdown(note) == note.strip("\n")  # nothing needed escaping


@pytest.mark.parametrize(
    "link",
    [
        "[x](javascript:alert(1))",
        "[x](<javascript:alert(1)>)",
        "[x]( JAVASCRIPT:alert(1))",
        "[x](file:///etc/passwd)",
        "[x](relative/page.md)",
        "[x]()",
        "[x]\n\n[x]: javascript:alert(1)",
        "![tracker](https://evil.example/pixel.png)",
        "<javascript:alert(1)>",
        "<a href='javascript:alert(1)'>x</a>",
    ],
)
def test_a_note_links_only_to_the_web_and_mail(link: str) -> None:
    tokens = note_tokens(link)
    assert_safe(tokens)
    for href in link_hrefs(tokens):
        assert href.startswith(("https://evil.example", "http"))


def test_allowed_note_links_stay_links() -> None:
    note = "[a](https://a.example) [b](<https://b.example/x y>) <mailto:me@x.example> <https://c.example>"
    assert link_hrefs(note_tokens(note)) == [
        "https://a.example",
        "https://b.example/x%20y",
        "mailto:me@x.example",
        "https://c.example",
    ]


def test_note_html_and_entities_stay_text() -> None:
    note = "<script>alert(1)</script> a &lt; b &amp; `<kbd>` x"
    tokens = note_tokens(note)
    assert_safe(tokens)
    assert "<script>alert(1)</script> a &lt; b &amp; " in inline_text(tokens[1])
    assert [c.content for c in children(tokens) if c.type == "code_inline"] == ["<kbd>"]


def test_note_headings_move_below_the_papers() -> None:
    note = "# Big\n\nSetext\n===\n\n> ## quoted\n\n###### six"
    tags = [t.tag for t in note_tokens(note) if t.type == "heading_open"]
    assert tags == ["h3", "h4", "h6"]


def test_an_open_fence_in_a_note_is_closed() -> None:
    text = render_markdown([item("T", note="```\ncode", abstract="After.")], generated=DAY)
    tokens = MD.parse(text)
    assert [t.content for t in tokens if t.type == "fence"] == ["code\n"]
    assert "After." in [inline_text(t) for t in tokens if t.type == "inline"]


@settings(max_examples=300, deadline=None)
@given(MARKDOWNISH, MARKDOWNISH)
def test_any_note_is_safe_and_stays_in_its_place(note: str, other: str) -> None:
    items = [item("T", note=note, abstract=other), item("U", id="1" * 16, note=other)]
    assert_valid(items, render_markdown(items, generated=DAY))


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
        abstract = shown_line(it.abstract)
        assert not abstract or abstract in paragraphs  # nothing visible: no paragraph
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
    own = {it.entry.github, it.entry.project_page} - {None}
    if it.entry.arxiv_id:
        own |= {f"https://{p}/{it.entry.arxiv_id}" for p in ("arxiv.org/abs", "arxiv.org/pdf")}
        return 1 + len(own) + len(web - own)
    return 2 + len(own) + len(web - own)


def all_tokens(tokens: list[Token]) -> list[Token]:
    return [x for t in tokens for x in (t, *(t.children or []))]


def assert_safe(tokens: list[Token]) -> None:
    """No raw HTML, no images, links only to http(s) and mailto."""
    everything = all_tokens(tokens)
    assert not [t for t in everything if "html" in t.type], "raw HTML got through"
    assert not [t for t in everything if t.type == "image"], "an image got through"
    for t in everything:
        if t.type == "link_open":
            assert str(t.attrs["href"]).lower().startswith(("http:", "https:", "mailto:"))


def _shape(tokens: list[Token]) -> list[tuple[str, str, str, int]]:
    # A fence the note opens inside a list item may take in the blank line that follows
    # it in the document: no text of the document, so no leak.
    return [(t.type, t.tag, t.content.rstrip("\n"), t.level) for t in tokens]


def split_notes(items: Sequence[ExportItem], tokens: list[Token]) -> list[Token]:
    """The document's tokens without the notes, checking that each note renders in
    the document exactly as it does alone (it cannot leak into what follows)."""
    notes = [it.state.note for it in items if shown_note(it.state.note).strip()]
    skeleton: list[Token] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        label = (
            t.type == "paragraph_open"
            and [c.type for c in tokens[i + 1].children or [] if c.content or c.type != "text"]
            == ["strong_open", "text", "strong_close"]
            and inline_text(tokens[i + 1]) == "Note"
        )
        skeleton.append(t)
        i += 1
        if label:
            skeleton.extend(tokens[i : i + 2])
            i += 2
            expected = MD.parse(note_markdown(notes.pop(0)) + "\n")
            assert _shape(tokens[i : i + len(expected)]) == _shape(expected)
            i += len(expected)
    assert notes == [], "a note is missing"
    return skeleton


def assert_valid(items: Sequence[ExportItem], text: str) -> None:
    """Only the structure we built: one h1, one h2 per paper, our links, safe notes."""
    tokens = MD.parse(text)
    assert_safe(tokens)
    skeleton = split_notes(items, tokens)
    kinds = Counter(t.type for t in skeleton)
    inline_kinds = Counter(c.type for c in children(skeleton))
    notes = [n for n in (shown_note(it.state.note) for it in items) if n.strip()]

    allowed_blocks = {
        "heading_open", "heading_close", "paragraph_open", "paragraph_close", "inline",
        "bullet_list_open", "bullet_list_close", "list_item_open", "list_item_close",
    }  # fmt: skip
    assert set(kinds) <= allowed_blocks, kinds
    assert set(inline_kinds) <= {"text", "link_open", "link_close", "code_inline",
                                 "strong_open", "strong_close"}, inline_kinds  # fmt: skip

    headings = [t for t in skeleton if t.type == "heading_open"]
    assert [h.tag for h in headings] == ["h1"] + ["h2"] * len(items)
    assert paper_titles(skeleton) == [shown_title(it.entry.title) for it in items]
    # Notes may hold headings, but never as high as a paper's.
    note_headings = [t.tag for t in tokens if t.type == "heading_open" and t not in skeleton]
    assert not {"h1", "h2"} & set(note_headings)

    assert kinds["bullet_list_open"] == len(items)
    assert inline_kinds["link_open"] == sum(expected_links(it) for it in items)
    assert inline_kinds["code_inline"] == len(items)  # the id spans, nothing else
    assert inline_kinds["strong_open"] == len(notes)  # the **Note** labels

    for it in items:
        abstract = shown_line(it.abstract)
        if abstract:
            assert abstract in [inline_text(t) for t in skeleton if t.type == "inline"]
