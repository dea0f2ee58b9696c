"""Reading a copied listing held as text, bytes or a file into a ``ParseResult``."""

from __future__ import annotations

import datetime as _dt
import io
import os
from collections.abc import Iterable
from typing import BinaryIO, cast

from readq.errors import InputError, NoInputError
from readq.listing.decode import CHUNK_SIZE, check_listing_file, split_lines, stream_lines
from readq.listing.evidence import Evidence
from readq.listing.records import parse_lines
from readq.models import ParseResult

__all__ = ["MAX_LISTING_BYTES", "parse_bytes", "parse_file", "parse_text"]

MAX_LISTING_BYTES = 256 * 1024 * 1024
"""Larger listings are refused: counted while reading, so a file that grows as it is
read (or lies about its size) cannot get past the limit."""


class _Capped(io.RawIOBase):
    """A binary stream that refuses to give more than ``limit`` bytes."""

    def __init__(self, stream: BinaryIO, limit: int, name: str) -> None:
        super().__init__()
        self._stream, self._left, self._name = stream, limit, name

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self._left -= len(data)
        if self._left < 0:
            raise InputError(
                f"{self._name} is over {MAX_LISTING_BYTES // 2**20} MB (it grew while being "
                "read); listings that large are refused"
            )
        return data


def _watched(lines: Iterable[str], evidence: Evidence | None) -> Iterable[str]:
    return lines if evidence is None else evidence.watch(lines)


def parse_text(
    text: str, *, today: _dt.date | None = None, evidence: Evidence | None = None
) -> ParseResult:
    """Parse a listing already in memory (e.g. pasted into the TUI).

    Every reader takes an optional ``evidence`` that watches the lines for
    :func:`readq.listing.refusal` (is this a listing at all?).
    """
    result = ParseResult()
    lines = _watched(split_lines((text,)), evidence)
    result.papers.extend(parse_lines(lines, today=today, warnings=result.warnings))
    return result


def parse_bytes(
    data: bytes,
    *,
    today: _dt.date | None = None,
    encoding: str | None = None,
    evidence: Evidence | None = None,
) -> ParseResult:
    """Parse raw bytes (standard input); raises InputError for binary or undecodable data."""
    result = ParseResult()
    lines = _watched(stream_lines(io.BytesIO(data), encoding, CHUNK_SIZE, "input", ""), evidence)
    result.papers.extend(parse_lines(lines, today=today, warnings=result.warnings))
    return result


def parse_file(
    path: str | os.PathLike[str],
    *,
    today: _dt.date | None = None,
    encoding: str | None = None,
    evidence: Evidence | None = None,
    limit: int = MAX_LISTING_BYTES,
) -> ParseResult:
    """Parse a listing file, streaming it; more than ``limit`` bytes is an InputError.

    Raises NoInputError when the path cannot be read (missing, a directory, a FIFO or a
    device, which could block forever) and InputError when its content is binary or
    not in the expected encoding; both messages start with the path.
    """
    name = os.fspath(path)
    check_listing_file(name)
    result = ParseResult()
    try:
        with open(name, "rb") as raw:
            stream = cast(BinaryIO, _Capped(raw, limit, name))  # read() is all it needs
            lines = _watched(
                stream_lines(stream, encoding, CHUNK_SIZE, name, f"{name}: "), evidence
            )
            result.papers.extend(parse_lines(lines, today=today, warnings=result.warnings))
    except OSError as err:
        raise NoInputError(f"cannot read {name}: {err.strerror or err}") from None
    return result
