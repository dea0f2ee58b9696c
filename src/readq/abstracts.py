"""Abstracts read on demand, a few shards kept: the library's abstract cache.

Abstracts are 90% of a library's bytes (145 MB of text at 100,000 papers). The detail
pane needs one at a time, so :class:`AbstractShards` keeps only the shards read most
recently (:data:`KEEP`) instead of every shard ever read: moving through the list
would otherwise end with every abstract in memory. A caller that sweeps through the
shards (a phrase search verifying its candidates, in the order of paper numbers) would
read them again and again; once :data:`SWEEP` shards were read within
:data:`SWEEP_WINDOW` seconds, nothing is dropped until the reads pause for
:data:`HOLD` seconds.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable

from readq.storage.layout import abstract_shard, abstract_shards

KEEP = 3
"""Shards kept once the reads pause (each is ~9 MB of text at 100,000 papers)."""
SWEEP = 4
SWEEP_WINDOW = 2.0
HOLD = 10.0

ReadShard = Callable[[str], dict[str, str]]
"""Reads one abstract shard: paper id -> abstract."""


class AbstractShards:
    """paper id -> abstract, reading one shard at a time (thread-safe)."""

    def __init__(self, read: ReadShard, clock: Callable[[], float] = time.monotonic) -> None:
        self._read = read
        self._clock = clock
        self._shards: OrderedDict[str, dict[str, str]] = OrderedDict()
        self._reads: deque[float] = deque(maxlen=SWEEP)
        self._hold_until = 0.0
        self._lock = threading.RLock()

    def get(self, pid: str) -> str:
        """The abstract of ``pid`` ("" if it has none), reading its shard if needed."""
        rel = abstract_shard(pid)
        with self._lock:
            now = self._clock()
            texts = self._shards.get(rel)
            if texts is None:
                texts = self._shards[rel] = self._read(rel)
                self._reads.append(now)
                if len(self._reads) == SWEEP and now - self._reads[0] <= SWEEP_WINDOW:
                    self._hold_until = now + HOLD
            else:
                self._shards.move_to_end(rel)
            if now >= self._hold_until:
                while len(self._shards) > KEEP:
                    self._shards.popitem(last=False)
            return texts.get(pid, "")

    def cached(self, pid: str) -> str | None:
        """The abstract if its shard is in memory, else None (never reads, never waits)."""
        texts = self._shards.get(abstract_shard(pid))
        return None if texts is None else texts.get(pid, "")

    def every(self) -> dict[str, str]:
        """Every abstract (a new dict the cache does not keep; for a background thread).
        One shard at a time under the lock, so :meth:`get` never waits long."""
        found: dict[str, str] = {}
        for rel in abstract_shards():
            with self._lock:
                texts = self._shards.get(rel)
                found.update(texts if texts is not None else self._read(rel))
        return found

    def forget(self, rels: Iterable[str]) -> None:
        """Those shards changed on disk: read them again when asked."""
        with self._lock:
            for rel in rels:
                self._shards.pop(rel, None)


__all__ = ["KEEP", "AbstractShards"]
