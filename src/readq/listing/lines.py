"""What one line of a copied listing is: chrome, authors, dot, date or text.

The kinds and their shapes are the "Lines" table of ``docs/listing-format.md``. Only
short lines are tried as metadata, so a 10 MB abstract never meets a regular expression.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Final

from readq.text import clean_line

CHROME: Final = frozenset(
    s.casefold()
    for s in (
        "new",
        "Get trending papers in your email inbox!",
        "Get trending papers in your email inbox once a day!",
        "Subscribe",
        "Daily Papers",
        "byAK and the research community",
    )
)
# Chrome that a copy can glue to the start of the next line ("SubscribeRole of ...").
# "new" is left out: too many real words start with it.
_GLUED_CHROME: Final = (
    "Get trending papers in your email inbox once a day!",
    "Get trending papers in your email inbox!",
    "byAK and the research community",
    "Daily Papers",
    "Subscribe",
)
_GLUE_STARTS: Final = "\"'“‘([«"
_MONTHS: Final = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
_SHORT: Final = 40  # metadata lines are short; never run their regexes on long text
_BULLET: Final = re.compile(r"(?:•\s*)?(\d{1,9})\s+authors?", re.IGNORECASE)
_DATE: Final = re.compile(
    r"(?P<mon>[A-Za-z]{3,9})\.?\s+(?P<day>\d{1,2})(?:,\s*(?P<year>\d{4}))?(?:\s+(?P<up>\d{1,9}))?"
)
# What a mangled date after "·" looks like: a short line with a digit in it.
_DATEISH: Final = re.compile(r"[^\W\d_]{2,12}\.?\s+\S{1,12}(?:\s+\S{1,6}){0,2}")
_DOT: Final = "·"

# The kinds of non-blank line.
TEXT, CHROME_LINE, DATE_LINE, BULLET_LINE, DOT_LINE = range(5)


@dataclass(frozen=True, slots=True)
class Date:
    month: int
    day: int
    year: int | None
    upvotes: int | None
    raw: str


@dataclass(frozen=True, slots=True)
class Line:
    no: int  # 1-based line number
    kind: int
    text: str
    authors: int | None = None
    date: Date | None = None


def _month(name: str) -> int | None:
    """``Sep``, ``Sept`` and ``September`` are all month 9."""
    low = name.lower()
    for number, full in enumerate(_MONTHS, 1):
        if len(low) >= 3 and full.startswith(low):
            return number
    return None


def _match_date(text: str) -> Date | None:
    """``Mon D``, ``Mon D, YYYY``, each optionally followed by an upvote count."""
    if len(text) > _SHORT:
        return None
    m = _DATE.fullmatch(text)
    if m is None:
        return None
    month = _month(m["mon"])
    if month is None:
        return None
    year = int(m["year"]) if m["year"] else None
    upvotes = int(m["up"]) if m["up"] else None
    return Date(month, int(m["day"]), year, upvotes, text)


def _strip_glued_chrome(text: str) -> str:
    """Remove chrome glued to the start of a line, when what follows starts a title."""
    changed = True
    while changed:
        changed = False
        for prefix in _GLUED_CHROME:
            if text.startswith(prefix) and len(text) > len(prefix):
                head = text[len(prefix)]
                if head.isupper() or head.isdigit() or head in _GLUE_STARTS:
                    text = text[len(prefix) :]
                    changed = True
                    break
    return text


def _metadata(no: int, text: str) -> Line | None:
    """An authors, dot or date line; ``None`` when the (short) line is none of them."""
    bullet = _BULLET.fullmatch(text)
    if bullet:
        return Line(no, BULLET_LINE, text, authors=int(bullet[1]))
    if text.startswith(_DOT):
        rest = text[1:].strip()
        return Line(no, DOT_LINE, rest, date=_match_date(rest) if rest else None)
    date = _match_date(text)
    if date:
        return Line(no, DATE_LINE, text, date=date)
    return None


def classify(no: int, raw: str) -> Line | None:
    """What one input line is; ``None`` for a blank line."""
    text = clean_line(raw)
    if not text:
        return None
    if len(text) <= 60 and text.casefold() in CHROME:
        return Line(no, CHROME_LINE, text)
    if len(text) <= _SHORT:
        meta = _metadata(no, text)
        if meta is not None:
            return meta
    unglued = _strip_glued_chrome(text)
    if unglued is not text:
        if unglued.casefold() in CHROME:
            return Line(no, CHROME_LINE, text)
        text = unglued.strip()
    return Line(no, TEXT, text)


def classified(lines: Iterable[str]) -> Iterator[Line]:
    """The non-blank lines, classified, numbered from 1 as in the input."""
    for no, raw in enumerate(lines, 1):
        line = classify(no, raw)
        if line is not None:
            yield line


# -- shapes -----------------------------------------------------------------------------


def title_like(text: str) -> bool:
    """Titles are short and (almost) never end with a period."""
    return len(text) <= 300 and not text.endswith(".")


def abstract_like(text: str) -> bool:
    """Abstracts are long, and usually end a sentence."""
    return len(text) >= 300 or (len(text) >= 120 and text.endswith((".", "!", "?")))


def dateish(text: str) -> bool:
    """A short line with a digit, where a date is expected: a mangled date, not a title."""
    return len(text) <= 24 and any(c.isdigit() for c in text) and bool(_DATEISH.fullmatch(text))
