"""Settings a user keeps in config.toml: readq always starts, and never eats the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from readq import config
from readq.config import ConfigError, Settings, describe, load_settings, save_setting, tomllib


@pytest.fixture
def cfg(tmp_path: Path) -> Path:
    return tmp_path / "conf" / "config.toml"


def test_missing_file_gives_defaults_without_complaint(cfg: Path) -> None:
    assert load_settings(cfg) == (Settings(), [])


def test_config_path_is_in_the_user_config_dir(tmp_path: Path) -> None:
    # conftest points XDG_CONFIG_HOME at the tmp dir
    assert config.config_path() == tmp_path / "xdg-config" / "readq" / "config.toml"


def test_readq_config_env_overrides_the_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine = tmp_path / "elsewhere.toml"
    mine.write_text('theme = "nord"\n', encoding="utf-8")
    monkeypatch.setenv("READQ_CONFIG", str(mine))
    assert config.config_path() == mine
    settings, problems = load_settings()
    assert settings.theme == "nord" and problems == []
    save_setting("split", 30)
    assert "split = 30" in mine.read_text(encoding="utf-8")


def test_all_settings_are_read(cfg: Path) -> None:
    cfg.parent.mkdir()
    cfg.write_text(
        'theme = "gruvbox"\ndefault_view = "starred"\nsort = "title"\n'
        'export_path = "~/papers.md"\nexport_order = "published"\nsplit = 35\n'
        'detail_visible = false\n\n[keys]\nquit = "ctrl+q"\n"app.help" = ["f1", "?"]\n',
        encoding="utf-8",
    )
    settings, problems = load_settings(cfg)
    assert problems == []
    assert settings == Settings(
        theme="gruvbox",
        default_view="starred",
        sort="title",
        export_path="~/papers.md",
        export_order="published",
        split=35,
        detail_visible=False,
        keys={"quit": "ctrl+q", "app.help": "f1,?"},
    )


def test_broken_toml_gives_one_line_naming_file_and_line_and_defaults(cfg: Path) -> None:
    cfg.parent.mkdir()
    cfg.write_text('theme = "nord"\nsplit = 40\nsort = \n', encoding="utf-8")
    settings, problems = load_settings(cfg)
    assert settings == Settings()
    assert len(problems) == 1
    assert "\n" not in problems[0]
    assert f"{cfg} line 3" in problems[0]
    assert "config.toml line 3" in problems[0]
    assert "default" in problems[0]


def test_unterminated_string_at_the_end_still_names_a_line(cfg: Path) -> None:
    cfg.parent.mkdir()
    cfg.write_text('split = 40\ntheme = "nord', encoding="utf-8")
    settings, problems = load_settings(cfg)
    assert settings == Settings()
    assert len(problems) == 1 and "config.toml line 2" in problems[0]


def test_not_utf8_is_one_line_too(cfg: Path) -> None:
    cfg.parent.mkdir()
    cfg.write_bytes(b'split = 40\ntheme = "\xff"\n')
    settings, problems = load_settings(cfg)
    assert settings == Settings()
    assert problems == [f"{cfg} line 2: not UTF-8 text; using the default settings"]


def test_wrong_type_warns_naming_the_key_and_defaults_that_key_only(cfg: Path) -> None:
    cfg.parent.mkdir()
    cfg.write_text('split = "wide"\ntheme = "nord"\n', encoding="utf-8")
    settings, problems = load_settings(cfg)
    assert settings.split == 50 and settings.theme == "nord"
    assert len(problems) == 1 and "split" in problems[0] and "config.toml" in problems[0]


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ("split = true", "split"),
        ("split = 95", "split"),
        ("detail_visible = 1", "detail_visible"),
        ('default_view = "later"', "default_view"),
        ('sort = "random"', "sort"),
        ('export_order = "alpha"', "export_order"),
        ('theme = ""', "theme"),
    ],
)
def test_bad_values_fall_back_to_that_default(cfg: Path, line: str, key: str) -> None:
    cfg.parent.mkdir()
    cfg.write_text(line + '\nexport_path = "out.md"\n', encoding="utf-8")
    settings, problems = load_settings(cfg)
    assert getattr(settings, key) == getattr(Settings(), key)
    assert settings.export_path == "out.md"
    assert len(problems) == 1 and key in problems[0]


def test_unknown_key_warns_with_a_suggestion(cfg: Path) -> None:
    cfg.parent.mkdir()
    cfg.write_text('them = "nord"\nsplit = 30\n', encoding="utf-8")
    settings, problems = load_settings(cfg)
    assert settings.split == 30
    assert len(problems) == 1
    assert "'them'" in problems[0] and "'theme'" in problems[0]


def test_bad_key_binding_is_dropped_alone(cfg: Path) -> None:
    cfg.parent.mkdir()
    cfg.write_text('[keys]\nquit = 3\nhelp = "f1"\n', encoding="utf-8")
    settings, problems = load_settings(cfg)
    assert settings.keys == {"help": "f1"}
    assert len(problems) == 1 and "keys.quit" in problems[0]


def test_sort_names_can_be_supplied(cfg: Path) -> None:
    cfg.parent.mkdir()
    cfg.write_text('sort = "newest"\n', encoding="utf-8")
    assert load_settings(cfg, sorts={"newest"})[0].sort == "newest"
    assert load_settings(cfg)[1]  # not a known sort by default


def test_save_creates_the_file(cfg: Path) -> None:
    save_setting("theme", "nord", cfg)
    assert load_settings(cfg) == (Settings(theme="nord"), [])


def test_save_keeps_other_keys_comments_and_the_keys_table(cfg: Path) -> None:
    cfg.parent.mkdir()
    cfg.write_text(
        '# my readq\ntheme = "nord"  # dark\nsplit = 40\nmystery = 7\n\n'
        '[keys]\n# quit fast\nquit = "ctrl+q"\n',
        encoding="utf-8",
    )
    save_setting("split", 65, cfg)
    save_setting("detail_visible", False, cfg)
    text = cfg.read_text(encoding="utf-8")
    assert "# my readq" in text and "# dark" in text and "# quit fast" in text
    data = tomllib.loads(text)
    assert data == {
        "theme": "nord",
        "split": 65,
        "mystery": 7,
        "detail_visible": False,
        "keys": {"quit": "ctrl+q"},
    }


def test_save_keys_replaces_the_table_and_keeps_the_rest(cfg: Path) -> None:
    cfg.parent.mkdir()
    cfg.write_text('theme = "nord"\n\n[keys]\nquit = "ctrl+q"\n', encoding="utf-8")
    save_setting("keys", {"quit": "q", "app.help": "f1,?"}, cfg)
    settings, problems = load_settings(cfg)
    assert problems == []
    assert settings.theme == "nord"
    assert settings.keys == {"quit": "q", "app.help": "f1,?"}


def test_export_path_can_be_unset(cfg: Path) -> None:
    save_setting("export_path", "/tmp/x.md", cfg)
    save_setting("export_path", None, cfg)
    assert load_settings(cfg)[0].export_path is None


def test_save_refuses_to_overwrite_a_broken_file(cfg: Path) -> None:
    cfg.parent.mkdir()
    broken = 'theme = "nord"\nsplit = \n# hours of careful edits\n'
    cfg.write_text(broken, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"config\.toml line 2.*not saved"):
        save_setting("theme", "gruvbox", cfg)
    assert cfg.read_text(encoding="utf-8") == broken


def test_save_rejects_bad_values_and_unknown_keys(cfg: Path) -> None:
    with pytest.raises(ValueError, match="split"):
        save_setting("split", 5, cfg)
    with pytest.raises(ValueError, match="unknown"):
        save_setting("colour", "red", cfg)
    assert not cfg.exists()


def test_save_writes_through_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "dotfiles" / "readq.toml"
    real.parent.mkdir()
    real.write_text('theme = "nord"\n', encoding="utf-8")
    link = tmp_path / "config.toml"
    link.symlink_to(real)
    save_setting("split", 70, link)
    assert link.is_symlink()
    assert load_settings(real)[0] == Settings(theme="nord", split=70)


@pytest.mark.parametrize(
    "value",
    [
        'say "hi"',
        "C:\\Users\\me\\papers.md",
        "ünïcødé — 論文 🐍",
        "tab\there\nnewline\r\x00\x1f\x7f",
        "'''",
        '"""',
        "\\u0041 not an escape",
    ],
)
def test_strings_round_trip(cfg: Path, value: str) -> None:
    save_setting("export_path", value, cfg)
    save_setting("keys", {value: value}, cfg)
    settings, problems = load_settings(cfg)
    assert problems == []
    assert settings.export_path == value
    assert settings.keys == {value: value}


def test_unusual_layout_falls_back_to_a_clean_rewrite(cfg: Path) -> None:
    cfg.parent.mkdir()
    cfg.write_text('export_path = """\nmulti\nline"""\nsplit = 30\n', encoding="utf-8")
    save_setting("export_path", "one.md", cfg)
    assert load_settings(cfg) == (Settings(export_path="one.md", split=30), [])


def test_describe_shows_the_path_and_effective_settings(cfg: Path) -> None:
    text = describe(Settings(theme="nord", keys={"quit": "q"}), cfg)
    assert str(cfg) in text and "does not exist" in text
    assert 'theme = "nord"' in text
    assert "split = 50  # default" in text
    assert "[keys]" in text and 'quit = "q"' in text
    save_setting("theme", "nord", cfg)
    assert "does not exist" not in describe(load_settings(cfg)[0], cfg)
