"""Markdown export of starred papers: a document people paste into their notes.

Every title, abstract, organization, note and link is untrusted, so the output must
stay valid CommonMark whatever they hold: no raw HTML, no links we did not build, no
stray emphasis, headings, lists, tables or math. The rules (measured, see design
notes section 7):

* single-line text: whitespace collapsed, then *every* ASCII punctuation character
  backslash-escaped, which also neutralizes entities (``&``) and HTML (``<``);
* notes: a fenced code block whose backtick fence is longer than any backtick run in
  the note, so the note comes back byte for byte;
* links: destinations in ``<...>`` form, links from abstracts as autolinks with the
  characters that would end them percent-encoded.

Pure functions apart from :func:`write_markdown` and :func:`export_starred` (the one
starred-papers export behind ``readq export``, the TUI's ``e`` and ``readq.export_starred``);
no Textual import.
"""

from __future__ import annotations

import datetime
import re
import string
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode

import readq
from readq.errors import OutputError
from readq.models import Entry, PaperState
from readq.storage import fsutil
from readq.text import UNTITLED, clean_line, is_blank, plural
from readq.text import display_title as _display_line
from readq.views import sorted_ids

if TYPE_CHECKING:
    from readq.library import Library

__all__ = [
    "ExportItem",
    "arxiv_search_url",
    "export_starred",
    "hf_search_url",
    "render_markdown",
    "starred_items",
    "write_markdown",
]

_PUNCT = frozenset(string.punctuation)
_SURROGATES = re.compile("[\ud800-\udfff]")
# Controls a note must not carry into a file that may be `cat`-ed in a terminal; tab
# and newline survive so code snippets in notes keep their shape.
_NOTE_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_BACKTICK_RUN = re.compile(r"`+")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_WEB_URL = re.compile(r"https?:", re.IGNORECASE)
# `&` followed by something that could be read as a character reference.
_ENTITY_START = re.compile(r"&(?=#?[0-9A-Za-z]+;)")


@dataclass(frozen=True, slots=True)
class ExportItem:
    """One starred paper with everything the export shows about it."""

    entry: Entry
    abstract: str
    state: PaperState


# --- escaping ---------------------------------------------------------------------------


def _no_surrogates(text: str) -> str:
    """Lone surrogates (possible after a JSON load) cannot be encoded as UTF-8."""
    return _SURROGATES.sub("\ufffd", text)


def _single_line(text: str) -> str:
    """The text a reader sees: controls removed, whitespace collapsed."""
    return clean_line(_no_surrogates(text))


def escape_inline(text: str) -> str:
    """Single-line Markdown-inert text: every ASCII punctuation character escaped."""
    return "".join("\\" + ch if ch in _PUNCT else ch for ch in _single_line(text))


def display_title(title: str) -> str:
    """The title as shown; an invisible title would make an empty heading."""
    shown = _single_line(title)
    # is_blank also catches zero-width and combining-only titles that clean_line keeps
    return UNTITLED if is_blank(shown) else _display_line(shown)


def normalize_note(note: str) -> str:
    """The note exactly as the export carries it: LF line ends, no control characters."""
    note = _no_surrogates(note).replace("\r\n", "\n").replace("\r", "\n")
    return _NOTE_CONTROLS.sub("", note)


def _longest_backtick_run(text: str) -> int:
    return max((len(m) for m in _BACKTICK_RUN.findall(text)), default=0)


def code_span(text: str) -> str:
    """An inline code span that shows ``text`` literally, whatever backticks it holds."""
    text = _single_line(text)
    fence = "`" * (_longest_backtick_run(text) + 1)
    # CommonMark strips one space from each side when both are there, and a backtick
    # next to the fence would merge with it: pad so the content survives.
    if (
        text.startswith("`")
        or text.endswith("`")
        or (text.startswith(" ") and text.endswith(" ") and text.strip(" "))
    ):
        text = f" {text} "
    return f"{fence}{text}{fence}"


def fenced_block(text: str) -> str:
    """A fenced code block the content cannot close early: fence > longest backtick run."""
    fence = "`" * max(3, _longest_backtick_run(text) + 1)
    return f"{fence}\n{text}\n{fence}"


def _percent_encode_char(ch: str) -> str:
    return "".join(f"%{b:02X}" for b in ch.encode("utf-8"))


def _autolink_safe(url: str) -> str:
    """Percent-encode what would end or break an autolink: spaces, controls, ``<``, ``>``."""
    out = []
    for ch in url:
        code = ord(ch)
        if code <= 0x20 or 0x7F <= code <= 0x9F or ch in "<>" or ch.isspace():
            out.append(_percent_encode_char(ch))
        else:
            out.append(ch)
    return "".join(out)


def _destination(url: str) -> str:
    """A ``<...>`` link destination that means exactly ``url``.

    Inside ``<...>`` backslash escapes and entities are still decoded, so ``\\`` and an
    entity-like ``&`` are escaped; ``<``, ``>`` and whitespace are percent-encoded.
    """
    url = _autolink_safe(url).replace("\\", "\\\\")
    return "<" + _ENTITY_START.sub(r"\\&", url) + ">"


