"""Views: putting a search's matches in a view's order (readq.views.ViewOrder)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from readq.views import ViewOrder

IDS = st.lists(st.text("0123456789abcdef", min_size=1, max_size=4), unique=True, max_size=80)


@given(IDS, st.data())
def test_keep_is_the_view_walk_whatever_the_path(ids: list[str], data: st.DataObject) -> None:
    others = st.text("ghij", min_size=1, max_size=3)  # ids that are not in the view
    found = data.draw(st.lists(st.sampled_from(ids) | others, unique=True) if ids else st.just([]))
    expected = [i for i in ids if i in set(found)]
    assert ViewOrder(ids).keep(found) == expected
    assert ViewOrder(ids).keep(list(reversed(found))) == expected  # order of found: irrelevant


def test_few_matches_are_sorted_by_place_and_many_walk_the_view() -> None:
    ids = [f"{k:04x}" for k in range(1000)]
    order = ViewOrder(ids)
    few = [ids[900], ids[3], ids[500], "not-in-view"]
    assert order.keep(few) == [ids[3], ids[500], ids[900]]
    assert order._places is not None  # places made for the few
    many = ids[::-1][:600]
    assert order.keep(many) == ids[400:]
