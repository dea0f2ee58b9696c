"""Drafts of notes: one private, crash-safe file per paper in the data dir."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path
from typing import Any

import pytest

from readq import drafts, ids
from readq.cli import main
from readq.library import Library
from readq.models import Paper

PID = "0123456789abcdef"


def test_a_draft_round_trips_privately(data_dir: Path) -> None:
    path = drafts.save_draft(data_dir, PID, "typed so far", "old note")
    assert path.parent == data_dir / "drafts"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(path.parent).st_mode) & 0o077 == 0
    draft = drafts.load_draft(data_dir, PID)
    assert draft is not None
    assert (draft.text, draft.base) == ("typed so far", "old note")
    assert draft.when.endswith("UTC")
    drafts.delete_draft(data_dir, PID)
    assert drafts.load_draft(data_dir, PID) is None
    assert not list((data_dir / "drafts").iterdir())


def test_an_unchanged_or_damaged_draft_is_not_offered(data_dir: Path) -> None:
    drafts.save_draft(data_dir, PID, "same", "same")
    assert drafts.load_draft(data_dir, PID) is None
    drafts.draft_path(data_dir, PID).write_text("{not json", encoding="utf-8")
    assert drafts.load_draft(data_dir, PID) is None


def test_the_editor_file_ends_with_a_newline_and_outlives_a_crash(data_dir: Path) -> None:
    path = drafts.write_editor_file(data_dir, PID, "line")
    assert path.read_text(encoding="utf-8") == "line\n"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert drafts.read_editor_file(path) == "line"
    drafts.save_draft(data_dir, PID, "line", "line")
    path.write_text("line\nand more typed in the editor\n", encoding="utf-8")
    draft = drafts.load_draft(data_dir, PID)  # readq died while the editor was open
    assert draft is not None and draft.text == "line\nand more typed in the editor"
    assert draft.base == "line"
    path.unlink()
    assert drafts.read_editor_file(path) is None


def test_ids_are_checked_before_they_name_a_file(data_dir: Path) -> None:
    for bad in ("../../etc/passwd", "", "zz", "ab/cd"):
        with pytest.raises(ValueError):
            drafts.save_draft(data_dir, bad, "x", "")


# -- readq note ID with $EDITOR --------------------------------------------------------


def _editor(tmp_path: Path, body: str) -> str:
    script = tmp_path / "ed.py"
    script.write_text("import os, sys\npath = sys.argv[-1]\n" + body)
    return f"{sys.executable} {script}"


def _library(data_dir: Path) -> tuple[Library, str]:
    lib = Library.open(data_dir)
    p = Paper(id=ids.paper_id("Title", "Abstract"), title="Title", abstract="Abstract")
    lib.import_papers([p])
    return lib, p.id


def test_cli_editor_gets_a_final_newline_and_it_is_stripped_back(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    lib, pid = _library(data_dir)
    lib.set_note(pid, "first")
    seen = tmp_path / "seen"
    monkeypatch.setenv(
        "EDITOR",
        _editor(
            tmp_path,
            f"open({str(seen)!r}, 'w').write(open(path).read() + '|' + path)\n"
            "open(path, 'a').write('second\\n')\n",
        ),
    )
    assert main(["note", pid[:8]]) == 0
    content, path = seen.read_text().split("|")
    assert content == "first\n"
    assert Path(path).parent == data_dir / "drafts"
    assert Library.open(data_dir).state(pid).note == "first\nsecond"
    assert drafts.load_draft(data_dir, pid) is None
    assert not list((data_dir / "drafts").iterdir())


def test_cli_failed_editor_keeps_a_draft_offered_next_time(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    _, pid = _library(data_dir)
    monkeypatch.setenv(
        "EDITOR", _editor(tmp_path, "open(path, 'w').write('precious\\n')\nsys.exit(3)\n")
    )
    assert main(["note", pid[:8]]) == 1
    assert "kept as a draft" in capsys.readouterr().err
    assert Library.open(data_dir).state(pid).note == ""
    assert drafts.load_draft(data_dir, pid).text == "precious"  # type: ignore[union-attr]
    seen = tmp_path / "seen"
    monkeypatch.setenv(
        "EDITOR", _editor(tmp_path, f"open({str(seen)!r}, 'w').write(open(path).read())\n")
    )
    assert main(["note", pid[:8]]) == 0  # stdin is no terminal: the draft is restored
    assert seen.read_text() == "precious\n"
    assert Library.open(data_dir).state(pid).note == "precious"
    assert drafts.load_draft(data_dir, pid) is None


def test_cli_editor_deleting_the_file_changes_nothing(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    lib, pid = _library(data_dir)
    lib.set_note(pid, "keep")
    monkeypatch.setenv("EDITOR", _editor(tmp_path, "os.unlink(path)\n"))
    code = main(["note", pid[:8]])
    assert code != 0 and "deleted the note's file" in capsys.readouterr().err
    assert Library.open(data_dir).state(pid).note == "keep"


def test_cli_editor_keeps_a_note_changed_meanwhile(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    lib, pid = _library(data_dir)
    lib.set_note(pid, "start")
    other = (
        "from readq.library import Library\n"
        f"Library.open({str(data_dir)!r}).set_note({pid!r}, 'theirs')\n"
        "open(path, 'w').write('mine\\n')\n"
    )
    monkeypatch.setenv("EDITOR", _editor(tmp_path, other))
    assert main(["note", pid[:8]]) == 0
    assert "another change to it was kept below" in capsys.readouterr().out
    note = Library.open(data_dir).state(pid).note
    assert note.startswith("mine\n\n--- conflict:") and note.endswith("\ntheirs")
