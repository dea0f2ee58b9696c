"""Turn text copied from the Hugging Face papers pages into ``Paper`` records.

The input is whatever a browser puts on the clipboard, so nothing about its layout is
guaranteed: page chrome can appear anywhere (even glued to the first title), blank
lines may or may not separate the blocks, the metadata block is optional per record,
and the last record may be cut off. The grammar is described in
``docs/listing-format.md``.

Everything here streams: ``decode_lines`` decodes a binary stream incrementally and
``parse_lines`` holds at most one record plus one line of look-ahead, so a 100 MB
listing never needs to be in memory at once.
"""

from __future__ import annotations

import codecs
import datetime as _dt
import io
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO, Final

from readq.errors import InputError, NoInputError
from readq.ids import paper_id
from readq.models import Paper, ParseResult, ParseWarning
from readq.text import clean_line, is_blank

__all__ = ["decode_lines", "parse_bytes", "parse_file", "parse_lines", "parse_text"]

UNTITLED: Final = "(untitled)"
LONG_TITLE: Final = 1000  # characters; longer titles are kept but flagged

# -- decoding ---------------------------------------------------------------------------

_SNIFF_BYTES: Final = 8192
# Longest BOM first: the UTF-32 LE BOM starts with the UTF-16 LE one.
_BOMS: Final = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Bytes that text listings are made of; whatever translate() leaves is a control byte.
_TEXT_BYTES: Final = b"\t\n\x0c\r" + bytes(range(0x20, 0x7F)) + bytes(range(0x80, 0x100))
_EOL: Final = re.compile(r"\r\n|\r|\n")


def _looks_binary(sample: bytes) -> bool:
    """Binary: NULs above 0.5% of the sample, or more than 10% C0 controls.

    A stray NUL in a real listing (a copy-paste accident) is stripped like any control
    character; images, archives and executables are far denser in NULs and controls.
    """
    if sample.count(0) * 200 > len(sample):
        return True
    controls = len(sample.translate(None, _TEXT_BYTES))
    return len(sample) >= 32 and controls * 10 > len(sample)


def _read_head(stream: BinaryIO, chunk_size: int) -> bytes:
    """At least the sniff window (or the whole stream if it is shorter)."""
    parts: list[bytes] = []
    size = 0
    while size < _SNIFF_BYTES:
        block = stream.read(chunk_size)
        if not block:
            break
        parts.append(block)
        size += len(block)
    return b"".join(parts)


def _decode_error(err: UnicodeDecodeError, offset: int, codec: str, where: str) -> InputError:
    """A one-line message with the absolute byte offset, so the user can find the byte."""
    bad = err.object[err.start : err.start + 1]
    detail = err.reason + (f", byte 0x{bad[0]:02x}" if bad else "")
    if codec == "utf-8":
        return InputError(
            f"{where}not valid UTF-8 at byte offset {offset} ({detail}); re-run with "
            "--encoding latin-1 if that is the file's encoding"
        )
    return InputError(f"{where}not valid {codec} at byte offset {offset} ({detail})")


def _decoded_chunks(
    stream: BinaryIO, encoding: str | None, chunk_size: int, name: str, where: str
) -> Iterator[str]:
    """Decoded text, chunk by chunk; raises InputError for binary or undecodable input."""
    chunk_size = max(1, chunk_size)
    head = _read_head(stream, chunk_size)
    skip = 0
    if encoding is None:
        codec = "utf-8"
        for bom, bom_codec in _BOMS:
            if head.startswith(bom):
                codec, skip = bom_codec, len(bom)
                break
    else:
        try:
            codec = codecs.lookup(encoding).name
        except LookupError:
            raise InputError(f"unknown encoding {encoding!r}") from None
    # UTF-16/32 text is full of NUL bytes by design; only sniff byte-oriented encodings.
    if not codec.startswith(("utf-16", "utf-32")) and _looks_binary(
        head[skip : skip + _SNIFF_BYTES]
    ):
        raise InputError(f"{name} does not look like a text listing (binary data)")
    decoder = codecs.getincrementaldecoder(codec)("strict")
    offset = skip  # absolute offset of the first byte of `data`

    def decode(data: bytes, final: bool) -> str:
        state = decoder.getstate()
        pending = len(state[0]) if isinstance(state, tuple) and isinstance(state[0], bytes) else 0
        try:
            return decoder.decode(data, final)
        except UnicodeDecodeError as err:
            raise _decode_error(err, offset - pending + err.start, codec, where) from None

    # The head goes through in chunk_size pieces too, so every chunk is decoded alike.
    for start in range(skip, len(head), chunk_size):
        data = head[start : start + chunk_size]
        yield decode(data, False)
        offset += len(data)
    while data := stream.read(chunk_size):
        yield decode(data, False)
        offset += len(data)
    yield decode(b"", True)


