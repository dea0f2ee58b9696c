"""``readq config``: the settings file's path and the settings in effect; ``--edit``."""

from __future__ import annotations

from pathlib import Path

import pytest

from readq.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_config_prints_the_path_and_every_setting_in_effect(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "readq.toml"
    path.write_text('theme = "nord"\nsplit = 70\n', encoding="utf-8")
    monkeypatch.setenv("READQ_CONFIG", str(path))
    code, out, err = run(capsys, "config")
    assert code == 0 and err == ""
    assert str(path) in out.splitlines()[0]
    assert 'theme = "nord"' in out and "split = 70" in out
    assert 'sort = "new"  # default' in out


def test_a_broken_config_is_named_with_its_line_and_defaults_apply(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "readq.toml"
    path.write_text("split = 40\ntheme = \n", encoding="utf-8")
    monkeypatch.setenv("READQ_CONFIG", str(path))
    code, out, _ = run(capsys, "config")
    assert code == 0
    assert f"{path} line 2" in out
    assert "split = 50  # default" in out  # nothing of a broken file is trusted


def test_config_edit_creates_a_commented_file_and_opens_the_editor(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "sub" / "readq.toml"
    opened = tmp_path / "opened"
    monkeypatch.setenv("READQ_CONFIG", str(path))
    # the "editor" copies the file it was given: it must already hold the starter text
    monkeypatch.setenv("VISUAL", f"sh -c 'cp \"$0\" {opened}'")
    code, _, err = run(capsys, "config", "--edit")
    assert (code, err) == (0, "")
    assert "# theme" in opened.read_text("utf-8")  # created before the editor ran
    assert path.read_text("utf-8") == opened.read_text("utf-8")


def test_config_edit_says_when_the_editor_failed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("READQ_CONFIG", str(tmp_path / "readq.toml"))
    monkeypatch.setenv("VISUAL", "false")
    code, _, err = run(capsys, "config", "--edit")
    assert code == 1 and "editor" in err


def test_config_edit_reports_problems_left_in_the_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "readq.toml"
    path.write_text("split = 5\n", encoding="utf-8")
    monkeypatch.setenv("READQ_CONFIG", str(path))
    monkeypatch.setenv("VISUAL", "true")
    code, _, err = run(capsys, "config", "--edit")
    assert code == 65 and "split" in err
