"""The Python API of ``readq`` (docs/api.md): what a script or notebook can rely on."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

import readq
from readq.cli import main
from readq.errors import InputError, OutputError

LISTING = """\
Daily Papers

Sparse Mixture of Adapters for Continual Learning

We propose a sparse mixture of low-rank adapters that grows with each task. Code: https://github.com/example/smoa.

  • 4 authors
·
Oct 9, 2024 12

Reward Hacking in the Wild

Preference-tuned assistants game their reward models; we audit twelve of them.

  • 7 authors
·
Sep 14, 2024 3

Diffusion Policies for Dexterous Manipulation

A conditional denoising diffusion model over action sequences for multi-fingered hands.
"""

DAY = dt.date(2026, 11, 22)


@pytest.fixture
def lib() -> readq.Library:
    library = readq.open_library()
    report = readq.import_listing(library, LISTING.encode())
    assert (report.new, report.known) == (3, 0)
    return library


def by_title(library: readq.Library) -> dict[str, str]:
    return {e.title: e.id for e in readq.papers(library)}


def test_importing_readq_is_cheap() -> None:
    code = (
        "import sys, readq\n"
        "heavy = [m for m in ('textual', 'readq.library', 'readq.search.index', "
        "'readq.listing', 'readq.export', 'tinydb', 'rapidfuzz') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "assert callable(readq.open_library) and readq.__version__\n"
        "import readq.library\n"
        "assert readq.Library is readq.library.Library\n"
        "assert 'textual' not in sys.modules\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr


def test_open_library_uses_the_default_location_or_a_path(
    data_dir: Path, tmp_path: Path, lib: readq.Library
) -> None:
    assert lib.store.root == data_dir  # READQ_DATA_DIR, set by conftest
    assert len(readq.open_library()) == 3
    other = readq.open_library(tmp_path / "elsewhere")
    assert len(other) == 0 and readq.papers(other) == []


def test_import_listing_from_a_file_keeps_each_paper_once(
    tmp_path: Path, lib: readq.Library
) -> None:
    page = tmp_path / "page.txt"
    page.write_text(LISTING, encoding="utf-8")
    report = readq.import_listing(lib, page)
    assert (report.new, report.known) == (0, 3)
    assert len(lib) == 3
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x00\x01binary\x00")
    with pytest.raises(InputError):
        readq.import_listing(lib, binary)


def test_papers_are_listed_newest_first_and_sortable(lib: readq.Library) -> None:
    titles = [e.title for e in readq.papers(lib)]
    assert titles[:2] == [
        "Sparse Mixture of Adapters for Continual Learning",
        "Reward Hacking in the Wild",
    ]
    by_votes = [e.upvotes for e in readq.papers(lib, sort="upvotes")]
    assert by_votes == [12, 3, None]
    assert [e.title for e in readq.papers(lib, sort="title")][0].startswith("Diffusion")


def test_search_finds_by_words_and_filters(lib: readq.Library) -> None:
    ids = by_title(lib)
    found = readq.papers(lib, "diffusion")
    assert [e.id for e in found] == [ids["Diffusion Policies for Dexterous Manipulation"]]
    hits = readq.select(lib, "denoising")
    assert hits.ids == [ids["Diffusion Policies for Dexterous Manipulation"]]
    assert hits.errors == []
    upvoted = readq.select(lib, "up:>5")
    assert upvoted.ids == [ids["Sparse Mixture of Adapters for Continual Learning"]]
    bad = readq.select(lib, "adapters up:>lots")
    assert bad.errors and ids["Sparse Mixture of Adapters for Continual Learning"] in bad.ids
    assert readq.select(lib, "nosuchwordanywhere").ids == []
    within = readq.search_ids(lib, "adapters", within=[ids["Reward Hacking in the Wild"]])
    assert within.ids == []


def test_a_limit_gives_the_first_ids_of_the_whole_order() -> None:
    """``select(limit=n)`` picks n without sorting everything: the same n, in the same
    order, ties (same day, same import) included, for every sort and view."""
    library = readq.open_library()
    days = ["Oct 9, 2024", "Sep 14, 2024", "Oct 9, 2024", ""]
    listing = "Daily Papers\n\n" + "".join(
        f"Paper number {n} about adapters\n\nAbstract {n} about adapters.\n\n"
        f"  • {n % 5 + 1} authors\n·\n{days[n % 4]} {n % 3 or ''}\n\n"
        for n in range(40)
    )
    assert readq.import_listing(library, listing.encode()).new > 30
    some = [p.id for p in readq.papers(library)][::3]
    readq.star(library, some[:5])
    readq.mark_read(library, some[3:9])
    for view in ("all", "unread", "starred", "read"):
        for sort in (None, "new", "date", "upvotes", "title", "added", "trending"):
            for query in (None, "adapters"):
                whole = readq.select(library, query, view=view, sort=sort).ids
                for n in (0, 1, 3, 7, 100):
                    first = readq.select(library, query, view=view, sort=sort, limit=n).ids
                    assert first == whole[:n], (view, sort, query, n)
    with pytest.raises(ValueError, match="limit"):
        readq.select(library, limit=-1)


def test_state_changes_count_and_persist(lib: readq.Library) -> None:
    ids = by_title(lib)
    sparse, reward = (
        ids["Sparse Mixture of Adapters for Continual Learning"],
        ids["Reward Hacking in the Wild"],
    )
    assert readq.star(lib, [sparse, reward]) == 2
    assert readq.star(lib, sparse) == 0  # already starred
    assert readq.mark_read(lib, [reward]) == 1
    assert readq.set_note(lib, sparse, "compare with LoRA  \n\n") == "compare with LoRA"
    assert readq.star(lib, reward, starred=False) == 1

    again = readq.open_library()
    assert readq.state(again, sparse).starred and readq.state(again, sparse).note == (
        "compare with LoRA"
    )
    assert readq.state(again, reward).read and not readq.state(again, reward).starred
    assert [e.id for e in readq.papers(again, view="starred")] == [sparse]
    assert [e.id for e in readq.papers(again, view="unread")] == [
        i for t, i in by_title(again).items() if i != reward
    ]
    assert readq.papers(again, "is:starred") == readq.papers(again, view="starred")
    assert readq.set_note(again, sparse, "") == ""
    assert readq.state(readq.open_library(), sparse).note == ""


def test_export_starred_writes_the_markdown_document(tmp_path: Path, lib: readq.Library) -> None:
    ids = by_title(lib)
    readq.star(
        lib,
        [ids["Reward Hacking in the Wild"], ids["Diffusion Policies for Dexterous Manipulation"]],
    )
    text = readq.starred_markdown(lib, today=DAY)
    assert text.startswith("# Starred papers — 2026-11-22\n")
    headings = [
        t.content
        for t in MarkdownIt("commonmark").parse(text)
        if t.type == "inline" and t.content.startswith(("Reward", "Diffusion"))
    ]
    # newest first: the dated paper before the undated one
    assert headings == [
        "Reward Hacking in the Wild",
        "Diffusion Policies for Dexterous Manipulation",
    ]

    target = tmp_path / "starred.md"
    assert readq.export_starred(lib, target, today=DAY) == 2
    assert target.read_text(encoding="utf-8") == text
    with pytest.raises(OutputError, match="already exists"):
        readq.export_starred(lib, target, overwrite=False)
    with pytest.raises(OutputError, match="directory"):
        readq.export_starred(lib, tmp_path)
    assert readq.export_starred(readq.open_library(tmp_path / "none"), target) == 0
    assert "No starred papers" in target.read_text(encoding="utf-8")


def test_the_cli_sees_what_the_api_did(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, lib: readq.Library
) -> None:
    ids = by_title(lib)
    readq.star(lib, ids["Reward Hacking in the Wild"])
    assert main(["list", "--starred", "--json"]) == 0
    shown = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(d["id"], d["starred"]) for d in shown] == [(ids["Reward Hacking in the Wild"], True)]
    assert main(["list", "adapters", "--json"]) == 0
    cli_ids = [json.loads(line)["id"] for line in capsys.readouterr().out.splitlines()]
    assert cli_ids == readq.select(lib, "adapters").ids
    out = tmp_path / "cli.md"
    assert main(["export", "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == readq.starred_markdown(lib)


def test_the_example_in_api_md_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = (Path(__file__).resolve().parent.parent / "docs" / "api.md").read_text("utf-8")
    example = re.search(r"```python\n(.*?)```", doc, re.S)
    assert example is not None
    monkeypatch.chdir(tmp_path)
    exec(compile(example.group(1), "docs/api.md", "exec"), {})
    out = capsys.readouterr().out
    lib = readq.open_library(tmp_path / "demo-library")
    new = re.search(r"^(\d+) new papers$", out, re.M)
    assert new is not None and int(new.group(1)) == len(lib) > 0
    assert "papers starred" in out
    starred = readq.papers(lib, view="starred")
    assert starred and any(readq.state(lib, e.id).note for e in starred)
    assert (tmp_path / "starred.md").read_text("utf-8") == readq.starred_markdown(lib)
