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
from collections.abc import Callable, Collection, Iterable

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

_FEW = 32
"""Up to this many ids to show, :func:`short_ids` scans for them instead of sorting."""


def short_ids(ids: Iterable[str], shown: Collection[str] | None = None) -> Callable[[str], str]:
    """The shortest form of each id, at least ``SHORT_ID`` digits, unique among ``ids``.

    At 100,000 papers about one pair shares its first 8 digits (n^2 / 2^33); those two
    are shown with as many digits as tell them apart. With ``shown``, the few ids that
    will be asked for (the rows ``readq list --limit 20`` prints), only those are worked
    out, without sorting every id (other ids still get their right form, more slowly).
    """
    if shown is not None and len(shown) <= _FEW:
        pool = ids if isinstance(ids, list) else list(ids)
        longer = _longer_for(pool, shown)
        if longer is not None:
            return _few_or_all(pool, set(shown), longer)
    longer = _longer(sorted(ids))
    return lambda pid: pid[: longer.get(pid, SHORT_ID)]


def _longer(ordered: list[str]) -> dict[str, int]:
    """The ids of ``ordered`` (sorted) that need more than SHORT_ID digits: how many."""
    longer: dict[str, int] = {}
    for a, b in zip(ordered, ordered[1:], strict=False):
        if a[:SHORT_ID] == b[:SHORT_ID]:
            n = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), len(a))
            longer[a] = max(longer.get(a, 0), n + 1)
            longer[b] = max(longer.get(b, 0), n + 1)
    return longer


def _longer_for(ids: list[str], shown: Iterable[str]) -> dict[str, int] | None:
    """``_longer`` for the ids of ``shown`` only, without sorting ``ids``; None unless
    every id is ``ID_LENGTH`` hex digits (as every paper id is).

    The ids are packed 8 bytes each, and the first 4 bytes of each (its first 8 digits)
    searched for with ``bytes.count``, a C loop. Only an id whose 4 bytes occur more
    than once (another id shares them, or they straddle two ids: ~1 in 40,000) is
    compared with the ids that start like it, which are then sorted as above.
    """
    n, width = len(ids), ID_LENGTH + 1
    joined = "\n".join(ids)
    if len(joined) != width * n - 1 or joined[ID_LENGTH::width] != "\n" * (n - 1):
        return None  # not all ID_LENGTH long (or no ids at all)
    try:
        packed = memoryview(bytes.fromhex(joined))  # fromhex skips the newlines
    except ValueError:
        return None
    words = packed.cast("I")  # two 4-byte words per id: the first is its first 8 digits
    if packed.nbytes != n * 8 or words.itemsize != 4 or (SHORT_ID, ID_LENGTH) != (8, 16):
        return None
    heads = words[::2].tobytes()
    longer: dict[str, int] = {}
    for pid in shown:
        head = pid[:SHORT_ID]
        if _is_hex(head) and heads.count(bytes.fromhex(head)) <= 1:
            continue  # no other id starts with these 8 digits
        same = sorted(x for x in ids if x[:SHORT_ID] == head)
        longer.update((k, v) for k, v in _longer(same).items() if k == pid)
    return longer


def _is_hex(text: str) -> bool:
    return len(text) == SHORT_ID and all(c in "0123456789abcdef" for c in text)


def _few_or_all(ids: list[str], shown: set[str], longer: dict[str, int]) -> Callable[[str], str]:
    everything: list[dict[str, int]] = []

    def short(pid: str) -> str:
        if pid in shown:
            return pid[: longer.get(pid, SHORT_ID)]
        if not everything:  # an id that was not announced: work them all out
            everything.append(_longer(sorted(ids)))
        return pid[: everything[0].get(pid, SHORT_ID)]

    return short
