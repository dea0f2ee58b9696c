"""BibTeX export of starred papers: one ``@misc`` entry per paper, arXiv style.

Titles and names are untrusted: every character BibTeX or LaTeX gives a meaning
(``& % $ # _ { } ~ ^ \\``) is escaped, and the raw braces of a field always balance
(a ``{`` without its ``}`` becomes ``\\textbraceleft{}``), so no title can end its
field early or swallow the next entry. Words with capitals after the first letter
(``LoRA``, ``GPT-4``) are wrapped in braces so bibliography styles keep their case.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable, Sequence

import readq
from readq.export.escape import display_title, single_line
from readq.export.items import ExportItem
from readq.export.urls import arxiv_id, hf_search_url
from readq.links import arxiv_abs_url
from readq.models import Entry
from readq.text import is_blank, plural

HOWPUBLISHED = "Hugging Face Daily Papers"
_SPECIAL = {
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "\\": r"\textbackslash{}",
}
# Words skipped when a citation key takes the title's first word.
_STOPWORDS_TEXT = """
    a an the of on in for to and or with without via from by at as is are be do does
    can how what when why which toward towards into onto over under about beyond
"""
_STOPWORDS = frozenset(_STOPWORDS_TEXT.split())
_NAME_SUFFIXES = frozenset(("jr", "sr", "ii", "iii", "iv"))
_ISO_YEAR = re.compile(r"(\d{4})-\d{2}-\d{2}")
_NEW_ARXIV = re.compile(r"(\d{2})\d{2}\.")
_OLD_ARXIV = re.compile(r"[^/]+/(\d{2})")
# A word's letters and digits, apart from the punctuation around them: "(LoRA):".
_WORD_CORE = re.compile(r"([^\w]*)(.*?\w)([^\w]*)")
_AND = re.compile(r"\band\b", re.IGNORECASE)


def _matched_braces(text: str) -> set[int]:
    """Positions of the ``{`` and ``}`` of ``text`` that pair with each other."""
    open_at: list[int] = []
    matched: set[int] = set()
    for i, ch in enumerate(text):
        if ch == "{":
            open_at.append(i)
        elif ch == "}" and open_at:
            matched.update((open_at.pop(), i))
    return matched


def escape_bibtex(text: str) -> str:
    """``text`` on one line as the inside of a braced BibTeX field, shown literally."""
    text = single_line(text)
    matched = _matched_braces(text)
    out: list[str] = []
    for i, ch in enumerate(text):
        if ch in _SPECIAL:
            out.append(_SPECIAL[ch])
        elif ch in "{}":
            if i in matched:
                out.append("\\" + ch)
            else:
                out.append(r"\textbraceleft{}" if ch == "{" else r"\textbraceright{}")
        else:
            out.append(ch)
    return "".join(out)


def _has_inner_capital(word: str) -> bool:
    letters = [ch for ch in word if ch.isalpha()]
    return any(ch.isupper() for ch in letters[1:])


def _title_word(word: str) -> str:
    if not _has_inner_capital(word):
        return escape_bibtex(word)
    core = _WORD_CORE.fullmatch(word)
    head, body, tail = core.groups() if core else ("", word, "")
    return escape_bibtex(head) + "{" + escape_bibtex(body) + "}" + escape_bibtex(tail)


def bibtex_title(title: str) -> str:
    """The title escaped, with words like ``LoRA`` or ``BERT`` protected by braces."""
    return " ".join(_title_word(w) for w in display_title(title).split(" "))


def _author(name: str) -> str:
    escaped = escape_bibtex(name)
    # "Last, First" and " and " mean something to BibTeX: keep such a name whole.
    return "{" + escaped + "}" if "," in name or _AND.search(name) else escaped


def _ascii_words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = (re.sub(r"[^a-z0-9]", "", w) for w in folded.lower().split())
    return [w for w in words if w]


def _year(entry: Entry, eprint: str | None) -> str | None:
    published = _ISO_YEAR.fullmatch(single_line(entry.published or ""))
    if published:
        return published.group(1)
    if eprint:
        yy = _NEW_ARXIV.match(eprint) or _OLD_ARXIV.match(eprint)
        if yy:
            two = int(yy.group(1))
            return str(1900 + two if two >= 91 else 2000 + two)
    return None


def citation_base(entry: Entry, year: str | None) -> str:
    """``lastname2024firstword``, ASCII lowercase; parts that are unknown are left out."""
    last = ""
    names = [n for n in entry.author_names if not is_blank(n)]
    if names:
        words = [w for w in _ascii_words(names[0]) if w not in _NAME_SUFFIXES]
        last = words[-1] if words else ""
    first = next((w for w in _ascii_words(entry.title) if w not in _STOPWORDS), "")
    return (last or "anon") + (year or "") + (first or "paper")


def _suffix(n: int) -> str:
    """a, b, ..., z, aa, ab, ...: the n-th (1-based) extra key for the same base."""
    letters = ""
    while n > 0:
        n, rest = divmod(n - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def citation_keys(bases: Sequence[tuple[str, str]]) -> dict[str, str]:
    """Unique keys from (paper id, base key) pairs: the same base gets a, b, c...

    Suffixes are given in the order of the paper ids, not the export's order, so a
    paper keeps its key whichever order the file is written in.
    """
    ordered = sorted(bases, key=lambda pair: (pair[1], pair[0]))
    keys: dict[str, str] = {}
    for pid, base in ordered:  # a natural key goes to the first paper that has it
        if base not in keys.values():
            keys[pid] = base
    used = set(keys.values())
    for pid, base in ordered:
        n = 1
        while pid not in keys:
            key = base + _suffix(n)
            if key not in used:
                keys[pid] = key
                used.add(key)
            n += 1
    return keys


def _fields(entry: Entry, eprint: str | None, year: str | None) -> list[tuple[str, str]]:
    fields = [("title", bibtex_title(entry.title))]
    names = [single_line(n) for n in entry.author_names if not is_blank(n)]
    if names:
        fields.append(("author", " and ".join(_author(n) for n in names)))
    if year:
        fields.append(("year", year))
    if eprint:
        fields += [("eprint", eprint), ("archivePrefix", "arXiv"), ("url", arxiv_abs_url(eprint))]
    else:
        fields += [("howpublished", HOWPUBLISHED), ("url", hf_search_url(entry.title))]
    return fields


def _entry(key: str, fields: Iterable[tuple[str, str]]) -> str:
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{key},\n{body}\n}}"


def render_bibtex(items: Sequence[ExportItem], *, generated: datetime.date) -> tuple[str, int]:
    """The BibTeX file, in the caller's order, and how many papers had no arXiv id."""
    eprints = {it.entry.id: arxiv_id(it.entry) for it in items}
    years = {it.entry.id: _year(it.entry, eprints[it.entry.id]) for it in items}
    keys = citation_keys(
        [(it.entry.id, citation_base(it.entry, years[it.entry.id])) for it in items]
    )
    header = (
        f"% Starred papers {generated:%Y-%m-%d}: {plural(len(items), 'entry', 'entries')}, "
        f"exported by readq {readq.__version__}"
    )
    blocks = [header]
    for it in items:
        pid = it.entry.id
        blocks.append(_entry(keys[pid], _fields(it.entry, eprints[pid], years[pid])))
    missing = sum(1 for e in eprints.values() if e is None)
    return "\n\n".join(blocks) + "\n", missing
