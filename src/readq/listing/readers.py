"""Reading a copied listing held as text, bytes or a file into a ``ParseResult``."""

from __future__ import annotations

import datetime as _dt
import io
import os

from readq.errors import NoInputError
from readq.listing.decode import CHUNK_SIZE, check_listing_file, split_lines, stream_lines
from readq.listing.records import parse_lines
from readq.models import ParseResult

__all__ = ["parse_bytes", "parse_file", "parse_text"]


def parse_text(text: str, *, today: _dt.date | None = None) -> ParseResult:
    """Parse a listing already in memory (e.g. pasted into the TUI)."""
    result = ParseResult()
    result.papers.extend(parse_lines(split_lines((text,)), today=today, warnings=result.warnings))
    return result


def parse_bytes(
    data: bytes, *, today: _dt.date | None = None, encoding: str | None = None
) -> ParseResult:
    """Parse raw bytes (standard input); raises InputError for binary or undecodable data."""
    result = ParseResult()
    lines = stream_lines(io.BytesIO(data), encoding, CHUNK_SIZE, "input", "")
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
    check_listing_file(name)
    result = ParseResult()
    try:
        with open(name, "rb") as stream:
            lines = stream_lines(stream, encoding, CHUNK_SIZE, name, f"{name}: ")
            result.papers.extend(parse_lines(lines, today=today, warnings=result.warnings))
    except OSError as err:
        raise NoInputError(f"cannot read {name}: {err.strerror or err}") from None
    return result
