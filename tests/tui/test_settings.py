"""Settings: read at startup (a bad file never stops readq), applied, and what the user
changes in the reading queue remembered (issue #10.4)."""

from __future__ import annotations

from pathlib import Path

from tuihelpers import SIZE, current, header, numbered_papers, screen_of, settle

from readq import config
from readq.views import View


def _config(text: str) -> Path:
    path = config.config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


async def test_settings_are_applied_at_startup(make_app):
    _config(
        'theme = "nord"\ndefault_view = "all"\nsort = "upvotes"\nsplit = 70\n'
        'detail_visible = false\n[keys]\ntoggle-star = "x"\nview-starred = "9"\n'
    )
    papers = numbered_papers(6)
    app = make_app(papers, states={papers[0].id: {"read": True}})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = screen_of(app)
        assert app.theme == "nord"
        assert screen.view is View.ALL and screen.sort == "upvotes"
        assert "most upvoted" in header(app)
        assert screen.split == 70 and not screen.details_visible
        await pilot.press("x")  # the rebound star key
        await settle(pilot)
        assert app.library.state(current(app)).starred
        await pilot.press("9")
        assert screen.view is View.STARRED


async def test_a_broken_config_file_still_starts_and_says_why(make_app):
    _config("theme = \n")
    app = make_app(numbered_papers(3))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.problems and "using the default settings" in app.problems[0]
        assert any("config.toml" in n.message for n in app._notifications)
        assert len(screen_of(app).paper_list.rows) == 3


async def test_unknown_theme_and_key_ids_are_reported(make_app):
    _config('theme = "no-such-theme"\n[keys]\nfly = "f"\n')
    app = make_app(numbered_papers(3))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = " ".join(app.problems)
        assert "no-such-theme" in text and "fly" in text


async def test_theme_split_and_pane_changes_are_saved(make_app):
    app = make_app(numbered_papers(5))
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        screen = screen_of(app)
        assert screen.has_class("-wide")
        app.theme = "gruvbox"
        await pilot.press("greater_than_sign", "greater_than_sign")
        await pilot.press("D")
        await settle(pilot)
        assert screen.split == 60 and not screen.details_visible
        await pilot.press("D")
        await settle(pilot)
        assert screen.details_visible
        await pilot.press(*["less_than_sign"] * 10)  # never below the minimum
        await settle(pilot)
        assert screen.split == config.SPLIT_MIN
    settings, problems = config.load_settings()
    assert not problems
    assert settings.theme == "gruvbox"
    assert settings.split == config.SPLIT_MIN
    assert settings.detail_visible is True


async def test_the_demo_never_writes_the_config(make_app):
    app = make_app(numbered_papers(3), demo=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.theme = "gruvbox"
        await pilot.press("D")
        await settle(pilot)
    assert not config.config_path().exists()
