"""The docs stay true: every command and every key is documented, README and CI agree."""

from __future__ import annotations

import re
from pathlib import Path

from readq.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def _subcommands() -> list[str]:
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return sorted(action.choices)  # type: ignore[union-attr,arg-type]


def test_every_cli_command_is_in_usage_md() -> None:
    usage = (DOCS / "usage.md").read_text(encoding="utf-8")
    missing = [c for c in _subcommands() if f"readq {c}" not in usage]
    assert not missing, f"docs/usage.md does not mention: {missing}"


def test_every_key_of_the_reading_queue_is_in_tui_md() -> None:
    """Every key of the one key table (app, main screen, list) is in both docs."""
    from readq.tui.keymap import COMMANDS, bindings

    doc = (DOCS / "tui.md").read_text(encoding="utf-8")
    usage = (DOCS / "usage.md").read_text(encoding="utf-8")
    shown = {"slash": "/", "question_mark": "?", "down": "↓", "up": "↑"}
    shown |= {"left_square_bracket": "[", "right_square_bracket": "]"}
    shown |= {"less_than_sign": "<", "greater_than_sign": ">"}
    missing = []
    for cmd in COMMANDS:
        for key in filter(None, cmd.keys.split(",")):
            text = shown.get(key, key)
            if f"`{text}`" not in doc or f"`{text}`" not in usage:
                missing.append(text)
    assert not missing, f"docs/tui.md or docs/usage.md do not document keys: {missing}"
    # and the table is what the app binds
    from readq.tui.app import ReadqApp
    from readq.tui.screens.main import MainScreen
    from readq.tui.widgets.paper_list import PaperList

    for cls, scope in ((ReadqApp, "app"), (MainScreen, "screen"), (PaperList, "list")):
        assert [b.key for b in cls.BINDINGS] == [b.key for b in bindings(scope)]


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"```sh\n(.*?)\n```", readme, re.S)
    test_cmd = next(c for c in commands if "pytest" in c)
    assert test_cmd.strip() in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert any("readq demo" in c for c in commands)


def test_changelog_has_an_unreleased_section() -> None:
    assert "## [Unreleased]" in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")


def test_every_api_function_is_in_api_md() -> None:
    import readq

    doc = (DOCS / "api.md").read_text(encoding="utf-8")
    functions = [n for n in readq.__all__ if n[0].islower() and not n.startswith("_")]
    assert functions, "readq exports no functions"
    missing = [n for n in functions if f"`{n}(" not in doc]
    assert not missing, f"docs/api.md does not document: {missing}"
