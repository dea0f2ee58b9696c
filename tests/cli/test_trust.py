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


# -- #10.8 words without quotes, #10.9 smaller ones ----------------------------------------

SAMPLE = REPO / "src" / "readq" / "sample.txt"


@pytest.fixture
def sample(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "add", str(SAMPLE))[0] == 0


def test_list_takes_the_query_without_quotes_and_after_dashdash(
    capsys: pytest.CaptureFixture[str], sample: None
) -> None:
    quoted = run(capsys, "list", "speculative decoding")
    words = run(capsys, "list", "speculative", "decoding")
    assert quoted == words and words[0] == 0 and words[1]
    code, out, _ = run(capsys, "list", "--", "speculative", "-decoding")
    assert code in (0, 1) and "Speculative Decoding" not in out


def test_list_prints_whole_titles_when_piped(
    capsys: pytest.CaptureFixture[str], sample: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    _, piped, _ = run(capsys, "list")
    assert "…" not in piped
    assert max(map(len, piped.splitlines())) > 40
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    _, tty, _ = run(capsys, "list")
    assert "…" in tty and max(map(len, tty.splitlines())) <= 40


def test_show_wraps_to_the_terminal_only(
    capsys: pytest.CaptureFixture[str], sample: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, listed, _ = run(capsys, "list", "--limit", "1")
    pid = listed.split()[0]
    monkeypatch.setenv("COLUMNS", "50")
    _, piped, _ = run(capsys, "show", pid)
    assert max(map(len, piped.splitlines())) > 50
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    _, tty, _ = run(capsys, "show", pid)
    assert all(len(line) < 50 or "  https://" in line for line in tty.splitlines())


def test_no_match_and_limit_zero_messages(capsys: pytest.CaptureFixture[str], sample: None) -> None:
    code, out, err = run(capsys, "list", "zzzqqqxxx")
    assert (code, out, err) == (1, "", "readq: no papers match\n")
    code, _, err = run(capsys, "list", "--limit", "0")
    assert code == 64 and "--limit must be 1 or more" in err


def test_query_mistakes_are_explained(capsys: pytest.CaptureFixture[str], sample: None) -> None:
    _, _, err = run(capsys, "list", '"sparse lanterns')
    assert "ignored" not in err and "searched as a phrase" in err
    _, _, err = run(capsys, "list", "seen:10m")
    assert "10min" in err and "10mo" in err
    code, _, err = run(capsys, "list", "seen:2030y")
    assert code == 0 and "internal error" not in err


def test_ids_are_eight_digits_unless_two_papers_share_them() -> None:
    from readq.cli.common import short_ids

    ids = ["0123456789abcdef", "0123456789abcd00", "fedcba9876543210", "0123456780000000"]
    short = short_ids(ids)
    assert short("fedcba9876543210") == "fedcba98"
    assert short("0123456789abcdef") == "0123456789abcde"
    assert short("0123456789abcd00") == "0123456789abcd0"
    assert short("0123456780000000") == "0123456780"


def test_crash_log_goes_to_the_data_dir_when_it_is_moved(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(args: object) -> int:
        raise RuntimeError("bug")

    monkeypatch.setattr("readq.cli.maintenance.cmd_path", boom)
    other = tmp_path / "other-lib"
    code, _, err = run(capsys, "--data-dir", str(other), "path")
    assert code == 70 and str(other / "logs") in err
    assert list((other / "logs").glob("crash-*.log"))
    assert not (tmp_path / "home").exists() or not list((tmp_path / "home").rglob("crash-*"))


# -- #10.2 remove, undo, redo; #10.7 bulk confirmation ------------------------------------


def first_id(capsys: pytest.CaptureFixture[str]) -> str:
    _, out, _ = run(capsys, "list", "--limit", "1")
    return out.split()[0]


def test_remove_hides_everywhere_and_undo_brings_it_back(
    capsys: pytest.CaptureFixture[str], sample: None, tmp_path: Path
) -> None:
    pid = first_id(capsys)
    assert run(capsys, "star", pid)[0] == 0
    code, out, _ = run(capsys, "remove", pid)
    assert code == 0 and "1 paper removed" in out and "readq undo" in out
    assert pid not in run(capsys, "list")[1]
    assert count(capsys) == 10
    assert run(capsys, "export")[1].count("## ") == 0
    _, removed, _ = run(capsys, "list", "--removed")
    assert removed.startswith(pid)
    code, out, _ = run(capsys, "undo")
    assert code == 0 and "Undone: remove" in out
    assert count(capsys) == 11 and pid in run(capsys, "list", "--starred")[1]
    assert run(capsys, "redo")[0] == 0 and count(capsys) == 10
    assert run(capsys, "unremove", pid)[0] == 0 and count(capsys) == 11


def test_undo_list_and_undo_of_an_import(capsys: pytest.CaptureFixture[str], sample: None) -> None:
    run(capsys, "read", "--all")
    code, out, _ = run(capsys, "undo", "--list")
    lines = out.splitlines()
    assert code == 0 and "read: 11 papers" in lines[0] and "import sample.txt" in lines[1]
    run(capsys, "undo")
    code, out, _ = run(capsys, "undo")
    assert code == 0 and "11 papers added" in out
    assert count(capsys) == 0
    code, _, err = run(capsys, "undo")
    assert code == 1 and err == "readq: nothing to undo\n"


def test_undo_refuses_clearly_when_a_paper_changed_since(
    capsys: pytest.CaptureFixture[str], sample: None
) -> None:
    import readq
    from readq.cli.history import record_change

    pid = first_id(capsys)
    full = readq.open_library().resolve(pid)
    lib = readq.open_library()
    record_change(lib, lib.set_note(full, "first"))  # as 'readq note' will record it
    readq.set_note(readq.open_library(), full, "second")  # a change the history does not know
    code, _, err = run(capsys, "undo")
    assert code == 1 and "has a different note" in err and "nothing was changed" in err
    assert readq.open_library().state(full).note == "second"


def test_a_bulk_change_of_more_than_50_needs_yes_or_a_terminal_answer(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = tmp_path / "big.txt"
    page.write_text(
        "".join(
            f"Paper Number {i} About Things\nWe study thing {i} in depth and report it.\n"
            f"  • 3 authors\n·\nNov {i % 28 + 1}, 2024\n"
            for i in range(60)
        ),
        encoding="utf-8",
    )
    assert run(capsys, "add", str(page))[0] == 0
    code, _, err = run(capsys, "read", "--all")
    assert code == 64 and "--yes" in err and "60 papers" in err
    assert json.loads(run(capsys, "stats", "--json")[1])["read"] == 0
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    code, _, err = run(capsys, "read", "--all")  # a "no" is not a usage error
    assert code == 1 and "nothing was changed" in err
    assert json.loads(run(capsys, "stats", "--json")[1])["read"] == 0
    monkeypatch.setattr("builtins.input", lambda prompt: "y")
    assert run(capsys, "read", "--all")[0] == 0
    assert run(capsys, "unread", "--all", "--yes")[0] == 0


# -- new papers on the command line ---------------------------------------------------


def test_is_new_and_sort_new_on_the_command_line_follow_the_last_session(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    from datetime import timedelta

    from readq import listing
    from readq.clock import utc_now
    from readq.library import Library

    def ago(seconds: int) -> Library:
        return Library.open(data_dir, clock=lambda: utc_now() - timedelta(seconds=seconds))

    sample = REPO / "src" / "readq" / "sample.txt"
    ago(10).import_papers(listing.parse_file(sample).papers)
    ago(5).begin_session()  # the reading queue was opened after that
    api = REPO / "tests" / "data" / "api" / "daily_normal.json"
    code, out, _ = run(capsys, "add", str(api))
    assert code == 0 and "5 new" in out
    _, new, _ = run(capsys, "list", "is:new", "--json")
    titles = {json.loads(line)["title"] for line in new.splitlines()}
    assert (
        len(titles) == 5 and "Calibrated Uncertainty for Large Language Model Agents" not in titles
    )
    _, ordered, _ = run(capsys, "list", "--sort", "new", "--json")
    first_five = {json.loads(line)["title"] for line in ordered.splitlines()[:5]}
    assert first_five == titles


def test_a_saved_empty_day_is_imported_as_nothing_not_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    empty = REPO / "tests" / "data" / "api" / "empty_day.json"
    code, out, err = run(capsys, "add", str(empty))
    assert (code, err) == (0, "")
    assert "0 new" in out


def test_a_list_query_with_nothing_understood_lists_nothing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(capsys, "add", str(REPO / "src" / "readq" / "sample.txt"))[0] == 0
    code, out, err = run(capsys, "list", "seen:10m")
    assert (code, out) == (64, "")  # not the whole library, which a script would act on
    assert "10min" in err and err.count("\n") == 1
    code, out, err = run(capsys, "list", "seen:10m", "lora")  # the rest still searches
    assert code == 0 and "Low-Rank Adapters" in out and "query term ignored" in err
