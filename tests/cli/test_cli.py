"""The command line through its real entry point, with a temp data dir."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from readq.cli import main
from readq.library import Library

DATA = Path(__file__).resolve().parent.parent / "data"

LISTING = """\
Daily Papers

Sparse Mixture of Adapters for Continual Learning

We propose a sparse mixture of low-rank adapters that grows with each task. Code: https://github.com/example/smoa.

  • 4 authors
·
Oct 9, 2024 12

Reward Hacking [bold]in[/] the *Wild*

Preference-tuned assistants game their reward models; we audit twelve of them.

  • 7 authors
·
Sep 14 3

Diffusion Policies for Dexterous Manipulation

A conditional denoising diffusion model over action sequences for multi-fingered hands.
"""


@pytest.fixture
def listing(tmp_path: Path) -> Path:
    path = tmp_path / "page.txt"
    path.write_text(LISTING, encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def ids_of(capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    code, out, _ = run(capsys, "list", "--json")
    assert code == 0
    return {d["title"]: d["id"] for d in map(json.loads, out.splitlines())}


def test_parse_prints_exact_json_fields_and_saves_nothing(
    capsys: pytest.CaptureFixture[str], listing: Path, data_dir: Path
) -> None:
    code, out, _ = run(capsys, "parse", str(listing), "--json")
    assert code == 0
    docs = [json.loads(line) for line in out.splitlines()]
    assert len(docs) == 3
    assert all(
        list(d)
        == ["id", "title", "abstract", "authors", "organization", "published", "upvotes", "links"]
        for d in docs
    )
    assert docs[0]["links"] == ["https://github.com/example/smoa"]
    assert docs[0]["upvotes"] == 12 and docs[0]["authors"] == 4
    assert not data_dir.exists()


def test_add_summarises_and_is_idempotent(
    capsys: pytest.CaptureFixture[str], listing: Path
) -> None:
    code, out, _ = run(capsys, "add", str(listing))
    assert code == 0
    assert "3 new, 0 already known, 0 updated" in out
    code, out, _ = run(capsys, "add", str(listing))
    assert "0 new, 3 already known, 0 updated" in out


def test_add_from_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    class FakeStdin:
        buffer = io.BytesIO(LISTING.encode("utf-8"))

    monkeypatch.setattr(sys, "stdin", FakeStdin)
    code, out, _ = run(capsys, "add", "-")
    assert code == 0 and "3 new" in out


@pytest.mark.parametrize(
    ("content", "message", "exit_code"),
    [
        (b"", "is empty", 65),
        (
            b"\n\n  \nSubscribe\nDaily Papers\nbyAK and the research community\nNov 5\n",
            "no papers found",
            65,
        ),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8, "binary", 65),
        (
            "Caf\u00e9 au lait\n\nA long enough abstract about coffee.\n".encode("latin-1"),
            "UTF-8",
            65,
        ),
    ],
)
def test_bad_input_is_one_line_nonzero_and_changes_nothing(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    data_dir: Path,
    content: bytes,
    message: str,
    exit_code: int,
) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    code, out, err = run(capsys, "add", str(bad))
    assert code == exit_code
    assert message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not data_dir.exists()


def test_missing_file_directory_and_fifo(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, listing: Path, data_dir: Path
) -> None:
    code, _, err = run(capsys, "add", str(tmp_path / "nope.txt"))
    assert code == 66 and "no such file" in err
    code, _, err = run(capsys, "add", str(tmp_path))
    assert code == 66 and "directory" in err
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    code, _, err = run(capsys, "add", str(fifo))
    assert code == 66 and "not a regular file" in err
    # one bad file among good ones: nothing at all is imported
    code, _, err = run(capsys, "add", str(listing), str(tmp_path / "nope.txt"))
    assert code == 66
    assert not data_dir.exists()


def test_latin1_imports_with_explicit_encoding(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes(LISTING.replace("Sparse", "Spärse").encode("latin-1", "replace"))
    code, out, _ = run(capsys, "add", "--encoding", "latin-1", str(path))
    assert code == 0 and "3 new" in out
    assert any("Spärse" in t for t in ids_of(capsys))


def test_state_commands_show_and_note(capsys: pytest.CaptureFixture[str], listing: Path) -> None:
    run(capsys, "add", str(listing))
    ids = ids_of(capsys)
    sparse = ids["Sparse Mixture of Adapters for Continual Learning"]
    code, out, _ = run(capsys, "star", sparse[:8])
    assert code == 0 and "Marked 1 paper starred" in out
    code, out, _ = run(capsys, "read", sparse[:8])
    assert code == 0
    code, out, _ = run(capsys, "note", sparse[:8], "check section 3\nand the appendix")
    assert code == 0 and "Note saved" in out
    code, out, _ = run(capsys, "show", sparse[:8], "--json")
    doc = json.loads(out)
    assert doc["starred"] and doc["read"] and doc["note"] == "check section 3\nand the appendix"
    code, out, _ = run(capsys, "show", sparse)
    assert "Sparse Mixture" in out and "check section 3" in out and "4 authors" in out
    code, out, _ = run(capsys, "list", "--starred")
    assert "Sparse Mixture" in out and "Diffusion" not in out
    code, out, _ = run(capsys, "unstar", sparse)
    code, out, _ = run(capsys, "note", sparse, "--clear")
    assert "Note cleared" in out
    lib = Library.open()
    assert not lib.state(sparse).starred and lib.state(sparse).note == ""


def test_list_filters_sorts_and_limits(capsys: pytest.CaptureFixture[str], listing: Path) -> None:
    run(capsys, "add", str(listing))
    code, out, _ = run(capsys, "list", "--sort", "upvotes", "--json")
    titles = [json.loads(x)["title"] for x in out.splitlines()]
    assert titles[0].startswith("Sparse Mixture")  # 12 upvotes beats 3 and none
    code, out, _ = run(capsys, "list", "--sort", "title", "--limit", "1", "--json")
    assert [json.loads(x)["title"] for x in out.splitlines()] == [
        "Diffusion Policies for Dexterous Manipulation"
    ]
    code, out, _ = run(capsys, "list", "--unread", "--json")
    docs = [json.loads(x) for x in out.splitlines()]
    assert len(docs) == 3 and {"read", "starred", "note", "first_seen", "last_seen"} <= set(docs[0])


def test_bulk_read_by_query_and_all(capsys: pytest.CaptureFixture[str], listing: Path) -> None:
    run(capsys, "add", str(listing))
    code, out, _ = run(capsys, "read", "--query", "diffusion")
    assert code == 0 and "Marked 1 paper read" in out
    code, out, _ = run(capsys, "list", "--read", "--json")
    assert [json.loads(x)["title"] for x in out.splitlines()] == [
        "Diffusion Policies for Dexterous Manipulation"
    ]
    code, out, _ = run(capsys, "read", "--all")
    assert "Marked 2 papers read (1 already were)" in out
    assert Library.open().counts()["unread"] == 0


def test_id_errors_are_clear(capsys: pytest.CaptureFixture[str], listing: Path) -> None:
    run(capsys, "add", str(listing))
    code, _, err = run(capsys, "star", "zz")
    assert code == 64 and "not a paper id" in err
    code, _, err = run(capsys, "star", "0123456789abcdef")
    assert code == 1 and "no paper with id" in err
    code, _, err = run(capsys, "star")
    assert code == 64 and "exactly one" in err


def test_export_writes_valid_markdown_and_refuses_to_clobber(
    capsys: pytest.CaptureFixture[str], listing: Path, tmp_path: Path
) -> None:
    run(capsys, "add", str(listing))
    ids = ids_of(capsys)
    hostile = ids["Reward Hacking [bold]in[/] the *Wild*"]
    run(capsys, "star", hostile)
    run(capsys, "note", hostile, "<script>alert(1)</script> `code` | pipe")
    out_file = tmp_path / "starred.md"
    code, out, _ = run(capsys, "export", "-o", str(out_file))
    assert code == 0 and "Exported 1 starred paper" in out
    text = out_file.read_text(encoding="utf-8")
    tokens = MarkdownIt("commonmark").parse(text)
    assert not [t for t in tokens if t.type.startswith("html")]
    for t in tokens:
        for c in t.children or []:
            assert not c.type.startswith("html")
    code, _, err = run(capsys, "export", "-o", str(out_file))
    assert code == 73 and "--force" in err
    code, out, _ = run(capsys, "export")
    assert out.startswith("# Starred papers")


def test_stats_and_path(capsys: pytest.CaptureFixture[str], listing: Path, data_dir: Path) -> None:
    run(capsys, "add", str(listing))
    code, out, _ = run(capsys, "stats", "--json")
    assert json.loads(out) == {"all": 3, "unread": 3, "read": 0, "starred": 0, "notes": 0}
    code, out, _ = run(capsys, "path")
    assert out.strip() == str(data_dir)
    code, out, _ = run(capsys, "--data-dir", str(data_dir / "other"), "path")
    assert out.strip() == str(data_dir / "other")


def test_usage_errors_are_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "frobnicate")
    assert code == 64 and len(err.strip().splitlines()) == 1
    code, _, err = run(capsys, "list", "--limit", "x")
    assert code == 64 and "readq:" in err


def test_damaged_library_is_a_clear_error(
    capsys: pytest.CaptureFixture[str], listing: Path, data_dir: Path
) -> None:
    run(capsys, "add", str(listing))
    (data_dir / "meta.json").write_bytes(b"{trunc")
    code, _, err = run(capsys, "list")
    assert code == 65 and "meta.json" in err and "Traceback" not in err


def test_editor_with_arguments_edits_the_note(
    capsys: pytest.CaptureFixture[str],
    listing: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run(capsys, "add", str(listing))
    pid = next(iter(ids_of(capsys).values()))
    script = tmp_path / "my editor.py"
    script.write_text("import sys\nopen(sys.argv[-1], 'a').write('edited ' + sys.argv[1])\n")
    monkeypatch.setenv("EDITOR", f"{sys.executable} '{script}' --flag")
    code, out, _ = run(capsys, "note", pid)
    assert code == 0
    assert Library.open().state(pid).note == "edited --flag"


def test_entry_point_no_tty_refuses_without_hanging(tmp_path: Path) -> None:
    env = {**os.environ, "READQ_DATA_DIR": str(tmp_path / "d")}
    for argv in (["readq"], ["readq", "demo"]):
        proc = subprocess.run(
            [sys.executable, "-m", "readq", *argv[1:]],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
            check=False,
        )
        assert proc.returncode == 64
        assert "interactive terminal" in proc.stderr
        assert "Traceback" not in proc.stderr
    assert not (tmp_path / "d").exists()


def test_python_dash_m_and_version() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "readq", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0 and proc.stdout.startswith("readq ")


def test_headless_commands_never_import_textual(tmp_path: Path) -> None:
    code = (
        "import sys, readq.cli, readq.library, readq.listing, readq.export, readq.storage.store, "
        "readq.views, readq.search.index, readq.search.query\n"
        "sys.exit(1 if 'textual' in sys.modules else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], timeout=60, check=False).returncode == 0


def test_devices_and_huge_files_are_refused_without_hanging(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, data_dir: Path
) -> None:
    code, _, err = run(capsys, "add", "/dev/zero")
    assert code == 66 and "not a regular file" in err
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as f:  # sparse: costs no disk
        f.truncate(300 * 2**20)
    code, _, err = run(capsys, "add", str(huge))
    assert code == 65 and "refused" in err
    assert not data_dir.exists()


def test_truncated_last_paper_imports_the_complete_ones(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    cut = tmp_path / "cut.txt"
    cut.write_text(LISTING + "\nA Title Whose Abstract Never Came\n", encoding="utf-8")
    code, out, err = run(capsys, "add", str(cut))
    assert code == 0 and "3 new" in out
    assert "warning" in err and "cut.txt" in err


HOSTILE = [
    "[bold]x",
    "A [/] B",
    "Foo [/",
    "[@click=app.quit]Q[/]",
    "[link=javascript:alert(1)]x[/link]",
    "Esc \x1b[2J clear \x1b]52;c;ZWNobw==\x07 osc",
    "Nul\x00 and bell\x07",
    "👩‍🔬 scientist",
    "مرحبا RTL עברית",
    "cafe\u0301 combining",
    "Long " + "x" * 5000,
]


def test_hostile_titles_import_without_controls_and_export_literally(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    body = "\n\n".join(
        f"{t}\n\nAn abstract about item {i} that is long enough to read."
        for i, t in enumerate(HOSTILE)
    )
    src = tmp_path / "hostile.txt"
    src.write_text(body, encoding="utf-8")
    code, out, err = run(capsys, "add", str(src))
    assert code == 0, err
    lib = Library.open()
    titles = [e.title for e in lib.entries.values()]
    assert len(titles) == len(HOSTILE)
    assert not any(ch in t for t in titles for ch in "\x1b\x00\x07")
    assert "[@click=app.quit]Q[/]" in titles and "A [/] B" in titles
    run(capsys, "star", "--all")
    code, text, _ = run(capsys, "export")
    tokens = MarkdownIt("commonmark").parse(text)
    inline = [c for t in tokens for c in (t.children or [])]
    assert not [x for x in tokens + inline if x.type.startswith("html")]
    links = [c for c in inline if c.type == "link_open"]
    assert len(links) == 2 * len(HOSTILE)  # only the two search links per paper


def test_a_search_that_builds_the_index_says_so_on_a_terminal_only(
    capsys: pytest.CaptureFixture[str],
    listing: Path,
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import shutil

    from readq.search import persist

    assert run(capsys, "add", str(listing))[0] == 0
    shutil.rmtree(persist.index_path(data_dir).parent, ignore_errors=True)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    code, out, err = run(capsys, "list", "diffusion")
    assert code == 0 and "Diffusion Policies" in out
    assert "building the search index of 3 papers" in err
    code, out, err = run(capsys, "list", "diffusion")  # saved: opened, not built
    assert code == 0 and "building" not in err
    shutil.rmtree(persist.index_path(data_dir).parent)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False)
    code, out, err = run(capsys, "list", "diffusion")  # a pipe or a script: silent
    assert code == 0 and err == ""
