"""Stable paper identity: the same paper from two pastes gets the same id.

The id is the first 16 hex digits of the SHA-1 of the *identity key* of the title:
Unicode NFKC, case-folded, with everything but letters, digits and combining marks
removed. So case, whitespace, punctuation and hyphenation never split a paper in two
(``S-LoRA: Serving ...`` and ``s lora  serving ...`` are one paper). A title with no
letters or digits at all falls back to the key of its abstract.

A paper fetched from the Hugging Face API also has an arXiv id, which is looked up first
(see ``readq.importing.resolve_ids``): a paper whose title changed keeps its id, and two
papers whose titles normalize alike but whose arXiv ids differ get ``distinct_id``.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Callable, Iterable

ID_LENGTH = 16


def identity_key(text: str) -> str:
    """The normalized form that identity is computed from."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] in "LNM")


def paper_id(title: str, abstract: str = "") -> str:
    key = identity_key(title)
    if not key:
        key = "abstract:" + identity_key(abstract)
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:ID_LENGTH]


def distinct_id(title: str, arxiv_id: str) -> str:
    """The id of a paper whose title normalizes like another paper's with a different
    arXiv id ("C++ ..." and "C# ...", "Llama 2 7B" and "Llama 27B"): derived from both, so
    it is the same on every machine and every fetch."""
    return paper_id(title + "\x00arxiv:" + arxiv_id)


def is_id_prefix(text: str) -> bool:
    """Whether ``text`` could be (the start of) a paper id."""
    return 0 < len(text) <= ID_LENGTH and all(c in "0123456789abcdef" for c in text.lower())


SHORT_ID = 8
"""Hex digits of an id the CLI shows; more only where two papers share them (like git)."""


def short_ids(ids: Iterable[str]) -> Callable[[str], str]:
    """The shortest form of each id, at least ``SHORT_ID`` digits, unique among ``ids``.

    At 100,000 papers about one pair shares its first 8 digits (n^2 / 2^33); those two
    are shown with as many digits as tell them apart.
    """
    ordered = sorted(ids)
    longer: dict[str, int] = {}
    for a, b in zip(ordered, ordered[1:], strict=False):
        if a[:SHORT_ID] == b[:SHORT_ID]:
            n = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), len(a))
            longer[a] = max(longer.get(a, 0), n + 1)
            longer[b] = max(longer.get(b, 0), n + 1)
    return lambda pid: pid[: longer.get(pid, SHORT_ID)]
