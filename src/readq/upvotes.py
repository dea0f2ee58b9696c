"""Upvote history: the upvotes each paper had on each day ``readq fetch`` saw it.

One number per paper per day, kept 90 days, in the ``upvotes/`` shards (a paper's
document is ``{"id": ..., "u": {"2026-11-29": 12, ...}}``: about 20 bytes a day).
*Momentum* is the upvotes a paper gained per day between the last two days it was seen,
which is what the ``trending`` sort orders by.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from readq.storage.documents import upvotes_from_doc, upvotes_to_doc
from readq.storage.layout import upvotes_shard, upvotes_shards
from readq.storage.store import Store, Transaction

__all__ = ["KEEP_DAYS", "load", "momentum", "record"]

KEEP_DAYS = 90


def record(txn: Transaction, day: date, counts: Mapping[str, int]) -> None:
    """Store ``counts`` (paper id -> upvotes) as seen on ``day``, inside ``txn``.

    Every shard touched is rewritten anyway, so its points older than ``KEEP_DAYS`` are
    dropped at the same time (and papers left with none).
    """
    cutoff = (day - timedelta(days=KEEP_DAYS)).isoformat()
    groups: dict[str, list[str]] = {}
    for pid in counts:
        groups.setdefault(upvotes_shard(pid), []).append(pid)
    for rel, pids in groups.items():
        shard = txn.shard(rel)
        histories = {
            str(doc["id"]): upvotes_from_doc(doc, shard.path)
            for doc in (txn.read(shard.path) or {}).get("upvotes", {}).values()
        }
        existing = list(histories)
        for pid in pids:
            histories.setdefault(pid, {})[day.isoformat()] = counts[pid]
        puts = {}
        for pid, days in histories.items():
            kept = {d: n for d, n in days.items() if d > cutoff}
            if kept:
                puts[pid] = upvotes_to_doc(pid, kept)
        shard.replace(existing, puts)


def load(store: Store) -> dict[str, dict[str, int]]:
    """Every paper's history (raises CorruptFileError on a damaged shard)."""
    out: dict[str, dict[str, int]] = {}
    for rel in upvotes_shards():
        where = store.path(rel)
        for doc in store.read_docs(rel).values():
            out[str(doc.get("id"))] = upvotes_from_doc(doc, where)
    return out


def momentum(days: Mapping[str, int]) -> int | None:
    """Upvotes gained per day between the last two days seen; None with fewer than two."""
    if len(days) < 2:
        return None
    *_, before, last = sorted(days)
    try:
        gap = (date.fromisoformat(last) - date.fromisoformat(before)).days
    except ValueError:  # "2026-02-30": checked as a day-shaped string only
        return None
    return round((days[last] - days[before]) / max(gap, 1))
