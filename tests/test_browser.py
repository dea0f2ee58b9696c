"""Opening a page: a browser starts detached and silent, or the user gets the URL."""

from __future__ import annotations

import subprocess
import webbrowser
from collections.abc import Callable
from typing import Any

import pytest

from readq.browser import is_web_url, open_url

URL = "https://arxiv.org/abs/2401.00001"
LINUX_DESKTOP = {"DISPLAY": ":0"}


class FakeProc:
    def __init__(self, code: int | None) -> None:
        self.code = code

    def wait(self, timeout: float | None = None) -> int:
        if self.code is None:
            raise subprocess.TimeoutExpired("x", timeout or 0)
        return self.code


class FakePopen:
    """Each program exits with the code given (None: still running after the wait)."""

    def __init__(self, codes: dict[str, int | None]) -> None:
        self.codes = codes
        self.calls: list[tuple[list[str], dict[str, Any]]] = []

    def __call__(self, argv: list[str], **kw: Any) -> FakeProc:
        self.calls.append((argv, kw))
        return FakeProc(self.codes[argv[0]])


def which_of(*tools: str) -> Callable[[str], str | None]:
    return lambda name: f"/usr/bin/{name}" if name in tools else None


def no_webbrowser() -> webbrowser.BaseBrowser:
    raise webbrowser.Error("could not locate runnable browser")


def opener(env: dict[str, str], tools: tuple[str, ...], popen: FakePopen, **kw: Any) -> Any:
    return open_url(
        URL,
        env=env,
        platform=kw.pop("platform", "linux"),
        which=which_of(*tools),
        popen=popen,
        get_browser=kw.pop("get_browser", no_webbrowser),
        settle=0,
    )


def test_xdg_open_on_a_desktop_opens_detached_and_silent() -> None:
    popen = FakePopen({"xdg-open": 0})
    result = opener(LINUX_DESKTOP, ("xdg-open",), popen)
    assert result.opened
    assert result.message == "Opened in the browser (xdg-open)"
    argv, kw = popen.calls[0]
    assert argv == ["xdg-open", URL]
    assert kw["stdin"] == kw["stdout"] == kw["stderr"] == subprocess.DEVNULL
    assert kw["start_new_session"] is True


def test_a_launcher_that_fails_at_once_falls_through() -> None:
    popen = FakePopen({"xdg-open": 3, "firefox": None})  # firefox keeps running: fine
    result = opener(LINUX_DESKTOP, ("xdg-open", "firefox"), popen)
    assert result.opened and result.command == ("firefox", URL)


def test_ssh_without_display_does_not_open_and_gives_the_url() -> None:
    popen = FakePopen({})
    env = {"SSH_CONNECTION": "10.0.0.1 5000 10.0.0.2 22", "SSH_TTY": "/dev/pts/1"}
    result = opener(env, ("xdg-open", "firefox"), popen)
    assert not result.opened
    assert result.message == f"No browser here: {URL}"
    assert "SSH" in result.reason
    assert popen.calls == []


def test_ssh_with_x_forwarding_opens() -> None:
    env = {"SSH_CONNECTION": "1 2 3 4", "DISPLAY": "localhost:10.0"}
    assert opener(env, ("xdg-open",), FakePopen({"xdg-open": 0})).opened


def test_no_display_on_linux_does_not_open() -> None:
    result = opener({}, ("xdg-open",), FakePopen({}))
    assert not result.opened and result.message == f"No browser here: {URL}"
    assert "display" in result.reason


def test_only_console_browsers_are_refused() -> None:
    popen = FakePopen({})
    result = opener(LINUX_DESKTOP, ("lynx", "w3m"), popen)
    assert not result.opened and result.message.endswith(URL)
    assert "console" in result.reason and "lynx" in result.reason
    assert popen.calls == []


def test_webbrowser_error_means_no_browser() -> None:
    result = opener(LINUX_DESKTOP, (), FakePopen({}))
    assert not result.opened and result.message == f"No browser here: {URL}"


def test_console_browser_found_by_webbrowser_is_refused() -> None:
    popen = FakePopen({})
    result = opener(
        LINUX_DESKTOP,
        ("w3m",),
        popen,
        get_browser=lambda: webbrowser.GenericBrowser("w3m"),
    )
    assert not result.opened and popen.calls == []


def test_browser_found_by_webbrowser_is_started_by_us() -> None:
    popen = FakePopen({"epiphany": None})
    result = opener(
        LINUX_DESKTOP,
        ("epiphany",),
        popen,
        get_browser=lambda: webbrowser.BackgroundBrowser("epiphany"),
    )
    assert result.opened and popen.calls[0][0] == ["epiphany", URL]
    assert popen.calls[0][1]["stderr"] == subprocess.DEVNULL


def test_browser_env_is_tried_first_with_its_placeholder() -> None:
    popen = FakePopen({"my-browser": 0, "xdg-open": 0})
    env = {**LINUX_DESKTOP, "BROWSER": "my-browser --new-tab %s"}
    result = opener(env, ("my-browser", "xdg-open"), popen)
    assert result.opened and popen.calls[0][0] == ["my-browser", "--new-tab", URL]


def test_browser_env_works_without_a_display() -> None:
    # e.g. a script that sends the URL back to the user's own machine over SSH
    popen = FakePopen({"remote-open": 0})
    result = opener({"SSH_TTY": "/dev/pts/1", "BROWSER": "remote-open"}, ("remote-open",), popen)
    assert result.opened and popen.calls[0][0] == ["remote-open", URL]


def test_console_browser_in_browser_env_is_skipped() -> None:
    popen = FakePopen({"xdg-open": 0})
    env = {**LINUX_DESKTOP, "BROWSER": "w3m"}
    result = opener(env, ("w3m", "xdg-open"), popen)
    assert result.opened and popen.calls[0][0][0] == "xdg-open"
    only_w3m = opener({"BROWSER": "w3m"}, ("w3m",), FakePopen({}))
    assert not only_w3m.opened and "console" in only_w3m.reason


def test_macos_uses_open_but_not_over_ssh() -> None:
    popen = FakePopen({"open": 0})
    assert opener({}, ("open",), popen, platform="darwin").opened
    assert popen.calls[0][0] == ["open", URL]
    over_ssh = opener({"SSH_CONNECTION": "1 2 3 4"}, ("open",), FakePopen({}), platform="darwin")
    assert not over_ssh.opened and over_ssh.message.endswith(URL)


def test_a_launcher_that_cannot_start_is_a_failure() -> None:
    class Missing(FakePopen):
        def __call__(self, argv: list[str], **kw: Any) -> FakeProc:
            raise FileNotFoundError(2, "No such file or directory")

    result = opener(LINUX_DESKTOP, ("xdg-open",), Missing({}))
    assert not result.opened and "xdg-open" in result.reason


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "javascript:alert(1)",
        "ftp://example.org/x",
        "https://",
        "https://exa mple.org",
        "https://example.org/\nx",
        "",
    ],
)
def test_only_http_urls_are_opened(url: str) -> None:
    popen = FakePopen({"xdg-open": 0})
    result = open_url(url, env=LINUX_DESKTOP, which=which_of("xdg-open"), popen=popen)
    assert not result.opened and popen.calls == []
    assert not is_web_url(url)


def test_http_and_https_urls_are_web_urls() -> None:
    assert is_web_url("http://example.org")
    assert is_web_url("HTTPS://arxiv.org/abs/1?x=1#y")
