"""Listings: the papers a user brings in, turned into ``Paper`` records.

Today the one input is the text a browser copies from the Hugging Face papers pages
(Daily Papers, trending, search results); its grammar is ``docs/listing-format.md``.
Nothing about that text is guaranteed, so every part streams and never raises on
content it does not understand: it skips it with a ``ParseWarning``.

The parts, in the order the data flows:

- ``decode``: bytes to logical lines (encodings, BOMs, binary and file-type checks);
- ``lines``: what each line is (chrome, authors, dot, date or text);
- ``fields``: values taken from a record's text (links, dates, organizations);
- ``records``: papers assembled from classified lines (``parse_lines``);
- ``readers``: the entry points for text, bytes and files;
- ``evidence``: whether a text is a listing at all (``refusal``), checked before an import.

Other sources of papers (such as the Hugging Face JSON API) belong here as modules of
their own that yield the same ``Paper`` records.

Importers use this package, not its modules: ``from readq import listing`` and
``listing.parse_file(path)``.
"""

from __future__ import annotations

from readq.listing.decode import decode_lines
from readq.listing.evidence import Evidence, NotAListingError, refusal, require_listing
from readq.listing.readers import parse_bytes, parse_file, parse_text
from readq.listing.records import LONG_TITLE, UNTITLED, parse_lines

__all__ = [
    "Evidence",
    "NotAListingError",
    "LONG_TITLE",
    "UNTITLED",
    "decode_lines",
    "parse_bytes",
    "parse_file",
    "parse_lines",
    "parse_text",
    "refusal",
    "require_listing",
]