# --- URLs -------------------------------------------------------------------------------


def hf_search_url(title: str) -> str:
    """Hugging Face papers search for the title (listings carry no arXiv id)."""
    return "https://huggingface.co/papers?" + urlencode({"q": _single_line(title)})


def arxiv_search_url(title: str) -> str:
    """arXiv title search, the fallback when the paper is not on Hugging Face."""
    return "https://arxiv.org/search/?" + urlencode(
        {"query": _single_line(title), "searchtype": "title"}
    )


# --- rendering --------------------------------------------------------------------------


def _metadata_line(entry: Entry) -> str:
    """Date · authors · organization · upvotes · id; missing parts are left out."""
    parts: list[str] = []
    if entry.published:
        published = _single_line(entry.published)
        if _ISO_DATE.fullmatch(published):
            parts.append(f"Published {published}")
        elif published:
            parts.append(f"Published {escape_inline(published)}")
    if entry.authors is not None:
        parts.append(plural(entry.authors, "author"))
    if entry.organization and not is_blank(entry.organization):
        parts.append(escape_inline(entry.organization))
    if entry.upvotes is not None:
        parts.append(plural(entry.upvotes, "upvote"))
    if not parts:
        parts.append("No date, authors or upvotes listed")
    parts.append(code_span(f"id: {entry.id}"))
    return " · ".join(parts)


def _unique_links(links: Sequence[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for raw in links:
        link = _no_surrogates(raw).strip()
        if link and link not in seen:
            seen.add(link)
            out.append(link)
    return out


def _links_list(entry: Entry) -> str:
    """Searches built from the title, then the links found in the abstract.

    Only http(s) links become clickable; anything else (``javascript:``, ``file:``) is
    shown as inert text so pasting the export never plants a dangerous link.
    """
    lines = [
        f"- [Search Hugging Face papers]({_destination(hf_search_url(entry.title))})",
        f"- [Search arXiv by title]({_destination(arxiv_search_url(entry.title))})",
    ]
    for link in _unique_links(entry.links):
        if _WEB_URL.match(link):
            lines.append(f"- <{_autolink_safe(link)}>")
        else:
            lines.append(f"- {escape_inline(link)}")
    return "\n".join(lines)


def _paper_section(item: ExportItem) -> list[str]:
    entry = item.entry
    blocks = [
        "## " + escape_inline(display_title(entry.title)),
        _metadata_line(entry),
        _links_list(entry),
    ]
    note = normalize_note(item.state.note)
    if note.strip():
        blocks.append("**Note**")
        blocks.append(fenced_block(note))
    abstract = escape_inline(item.abstract)
    if abstract:
        blocks.append(abstract)
    return blocks


def render_markdown(
    items: Sequence[ExportItem],
    *,
    generated: datetime.date,
    title: str = "Starred papers",
) -> str:
    """The whole export document, in the caller's order, ending with one newline."""
    blocks = [f"# {escape_inline(title)} — {generated:%Y-%m-%d}"]
    version = readq.__version__
    if items:
        blocks.append(f"{plural(len(items), 'paper')}, exported by readq {version}.")
    else:
        blocks.append(f"No starred papers. Exported by readq {version}.")
    for item in items:
        blocks.extend(_paper_section(item))
    return "\n\n".join(blocks) + "\n"


def write_markdown(path: Path, text: str) -> None:
    """Write the export atomically (old file intact on failure), UTF-8 with LF endings."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    fsutil.atomic_write_bytes(path, text.encode("utf-8"))


# --- the starred-papers export ----------------------------------------------------------


def starred_items(library: Library) -> list[ExportItem]:
    """The starred papers of ``library``, newest first, with abstract and state."""
    states = library.states.copy()  # a snapshot: the TUI runs this on the store thread
    ids = [
        pid
        for pid, st in states.items()
        if st.starred and not st.removed and pid in library.entries
    ]
    ids = sorted_ids(library.entries, ids, "date")
    return [ExportItem(library.entries[i], library.abstract(i), states[i]) for i in ids]


def export_starred(
    library: Library,
    path: Path,
    *,
    today: datetime.date,
    overwrite: bool = True,
    create_parents: bool = False,
) -> int:
    """Write the starred papers of ``library`` to ``path`` as Markdown; return how many.

    Raises OutputError (one line) for a directory, an existing file without
    ``overwrite``, or a failed write; the old file is intact when writing fails.
    """
    if path.is_dir():
        raise OutputError(f"{path} is a directory; give a file name")
    if not overwrite and path.exists():
        raise OutputError(f"{path} already exists")
    items = starred_items(library)
    text = render_markdown(items, generated=today)
    try:
        if create_parents:
            path.parent.mkdir(parents=True, exist_ok=True)
        write_markdown(path, text)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    return len(items)
