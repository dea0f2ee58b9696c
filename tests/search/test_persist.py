"""The search index on disk: current, stale, damaged, newer, killed mid-write, raced."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from readq.ids import paper_id
from readq.library import Library
from readq.models import Paper
from readq.search import persist
from readq.search.index import SearchIndex


def paper(title: str, abstract: str, **kw: object) -> Paper:
    return Paper(paper_id(title), title, abstract, **kw)  # type: ignore[arg-type]


PAPERS = [
    paper("Latent Diffusion for Images", "We denoise latents with a lagrangian sampler."),
    paper("Speculative Decoding with Drafts", "Draft then verify tokens in parallel."),
    paper(
        "Mamba Revisited",
        "Selective state spaces.",
        arxiv_id="2312.00752",
        author_names=("Albert Gu", "Tri Dao"),
    ),
]


@pytest.fixture
def lib(tmp_path: Path) -> Library:
    library = Library.open(tmp_path / "data")
    library.import_papers(PAPERS)
    return library


def reopen(lib: Library) -> Library:
    return Library.open(lib.store.root)


def found(index: SearchIndex, q: str) -> list[str]:
    titles = [index.entry(i) for i in index.search(q, states={}).ids]
    return [e.title for e in titles if e is not None]


def path_of(lib: Library) -> Path:
    return persist.index_path(Path(lib.store.root))


def test_built_once_then_opened_from_disk(lib: Library) -> None:
    first = SearchIndex.open_or_build(lib)
    assert path_of(lib).is_file() and first.report == ""
    loaded = SearchIndex.open_or_build(reopen(lib))
    assert all(t is persist.NOT_LOADED for t in loaded._abstracts)  # no text read
    for q in ("lagrangian", "difus", '"then verify"', "author:dao", "arxiv:2312.00752"):
        assert found(loaded, q) == found(first, q), q
    assert found(loaded, '"then verify"') == ["Speculative Decoding with Drafts"]
    assert loaded.abstracts_indexed


def test_stale_when_another_process_changed_the_library(lib: Library) -> None:
    SearchIndex.open_or_build(lib)
    other = reopen(lib)  # "another process"
    other.import_papers([paper("Quokka Networks", "Marsupial inspired nets.")])
    again = SearchIndex.open_or_build(reopen(lib))
    assert found(again, "quokka") == ["Quokka Networks"]
    assert again.report == ""  # stale is normal, not worth a message


def test_incremental_update_then_save(lib: Library) -> None:
    index = SearchIndex.open_or_build(lib)
    new = paper("Quokka Networks", "Marsupial inspired nets.")
    lib.import_papers([new])
    index.add([lib.entries[new.id]], {new.id: new.abstract})
    index.save_for(lib)
    loaded = SearchIndex.open_or_build(reopen(lib), save=False)
    assert found(loaded, "marsupial") == ["Quokka Networks"]


def test_changed_abstract_of_a_loaded_index_is_reindexed(lib: Library) -> None:
    SearchIndex.open_or_build(lib)
    loaded = SearchIndex.open_or_build(reopen(lib))
    pid = PAPERS[0].id
    loaded.add_abstracts({pid: "Completely new words: wombat."}, complete=False)
    assert found(loaded, "wombat") == ["Latent Diffusion for Images"]
    assert found(loaded, "lagrangian") == []
    same = PAPERS[1]
    loaded.add_abstracts({same.id: same.abstract}, complete=False)  # unchanged: kept
    assert found(loaded, "verify") == ["Speculative Decoding with Drafts"]


@pytest.mark.parametrize("damage", ["flip", "truncate", "garbage", "empty"])
def test_damaged_index_is_rebuilt_and_reported_once(lib: Library, damage: str) -> None:
    SearchIndex.open_or_build(lib)
    path = path_of(lib)
    raw = bytearray(path.read_bytes())
    if damage == "flip":
        raw[len(raw) // 2] ^= 0xFF
    elif damage == "truncate":
        raw = raw[: len(raw) // 2]
    elif damage == "garbage":
        raw = bytearray(os.urandom(len(raw)))
    else:
        raw = bytearray()
    path.write_bytes(bytes(raw))
    index = SearchIndex.open_or_build(reopen(lib))
    assert "damaged" in index.report
    assert found(index, "lagrangian") == ["Latent Diffusion for Images"]
    assert SearchIndex.open_or_build(reopen(lib)).report == ""  # once


def test_index_from_a_newer_readq_is_not_trusted(
    lib: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(persist, "FORMAT", persist.FORMAT + 1)
    SearchIndex.open_or_build(lib)
    monkeypatch.undo()
    index = SearchIndex.open_or_build(reopen(lib))
    assert "newer readq" in index.report
    assert found(index, "lagrangian") == ["Latent Diffusion for Images"]
    assert SearchIndex.open_or_build(reopen(lib)).report == ""


def test_marshal_only_no_pickle(lib: Library) -> None:
    SearchIndex.open_or_build(lib)
    raw = path_of(lib).read_bytes()
    assert raw.startswith(persist.MAGIC)
    assert b"\x80\x04\x95" not in raw[:64]  # not a pickle stream


_WRITER = textwrap.dedent(
    """
    import sys
    from readq.library import Library
    from readq.search.index import SearchIndex
    lib = Library.open(sys.argv[1])
    index = SearchIndex.open_or_build(lib, save=False)
    print("ready", flush=True)
    for _ in range(int(sys.argv[2])):
        index.save_for(lib)
    print("done", flush=True)
    """
)


def _writer(lib: Library, rounds: int) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2] / "src"))
    return subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(lib.store.root), str(rounds)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_kill_9_during_an_index_update_leaves_a_usable_index(lib: Library) -> None:
    SearchIndex.open_or_build(lib)
    before = path_of(lib).read_bytes()
    for delay in (0.0, 0.005, 0.02, 0.05):
        proc = _writer(lib, 1000)
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        payload, why = persist.read(path_of(lib), persist.library_key(reopen(lib)))
        assert why == "" and payload is not None, why
    index = SearchIndex.open_or_build(reopen(lib))
    assert index.report == ""
    assert found(index, "lagrangian") == ["Latent Diffusion for Images"]
    assert len(before) == len(path_of(lib).read_bytes())


def test_two_processes_updating_at_once(lib: Library) -> None:
    SearchIndex.open_or_build(lib)
    procs = [_writer(lib, 30) for _ in range(2)]
    for proc in procs:
        out, _ = proc.communicate(timeout=120)
        assert proc.returncode == 0 and "done" in out
    payload, why = persist.read(path_of(lib), persist.library_key(reopen(lib)))
    assert why == "" and payload is not None
    leftovers = [p for p in path_of(lib).parent.iterdir() if p.name != persist.INDEX_FILE]
    assert leftovers == []


def test_import_updates_the_index_on_disk_in_place(lib: Library) -> None:
    SearchIndex.open_or_build(lib)
    key = SearchIndex.disk_key(lib)
    renamed = paper("Latent Wombat Diffusion", PAPERS[0].abstract)
    changed = Paper(PAPERS[1].id, PAPERS[1].title, PAPERS[1].abstract, organization="Quokka Labs")
    new = paper("Quokka Networks", "Marsupial inspired nets.", author_names=("Ada Lovelace",))
    report = lib.import_papers([changed, new, renamed])
    assert SearchIndex.update_on_disk(lib, key, report.new_ids + report.changed_ids)
    index = SearchIndex.open_current(reopen(lib))
    assert index is not None  # current: no rebuild needed
    fresh = SearchIndex()
    fresh.add(lib.entries.values(), lib.abstracts())
    for q in ("marsupial", "org:quokka", "quokka", "wombat", "verify", "lagrangian"):
        assert found(index, q) == found(fresh, q), q
    assert found(index, "org:quokka") == ["Speculative Decoding with Drafts"]
    assert found(index, "wombat") == ["Latent Wombat Diffusion"]


def test_update_on_disk_does_nothing_when_the_index_was_stale(lib: Library) -> None:
    SearchIndex.open_or_build(lib)
    key = "not-the-key"
    report = lib.import_papers([paper("Quokka Networks", "Marsupial inspired nets.")])
    assert not SearchIndex.update_on_disk(lib, key, report.new_ids)
    assert SearchIndex.open_current(reopen(lib)) is None  # stale: the next search rebuilds


def test_a_well_formed_file_with_the_wrong_shapes_is_damaged(lib: Library) -> None:
    import marshal

    built = SearchIndex.open_or_build(lib)
    key = SearchIndex.disk_key(lib)
    meta, sections = persist.snapshot(built, key)
    payload = marshal.loads(meta)
    words, ends, k = payload["post"]["title"]
    payload["post"]["title"] = (["a"], b"\x01" * 8, k)  # ends past the postings
    persist.write(path_of(lib), marshal.dumps(payload), sections)
    index = SearchIndex.open_or_build(reopen(lib))
    assert "damaged" in index.report
    assert found(index, "lagrangian") == ["Latent Diffusion for Images"]


def test_the_stem_table_is_saved_and_matches_a_fresh_one(lib: Library) -> None:
    built = SearchIndex.open_or_build(lib)
    opened = SearchIndex.open_current(reopen(lib))
    assert opened is not None and opened._vocab._stems is not None  # read, not rebuilt
    saved = {root: sorted(ws) for root, ws in opened._vocab._stems.items()}
    fresh = {root: sorted(ws) for root, ws in built._vocab.stem_table().items()}
    assert saved == fresh
    assert found(opened, "drafting") == found(built, "drafting")


def test_a_loaded_index_has_the_built_tables_and_entries(lib: Library) -> None:
    built = SearchIndex.open_or_build(lib)
    opened = SearchIndex.open_current(reopen(lib))
    assert opened is not None
    for q in ("diffusion", "specul", "drafts verify", '"state spaces"', "author:dao", "-mamba"):
        assert opened.search(q, states={}).ids == built.search(q, states={}).ids, q
    assert list(opened._entries) == list(built._entries)
    for fld, table in built._post.items():  # every posting array, made on demand
        assert {w: a.tolist() for w, a in opened._post[fld].items()} == {
            w: a.tolist() for w, a in table.items() if a
        }


def _flip_in_section(path: Path, pick: str) -> None:
    """Flip one byte in the middle of one big table of the index file (the postings
    of a field, or the paper entries), leaving the header and marshal data intact."""
    import marshal

    raw = bytearray(path.read_bytes())
    _, _, length, _ = persist._HEAD.unpack_from(raw)
    payload = marshal.loads(bytes(raw[persist._HEAD.size : persist._HEAD.size + length]))
    if pick == "entries":
        k = payload["entries"][1]
    elif pick in payload["post"]:
        k = payload["post"][pick][2]
    else:  # a per-paper table
        k = payload[pick]
    start = persist._HEAD.size + length + sum(size for size, _ in payload["raw"][:k])
    size = payload["raw"][k][0]
    assert size, f"the {pick} table is empty: nothing to flip"
    raw[start + size // 2] ^= 0x5A
    path.write_bytes(bytes(raw))


@pytest.mark.parametrize("pick", ["title", "abstract", "entries"])
def test_damage_found_only_when_a_query_reads_it_is_rebuilt_then(lib: Library, pick: str) -> None:
    SearchIndex.open_or_build(lib)
    _flip_in_section(path_of(lib), pick)
    index = SearchIndex.open_current(reopen(lib))  # opens: the tables are checked later
    assert index is not None and index.report == ""
    assert found(index, "lagrangian") == ["Latent Diffusion for Images"]
    assert found(index, "speculative decoding") == ["Speculative Decoding with Drafts"]
    entry = index.entry(PAPERS[2].id)
    assert entry is not None and entry.title == "Mamba Revisited"
    assert "damaged" in index.report
    again = SearchIndex.open_or_build(reopen(lib))  # the file was replaced, checked whole
    assert again.report == ""


def test_a_damaged_entry_is_rebuilt_when_a_row_is_printed(lib: Library) -> None:
    SearchIndex.open_or_build(lib)
    _flip_in_section(path_of(lib), "entries")
    index = SearchIndex.open_current(reopen(lib))
    assert index is not None
    titles = {index.entry(p.id).title for p in PAPERS}  # type: ignore[union-attr]
    assert titles == {p.title for p in PAPERS}
    assert "damaged" in index.report


def test_open_or_build_checks_every_table_before_trusting_the_file(lib: Library) -> None:
    SearchIndex.open_or_build(lib)
    _flip_in_section(path_of(lib), "abstract")
    assert "damaged" in SearchIndex.open_or_build(reopen(lib)).report


@pytest.mark.parametrize("pick", ["title", "abstract", "entries"])
def test_verify_checks_the_whole_file_and_rebuilds_a_damaged_one(lib: Library, pick: str) -> None:
    SearchIndex.open_or_build(lib)
    sound = SearchIndex.open_current(reopen(lib))
    assert sound is not None and sound.verify() and sound.report == ""
    _flip_in_section(path_of(lib), pick)
    index = SearchIndex.open_current(reopen(lib))
    assert index is not None
    assert not index.verify()
    assert "damaged" in index.report
    assert found(index, "lagrangian") == ["Latent Diffusion for Images"]
    assert SearchIndex.open_or_build(reopen(lib)).report == ""  # replaced by a sound one


def test_on_build_is_called_only_when_the_index_is_built(lib: Library) -> None:
    calls: list[int] = []
    SearchIndex.open_or_build(lib, on_build=calls.append)
    assert calls == [len(PAPERS)]
    SearchIndex.open_or_build(reopen(lib), on_build=calls.append)
    assert calls == [len(PAPERS)]  # current on disk: opened, not built


@pytest.mark.parametrize("kind", ["fifo", "directory", "symlink"])
def test_a_hostile_index_path_never_hangs_crashes_or_is_followed(
    lib: Library, tmp_path: Path, kind: str
) -> None:
    path = path_of(lib)
    path.parent.mkdir(parents=True, exist_ok=True)
    target = tmp_path / "elsewhere"
    target.write_bytes(b"not an index, and not readq's to replace")
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "directory":
        path.mkdir()
    else:
        path.symlink_to(target)
    index = SearchIndex.open_or_build(reopen(lib))  # a FIFO would block a plain open()
    assert found(index, "lagrangian") == ["Latent Diffusion for Images"]
    assert target.read_bytes() == b"not an index, and not readq's to replace"
    if kind == "directory":
        assert "could not save the search index" in index.report
    else:  # replaced by a real index file, which the next process opens
        assert path.is_file() and not path.is_symlink()
        assert SearchIndex.open_current(reopen(lib)) is not None


@pytest.mark.parametrize(
    ("pick", "query", "expect"),
    [
        ("up", "up:>=0 lagrangian", ["Latent Diffusion for Images"]),
        ("published", "date:>=1900-01-01 lagrangian", []),
        ("arxiv", "arxiv:2312.00752", ["Mamba Revisited"]),
        ("seen", "is:new lagrangian", ["Latent Diffusion for Images"]),
    ],
)
def test_a_damaged_per_paper_table_is_found_by_the_query_that_reads_it(
    lib: Library, pick: str, query: str, expect: list[str]
) -> None:
    SearchIndex.open_or_build(lib)
    _flip_in_section(path_of(lib), pick)
    index = SearchIndex.open_current(reopen(lib))
    assert index is not None and index.report == ""
    assert found(index, query) == expect
    assert "damaged" in index.report
    assert SearchIndex.open_or_build(reopen(lib)).report == ""
