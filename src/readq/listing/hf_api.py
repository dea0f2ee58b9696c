"""Read the JSON of the Hugging Face ``/api/daily_papers`` endpoint into ``ApiPaper``s.

The response is untrusted input like any pasted listing: fields come and go between API
versions, so unknown keys are ignored and optional ones may be missing. One malformed
item costs only that item (with a warning naming its index), never the whole day; only a
response that is not a list of items at all is an error. Every string passes through
``readq.text`` so no control character or escape sequence reaches the terminal.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Final
from urllib.parse import urlsplit

from readq.errors import InputError
from readq.ids import paper_id
from readq.models import Paper
from readq.text import INVISIBLE, UNTITLED, clean_line

__all__ = [
    "ApiFormatError",
    "ApiPaper",
    "ApiResult",
    "looks_like_api_response",
    "parse_daily_papers",
]

# New-style ids (2401.12345, 1501.0001v2) and old-style ones (hep-th/9901001, math.GT/0309136).
_ARXIV_ID: Final = re.compile(r"\d{4}\.\d{4,5}(?:v\d+)?|[a-z\-]+(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?")
_SURROGATES: Final = re.compile(r"[\ud800-\udfff]")
# Whole terminal escape sequences (CSI, OSC, other ESC/C1 forms), so that not even their
# printable tail ("[31m") is left once clean_line drops the ESC itself.
_ESCAPES: Final = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"  # CSI
    r"|(?:\x1b[\]PX^_]|[\x90\x9d\x98\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # OSC, DCS...
    r"|\x1b[ -/]*[0-~]?"  # two-character escapes
)
_MAX_COUNT: Final = 10**12  # larger upvote/comment counts are nonsense, not data
_MAX_URL: Final = 2048
_MAX_KEYWORDS: Final = 50


class ApiFormatError(InputError):
    """The response is not a daily-papers list (exit 65, like any unreadable listing)."""


@dataclass(frozen=True, slots=True)
class ApiPaper:
    """One paper as the API describes it; text fields are already cleaned."""

    arxiv_id: str | None
    title: str
    abstract: str
    authors: tuple[str, ...] = ()
    published: str | None = None  # YYYY-MM-DD
    upvotes: int | None = None
    comments: int | None = None
    github: str | None = None
    project_page: str | None = None
    keywords: tuple[str, ...] = ()
    ai_summary: str | None = None

    @property
    def arxiv_url(self) -> str | None:
        return f"https://arxiv.org/abs/{self.arxiv_id}" if self.arxiv_id else None

    def to_paper(self) -> Paper:
        """The listing parser's record, so API papers merge with pasted ones by title."""
        links = tuple(u for u in (self.arxiv_url, self.github, self.project_page) if u)
        return Paper(
            id=paper_id(self.title, self.abstract),
            title=self.title,
            abstract=self.abstract,
            authors=len(self.authors) or None,
            published=self.published,
            upvotes=self.upvotes,
            links=links,
            arxiv_id=self.arxiv_id,
            author_names=self.authors,
            github=self.github,
            project_page=self.project_page,
            comments=self.comments,
        )


@dataclass(slots=True)
class ApiResult:
    papers: list[ApiPaper] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class _Skip(Exception):
    """Raised inside item parsing: the item is dropped, the message becomes a warning."""


def _kind(value: object) -> str:
    """JSON's name for a value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    return "object" if isinstance(value, dict) else type(value).__name__


def _clean(text: str) -> str:
    """One line, escapes and controls stripped, spaces collapsed; lone surrogates (which
    could not be saved as UTF-8) replaced."""
    return clean_line(INVISIBLE.sub("", _SURROGATES.sub("\ufffd", _ESCAPES.sub("", text))))


def _reject_constant(name: str) -> object:
    raise ValueError(f"contains {name}, which JSON does not allow")


def _load(data: bytes | str, where: str) -> object:
    """Parse JSON strictly; every failure becomes one ApiFormatError line."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as err:
            raise ApiFormatError(
                f"{where}not valid UTF-8 at byte offset {err.start} ({err.reason})"
            ) from None
    try:
        return json.loads(data, parse_constant=_reject_constant)
    except json.JSONDecodeError as err:
        raise ApiFormatError(
            f"{where}not valid JSON (line {err.lineno}, column {err.colno}): {err.msg}"
        ) from None
    except ValueError as err:  # NaN/Infinity, or an integer over the digit limit
        raise ApiFormatError(f"{where}not usable JSON: {err}") from None
    except RecursionError:
        raise ApiFormatError(f"{where}not usable JSON: nested too deeply") from None


def looks_like_api_response(data: bytes) -> bool:
    """Cheap sniff for ``readq add FILE``: JSON array/object rather than a pasted page."""
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head not in (b"[", b"{"):
        return False
    try:
        _load(data, "")
    except ApiFormatError:
        return False
    return True


def _top_level_error(value: object, where: str) -> ApiFormatError:
    if isinstance(value, dict):
        message = value.get("error")
        if isinstance(message, str) and message.strip():
            return ApiFormatError(f"{where}an error from the API, not papers: {_clean(message)}")
        keys = ", ".join(_clean(str(k)) for k in list(value)[:5]) or "none"
        return ApiFormatError(
            f"{where}a JSON object (keys: {keys}), not the list of papers /api/daily_papers returns"
        )
    return ApiFormatError(
        f"{where}a JSON {_kind(value)}, not the list of papers /api/daily_papers returns"
    )


