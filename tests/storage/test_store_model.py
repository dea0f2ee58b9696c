"""A stateful property test: the library on disk always equals a simple model.

Hypothesis drives star/read/note/import/reopen and "crashes" (an OSError injected at a
random file-system call of a write), and after every step compares what a freshly
opened library reads from disk with a plain dict model.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from readq.errors import StoreWriteError
from readq.ids import paper_id
from readq.library import Library
from readq.models import Paper
from readq.storage import fsutil
from readq.storage import store as store_mod

TITLES = [f"Paper number {i}" for i in range(12)]
NOTES = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)


class FaultyOS:
    """Make the Nth call to a patched os function fail, once."""

    def __init__(self, fail_at: int) -> None:
        self.fail_at = fail_at
        self.calls = 0
        self.originals: dict[str, object] = {}

    def __enter__(self) -> FaultyOS:
        for name in ("replace", "fsync"):
            real = getattr(os, name)
            self.originals[name] = real

            def fn(*a: object, _real: object = real, **k: object) -> object:
                self.calls += 1
                if self.calls == self.fail_at:
                    raise OSError(5, "Input/output error")
                return _real(*a, **k)  # type: ignore[operator]

            setattr(store_mod.os, name, fn)
        return self

    def __exit__(self, *exc: object) -> None:
        for name, real in self.originals.items():
            setattr(store_mod.os, name, real)


class LibraryModel(RuleBasedStateMachine):
    @initialize()
    def setup(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="readq-model-"))
        self.lib = Library.open(self.dir)
        self.papers: set[str] = set()
        self.state: dict[str, dict[str, object]] = {}

    def teardown(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)

    def _expect(self, pid: str) -> dict[str, object]:
        return self.state.setdefault(pid, {"read": False, "starred": False, "note": ""})

    def _apply(self, fn, on_success, fail_at: int | None) -> None:  # type: ignore[no-untyped-def]
        if fail_at is None:
            fn()
            on_success()
            return
        try:
            with FaultyOS(fail_at):
                fn()
        except StoreWriteError as exc:
            if "will be completed" in str(exc):
                on_success()  # the journal was written: the change is durable
            return
        on_success()

    @rule(
        titles=st.lists(st.sampled_from(TITLES), min_size=1, max_size=4),
        fail_at=st.none() | st.integers(1, 8),
    )
    def import_papers(self, titles: list[str], fail_at: int | None) -> None:
        papers = [Paper(paper_id(t), t, f"abstract of {t}") for t in titles]
        self._apply(
            lambda: self.lib.import_papers(papers),
            lambda: self.papers.update(p.id for p in papers),
            fail_at,
        )

    @rule(
        i=st.integers(0, len(TITLES) - 1),
        field=st.sampled_from(["read", "starred"]),
        value=st.booleans(),
        fail_at=st.none() | st.integers(1, 4),
    )
    def toggle(self, i: int, field: str, value: bool, fail_at: int | None) -> None:
        pid = paper_id(TITLES[i])
        if pid not in self.papers:
            return

        def ok() -> None:
            self._expect(pid)[field] = value

        self._apply(lambda: self.lib.set_field([pid], field, value), ok, fail_at)

    @rule(i=st.integers(0, len(TITLES) - 1), note=NOTES, fail_at=st.none() | st.integers(1, 4))
    def note(self, i: int, note: str, fail_at: int | None) -> None:
        pid = paper_id(TITLES[i])
        if pid not in self.papers:
            return
        from readq.text import clean_note

        def ok() -> None:
            self._expect(pid)["note"] = clean_note(note)

        self._apply(lambda: self.lib.set_note(pid, note), ok, fail_at)

    @rule()
    def reopen(self) -> None:
        self.lib = Library.open(self.dir)

    @invariant()
    def disk_matches_model(self) -> None:
        if not hasattr(self, "dir"):
            return
        fresh = Library.open(self.dir)
        assert set(fresh.entries) == self.papers
        for pid in self.papers:
            want = self.state.get(pid, {"read": False, "starred": False, "note": ""})
            got = fresh.state(pid)
            assert (got.read, got.starred, got.note) == (
                want["read"],
                want["starred"],
                want["note"],
            )
        assert (
            not list(self.dir.rglob("*" + fsutil.TMP_SUFFIX))
            or (self.dir / "journal.json").exists()
        )


TestLibraryModel = LibraryModel.TestCase
TestLibraryModel.settings = settings(
    max_examples=int(os.environ.get("READQ_MODEL_EXAMPLES", "60")),
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
