"""Which letters of a title to highlight for a query, drawn for every visible row.

The spans follow the same word rules as the search (:func:`~readq.search.vocabulary.
word_level`), applied to the title's own words, so a highlighted word is always one
that made the row match. Parsed queries and tokenised titles are cached: a filter
keystroke repaints every visible row.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from readq.search.query import Query, Term, parse_query
from readq.search.vocabulary import EXACT, MIN_PREFIX, PREFIX, word_level
from readq.search.words import fold

_TOKEN = re.compile(r"[^\W_]+(?:[-\u2010\u2011\u2012\u2013][^\W_]+)*")
_PIECE = re.compile(r"[^\W_]+")

Token = tuple[int, int, str, Sequence[int]]
"""A title word: (start, end, folded word, end offset after each folded character)."""


class TitleHighlighter:
    """Spans to highlight in titles, with the caches that make it cheap per row."""

    def __init__(self) -> None:
        self._queries: dict[str, Query] = {}
        self._tokens: dict[str, list[Token]] = {}

    def title_spans(self, query: str | Query, title: str) -> list[tuple[int, int]]:
        """[start, end) spans of ``title`` to highlight for the query's title matches."""
        if isinstance(query, str):
            parsed = self._queries.get(query)
            if parsed is None:
                if len(self._queries) >= 64:
                    self._queries.clear()
                parsed = self._queries[query] = parse_query(query)[0]
            query = parsed
        tokens = self._tokens.get(title)
        if tokens is None:
            if len(self._tokens) >= 4096:
                self._tokens.clear()
            tokens = self._tokens[title] = title_tokens(title)
        spans: list[tuple[int, int]] = []
        for term in query.terms:
            if term.negated or term.field not in ("any", "title"):
                continue
            if term.kind == "phrase":
                spans.extend(phrase_spans(term.text, title))
            else:
                spans.extend(_word_spans(term, tokens))
        return merge_spans(spans)


def _word_spans(term: Term, tokens: list[Token]) -> list[tuple[int, int]]:
    """Where a word term matches: where the word itself is (or a word it starts), and
    its misspellings only when it is not there."""
    found: list[tuple[int, int, int]] = []
    exact = term.kind == "exact"
    for start, end, word, cuts in tokens:
        if exact:
            level = EXACT if word == term.text else None
        else:
            level = word_level(term.text, word, MIN_PREFIX["title"])
        if level is None:
            continue
        found.append((level, start, cuts[len(term.text) - 1] if level == PREFIX else end))
    if not found:
        return []
    best = min(lv for lv, _, _ in found) <= PREFIX
    return [(a, b) for lv, a, b in found if (lv <= PREFIX) == best]


def title_tokens(title: str) -> list[Token]:
    """Words of a title as :data:`Token` tuples.

    Hyphenated words yield the compound and each part, so ``slora`` and ``lora`` both
    find their span in ``S-LoRA``.
    """
    out: list[Token] = []
    ascii_only = title.isascii()  # then each character folds to itself, lower-cased
    for m in _TOKEN.finditer(title):
        token = m.group()
        pieces = [(p.start(), p.end()) for p in _PIECE.finditer(token)]
        for ps, pe in pieces if len(pieces) == 1 else [(0, len(token)), *pieces]:
            base = m.start()
            if ascii_only:
                word = token[ps:pe].replace("-", "").lower()
                cuts: Sequence[int] = [base + i + 1 for i in range(ps, pe) if token[i] != "-"]
            else:
                word, cuts = _folded_with_cuts(token, ps, pe, base)
            if word:
                out.append((base + ps, base + pe, word, cuts))
    return out


def _folded_with_cuts(token: str, start: int, end: int, base: int) -> tuple[str, list[int]]:
    """``token[start:end]`` folded, with the title offset after each folded character
    (folding can turn one character into several, or none)."""
    folded: list[str] = []
    cuts: list[int] = []
    for i in range(start, end):
        f = "".join(fold(token[i]).split()).replace("-", "")
        folded.append(f)
        cuts.extend([base + i + 1] * len(f))
    return "".join(folded), cuts


def phrase_spans(phrase: str, title: str) -> list[tuple[int, int]]:
    """Where the phrase's words occur in a row (case and punctuation between ignored)."""
    words = phrase.split()
    pattern = re.compile(
        r"(?<![^\W_])" + r"[\W_]+".join(map(re.escape, words)) + r"(?![^\W_])", re.IGNORECASE
    )
    return [(m.start(), m.end()) for m in pattern.finditer(title)]


def merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted spans with the overlapping and touching ones merged."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out
