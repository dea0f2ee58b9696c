"""Field values taken from a record's text: links, calendar dates, organization names."""

from __future__ import annotations

import datetime as _dt
import re
from typing import Final

from readq.listing.lines import Date

_URL: Final = re.compile(r"https?://[^\s<>\"{}|\\^`\[\]]+", re.IGNORECASE)
_SCHEME: Final = re.compile(r"(?=https?://)", re.IGNORECASE)
_URL_TRAILING: Final = ".,;:!?'\"。，；：！？、"
_MAX_LINKS: Final = 64
_MAX_URL_SCAN: Final = 1000


def _trim_url(url: str) -> str:
    """Strip sentence punctuation after a URL; keep a ``)`` that closes a ``(`` in it.

    Works on whole runs with ``rstrip`` so a hostile 10 MB "URL" of ``).).)`` stays
    linear; after a few alternations it simply stops trimming.
    """
    excess = url.count(")") - url.count("(")
    for _ in range(8):
        before = len(url)
        url = url.rstrip(_URL_TRAILING)
        if excess > 0 and url.endswith(")"):
            kept = max(len(url.rstrip(")")), len(url) - excess)
            excess -= len(url) - kept
            url = url[:kept]
        if len(url) == before:
            break
    return url


def links(abstract: str) -> tuple[str, ...]:
    """http(s) URLs in the abstract, in order, without duplicates or trailing punctuation.

    Two URLs glued together (``...Synthesis.https://...``) are split at the second
    scheme. At most ``_MAX_LINKS`` are kept and ``_MAX_URL_SCAN`` looked at, which no
    real abstract comes near, so a hostile line full of URLs stays cheap.
    """
    found: dict[str, None] = {}
    for seen, match in enumerate(_URL.finditer(abstract)):
        if seen >= _MAX_URL_SCAN or len(found) >= _MAX_LINKS:
            break
        for part in _SCHEME.split(match.group()):
            url = _trim_url(part)
            if len(url) > url.find("//") + 2 > 1:
                found.setdefault(url, None)
    return tuple(found)


def resolve_date(date: Date, today: _dt.date) -> _dt.date:
    """The calendar date; a yearless one is the most recent such day not after ``today``.

    Raises ValueError for dates that do not exist (``Feb 31``, ``Feb 29, 2023``).
    """
    if date.year is not None:
        return _dt.date(date.year, date.month, date.day)
    # Nine years back always reaches a leap year, so Feb 29 resolves too.
    for year in range(today.year, today.year - 10, -1):
        try:
            day = _dt.date(year, date.month, date.day)
        except ValueError:
            continue
        if day <= today:
            return day
    raise ValueError(f"no such date: {date.raw}")


def collapse_doubled(name: str) -> str:
    """``Google Google`` (how the page renders an org logo and name) becomes ``Google``."""
    half, odd = divmod(len(name), 2)
    if odd and name[half] == " " and name[:half] == name[half + 1 :]:
        return name[:half]
    return name


def preview(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "…")