def _split_lines(chunks: Iterable[str]) -> Iterator[str]:
    r"""Logical lines split on \n, \r\n and lone \r only.

    ``str.splitlines`` would also split on \x0c, \x1c, \x85 and \u2028, which occur
    inside real abstracts and must not break a record in two. Parts of a long line are
    joined once, so a 10 MB line costs linear time.
    """
    parts: list[str] = []
    skip_lf = False
    first = True
    for text in chunks:
        if not text:
            continue
        if first:
            first = False
            if text[0] == "\ufeff":  # a BOM that the codec left in place
                text = text[1:]
        if skip_lf and text:
            skip_lf = False
            if text[0] == "\n":  # the \n of a \r\n split across two chunks
                text = text[1:]
        if not text:
            continue
        pos = 0
        for match in _EOL.finditer(text):
            parts.append(text[pos : match.start()])
            yield "".join(parts)
            parts = []
            pos = match.end()
        if text.endswith("\r"):
            skip_lf = True
        elif pos < len(text):
            parts.append(text[pos:])
    if parts:
        yield "".join(parts)


def _decode_lines(
    stream: BinaryIO, encoding: str | None, chunk_size: int, name: str, where: str
) -> Iterator[str]:
    return _split_lines(_decoded_chunks(stream, encoding, chunk_size, name, where))


def decode_lines(
    stream: BinaryIO, *, encoding: str | None = None, chunk_size: int = 1 << 20
) -> Iterator[str]:
    """Stream the logical lines (without terminators) of a binary stream.

    UTF-8 by default (strict); a UTF-8, UTF-16 or UTF-32 BOM selects that encoding, and
    ``encoding`` overrides detection. Raises ``InputError`` for binary data or bytes the
    encoding cannot decode (naming the absolute byte offset).
    """
    return _decode_lines(stream, encoding, chunk_size, "input", "")


# -- line classification ----------------------------------------------------------------

