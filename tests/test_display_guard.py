"""Issue #13.8: bidi overrides and zero-width characters that reached the store (a pasted
listing keeps them) are neutralized wherever text is shown: list, show, the TUI, export."""

from __future__ import annotations

from pathlib import Path

import pytest

from readq.cli import main
from readq.text import for_display

RLO, ZWSP, PDF = "\u202e", "\u200b", "\u202c"
TITLE = f"Safe Title {RLO}gnp.exe{PDF} With Hidden{ZWSP}Marks"
PAGE = (
    f"{TITLE}\n\nWe study how invisible characters change what a reader sees in a title.\n"
    "  • 3 authors\n·\nNov 3, 2024\n\n"
    "A Second Ordinary Paper\n\nAnother abstract that is long enough to be an abstract.\n"
    "  • 2 authors\n·\nNov 4, 2024\n"
)


def test_for_display_removes_direction_and_width_tricks_but_keeps_joiners() -> None:
    assert for_display(TITLE) == "Safe Title gnp.exe With HiddenMarks"
    family = "\U0001f469\u200d\U0001f469\u200d\U0001f467"  # a ZWJ emoji sequence
    assert for_display(family) == family


def test_list_show_and_export_never_print_a_bidi_override(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    page = tmp_path / "page.txt"
    page.write_text(PAGE, encoding="utf-8")
    assert main(["add", str(page)]) == 0
    assert main(["star", "--all"]) == 0
    capsys.readouterr()
    assert main(["list"]) == 0
    listed = capsys.readouterr().out
    pid = next(line.split()[0] for line in listed.splitlines() if "Safe Title" in line)
    assert main(["show", pid]) == 0
    shown = capsys.readouterr().out
    assert main(["export"]) == 0
    exported = capsys.readouterr().out
    for text in (listed, shown, exported):
        assert "Safe Title" in text
        assert RLO not in text and PDF not in text and ZWSP not in text


async def test_the_reading_queue_shows_no_bidi_override(tmp_path: Path) -> None:
    from readq import listing
    from readq.library import Library
    from readq.tui.app import ReadqApp

    lib = Library.open(tmp_path / "data")
    lib.import_papers(listing.parse_text(PAGE).papers)
    app = ReadqApp(lib, poll_interval=0)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        plist = app.screen.paper_list
        rows = [plist.render_line(y).text for y in range(2)]
        assert any("Safe Title" in r for r in rows)
        assert not any(RLO in r or ZWSP in r for r in rows)
        details = app.screen.details.text
        assert RLO not in details and ZWSP not in details
