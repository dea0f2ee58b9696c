"""``o`` offers every link of a paper (number keys pick one) and ``y`` copies; both run
on a thread and say what really happened, with fakes for the browser and clipboard."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from functools import partial
from typing import Any

from tuihelpers import SIZE, paper, settle

from readq import browser, clipboard
from readq.tui.screens.links import CopyByHand, LinkPicker, paper_links
from readq.tui.screens.main import MainScreen
from readq.tui.screens.outside import OutsideActions

REAL_OPEN = browser.open_url
REAL_COPY = clipboard.copy_text


class FakeProc:
    def __init__(self, code: int | None) -> None:
        self.code = code

    def wait(self, timeout: float | None = None) -> int:
        if self.code is None:
            raise subprocess.TimeoutExpired("browser", timeout or 0)
        return self.code


def fake_browser(monkeypatch, *, env: dict[str, str], tools: set[str], code: int | None = None):
    """``open_url`` with a fake environment; records the commands it starts."""
    started: list[list[str]] = []

    def popen(argv: list[str], **_: Any) -> FakeProc:
        started.append(argv)
        return FakeProc(code)

    monkeypatch.setattr(
        browser,
        "open_url",
        partial(
            REAL_OPEN,
            env=env,
            platform="linux",
            which=lambda name: f"/usr/bin/{name}" if name in tools else None,
            popen=popen,
            get_browser=lambda: (_ for _ in ()).throw(browser.webbrowser.Error("none")),
        ),
    )
    return started


def fake_clipboard(monkeypatch, *, env: dict[str, str], tools: set[str], code: int = 0):
    copied: list[tuple[list[str], bytes]] = []

    def run(argv: list[str], **kw: Any) -> subprocess.CompletedProcess[bytes]:
        copied.append((argv, kw["input"]))
        return subprocess.CompletedProcess(argv, code)

    monkeypatch.setattr(
        clipboard,
        "copy_text",
        partial(
            REAL_COPY,
            env=env,
            which=lambda name: f"/usr/bin/{name}" if name in tools else None,
            run=run,
            platform="linux",
        ),
    )
    return copied


def messages(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


API_FIELDS = {
    "arxiv_id": "2411.01234",
    "github": "https://github.com/a/b",
    "project_page": "https://a.github.io/b",
}


def fetched_paper():
    links = ("https://arxiv.org/abs/2411.01234", "https://example.org/blog")
    return paper("Fetched Paper", day=6, links=links)


def with_api_fields(app, pid: str) -> None:
    """The catalog does not store the API's fields yet (another branch): set them."""
    entries = app.library.entries
    entries[pid] = replace(entries[pid], **API_FIELDS)


def test_paper_links_with_and_without_an_arxiv_id():
    from readq.importing import new_entry

    entry = replace(new_entry(fetched_paper(), "2026-11-20T00:00:00Z"), **API_FIELDS)
    assert paper_links(entry) == [
        ("Hugging Face", "https://huggingface.co/papers/2411.01234"),
        ("arXiv", "https://arxiv.org/abs/2411.01234"),
        ("PDF", "https://arxiv.org/pdf/2411.01234"),
        ("Code", "https://github.com/a/b"),
        ("Project page", "https://a.github.io/b"),
        ("Link", "https://example.org/blog"),
    ]
    plain = new_entry(paper("Plain Paper", links=("javascript:x", "https://x.org")), "")
    assert paper_links(plain) == [
        ("Hugging Face search", "https://huggingface.co/papers?q=Plain+Paper"),
        ("Link", "https://x.org"),
    ]


async def test_o_offers_every_link_and_a_number_key_opens_one(make_app, monkeypatch):
    started = fake_browser(monkeypatch, env={"DISPLAY": ":0"}, tools={"xdg-open"})
    app = make_app([fetched_paper(), paper("Plain Paper", day=5)])
    with_api_fields(app, fetched_paper().id)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        assert isinstance(app.screen, LinkPicker)
        assert app.screen.links[:3] == [
            "https://huggingface.co/papers/2411.01234",
            "https://arxiv.org/abs/2411.01234",
            "https://arxiv.org/pdf/2411.01234",
        ]
        await pilot.press("3")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert started == [["xdg-open", "https://arxiv.org/pdf/2411.01234"]]
        assert any("Opened in the browser (xdg-open)" in m for m in messages(app))
        await pilot.press("o", "down", "enter")  # the arrow keys and enter still work
        await settle(pilot)
        assert started[-1] == ["xdg-open", "https://arxiv.org/abs/2411.01234"]
        await pilot.press("j", "o")  # one link only: no menu
        await settle(pilot)
        assert started[-1] == ["xdg-open", "https://huggingface.co/papers?q=Plain+Paper"]


async def test_without_a_browser_o_shows_and_copies_the_url(make_app, monkeypatch):
    started = fake_browser(monkeypatch, env={"SSH_CONNECTION": "1 2 3 4"}, tools=set())
    copied = fake_clipboard(monkeypatch, env={}, tools=set())
    app = make_app([paper("Plain Paper")])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert started == [] and copied == []
        assert isinstance(app.screen, CopyByHand)
        assert app.screen.text == "https://huggingface.co/papers?q=Plain+Paper"
        assert "SSH" in app.screen.detail
        assert not any("Opened" in m for m in messages(app))
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
    # with a clipboard tool, the URL is copied and said, no dialog
    copied = fake_clipboard(monkeypatch, env={"DISPLAY": ":0"}, tools={"xclip"})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert copied[0][1] == b"https://huggingface.co/papers?q=Plain+Paper"
        assert any("No browser here" in m and "copied with xclip" in m for m in messages(app))


async def test_y_copies_the_arxiv_link_and_says_which_tool(make_app, monkeypatch):
    copied = fake_clipboard(monkeypatch, env={"WAYLAND_DISPLAY": "w"}, tools={"wl-copy"})
    app = make_app([fetched_paper(), paper("Linked Paper", day=4, links=("https://g.h/x",))])
    with_api_fields(app, fetched_paper().id)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert copied[-1] == (["wl-copy"], b"Fetched Paper\nhttps://arxiv.org/abs/2411.01234")
        assert any("Copied with wl-copy" in m for m in messages(app))
        await pilot.press("j", "y")
        await settle(pilot)
        assert copied[-1][1] == b"Linked Paper\nhttps://g.h/x"


async def test_y_with_only_osc52_keeps_the_text_on_screen(make_app, monkeypatch):
    fake_clipboard(monkeypatch, env={"TMUX": "/tmp/t"}, tools=set())
    app = make_app([paper("Plain Paper")])
    async with app.run_test(size=SIZE) as pilot:
        written: list[str] = []
        monkeypatch.setattr(app._driver, "write", written.append)
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert any(w.startswith("\x1b]52;c;") for w in written)
        note = next(m for m in messages(app) if "OSC 52" in m)
        assert "not confirmed" in note and "set-clipboard on" in note
        assert "Plain Paper\nhttps://huggingface.co/papers?q=Plain+Paper" in note


async def test_y_with_no_clipboard_at_all_shows_the_text_to_select(make_app, monkeypatch):
    fake_clipboard(monkeypatch, env={"DISPLAY": ":0"}, tools={"xclip"}, code=1)
    app = make_app([paper("Plain Paper")])
    async with app.run_test(size=SIZE) as pilot:
        # no terminal to send OSC 52 to
        monkeypatch.setattr(OutsideActions, "terminal_writer", lambda self: None)
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, CopyByHand)
        assert app.screen.text == "Plain Paper\nhttps://huggingface.co/papers?q=Plain+Paper"
        assert "xclip: exit status 1" in app.screen.detail
