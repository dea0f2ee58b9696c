"""Copying: the message tells the user what really happened, and the text when unsure."""

from __future__ import annotations

import base64
import subprocess
from collections.abc import Callable
from typing import Any

from readq.clipboard import copy_text, osc52_sequence

TEXT = 'https://arxiv.org/abs/2401.00001 "quoted" ünï'


class FakeRun:
    """Records calls; each tool exits with the code (or raises the exception) given."""

    def __init__(self, outcomes: dict[str, int | BaseException]) -> None:
        self.outcomes = outcomes
        self.calls: list[tuple[list[str], dict[str, Any]]] = []

    def __call__(self, argv: list[str], **kw: Any) -> subprocess.CompletedProcess[bytes]:
        self.calls.append((argv, kw))
        outcome = self.outcomes[argv[0]]
        if isinstance(outcome, BaseException):
            raise outcome
        return subprocess.CompletedProcess(argv, outcome)


def which_of(*tools: str) -> Callable[[str], str | None]:
    return lambda name: f"/usr/bin/{name}" if name in tools else None


def test_xclip_that_exits_0_copies() -> None:
    run = FakeRun({"xclip": 0})
    sent: list[str] = []
    result = copy_text(
        TEXT, osc52_writer=sent.append, env={"DISPLAY": ":0"}, which=which_of("xclip"), run=run
    )
    assert result.message == "Copied with xclip"
    assert result.confirmed and result.worked == ("xclip",)
    argv, kw = run.calls[0]
    assert argv == ["xclip", "-selection", "clipboard"]
    assert kw["input"] == TEXT.encode("utf-8")
    assert kw["timeout"] == 2
    # output never reaches the terminal (and xclip's forked child cannot hang a pipe)
    assert kw["stdout"] == kw["stderr"] == subprocess.DEVNULL
    assert sent == []  # no OSC 52 when a tool confirmed it


def test_failing_xclip_falls_through_to_xsel() -> None:
    run = FakeRun({"xclip": 1, "xsel": 0})
    result = copy_text(TEXT, env={"DISPLAY": ":0"}, which=which_of("xclip", "xsel"), run=run)
    assert result.message == "Copied with xsel"
    assert [a.method for a in result.attempts] == ["xclip", "xsel"]
    assert not result.attempts[0].ok


def test_timeout_is_a_failure() -> None:
    run = FakeRun({"wl-copy": subprocess.TimeoutExpired("wl-copy", 2), "xclip": 0})
    env = {"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}
    result = copy_text(TEXT, env=env, which=which_of("wl-copy", "xclip"), run=run)
    assert result.message == "Copied with xclip"
    assert "2 s" in result.attempts[0].detail


def test_all_tools_fail_without_osc52_says_so_with_the_text() -> None:
    run = FakeRun({"xclip": 1, "xsel": FileNotFoundError(2, "No such file or directory")})
    result = copy_text(TEXT, env={"DISPLAY": ":0"}, which=which_of("xclip", "xsel"), run=run)
    assert not result.confirmed
    assert result.message.startswith("Could not copy")
    assert "xclip" in result.message and result.message.endswith(TEXT)


def test_tools_need_their_display() -> None:
    run = FakeRun({})
    result = copy_text(TEXT, env={}, which=which_of("xclip", "xsel", "wl-copy"), run=run)
    assert run.calls == []
    assert not result.confirmed and result.message.endswith(TEXT)


def test_pbcopy_on_macos_gets_a_utf8_locale() -> None:
    run = FakeRun({"pbcopy": 0})
    result = copy_text(TEXT, env={}, which=which_of("pbcopy"), run=run, platform="darwin")
    assert result.message == "Copied with pbcopy"
    assert run.calls[0][1]["env"]["LC_CTYPE"] == "UTF-8"


def test_only_osc52_is_not_claimed_as_copied() -> None:
    sent: list[str] = []
    result = copy_text(TEXT, osc52_writer=sent.append, env={}, which=which_of(), run=FakeRun({}))
    assert not result.confirmed and result.osc52_sent
    assert result.message == (
        "Sent to the terminal clipboard (OSC 52); if it did not arrive, the text is: " + TEXT
    )
    assert sent == [osc52_sequence(TEXT)]


def test_no_tools_in_tmux_says_not_confirmed_and_gives_the_text() -> None:
    sent: list[str] = []
    env = {"TMUX": "/tmp/tmux-1000/default,123,0"}
    result = copy_text(TEXT, osc52_writer=sent.append, env=env, which=which_of(), run=FakeRun({}))
    assert result.in_tmux and not result.confirmed
    assert "not confirmed" in result.message and "tmux" in result.message
    assert "allow-passthrough" in result.message
    assert result.message.endswith(TEXT)
    assert "\x1bPtmux;" in sent[0]


def test_over_ssh_osc52_is_sent_even_when_a_remote_tool_worked() -> None:
    sent: list[str] = []
    env = {"DISPLAY": "localhost:10.0", "SSH_CONNECTION": "1 2 3 4"}
    result = copy_text(
        TEXT, osc52_writer=sent.append, env=env, which=which_of("xclip"), run=FakeRun({"xclip": 0})
    )
    assert result.message == "Copied with xclip"
    assert result.osc52_sent and len(sent) == 1


def test_osc52_writer_failure_is_reported() -> None:
    def broken(_seq: str) -> None:
        raise BrokenPipeError(32, "Broken pipe")

    result = copy_text(TEXT, osc52_writer=broken, env={}, which=which_of(), run=FakeRun({}))
    assert not result.osc52_sent and not result.confirmed
    assert result.message.startswith("Could not copy") and result.message.endswith(TEXT)


def test_osc52_sequence_encodes_utf8_base64() -> None:
    seq = osc52_sequence("héllo")
    assert seq.startswith("\x1b]52;c;") and seq.endswith("\a")
    assert base64.b64decode(seq[len("\x1b]52;c;") : -1]).decode("utf-8") == "héllo"


def test_osc52_in_tmux_sends_plain_and_passthrough_with_escapes_doubled() -> None:
    plain = osc52_sequence("x")
    seq = osc52_sequence("x", tmux=True)
    assert seq.startswith(plain)
    wrapped = seq[len(plain) :]
    assert wrapped == "\x1bPtmux;" + plain.replace("\x1b", "\x1b\x1b") + "\x1b\\"
