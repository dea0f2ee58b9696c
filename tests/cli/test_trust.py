"""Issue #10 on the command line: refusing non-listings, remove/undo/redo, query units,
words without quotes, output fit for pipes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from readq.cli import main

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data" / "listings"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def count(capsys: pytest.CaptureFixture[str]) -> int:
    code, out, _ = run(capsys, "stats", "--json")
    assert code == 0
    return int(json.loads(out)["all"])


# -- #10.1 refuse what is not a listing -------------------------------------------------


@pytest.mark.parametrize("name", ["README.md", "docs/usage.md", "src/readq/cli/app.py"])
def test_add_refuses_docs_and_code_and_changes_nothing(
    capsys: pytest.CaptureFixture[str], name: str
) -> None:
    code, out, err = run(capsys, "add", str(REPO / name))
    assert code == 65 and out == ""
    assert err.count("\n") == 1 and err.startswith("readq: ") and "--force" in err
    assert count(capsys) == 0


def test_add_refuses_two_words_on_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"hello\nworld\n")))
    code, _, err = run(capsys, "add", "-")
    assert code == 65 and "standard input does not look like" in err
    assert count(capsys) == 0


def test_add_force_imports_anyway(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    scrap = tmp_path / "scrap.txt"
    scrap.write_text("hello\nworld\n", encoding="utf-8")
    code, out, _ = run(capsys, "add", "--force", str(scrap))
    assert code == 0 and "1 new" in out
    assert count(capsys) == 1


def test_add_still_accepts_every_listing(capsys: pytest.CaptureFixture[str]) -> None:
    files = [str(p) for p in sorted(DATA.glob("*.txt"))] + [str(REPO / "src/readq/sample.txt")]
    code, out, err = run(capsys, "add", *files)
    assert code == 0, err
    assert count(capsys) > 20
