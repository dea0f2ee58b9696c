"""Cleaning untrusted text: every title, abstract and note passes through here."""

from __future__ import annotations

import re
import unicodedata

# C0 controls except tab and newline, DEL, and the C1 block. ESC is among them, so no
# escape sequence survives an import. Unicode line/paragraph separators become spaces.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LINE_SEPS = re.compile(r"[\u2028\u2029]")
_SPACES = re.compile(r"\s+")


# Characters that change how the text around them is shown without being seen: bidi
# embeddings, overrides and isolates (U+202E makes a title read backwards), zero-width
# space, word joiner, invisible operators, BOM. Zero-width (non-)joiners stay: scripts
# and emoji need them.
INVISIBLE = re.compile(r"[\u200b\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def for_display(text: str, *, keep_newlines: bool = False) -> str:
    """Text as it may reach a screen or a document: controls (escape sequences) and the
    invisible direction and width characters above removed. Imports clean text already;
    this is the second guard at every output, for whatever reached the store otherwise."""
    return INVISIBLE.sub("", strip_controls(text, keep_newlines=keep_newlines))


def strip_controls(text: str, *, keep_newlines: bool = False) -> str:
    """Remove control characters (ESC, NUL, BEL, C1 ...); tabs become spaces.

    With ``keep_newlines`` (notes), ``\\n`` survives; otherwise it becomes a space.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _LINE_SEPS.sub(" ", text).replace("\t", " ")
    if not keep_newlines:
        text = text.replace("\n", " ")
    return _CONTROL.sub("", text)


def clean_line(text: str) -> str:
    """A single-line field (title, organization): controls removed, spaces collapsed."""
    return _SPACES.sub(" ", strip_controls(text)).strip()


def clean_note(text: str) -> str:
    """A note keeps its lines; controls go, trailing whitespace is trimmed."""
    lines = strip_controls(text, keep_newlines=True).split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n")


def is_blank(text: str) -> bool:
    """True for text with nothing visible (spaces, zero-width characters, marks only)."""
    for ch in text:
        if ch.isspace():
            continue
        if unicodedata.category(ch) in ("Cf", "Cc", "Mn", "Me", "Zs", "Zl", "Zp"):
            continue
        return False
    return True


UNTITLED = "(untitled)"


def display_title(title: str) -> str:
    """A title fit for one line of output, or ``(untitled)`` when nothing is left."""
    return clean_line(title) or UNTITLED


def plural(n: int, word: str, words: str | None = None) -> str:
    """``1 paper``, ``2,048 papers``; ``words`` for irregular plurals."""
    return f"{n:,} {word if n == 1 else (words or word + 's')}"
