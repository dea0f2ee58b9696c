"""The Markdown document of starred papers: something people paste into their notes.

Every title, abstract, organization and link is untrusted, so the output stays valid
CommonMark whatever they hold: no raw HTML, no links we did not build, no stray
emphasis, headings, lists or math (see :mod:`readq.export.escape`). The note is the
user's own Markdown, made safe by :mod:`readq.export.note`. Links are ``<...>``
destinations; links from abstracts are autolinks with the characters that would end
them percent-encoded.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence

import readq
from readq.export.escape import (
    autolink_safe,
    code_span,
    destination,
    display_title,
    escape_inline,
    no_surrogates,
    normalize_note,
    single_line,
)
from readq.export.items import ExportItem
from readq.export.note import note_markdown
from readq.export.urls import export_urls
from readq.models import Entry
from readq.text import is_blank, plural

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_WEB_URL = re.compile(r"https?:", re.IGNORECASE)


def _metadata_line(entry: Entry) -> str:
    """Date · authors · organization · upvotes · id; missing parts are left out."""
    parts: list[str] = []
    if entry.published:
        published = single_line(entry.published)
        if _ISO_DATE.fullmatch(published):
            parts.append(f"Published {published}")
        elif published:
            parts.append(f"Published {escape_inline(published, block_start=False)}")
    names = [single_line(n) for n in entry.author_names if not is_blank(n)]
    if names:
        shown = ", ".join(names[:3]) + (" et al." if len(names) > 3 else "")
        parts.append(escape_inline(shown, block_start=not parts))
    elif entry.authors is not None:
        parts.append(plural(entry.authors, "author"))
    if entry.organization and not is_blank(entry.organization):
        parts.append(escape_inline(entry.organization, block_start=not parts))
    if entry.upvotes is not None:
        parts.append(plural(entry.upvotes, "upvote"))
    if not parts:
        parts.append("No date, authors or upvotes listed")
    parts.append(code_span(f"id: {entry.id}"))
    return " · ".join(parts)


def _unique_links(links: Sequence[str], known: set[str]) -> list[str]:
    out: list[str] = []
    for raw in links:
        link = no_surrogates(raw).strip()
        if link and link not in known:
            known.add(link)
            out.append(link)
    return out


def _links_list(entry: Entry) -> str:
    """The paper's pages (or searches by title), then the links found in the abstract.

    Only http(s) links become clickable; anything else (``javascript:``, ``file:``) is
    shown as inert text so pasting the export never plants a dangerous link.
    """
    urls = export_urls(entry)
    lines = [f"- [{label}]({destination(url)})" for label, url in urls]
    for link in _unique_links(entry.links, {url for _, url in urls}):
        if _WEB_URL.match(link):
            lines.append(f"- <{autolink_safe(link)}>")
        else:
            lines.append(f"- {escape_inline(link)}")
    return "\n".join(lines)


def _paper_section(item: ExportItem) -> list[str]:
    entry = item.entry
    blocks = [
        "## " + escape_inline(display_title(entry.title), heading=True),
        _metadata_line(entry),
        _links_list(entry),
    ]
    if normalize_note(item.state.note).strip():
        blocks.append("**Note**")
        blocks.append(note_markdown(item.state.note))
    abstract = escape_inline(item.abstract)
    if abstract:
        blocks.append(abstract)
    return blocks


def render_markdown(
    items: Sequence[ExportItem],
    *,
    generated: datetime.date,
    title: str = "Starred papers",
    since: str | None = None,
) -> str:
    """The whole export document, in the caller's order, ending with one newline.

    ``since`` (ISO timestamp): the document holds the papers starred since then.
    """
    blocks = [f"# {escape_inline(title, heading=True)} — {generated:%Y-%m-%d}"]
    version = readq.__version__
    when = f" since {since[:10]} {since[11:16]} UTC" if since else ""
    if items:
        count = plural(len(items), "paper")
        blocks.append(f"{count}{' starred' + when if when else ''}, exported by readq {version}.")
    else:
        nothing = f"No papers starred{when}" if when else "No starred papers"
        blocks.append(f"{nothing}. Exported by readq {version}.")
    for item in items:
        blocks.extend(_paper_section(item))
    return "\n\n".join(blocks) + "\n"
