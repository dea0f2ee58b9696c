"""``readq add`` with saved API responses (FILE.json, or JSON on standard input)."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from readq.cli import main
from readq.library import Library

API = Path(__file__).resolve().parent.parent / "data" / "api"


def test_a_saved_response_is_imported(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["add", str(API / "daily_normal.json")]) == 0
    assert "6 new" in capsys.readouterr().out
    lib = Library.open()
    assert {e.arxiv_id for e in lib.entries.values()} >= {"2311.03285", "2404.11912"}
    # without the suffix it is recognised by its content
    copy = tmp_path / "saved.txt"
    copy.write_bytes((API / "missing_optional.json").read_bytes())
    assert main(["add", str(copy)]) == 0


def test_json_on_standard_input(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = (API / "daily_normal.json").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert main(["add", "-"]) == 0
    assert "6 new" in capsys.readouterr().out


def test_warnings_name_the_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["add", str(API / "wrong_types.json")]) == 0
    err = capsys.readouterr().err
    assert f"readq: warning: {API / 'wrong_types.json'}: item " in err


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("error.json", None, "an error from the API, not papers"),
        ("cut.json", None, "not valid JSON"),
        ("other.json", b'{"papers": []}', "a JSON object (keys: papers)"),
        ("numbers.json", b"[1, 2, 3]", "no papers found in"),
        ("object.txt", b'{"a": 1}', "a JSON object (keys: a)"),
    ],
)
def test_json_that_is_not_a_response_is_refused(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    data_dir: Path,
    name: str,
    content: bytes | None,
    message: str,
) -> None:
    path = tmp_path / name
    source = {"error.json": "not_a_list.json", "cut.json": "invalid.json"}.get(name)
    path.write_bytes(content if content is not None else (API / str(source)).read_bytes())
    assert main(["add", str(path)]) == 65
    err = capsys.readouterr().err
    assert err.startswith("readq: ") and message in err and err.count("\n") == 1
    assert not data_dir.exists()


def test_add_names_two_titles_merged_as_one(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("C++ Templates for Agents\n\nWe study C++ templates for agents.\n")
    b.write_text("C# Templates for Agents\n\nWe study C# templates for agents.\n")
    assert main(["add", str(a)]) == 0
    assert main(["add", str(b)]) == 0
    err = capsys.readouterr().err
    assert (
        "readq: warning: merged as one paper: 'C++ Templates for Agents' and "
        "'C# Templates for Agents' (id " in err
    )
    (pid,) = Library.open().entries
    text = Library.open().abstract(pid)
    assert "C++ templates" in text and "C# templates" in text
