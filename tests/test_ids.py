"""Short ids: the few rows a command prints get the same short ids as a full sort gives."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from readq.ids import SHORT_ID, paper_id, short_ids


def _by_sorting(ids: list[str]) -> dict[str, str]:
    short = short_ids(ids)  # no ``shown``: every id worked out from the sorted ids
    return {pid: short(pid) for pid in ids}


def _near(rng: random.Random, pid: str) -> str:
    """Another id sharing ``pid``'s first 8 or more digits."""
    keep = rng.randint(SHORT_ID, len(pid))
    return pid[:keep] + "".join(rng.choice("0123456789abcdef") for _ in range(16 - keep))


def test_the_few_shown_get_the_ids_a_sort_gives() -> None:
    rng = random.Random(7)
    for _ in range(40):
        ids = [paper_id(str(rng.random())) for _ in range(rng.randint(1, 3000))]
        ids += [_near(rng, rng.choice(ids)) for _ in range(rng.randint(0, 6))]
        ids += rng.sample(ids, rng.randint(0, 2))  # the same id twice
        rng.shuffle(ids)
        expected = _by_sorting(ids)
        shown = rng.sample(ids, min(len(ids), 20)) + [i for i in ids if expected[i] != i[:8]]
        short = short_ids(ids, shown=shown[:32])
        assert {pid: short(pid) for pid in shown[:32]} == {p: expected[p] for p in shown[:32]}
        assert {pid: short(pid) for pid in ids} == expected  # the others too


def test_a_straddling_match_or_an_odd_id_changes_nothing() -> None:
    # the first 8 digits of the third id straddle those of the first two, once packed
    ids = ["0011223344556677", "4455667700000000", "2233445511111111", "0011223300000000"]
    assert {p: short_ids(ids, shown=[p])(p) for p in ids} == _by_sorting(ids)
    for odd in (["ABCDEF0123456789", "abcdef0123456789"], ["0123", "01234567890"], ["xyz"]):
        assert {p: short_ids(odd, shown=[p])(p) for p in odd} == _by_sorting(odd)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.text("0123456789abcdefA\n ", min_size=0, max_size=18), min_size=1, max_size=40),
    st.data(),
)
def test_any_ids_any_shown(ids: list[str], data: st.DataObject) -> None:
    shown = data.draw(st.lists(st.sampled_from(ids), max_size=5))
    expected = _by_sorting(ids)
    short = short_ids(ids, shown=shown)
    assert [short(p) for p in shown] == [expected[p] for p in shown]
