"""The export dialog remembers the last path and writes BibTeX for a .bib file."""

from __future__ import annotations

import bibtexparser
from textual.widgets import Input
from tuihelpers import SIZE, numbered_papers, settle

from readq.config import load_settings, save_setting


async def test_export_dialog_proposes_the_remembered_path(make_app, home, tmp_path):
    papers = numbered_papers(3)
    remembered = tmp_path / "refs" / "reading.bib"
    save_setting("export_path", str(remembered))
    app = make_app(papers, states={papers[0].id: {"starred": True}})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        field = app.screen.query_one(Input)
        assert field.value == str(remembered)
        await pilot.press("enter")
        await settle(pilot)
    entries = bibtexparser.loads(remembered.read_text("utf-8")).entries
    assert [e["title"] for e in entries] == [papers[0].title]


async def test_an_export_from_the_dialog_is_remembered(make_app, home):
    papers = numbered_papers(2)
    app = make_app(papers, states={papers[1].id: {"starred": True}})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        field = app.screen.query_one(Input)
        field.value = str(home / "mine.md")
        await pilot.press("enter")
        await settle(pilot)
    assert (home / "mine.md").exists()
    assert load_settings()[0].export_path == str(home / "mine.md")
