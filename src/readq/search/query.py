"""The search query language: a pure parser from text to a :class:`Query`.

The parser never raises: a malformed term (``up:>abc``, an unclosed quote, an unknown
``is:`` value) becomes one error message and is dropped (or, for an unclosed quote,
read to the end of the line), so the rest of the query still filters while the user
is typing. ``docs/search.md`` is the reference for the language.

Words are cut by :mod:`readq.search.words`, the same rules the index uses (``fold``,
``split_words`` and ``STOPWORDS`` are re-exported here for callers that know them from
this module).
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from typing import Literal, TypeVar

from readq.search.words import ASCII_TABLE, STOPWORDS, fold, split_words

TermKind = Literal["fuzzy", "exact", "phrase"]
TermField = Literal["any", "title", "abstract", "note", "org", "author"]
FilterKey = Literal[
    "read", "starred", "note", "code", "up", "authors", "date", "seen", "new", "arxiv"
]

# -- the parsed query --------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """A text term: a fuzzy word, an exact word or a phrase, in one field or any."""

    text: str  # normalised: one word, or a phrase's words joined by single spaces
    kind: TermKind = "fuzzy"
    field: TermField = "any"
    negated: bool = False
    raw: str = ""


@dataclass(frozen=True)
class Filter:
    """A state or metadata condition.

    ``read``/``starred``/``note``/``code`` are flags. ``up`` and ``authors`` keep papers
    whose value lies in ``[lo, hi]`` (integers, inclusive). ``date`` compares the
    published ISO date and ``seen`` the first-seen UTC timestamp as strings, within
    the half-open range ``[lo, hi)``.
    """

    key: FilterKey
    lo: int | str | None = None
    hi: int | str | None = None
    negated: bool = False
    raw: str = ""


@dataclass(frozen=True)
class Query:
    terms: tuple[Term, ...] = ()
    filters: tuple[Filter, ...] = ()
    errors: tuple[str, ...] = ()
    source: str = ""

    @property
    def words(self) -> tuple[str, ...]:
        """Free fuzzy words (any field, not negated): the ones that rank."""
        return tuple(
            t.text for t in self.terms if t.kind == "fuzzy" and t.field == "any" and not t.negated
        )

    @property
    def exact_words(self) -> tuple[str, ...]:
        return tuple(
            t.text for t in self.terms if t.kind == "exact" and t.field == "any" and not t.negated
        )

    @property
    def phrases(self) -> tuple[str, ...]:
        return tuple(
            t.text for t in self.terms if t.kind == "phrase" and t.field == "any" and not t.negated
        )

    @property
    def exclusions(self) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if t.negated)

    @property
    def field_terms(self) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if t.field != "any" and not t.negated)

    @property
    def is_empty(self) -> bool:
        return not self.terms and not self.filters

    @property
    def ranked(self) -> bool:
        """Whether results get a relevance order: some positive title/abstract text."""
        return any(not t.negated and t.field in ("any", "title", "abstract") for t in self.terms)


# -- parsing ---------------------------------------------------------------------------

_FIELDS: dict[str, TermField] = {
    "title": "title",
    "t": "title",
    "abstract": "abstract",
    "abs": "abstract",
    "note": "note",
    "notes": "note",
    "org": "org",
    "organization": "org",
    "author": "author",
    "by": "author",
}
_FILTER_FIELDS = ("is", "has", "up", "upvotes", "authors", "date", "seen", "arxiv")
_ARXIV_RE = re.compile(
    r"(?:https?://)?(?:www\.)?(?:arxiv\.org/(?:abs|pdf)/)?"
    r"(\d{4}\.\d{4,5}|[a-z-]+(?:\.[a-z]{2})?/\d{7})(?:v\d+)?(?:\.pdf)?/?\Z"
)


def arxiv_key(text: str) -> str | None:
    """An arXiv id without its version (``2401.12345v2`` -> ``2401.12345``), from an id
    or an arxiv.org URL; None if it is not one."""
    m = _ARXIV_RE.match(text.strip().lower())
    return m.group(1) if m else None


_IS: dict[str, tuple[FilterKey, bool]] = {
    "read": ("read", False),
    "unread": ("read", True),
    "starred": ("starred", False),
    "unstarred": ("starred", True),
    "new": ("new", False),
}
_HAS: dict[str, FilterKey] = {"note": "note", "notes": "note", "code": "code"}
_FIELD_RE = re.compile(r"([A-Za-z]+):(.*)\Z", re.S)
_CMP_RE = re.compile(r"(>=|<=|>|<|=)?(.*)\Z", re.S)
_DATE_RE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?\Z")
_REL_RE = re.compile(r"(\d+)\s*(min|mo|[hdwmy])\Z")
_REL_UNITS = {  # unit: days
    "min": 1 / 1440,
    "h": 1 / 24,
    "d": 1,
    "w": 7,
    "mo": 30,
    "y": 365,
}
_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)  # spans reaching further: clamped


def _lex(text: str) -> list[tuple[str, bool]]:
    """Split into raw terms, keeping quoted runs whole: (term, whether its quotes closed)."""
    out: list[tuple[str, bool]] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        start = i
        closed = True
        while i < n and not text[i].isspace():
            if text[i] == '"':
                end = text.find('"', i + 1)
                if end < 0:
                    closed = False
                    i = n
                    break
                i = end + 1
                continue
            i += 1
        out.append((text[start:i], closed))
    return out


def _today(now: _dt.datetime) -> _dt.date:
    return now.date()


def _instant(day: _dt.date, now: _dt.datetime) -> str:
    """Local midnight of ``day`` (in ``now``'s zone) as a UTC ISO timestamp string."""
    local = _dt.datetime.combine(day, _dt.time(), tzinfo=now.tzinfo)
    return _utc_iso(local)


def _utc_iso(moment: _dt.datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return moment.astimezone(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _date_range(spec: str) -> tuple[_dt.date, _dt.date] | str:
    """A ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` spec as a half-open [start, end) range."""
    m = _DATE_RE.match(spec)
    if not m:
        return "expected a date like 2024, 2024-09 or 2024-09-01"
    year = int(m.group(1))
    try:
        if m.group(3):
            start = _dt.date(year, int(m.group(2)), int(m.group(3)))
            return start, start + _dt.timedelta(days=1)
        if m.group(2):
            month = int(m.group(2))
            start = _dt.date(year, month, 1)
            end = _dt.date(year + (month == 12), month % 12 + 1, 1)
            return start, end
        return _dt.date(year, 1, 1), _dt.date(year + 1, 1, 1)
    except ValueError:
        return f"{spec!r} is not a valid date"


_B = TypeVar("_B", int, str)


def _bounds(op: str, lo: _B, hi: _B) -> tuple[_B | None, _B | None]:
    """Turn a comparison against a half-open range [lo, hi) into new [lo, hi) bounds."""
    if op == ">":
        return hi, None
    if op == ">=":
        return lo, None
    if op == "<":
        return None, lo
    if op == "<=":
        return None, hi
    return lo, hi


def _parse_number(key: FilterKey, value: str, neg: bool, raw: str) -> Filter | str:
    m = _CMP_RE.match(value)
    assert m is not None
    op, num = m.group(1) or "", m.group(2).strip()
    if not num.isdigit():
        after = f" after '{op}'" if op else ""
        return f"{raw}: expected a number{after}"
    v = int(num)
    lo, hi = _bounds(op or "=", v, v + 1)
    return Filter(key, lo, None if hi is None else hi - 1, neg, raw)


def _parse_date(value: str, neg: bool, raw: str) -> Filter | str:
    m = _CMP_RE.match(value)
    assert m is not None
    op, spec = m.group(1) or "", m.group(2).strip()
    rng = _date_range(spec)
    if isinstance(rng, str):
        return f"{raw}: {rng}"
    lo, hi = _bounds(op or "=", rng[0].isoformat(), rng[1].isoformat())
    return Filter("date", lo, hi, neg, raw)


def _parse_seen(value: str, neg: bool, raw: str, now: _dt.datetime) -> Filter | str:
    spec = value.strip().lower()
    today = _today(now)
    if spec in ("today", "yesterday"):
        day = today - _dt.timedelta(days=spec == "yesterday")
        return Filter(
            "seen", _instant(day, now), _instant(day + _dt.timedelta(days=1), now), neg, raw
        )
    m = _REL_RE.match(spec)
    if m:
        digits, unit = m.group(1).lstrip("0") or "0", m.group(2)
        if unit == "m":
            return f"{raw}: 'm' is ambiguous: write {digits}min (minutes) or {digits}mo (months)"
        epoch = _EPOCH if now.tzinfo else _EPOCH.replace(tzinfo=None)
        limit = (now - epoch).total_seconds() / 86400  # a span of any size is clamped
        days = limit if len(digits) > 12 else min(limit, int(digits) * _REL_UNITS[unit])
        since = max(epoch, now - _dt.timedelta(days=days))
        return Filter("seen", _utc_iso(since), None, neg, raw)
    m2 = _CMP_RE.match(spec)
    assert m2 is not None
    op, dspec = m2.group(1) or "", m2.group(2).strip()
    rng = _date_range(dspec)
    if isinstance(rng, str):
        return (
            f"{raw}: expected today, yesterday, a span like 30min/12h/7d/2w/3mo/1y, "
            "or a date like >=2024-09-01"
        )
    lo, hi = _bounds(op or "=", _instant(rng[0], now), _instant(rng[1], now))
    return Filter("seen", lo, hi, neg, raw)


def _text_terms(value: str, kind: TermKind, fld: TermField, neg: bool, raw: str) -> list[Term]:
    if kind == "phrase":
        text = " ".join(fold(value).replace("-", " ").split())
        return [Term(text, "phrase", fld, neg, raw)] if text else []
    words = split_words(fold(value))
    return [Term(w, kind, fld, neg, raw) for w in words]


def parse_query(text: str, *, now: _dt.datetime | None = None) -> tuple[Query, list[str]]:
    """Parse ``text`` into a query and one error message per malformed term.

    ``now`` fixes the clock for ``seen:`` (default: the local time now). Never raises.
    """
    if now is None:
        now = _dt.datetime.now().astimezone()
    terms: list[Term] = []
    filters: list[Filter] = []
    errors: list[str] = []
    for raw, closed in _lex(text):
        body = raw
        neg = False
        if len(body) > 1 and body[0] in "-!":
            neg, body = True, body[1:]
        elif body in ("-", "!"):
            continue
        if not closed:
            errors.append(f"{raw}: unclosed quote; searched as a phrase up to the end")
        fld: TermField = "any"
        m = _FIELD_RE.match(body)
        if m and not body.startswith('"'):
            name, value = m.group(1).lower(), m.group(2)
            if name in _FILTER_FIELDS:
                result = _parse_filter(name, value, neg, raw, now)
                if isinstance(result, str):
                    errors.append(result)
                else:
                    filters.append(result)
                continue
            if name in _FIELDS:
                fld, body = _FIELDS[name], value
                if not body:
                    errors.append(f"{raw}: expected a word or \"phrase\" after '{name}:'")
                    continue
            elif value:
                errors.append(
                    f"{raw}: unknown field '{name}:' (fields: title, abstract, note, org, "
                    "author, arxiv, is, has, up, authors, date, seen); searched as words"
                )
        terms.extend(_body_terms(body, closed, fld, neg, raw))
    query = Query(tuple(terms), tuple(filters), tuple(errors), text)
    return query, list(errors)


def _body_terms(body: str, closed: bool, fld: TermField, neg: bool, raw: str) -> list[Term]:
    """The terms of one raw term's text (after any ``-`` and ``field:``): a quoted
    phrase, a ``'exact`` word, or fuzzy words."""
    if body.startswith('"'):
        inner = body[1:-1] if closed and body.endswith('"') and len(body) > 1 else body[1:]
        return _text_terms(inner.replace('"', " "), "phrase", fld, neg, raw)
    if body.startswith("'") and len(body) > 1:
        return _text_terms(body[1:], "exact", fld, neg, raw)
    return _text_terms(body.replace('"', " "), "fuzzy", fld, neg, raw)


def _parse_filter(name: str, value: str, neg: bool, raw: str, now: _dt.datetime) -> Filter | str:
    v = value.strip().lower()
    if name == "is":
        if v not in _IS:
            return f"{raw}: expected is:read, is:unread, is:starred or is:unstarred"
        key, flip = _IS[v]
        return Filter(key, negated=neg != flip, raw=raw)
    if name == "has":
        if v not in _HAS:
            return f"{raw}: expected has:note or has:code"
        return Filter(_HAS[v], negated=neg, raw=raw)
    return _parse_value(name, v, neg, raw, now)


def _parse_value(name: str, v: str, neg: bool, raw: str, now: _dt.datetime) -> Filter | str:
    """The filters that compare a value: ``up``/``authors``, ``date``, ``seen``,
    ``arxiv``."""
    if name == "arxiv":
        arxiv = arxiv_key(v)
        if arxiv is None:
            return f"{raw}: expected an arXiv id like arxiv:2401.12345"
        return Filter("arxiv", arxiv, None, neg, raw)
    if name in ("up", "upvotes", "authors"):
        return _parse_number("authors" if name == "authors" else "up", v, neg, raw)
    if name == "date":
        return _parse_date(v, neg, raw)
    return _parse_seen(v, neg, raw, now)


__all__ = [
    "Filter",
    "Query",
    "Term",
    "STOPWORDS",
    "arxiv_key",
    "ASCII_TABLE",
    "fold",
    "parse_query",
    "split_words",
]