def parse_daily_papers(data: bytes | str, *, source: str = "") -> ApiResult:
    """Papers of one ``/api/daily_papers`` response; raises ApiFormatError if it is not one.

    ``source`` (a file name or URL) prefixes the messages so the user knows which day failed.
    """
    where = f"{source} is " if source else "the response is "
    value = _load(data, where)
    if not isinstance(value, list):
        raise _top_level_error(value, where)
    result = ApiResult()
    prefix = f"{source}: " if source else ""
    for index, item in enumerate(value):
        notes: list[str] = []
        try:
            paper = _item(item, notes)
        except _Skip as skip:
            result.warnings.append(f"{prefix}item {index}: {skip}; skipped")
            continue
        result.warnings.extend(f"{prefix}item {index}: {note}" for note in notes)
        result.papers.append(paper)
    return result


def _get_str(obj: dict[str, object], key: str, what: str) -> str | None:
    """A string field that the item cannot do without in another type."""
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _Skip(f"{what} is a {_kind(value)}, not a string")
    return value


def _item(item: object, notes: list[str]) -> ApiPaper:
    """One list entry; wrong types of the essential fields skip it, optional ones are dropped."""
    if not isinstance(item, dict):
        raise _Skip(f"a {_kind(item)}, not an object")
    paper: object = item.get("paper", item)  # /api/papers lists bare paper objects
    if not isinstance(paper, dict):
        raise _Skip(f"paper is a {_kind(paper)}, not an object")

    title = _clean(_get_str(paper, "title", "title") or _get_str(item, "title", "title") or "")
    abstract = _clean(_get_str(paper, "summary", "summary") or "")
    raw_id = _get_str(paper, "id", "id")
    arxiv_id = _arxiv_id(raw_id, notes)
    if not title and not abstract and arxiv_id is None:
        raise _Skip("no title, summary or id")
    if not title:
        notes.append("no title")
        title = UNTITLED

    return ApiPaper(
        arxiv_id=arxiv_id,
        title=title,
        abstract=abstract,
        authors=_authors(paper.get("authors"), notes),
        published=_day(paper.get("publishedAt"), notes) or _day(item.get("publishedAt"), notes),
        upvotes=_count(paper.get("upvotes"), "upvotes", notes),
        comments=_count(item.get("numComments"), "numComments", notes),
        github=_url(paper.get("githubRepo"), "githubRepo", notes),
        project_page=_url(paper.get("projectPage"), "projectPage", notes),
        keywords=_keywords(paper.get("ai_keywords"), notes),
        ai_summary=_optional_text(paper.get("ai_summary"), "ai_summary", notes),
    )


def _arxiv_id(raw: str | None, notes: list[str]) -> str | None:
    if raw is None:
        return None
    cleaned = _clean(raw)
    if _ARXIV_ID.fullmatch(cleaned):
        return cleaned
    shown = cleaned[:40] + ("..." if len(cleaned) > 40 else "")
    notes.append(f"id {shown!r} is not an arXiv id; kept the paper without it")
    return None


def _authors(value: object, notes: list[str]) -> tuple[str, ...]:
    """Author names; entries are objects with ``name`` (plain strings are accepted too)."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise _Skip(f"authors is a {_kind(value)}, not a list")
    names: list[str] = []
    dropped = 0
    for entry in value:
        name = entry.get("name") if isinstance(entry, dict) else entry
        cleaned = _clean(name) if isinstance(name, str) else ""
        if cleaned:
            names.append(cleaned)
        else:
            dropped += 1
    if dropped:
        notes.append(f"{dropped} author entr{'y' if dropped == 1 else 'ies'} without a name")
    return tuple(names)


def _day(value: object, notes: list[str]) -> str | None:
    """YYYY-MM-DD from an ISO datetime such as ``2024-01-22T18:58:00.000Z``."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10]).isoformat()
        except ValueError:
            pass
    notes.append(f"publishedAt {_clean(str(value))[:40]!r} is not a date; ignored")
    return None


def _count(value: object, key: str, notes: list[str]) -> int | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < _MAX_COUNT:
        return value
    notes.append(f"{key} is not a plausible count; ignored")
    return None


def _url(value: object, key: str, notes: list[str]) -> str | None:
    """Only absolute http(s) URLs: a ``javascript:`` or ``file:`` link is never offered."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        url = value.strip()
        parts = urlsplit(url) if len(url) <= _MAX_URL else None
        if (
            parts is not None
            and parts.scheme.lower() in ("http", "https")
            and parts.netloc
            and clean_line(url) == url
            and " " not in url
        ):
            return url
    notes.append(f"{key} is not an http(s) URL; ignored")
    return None


def _keywords(value: object, notes: list[str]) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        notes.append("ai_keywords is not a list; ignored")
        return ()
    seen: dict[str, None] = {}
    for word in value:
        cleaned = _clean(word) if isinstance(word, str) else ""
        if cleaned:
            seen.setdefault(cleaned, None)
    return tuple(seen)[:_MAX_KEYWORDS]


def _optional_text(value: object, key: str, notes: list[str]) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        notes.append(f"{key} is a {_kind(value)}, not a string; ignored")
        return None
    return _clean(value) or None
