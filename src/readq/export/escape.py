"""Untrusted single-line text made inert in CommonMark, with as few backslashes as we can.

A title, abstract or organization must come out exactly as written, whatever it holds,
and never as raw HTML, a link, emphasis, a heading or a list. Escaping every ASCII
punctuation character does that but makes the raw file hard to read (``S\\-LoRA\\:``),
so a character is escaped only where CommonMark could give it a meaning:

* anywhere: `````` ` `````` (code spans), ``*`` (emphasis), ``[`` ``]`` (links), ``<``
  (HTML, autolinks), ``&`` starting an entity, ``\\`` before punctuation or at the end,
  ``_`` unless it sits between two letters or digits (``snake_case`` cannot emphasize),
  and ``~`` ``$`` for the strikethrough and math of GitHub and notes apps;
* at the start of a block: ``#`` (heading), ``>`` (quote), ``-`` ``+`` (list, rule),
  ``1.`` ``1)`` (ordered list);
* at the end of a heading: a ``#`` run (it would be read as the closing sequence).

Every block the export builds from such text is one line, so setext underlines and
table rows (``|``) cannot form. The tests check all of this by rendering with markdown-it.
"""

from __future__ import annotations

import re
import string

from readq.text import INVISIBLE, UNTITLED, clean_line, is_blank
from readq.text import display_title as _display_line

_PUNCT = frozenset(string.punctuation)
_ALWAYS = frozenset("`*[]<~$")
_SURROGATES = re.compile("[\ud800-\udfff]")
# Controls a note must not carry into a file that may be `cat`-ed in a terminal; tab
# and newline survive so code snippets in notes keep their shape.
_NOTE_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_BACKTICK_RUN = re.compile(r"`+")
# `&` followed by something that could be read as a character reference.
ENTITY_START = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
_ORDERED_MARKER = re.compile(r"\d{1,9}(?=[.)](?:\s|$))")
_TRAILING_HASHES = re.compile(r"#+$")


def no_surrogates(text: str) -> str:
    """Lone surrogates (possible after a JSON load) cannot be encoded as UTF-8."""
    return _SURROGATES.sub("\ufffd", text)


def single_line(text: str) -> str:
    """The text a reader sees: controls and invisible direction characters removed,
    whitespace collapsed."""
    return clean_line(INVISIBLE.sub("", no_surrogates(text)))


def _needs_escape(text: str, i: int) -> bool:
    ch = text[i]
    if ch in _ALWAYS:
        return True
    if ch == "\\":
        return i + 1 == len(text) or text[i + 1] in _PUNCT
    if ch == "&":
        return ENTITY_START.match(text, i) is not None
    if ch == "_":
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        return not (before.isalnum() and after.isalnum())
    return False


def _escape_block_start(text: str) -> str:
    """Escape what would make a block of its own: heading, quote, list, rule."""
    if text[:1] in ("#", ">", "-", "+"):
        return "\\" + text
    marker = _ORDERED_MARKER.match(text)
    if marker:
        end = marker.end()
        return text[:end] + "\\" + text[end:]
    return text


def escape_inline(text: str, *, block_start: bool = True, heading: bool = False) -> str:
    """``text`` on one line, shown literally by any CommonMark renderer.

    ``block_start``: the text opens a block (a paragraph, a list item), so a leading
    ``#``, ``>``, ``-``, ``+`` or ``1.`` must not start a heading, quote or list.
    ``heading``: the text is an ATX heading's content, so trailing ``#`` are kept.
    """
    text = single_line(text)
    out = "".join("\\" + ch if _needs_escape(text, i) else ch for i, ch in enumerate(text))
    if block_start and not heading:
        out = _escape_block_start(out)
    if heading:
        hashes = _TRAILING_HASHES.search(out)
        # A closing sequence is the whole content or follows a space.
        if hashes and (hashes.start() == 0 or out[hashes.start() - 1] == " "):
            out = out[: hashes.start()] + "\\" + out[hashes.start() :]
    return out


def display_title(title: str) -> str:
    """The title as shown; an invisible title would make an empty heading."""
    shown = single_line(title)
    # is_blank also catches zero-width and combining-only titles that clean_line keeps
    return UNTITLED if is_blank(shown) else _display_line(shown)


def normalize_note(note: str) -> str:
    """The note exactly as the export carries it: LF line ends, no control characters."""
    note = no_surrogates(note).replace("\r\n", "\n").replace("\r", "\n")
    return _NOTE_CONTROLS.sub("", note)


def longest_backtick_run(text: str) -> int:
    return max((len(m) for m in _BACKTICK_RUN.findall(text)), default=0)


def code_span(text: str) -> str:
    """An inline code span that shows ``text`` literally, whatever backticks it holds."""
    text = single_line(text)
    fence = "`" * (longest_backtick_run(text) + 1)
    # CommonMark strips one space from each side when both are there, and a backtick
    # next to the fence would merge with it: pad so the content survives.
    if (
        text.startswith("`")
        or text.endswith("`")
        or (text.startswith(" ") and text.endswith(" ") and text.strip(" "))
    ):
        text = f" {text} "
    return f"{fence}{text}{fence}"


def fenced_block(text: str) -> str:
    """A fenced code block the content cannot close early: fence > longest backtick run."""
    fence = "`" * max(3, longest_backtick_run(text) + 1)
    return f"{fence}\n{text}\n{fence}"


def _percent_encode_char(ch: str) -> str:
    return "".join(f"%{b:02X}" for b in ch.encode("utf-8"))


def autolink_safe(url: str) -> str:
    """Percent-encode what would end or break an autolink: spaces, controls, ``<``, ``>``."""
    out = []
    for ch in url:
        code = ord(ch)
        if code <= 0x20 or 0x7F <= code <= 0x9F or ch in "<>" or ch.isspace():
            out.append(_percent_encode_char(ch))
        else:
            out.append(ch)
    return "".join(out)


def destination(url: str) -> str:
    """A ``<...>`` link destination that means exactly ``url``.

    Inside ``<...>`` backslash escapes and entities are still decoded, so ``\\`` and an
    entity-like ``&`` are escaped; ``<``, ``>`` and whitespace are percent-encoded.
    """
    url = autolink_safe(url).replace("\\", "\\\\")
    return "<" + ENTITY_START.sub(r"\\&", url) + ">"
