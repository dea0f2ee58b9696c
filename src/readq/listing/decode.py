"""From bytes to logical lines: encodings, BOMs, binary and file-type checks.

``decode_lines`` decodes a binary stream incrementally, so a 100 MB listing never needs
to be in memory at once; ``split_lines`` splits text on line breaks the way a listing
means them. ``check_listing_file`` refuses paths that cannot be a listing.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from collections.abc import Iterable, Iterator
from typing import BinaryIO, Final

from readq.errors import InputError, NoInputError

__all__ = ["CHUNK_SIZE", "check_listing_file", "decode_lines", "split_lines", "stream_lines"]

CHUNK_SIZE: Final = 1 << 20
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
        codec = _text_codec(encoding, head)
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
        except UnicodeError as err:  # a codec's own complaint, e.g. a missing BOM
            raise InputError(f"{name}: cannot decode as {codec}: {err}") from None

    # The head goes through in chunk_size pieces too, so every chunk is decoded alike.
    for start in range(skip, len(head), chunk_size):
        data = head[start : start + chunk_size]
        yield decode(data, False)
        offset += len(data)
    while data := stream.read(chunk_size):
        yield decode(data, False)
        offset += len(data)
    yield decode(b"", True)


# Codecs that turn bytes into text but are not how text files are written.
_NOT_FOR_FILES = frozenset({"punycode", "idna", "raw-unicode-escape", "unicode-escape"})


def _text_codec(encoding: str, head: bytes) -> str:
    """The codec ``--encoding`` names, refused when it is not a text encoding (rot13,
    base64, zlib, hex, uu, punycode ...) or would have to guess the byte order."""
    try:
        info = codecs.lookup(encoding)
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r}") from None
    name = info.name
    if not getattr(info, "_is_text_encoding", True) or name in _NOT_FOR_FILES:
        raise InputError(
            f"{encoding!r} is not a text encoding; give one like utf-8, latin-1 or utf-16"
        )
    if name in ("utf-16", "utf-32") and not head.startswith(
        (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    ):
        raise InputError(
            f"{encoding} text needs a byte-order mark and this has none; "
            f"give --encoding {name}-le or {name}-be"
        )
    return name


def split_lines(chunks: Iterable[str]) -> Iterator[str]:
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
        start = 0
        if first:
            first = False
            if text[0] == "\ufeff":  # a BOM that the codec left in place
                start = 1
        if skip_lf and start < len(text):
            skip_lf = False
            if text[start] == "\n":  # the \n of a \r\n split across two chunks
                start += 1
        if start >= len(text):
            continue
        pos = start
        for match in _EOL.finditer(text, start):
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


def stream_lines(
    stream: BinaryIO, encoding: str | None, chunk_size: int, name: str, where: str
) -> Iterator[str]:
    """``decode_lines`` whose errors name the input: ``name`` in the binary-data
    message, ``where`` (``"<path>: "`` or empty) before the decoding ones."""
    return split_lines(_decoded_chunks(stream, encoding, chunk_size, name, where))


def decode_lines(
    stream: BinaryIO, *, encoding: str | None = None, chunk_size: int = CHUNK_SIZE
) -> Iterator[str]:
    """Stream the logical lines (without terminators) of a binary stream.

    UTF-8 by default (strict); a UTF-8, UTF-16 or UTF-32 BOM selects that encoding, and
    ``encoding`` overrides detection. Raises ``InputError`` for binary data or bytes the
    encoding cannot decode (naming the absolute byte offset).
    """
    return stream_lines(stream, encoding, chunk_size, "input", "")


def check_listing_file(name: str) -> None:
    """Raise NoInputError unless ``name`` is a regular file that exists.

    A directory, a FIFO or a device could block a read forever; the message starts with
    the path.
    """
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
