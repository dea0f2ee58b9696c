"""Is this text a paper listing at all? Evidence for and against, and the verdict.

The parser never fails on text, so a README or a Python file "parses" into papers made
of headings and code. Before an import, ``refusal`` weighs what the lines and the
records look like (the "Not a listing" section of ``docs/listing-format.md``):

- **evidence**: metadata blocks (``• N authors``, ``·``, dates with upvotes), page
  chrome, and records shaped like papers (a title, then a long abstract ending a
  sentence);
- **counter-evidence**: Markdown headings, fences, tables and list items, source code
  (keywords, lines ending in ``;``/``{``/``}``, indented blocks), the same delimiter
  count on most lines (CSV/TSV), and records whose "title" is one word or a sentence.

``Evidence`` watches the raw lines as they stream past (only the first 120 characters of
each line are looked at, so a 10 MB abstract costs nothing extra).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Final

from readq.errors import InputError
from readq.listing.lines import CHROME, abstract_like, title_like
from readq.models import Paper

__all__ = ["Evidence", "NotAListingError", "refusal", "require_listing"]

FORCE_HINT: Final = "use --force to import it anyway"

_HEAD: Final = 120  # characters of each line looked at
_META_MAX: Final = 60  # metadata and chrome lines are short (see lines.py)
_MANY: Final = 8  # from this many records on, papers without any evidence are suspect
_MARK_START: Final = frozenset("#=-`~|*+0123456789")
_HEADING: Final = re.compile(r"#{1,6}\s+\S|={3,}\s*$|-{3,}\s*$")
_FENCE: Final = re.compile(r"(```|~~~)")
_LIST_ITEM: Final = re.compile(r"(?:[-*+]|\d{1,3}[.)])\s+\S")
_TABLE: Final = re.compile(r"\|.*\|\s*$")
_CODE_START: Final = re.compile(
    r"(?:def|class|import|from\s+\S+\s+import|return|if|elif|else:|for|while|try:|except"
    r"|with|async|await|raise|assert|yield|const|let|var|function|fn|pub|use|package"
    r"|#include|#define|#!|@\w+|//|/\*|\*/|SELECT|INSERT|CREATE)\b"
)
_ASSIGN: Final = re.compile(r"[\w.\[\]'\"]+\s*[-+*/%|&]?=\s*\S")
_CALL: Final = re.compile(r"[\w.]+\(.*\)[;:]?")
_CODE_END: Final = ("{", "}", ";", "):", "(", "[", "]", "*/", "=>", "\\", "},", "],", ");")
_DELIMITERS: Final = (",", "\t", ";", "|")
_MONTHS: Final = frozenset(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
)


def _looks_meta(text: str) -> bool:
    """A cheap look at a short line: authors, ``·``, a date or page chrome (lines.py has
    the exact grammar; this only has to tell them from Markdown and code)."""
    first = text[0]
    if first in "•·":
        return True
    if first.isdigit():
        return "author" in text
    if text[:3].lower() in _MONTHS:
        words = text.split(maxsplit=2)
        return len(words) > 1 and words[1][:1].isdigit()
    return text.casefold() in CHROME


class NotAListingError(InputError):
    """Text that parses into "papers" but is not a paper listing (exit 65)."""


@dataclass
class Evidence:
    """Counts gathered from the raw lines of one input while it is parsed."""

    lines: int = 0  # non-blank
    meta: int = 0  # chrome, authors, dot and date lines
    markup: int = 0  # Markdown headings, fences, tables, list items
    code: int = 0  # lines shaped like source code
    api: bool = False  # a saved /api/daily_papers response: structured data, never prose
    delimiters: dict[str, Counter[int]] = field(
        default_factory=lambda: {d: Counter() for d in _DELIMITERS}
    )

    def watch(self, lines: Iterable[str]) -> Iterator[str]:
        """Yield ``lines`` unchanged, counting what they look like."""
        for raw in lines:
            self.see(raw)
            yield raw

    def see(self, raw: str) -> None:
        head = raw[:_HEAD]
        text = head.strip()
        if not text:
            return
        self.lines += 1
        if len(text) <= _META_MAX and _looks_meta(text):
            self.meta += 1
            return
        if text[0] in _MARK_START and (
            _HEADING.match(text)
            or _FENCE.match(text)
            or _TABLE.match(text)
            or _LIST_ITEM.match(text)
        ):
            self.markup += 1
        elif (
            head[0] in " \t"
            and head.startswith(("    ", "\t"))
            or (len(raw) <= _HEAD and text.endswith(_CODE_END))
            or _CODE_START.match(text)
            or _ASSIGN.match(text)
            or _CALL.fullmatch(text)
        ):
            self.code += 1
        if len(raw) <= 4 * _HEAD:
            for d, counts in self.delimiters.items():
                counts[raw.count(d)] += 1

    def tabular(self) -> str | None:
        """The delimiter most lines have the same (non-zero) number of, if any."""
        if self.lines < 3:
            return None
        for d, counts in self.delimiters.items():
            for n, times in counts.most_common(2):
                if n > 0 and times >= 3 and times * 10 >= self.lines * 6:
                    return {"\t": "tab", "|": "|"}.get(d, d)
        return None


def _has_meta(p: Paper) -> bool:
    return (
        p.authors is not None
        or p.organization is not None
        or p.published is not None
        or p.upvotes is not None
    )


def _sentence(text: str) -> bool:
    """Weak evidence of an abstract: a few words that end a sentence (or a long line)."""
    return abstract_like(text) or (text.endswith((".", "!", "?")) and len(text.split()) >= 5)


def _bad_title(title: str) -> bool:
    """A "title" no paper has: one word, a sentence, a heading or a line of code."""
    return (
        len(title.split()) < 2
        or not title_like(title)
        or title.endswith((",", ";", *_CODE_END))
        or bool(_HEADING.match(title) or _FENCE.match(title) or _ASSIGN.match(title))
        or bool(_CALL.fullmatch(title))
    )


def refusal(papers: Sequence[Paper], ev: Evidence) -> str | None:
    """Why ``papers`` (parsed from lines ``ev`` watched) are not a listing; None if they are.

    Inputs without papers are not judged here: the importer says "no papers found".
    """
    n = len(papers)
    if n == 0 or ev.api:
        return None
    good = sum(
        1 for p in papers if _has_meta(p) or (title_like(p.title) and abstract_like(p.abstract))
    )
    bad = sum(1 for p in papers if _bad_title(p.title) and not _has_meta(p))
    lines = max(1, ev.lines)
    delimiter = ev.tabular()
    if delimiter is not None and good * 2 < n:
        return f"it looks like a table (CSV/TSV: most lines have the same number of {delimiter!r})"
    against = ev.markup + ev.code
    mostly_code = ev.code >= 2 and ev.code * 2 >= lines
    if (mostly_code or against >= 3) and against * 10 >= lines and against > ev.meta:
        what = "Markdown" if ev.markup >= ev.code else "source code"
        return (
            f"it looks like {what}: {against} of {lines} lines are headings, lists, "
            "fences, tables or code"
        )
    weak = sum(1 for p in papers if _has_meta(p) or _sentence(p.abstract))
    if n >= _MANY and weak * 5 < n:
        return (
            f"only {weak} of {n} would-be papers have an author/date line or an abstract "
            "(is it wrapped text, or a list of names?)"
        )
    if bad * 2 >= n and good * 2 < n:
        return (
            f"{bad} of {n} would-be titles are one word, a sentence or code, with no "
            "author or date line"
        )
    return None


def require_listing(papers: Sequence[Paper], ev: Evidence, label: str) -> None:
    """Raise ``NotAListingError`` (one line, exit 65) when ``refusal`` finds a reason."""
    why = refusal(papers, ev)
    if why is not None:
        raise NotAListingError(
            f"{label} does not look like a copied papers listing: {why}; nothing was "
            f"imported ({FORCE_HINT})"
        )
