"""The library's abstract cache keeps a few shards, all of them while a caller sweeps."""

from __future__ import annotations

from readq.abstracts import HOLD, KEEP, AbstractShards
from readq.storage.layout import abstract_shard


def _pid(shard: str) -> str:
    """A paper id whose abstract lives in shard ``<shard>``."""
    pid = shard + "0000000"
    assert abstract_shard(pid) == f"abstracts/{shard}.json"
    return pid


class Reader:
    def __init__(self) -> None:
        self.reads: list[str] = []

    def __call__(self, rel: str) -> dict[str, str]:
        self.reads.append(rel)
        return {pid: f"about {pid}" for pid in (_pid(c) for c in "0123456789abcdef")}


def test_a_few_shards_are_kept_when_reads_are_spread_out() -> None:
    now = [0.0]
    read = Reader()
    cache = AbstractShards(read, clock=lambda: now[0])
    pids = [_pid(c) for c in "0123456789"]
    for pid in pids:
        now[0] += 5.0
        assert cache.get(pid) == f"about {pid}"
    assert sum(cache.cached(p) is not None for p in pids) == KEEP
    assert cache.cached(pids[-1]) == f"about {pids[-1]}"
    assert cache.cached(pids[0]) is None
    cache.get(pids[-1])
    assert len(read.reads) == len(pids)  # a kept shard is not read again


def test_a_sweep_keeps_every_shard_until_the_reads_pause() -> None:
    now = [0.0]
    read = Reader()
    cache = AbstractShards(read, clock=lambda: now[0])
    pids = [_pid(c) for c in "0123456789abcdef"]
    for _ in range(3):  # a phrase search verifying candidates in paper order
        for pid in pids:
            now[0] += 0.01
            cache.get(pid)
    assert len(read.reads) == len(set(map(abstract_shard, pids)))
    now[0] += HOLD + 1
    cache.get(pids[0])
    assert sum(cache.cached(p) is not None for p in pids) == KEEP


def test_every_and_forget() -> None:
    read = Reader()
    cache = AbstractShards(read)
    pid = _pid("a")
    cache.get(pid)
    assert cache.every()[pid] == f"about {pid}"
    cache.forget([abstract_shard(pid)])
    assert cache.cached(pid) is None
    assert cache.get(pid) == f"about {pid}"
