"""Entry's quicker __init__ builds exactly what the dataclass-generated one would."""

from __future__ import annotations

import dataclasses
import inspect
import pickle

import pytest

from readq.models import Entry

# Entry as the dataclass decorator alone makes it
Plain = dataclasses.make_dataclass(
    "Plain",
    [(f.name, f.type, dataclasses.field(default=f.default)) for f in dataclasses.fields(Entry)],
    frozen=True,
    slots=True,
)


def test_same_parameters_defaults_and_fields() -> None:
    ours = inspect.signature(Entry).parameters
    assert [(p.name, p.default, p.kind) for p in ours.values()] == [
        (
            f.name,
            inspect.Parameter.empty if f.default is dataclasses.MISSING else f.default,
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
        )
        for f in dataclasses.fields(Entry)
    ]
    full = ("id", "T", 3, "Org", "2025-01-02", 7, ("u",), "a", "b", "2501.1", ("X",), "g", "p", 2)
    e = Entry(*full)
    assert dataclasses.astuple(e) == full
    assert dataclasses.astuple(Entry("id", "T")) == dataclasses.astuple(Plain("id", "T"))  # type: ignore[call-arg]
    assert Entry(id="i", title="t", comments=1).comments == 1
    assert e == Entry(*full) and hash(e) == hash(Entry(*full))
    assert pickle.loads(pickle.dumps(e)) == e
    assert dataclasses.replace(e, title="U").title == "U"


def test_still_frozen_and_strict() -> None:
    e = Entry("id", "T")
    with pytest.raises(dataclasses.FrozenInstanceError):
        e.title = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        Entry("id")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Entry("id", "T", bogus=1)  # type: ignore[call-arg]