_CHROME: Final = frozenset(
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

_TEXT, _CHROME_LINE, _DATE_LINE, _BULLET_LINE, _DOT_LINE = range(5)


@dataclass(frozen=True, slots=True)
class _Date:
    month: int
    day: int
    year: int | None
    upvotes: int | None
    raw: str


@dataclass(frozen=True, slots=True)
class _Line:
    no: int  # 1-based line number
    kind: int
    text: str
    authors: int | None = None
    date: _Date | None = None


def _month(name: str) -> int | None:
    """``Sep``, ``Sept`` and ``September`` are all month 9."""
    low = name.lower()
    for number, full in enumerate(_MONTHS, 1):
        if len(low) >= 3 and full.startswith(low):
            return number
    return None


def _match_date(text: str) -> _Date | None:
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
    return _Date(month, int(m["day"]), year, upvotes, text)


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


def _classify(no: int, raw: str) -> _Line | None:
    """What one input line is; ``None`` for a blank line."""
    text = clean_line(raw)
    if not text:
        return None
    if len(text) <= 60 and text.casefold() in _CHROME:
        return _Line(no, _CHROME_LINE, text)
    if len(text) <= _SHORT:
        bullet = _BULLET.fullmatch(text)
        if bullet:
            return _Line(no, _BULLET_LINE, text, authors=int(bullet[1]))
        if text.startswith(_DOT):
            rest = text[1:].strip()
            return _Line(no, _DOT_LINE, rest, date=_match_date(rest) if rest else None)
        date = _match_date(text)
        if date:
            return _Line(no, _DATE_LINE, text, date=date)
    unglued = _strip_glued_chrome(text)
    if unglued is not text:
        if unglued.casefold() in _CHROME:
            return _Line(no, _CHROME_LINE, text)
        text = unglued.strip()
    return _Line(no, _TEXT, text)


def _classified(lines: Iterable[str]) -> Iterator[_Line]:
    for no, raw in enumerate(lines, 1):
        line = _classify(no, raw)
        if line is not None:
            yield line


# -- shapes -----------------------------------------------------------------------------


def _title_like(text: str) -> bool:
    """Titles are short and (almost) never end with a period."""
    return len(text) <= 300 and not text.endswith(".")


def _abstract_like(text: str) -> bool:
    """Abstracts are long, and usually end a sentence."""
    return len(text) >= 300 or (len(text) >= 120 and text.endswith((".", "!", "?")))


def _dateish(text: str) -> bool:
    """A short line with a digit, where a date is expected: a mangled date, not a title."""
    return len(text) <= 24 and any(c.isdigit() for c in text) and bool(_DATEISH.fullmatch(text))


# -- fields -----------------------------------------------------------------------------

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


def _links(abstract: str) -> tuple[str, ...]:
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


def _resolve_date(date: _Date, today: _dt.date) -> _dt.date:
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


def _collapse_doubled(name: str) -> str:
    """``Google Google`` (how the page renders an org logo and name) becomes ``Google``."""
    half, odd = divmod(len(name), 2)
    if odd and name[half] == " " and name[:half] == name[half + 1 :]:
        return name[:half]
    return name


def _preview(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "…")


# -- records ----------------------------------------------------------------------------

_NO_META, _AFTER_BULLET, _AFTER_ORG, _AFTER_DOT = range(4)


class _Records:
    """The record being assembled; feed it classified lines, it yields finished Papers."""

    def __init__(self, today: _dt.date, warnings: list[ParseWarning]) -> None:
        self.today = today
        self.warnings = warnings
        self._reset()

    def _reset(self) -> None:
        self.title: str | None = None
        self.title_no = 0
        self.abstract: str | None = None
        self.authors: int | None = None
        self.organization: str | None = None
        self.date: _Date | None = None
        self.date_no = 0
        self.stage = _NO_META

    def _warn(self, line: int, message: str) -> None:
        self.warnings.append(ParseWarning(line, message))

    @property
    def complete(self) -> bool:
        return self.abstract is not None

    def _drop_orphan_title(self) -> None:
        assert self.title is not None
        self._warn(self.title_no, f"title without abstract skipped: {_preview(self.title)}")
        self._reset()

    def _paper(self) -> Paper:
        """The finished record; resets the builder."""
        assert self.title is not None and self.abstract is not None
        raw_title, abstract = self.title, self.abstract
        title = raw_title
        if is_blank(raw_title):
            title = UNTITLED
            self._warn(self.title_no, f"blank title replaced by {UNTITLED!r}")
        elif len(title) > LONG_TITLE:
            self._warn(
                self.title_no,
                f"title is {len(title):,} characters long (kept): {_preview(title)}",
            )
        published = None
        if self.date is not None:
            try:
                published = _resolve_date(self.date, self.today).isoformat()
            except ValueError:
                self._warn(self.date_no, f"invalid date {self.date.raw!r} ignored")
        paper = Paper(
            # The raw title, so untitled papers get distinct ids from their abstracts.
            id=paper_id(raw_title, abstract),
            title=title,
            abstract=abstract,
            authors=self.authors,
            organization=self.organization,
            published=published,
            upvotes=self.date.upvotes if self.date is not None else None,
            links=_links(abstract),
        )
        self._reset()
        return paper

    def feed(self, line: _Line, following: _Line | None) -> Iterator[Paper]:
        """Take one non-blank line; ``following`` is the next one (look-ahead only)."""
        kind = line.kind
        if kind == _CHROME_LINE:
            return
        if kind == _DATE_LINE:
            # After "•"/"·" it is the paper's date; anywhere else it is the page's date.
            if self.complete and self.stage in (_AFTER_BULLET, _AFTER_DOT):
                self.date, self.date_no = line.date, line.no
                yield self._paper()
            return
        if kind == _BULLET_LINE:
            if self.complete and self.stage == _NO_META:
                self.authors = line.authors
                self.stage = _AFTER_BULLET
                return
            if self.complete:
                yield self._paper()
            elif self.title is not None:
                self._drop_orphan_title()
            self._warn(line.no, f"authors line without a paper ignored: {_preview(line.text)}")
            return
        if kind == _DOT_LINE:
            if self.complete and self.stage != _AFTER_DOT:
                self.stage = _AFTER_DOT
                if line.date is not None:
                    self.date, self.date_no = line.date, line.no
                    yield self._paper()
                elif line.text:
                    self._warn(line.no, f"unrecognised date {line.text!r} ignored")
                    yield self._paper()
                return
            if self.title is not None and not self.complete:
                self._drop_orphan_title()
            self._warn(line.no, "'·' line without a paper ignored")
            return
        yield from self._text(line, following)

    def _text(self, line: _Line, following: _Line | None) -> Iterator[Paper]:
        text = line.text
        if self.complete:
            if self.stage == _AFTER_DOT and _dateish(text):
                self._warn(line.no, f"unrecognised date {text!r} ignored")
                yield self._paper()
                return
            if self.stage == _NO_META and following is not None and following.kind == _DOT_LINE:
                self.organization = _collapse_doubled(text)
                self.stage = _AFTER_ORG
                return
            yield self._paper()
        next_text = following.text if following is not None and following.kind == _TEXT else None
        if self.title is None:
            if _abstract_like(text) and next_text is not None and _title_like(next_text):
                # The copy started in the middle of a record.
                self._warn(line.no, f"abstract without title skipped: {_preview(text)}")
                return
            self.title, self.title_no = text, line.no
            return
        if (
            _title_like(self.title)
            and _title_like(text)
            and next_text is not None
            and _abstract_like(next_text)
        ):
            # Two titles in a row and then an abstract: the first one lost its abstract.
            self._drop_orphan_title()
            self.title, self.title_no = text, line.no
            return
        self.abstract = text

    def finish(self) -> Iterator[Paper]:
        if self.complete:
            yield self._paper()
        elif self.title is not None:
            self._warn(
                self.title_no,
                "incomplete record at end of input skipped: title without abstract "
                f"{_preview(self.title)}",
            )
            self._reset()


def parse_lines(
    lines: Iterable[str],
    *,
    today: _dt.date | None = None,
    warnings: list[ParseWarning] | None = None,
) -> Iterator[Paper]:
    """Yield every paper in ``lines`` in input order, duplicates included.

    Never raises on any text: whatever cannot be understood is skipped with a
    ``ParseWarning`` appended to ``warnings``. Memory is bounded by one record.
    ``today`` (the import date) resolves dates shown without a year.
    """
    records = _Records(today or _dt.date.today(), warnings if warnings is not None else [])
    items = _classified(lines)
    current = next(items, None)
    while current is not None:
        following = next(items, None)
        yield from records.feed(current, following)
        current = following
    yield from records.finish()


def parse_text(text: str, *, today: _dt.date | None = None) -> ParseResult:
    """Parse a listing already in memory (e.g. pasted into the TUI)."""
    result = ParseResult()
    result.papers.extend(parse_lines(_split_lines((text,)), today=today, warnings=result.warnings))
    return result


def parse_bytes(
    data: bytes, *, today: _dt.date | None = None, encoding: str | None = None
) -> ParseResult:
    """Parse raw bytes (standard input); raises InputError for binary or undecodable data."""
    result = ParseResult()
    lines = _decode_lines(io.BytesIO(data), encoding, 1 << 20, "input", "")
    result.papers.extend(parse_lines(lines, today=today, warnings=result.warnings))
    return result


def parse_file(
    path: str | os.PathLike[str],
    *,
    today: _dt.date | None = None,
    encoding: str | None = None,
) -> ParseResult:
    """Parse a listing file, streaming it.

    Raises NoInputError when the path cannot be read (missing, a directory, a FIFO or a
    device, which could block forever) and InputError when its content is binary or
    not in the expected encoding; both messages start with the path.
    """
    name = os.fspath(path)
    try:
        info = os.stat(name)
    except OSError as err:
        raise NoInputError(f"cannot read {name}: {err.strerror or err}") from None
    if stat.S_ISDIR(info.st_mode):
        raise NoInputError(f"cannot read {name}: it is a directory")
    if not stat.S_ISREG(info.st_mode):
        raise NoInputError(
            f"cannot read {name}: not a regular file (use '-' to read standard input)"
        )
    result = ParseResult()
    try:
        with open(name, "rb") as stream:
            lines = _decode_lines(stream, encoding, 1 << 20, name, f"{name}: ")
            result.papers.extend(parse_lines(lines, today=today, warnings=result.warnings))
    except OSError as err:
        raise NoInputError(f"cannot read {name}: {err.strerror or err}") from None
    return result
