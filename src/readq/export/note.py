"""A note in the export as the user's own Markdown: lists, links, emphasis, code render.

The note is still untrusted (it may have been pasted from anywhere), so it is made safe
before it goes in, changing as little as it can:

* no raw HTML: ``<`` is escaped outside code, except in an http(s)/mailto autolink, and
  so is an ``&`` that would start an entity;
* links only to ``http:``, ``https:`` and ``mailto:``: any other inline link
  (``javascript:``, ``file:``, relative) loses its ``]`` and stays text; images become
  links (``!`` escaped) so nothing loads from a tracker; reference definitions are
  disabled (``\\]:``), so the other text of the document cannot link through them;
* the document's outline stays ours: a heading in the note is moved down two levels
  (``#`` becomes ``###``) and a setext underline is escaped;
* code (fenced or indented) is left exactly as written; a fence left open is closed,
  so the note cannot swallow what follows.

Then the result is parsed (markdown-it, CommonMark) and checked; if anything unexpected
remains, the note falls back to a fenced code block that shows it byte for byte.
"""

from __future__ import annotations

import re
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from readq.export.escape import ENTITY_START, fenced_block, normalize_note

_ALLOWED_LINK = re.compile(r"(?:https?:|mailto:)", re.IGNORECASE)
_AUTOLINK = re.compile(r"<(?:https?:|mailto:)[^<>\s\x00-\x1f\x7f]*>", re.IGNORECASE)
_POINTY_DESTINATION = re.compile(r"[ \t]*\n?[ \t]*<[^<>\n\\]*>")
_INDENTED = re.compile(r"(?: {4}| {0,3}\t)[ \t]*\S")
_FENCE_OPEN = re.compile(r"^( {0,3})(`{3,}(?=[^`]*$)|~{3,})")
# Container prefixes (quotes, list markers) before a heading's or underline's text.
_PREFIX = r"^((?:[ \t]*(?:>|[-+*]|\d{1,9}[.)])(?=[ \t]|$))*[ \t]*)"
_ATX = re.compile(_PREFIX + r"(#{1,6})(?=[ \t]|$)")
_SETEXT = re.compile(_PREFIX + r"(=+|-+)[ \t]*$")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


@cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark")


def _closing_fence(line: str, char: str, size: int) -> bool:
    stripped = line.strip(" ")
    return (
        len(line) - len(line.lstrip(" ")) <= 3 and len(stripped) >= size and set(stripped) == {char}
    )


def _demote(line: str, prev_blank: bool) -> str:
    """Headings two levels down (h3..h6); setext underlines escaped."""
    atx = _ATX.match(line)
    if atx:
        level = min(6, len(atx.group(2)) + 2)
        return atx.group(1) + "#" * level + line[atx.end() :]
    setext = _SETEXT.match(line)
    if setext and not prev_blank:
        return setext.group(1) + "\\" + line[setext.end(1) :]
    return line


def _blocks(note: str) -> list[tuple[bool, str]]:
    """The note cut into (is_code, text) parts: fenced or indented code is kept as it is,
    and a fence left open is closed."""
    parts: list[tuple[bool, str]] = []
    prose: list[str] = []
    lines = note.split("\n")
    i = 0
    prev_blank = True
    while i < len(lines):
        line = lines[i]
        if prev_blank and _INDENTED.match(line):  # an indented code block: verbatim
            if prose:
                parts.append((False, "\n".join(prose)))
                prose = []
            start = i
            while i < len(lines) and (_INDENTED.match(lines[i]) or not lines[i].strip()):
                i += 1
            parts.append((True, "\n".join(lines[start:i])))
            prev_blank = not lines[i - 1].strip()
            continue
        opening = _FENCE_OPEN.match(line)
        if not opening:
            prose.append(_demote(line, prev_blank))
            prev_blank = not line.strip()
            i += 1
            continue
        if prose:
            parts.append((False, "\n".join(prose)))
            prose = []
        fence = opening.group(2)
        code = [line]
        i += 1
        while i < len(lines) and not _closing_fence(lines[i], fence[0], len(fence)):
            code.append(lines[i])
            i += 1
        code.append(lines[i] if i < len(lines) else fence)
        parts.append((True, "\n".join(code)))
        i += 1
        prev_blank = True
    if prose:
        parts.append((False, "\n".join(prose)))
    return parts


def _link_target_ok(text: str, start: int) -> bool:
    """Whether the inline link destination starting at ``start`` (after ``(``) is allowed."""
    rest = text[start:].lstrip(" \t")
    if rest.startswith("\n"):
        rest = rest[1:].lstrip(" \t")
    rest = rest.removeprefix("<")
    return _ALLOWED_LINK.match(rest) is not None


def _code_span_end(text: str, start: int, size: int) -> int | None:
    """The end of the code span opened by ``size`` backticks at ``start``, if it closes."""
    limit = _BLANK_LINE.search(text, start)
    stop = limit.start() if limit else len(text)
    pos = start + size
    while True:
        found = text.find("`" * size, pos, stop)
        if found < 0:
            return None
        end = found + size
        run_end = end
        while run_end < stop and text[run_end] == "`":
            run_end += 1
        if run_end == end and (found == 0 or text[found - 1] != "`"):
            return end
        pos = run_end


def _escape_prose(text: str) -> str:  # noqa: C901, PLR0912 - one scanner, read top to bottom
    out: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n:
            out.append(text[i : i + 2])
            i += 2
            continue
        if ch == "`":
            size = len(text[i:]) - len(text[i:].lstrip("`"))
            end = _code_span_end(text, i, size)
            chunk_end = end if end is not None else i + size
            out.append(text[i:chunk_end])
            i = chunk_end
            continue
        if ch == "<":
            auto = _AUTOLINK.match(text, i)
            if auto:
                out.append(auto.group())
                i = auto.end()
                continue
            out.append("\\<")
        elif ch == "&" and ENTITY_START.match(text, i):
            out.append("\\&")
        elif ch == "!" and text.startswith("[", i + 1):
            out.append("\\!")
        elif ch == "]" and text.startswith(":", i + 1):
            out.append("\\]")
        elif ch == "]" and text.startswith("(", i + 1):
            if not _link_target_ok(text, i + 2):
                out.append("\\]")
            else:
                out.append("](")
                i += 2
                pointy = _POINTY_DESTINATION.match(text, i)
                if pointy:  # a <...> destination: keep its brackets
                    out.append(pointy.group())
                    i = pointy.end()
                continue
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def _allowed(tokens: list[Token]) -> bool:
    for token in tokens:
        if "html" in token.type or token.type == "image":
            return False
        if token.type == "heading_open" and token.tag in ("h1", "h2"):
            return False
        if token.type == "link_open" and not _ALLOWED_LINK.match(str(token.attrs["href"])):
            return False
        if token.children and not _allowed(token.children):
            return False
    return True


def sanitize_note(note: str) -> str | None:
    """The note as safe Markdown, or None when it cannot be made safe that way."""
    parts = _blocks(normalize_note(note))
    text = "\n".join(code if fenced else _escape_prose(code) for fenced, code in parts)
    text = text.strip("\n")
    if not _allowed(_parser().parse(text)):
        return None
    return text


def note_markdown(note: str) -> str:
    """The note block of the export: the user's Markdown, or a literal code block."""
    safe = sanitize_note(note)
    return safe if safe is not None else fenced_block(normalize_note(note))
