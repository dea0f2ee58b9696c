"""How text is cut into words, the same way for the index, the query and the helpers.

A query word can only find a paper if both sides fold and split text identically, so
every rule for that lives here: :func:`fold` (case, accents, punctuation),
:func:`split_words` (a query's words), :func:`doc_words` and :func:`abstract_words`
(a document's words, with hyphen compounds), :func:`abstract_postings` (what a helper
process computes for a batch of abstracts) and :func:`phrase_finder` (words in a row).

This module imports nothing else from readq: the helper processes import only it.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from collections import defaultdict, deque
from collections.abc import Callable, Sequence
from functools import lru_cache, partial
from itertools import repeat

# ASCII text (nearly all of it) goes through one bytes.translate: letters are lowered,
# every other non-alphanumeric byte except '-' becomes a space. The hyphen survives so
# that "S-LoRA" can be indexed both as its parts ("s", "lora") and as the compound
# "slora"; that is what makes `s-lora`, `slora` and `S-LoRA` find the same paper.

_ASCII = bytearray(range(256))
for _c in range(128):
    _ch = chr(_c)
    if _ch.isupper():
        _ASCII[_c] = ord(_ch.lower())
    elif not _ch.isalnum() and _ch != "-":
        _ASCII[_c] = 32
ASCII_TABLE = bytes(_ASCII)
del _c, _ch

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2212\ufe63\uff0d"), "-")
_NOT_WORD = re.compile(r"[^\w-]|_")


def fold(text: str) -> str:
    """Lower-case, accent-free text where only letters, digits, '-' and spaces remain."""
    if text.isascii():
        return text.encode("ascii").translate(ASCII_TABLE).decode("ascii")
    text = unicodedata.normalize("NFKD", text.translate(_DASHES))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return _NOT_WORD.sub(" ", text)


def split_words(folded: str) -> list[str]:
    """Words of folded text as a query sees them: hyphenated words become compounds."""
    out = []
    for raw in folded.split():
        word = raw.replace("-", "")
        if word:
            out.append(word)
    return out


_STOPWORD_TEXT = (
    "a an and are as at be but by for from has have in into is it its of on or our "
    "than that the their these they this to was we were which with"
)
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
"""Words not indexed in abstracts (they are in titles): they occur in nearly every
abstract, so they would cost a fifth of the index and tell nothing apart."""

CODE_HOSTS = ("github.com", "gitlab.com", "huggingface.co", "bitbucket.org", "codeberg.org")
_CODE_WORDS = frozenset(("github", "gitlab", "bitbucket", "codeberg", "huggingface"))


def _hyphen_compounds(text: str) -> list[str]:
    """The hyphen-joined words of folded text, joined ("s-lora" -> "slora")."""
    out = []
    for run in text.split():
        if "-" in run:
            joined = run.replace("-", "")
            if joined:
                out.append(joined)
    return out


def doc_words(text: str) -> set[str]:
    """Distinct indexable words of a text: parts of hyphenated words and the compounds."""
    t = fold(text)
    if "-" in t:
        words = set(_hyphen_compounds(t))
        words.update(t.replace("-", " ").split())
        return words
    return set(t.split())


def abstract_words(text: str) -> set[str]:
    """Like :func:`doc_words` minus stop words; the build's hot path, so the hyphen
    compounds are found by splitting at the hyphens instead of looping over words."""
    t = fold(text)
    if "-" not in t:
        words = set(t.split())
    else:
        pieces = t.split("-")
        words = set(" ".join(pieces).split())
        run: str | None = None
        for i in range(len(pieces) - 1):
            left, right = pieces[i], pieces[i + 1]
            if not left or left[-1] == " " or not right or right[0] == " ":
                if run is not None:
                    words.add(run)
                    run = None
                continue
            if run is None:
                run = left.rsplit(None, 1)[-1]
            head = right.split(None, 1)[0]
            run += head
            if len(head) != len(right):
                words.add(run)
                run = None
        if run is not None:
            words.add(run)
    words -= STOPWORDS
    return words


def has_code_link(text: str, words: set[str]) -> bool:
    """Whether an abstract links to a code host; ``words`` (its :func:`abstract_words`)
    is the cheap first check, the substring search runs only when it passes."""
    if words.isdisjoint(_CODE_WORDS):
        return False
    low = text.lower()
    return any(h in low for h in CODE_HOSTS)


BatchPostings = tuple[list[str], list[int], "array[int]", list[int]]
"""A helper's answer: distinct words, where each word's papers end in the flat array,
the flat array of paper numbers, and the papers with a code link."""


def abstract_postings(batch: list[tuple[int, str]]) -> BatchPostings:
    """The postings of a batch of (paper number, abstract). Runs in a helper process, so
    it returns flat, cheaply pickled data (see :data:`BatchPostings`)."""
    post: defaultdict[str, array[int]] = defaultdict(partial(array, "I"))
    code: list[int] = []
    for d, text in batch:
        words = abstract_words(text)
        deque(map(array.append, map(post.__getitem__, words), repeat(d)), maxlen=0)
        if has_code_link(text, words):
            code.append(d)
    flat: array[int] = array("I")
    ends: list[int] = []
    for arr in post.values():
        flat.extend(arr)
        ends.append(len(flat))
    return list(post), ends, flat, code


def phrase_finder(words: Sequence[str]) -> Callable[[str], bool]:
    """A test for "these words in a row" on raw text: case, accents and the
    punctuation or spaces between the words are ignored, word boundaries are not."""
    body = r"[\W_]+".join(map(re.escape, words))
    pattern = re.compile(body + r"(?![^\W_])", re.IGNORECASE)
    first = words[0] if words else ""

    def search(text: str) -> bool:
        if not text.isascii():
            text = fold(text)
        elif first not in text.lower():
            return False
        for m in pattern.finditer(text):
            start = m.start()
            if start == 0 or not text[start - 1].isalnum():
                return True
        return False

    return search


_BRITISH = re.compile(r"(?<=[a-z]{3})is(e|es|ed|ing|er|ers|ation|ations)\Z")
_SUFFIXES = (
    ("ations", 4),
    ("ation", 4),
    ("ings", 3),
    ("ing", 3),
    ("ers", 3),
    ("er", 3),
    ("ed", 3),
    ("es", 3),
    ("s", 3),
)


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """A light stem: British -ise spellings as -ize, then one common suffix and a final
    'e' off (``mixing``/``mixer`` -> ``mix``, ``weights`` -> ``weight``,
    ``optimiser``/``optimized`` -> ``optimiz``). Words under 5 letters stay whole.
    Two words with the same stem match each other (:data:`STEM`), never across a
    stem shorter than 3 letters."""
    if len(word) < 5 or not word.isalpha():
        return word
    word = _BRITISH.sub(r"iz\1", word)
    for suffix, keep in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= keep:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                break
            if suffix == "es" and not word.endswith(("ses", "xes", "zes", "ches", "shes")):
                continue
            word = word[: -len(suffix)]
            break
    if len(word) > 4 and word.endswith("e"):
        word = word[:-1]
    if len(word) > 4 and word[-1] == word[-2] and word[-1] not in "aeiousl":
        word = word[:-1]  # running -> runn -> run
    return word


__all__ = [
    "stem",
    "ASCII_TABLE",
    "CODE_HOSTS",
    "STOPWORDS",
    "BatchPostings",
    "abstract_postings",
    "abstract_words",
    "doc_words",
    "fold",
    "has_code_link",
    "phrase_finder",
    "split_words",
]
