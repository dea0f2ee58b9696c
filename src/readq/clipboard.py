"""Copying text, and saying honestly whether it worked.

A clipboard tool (wl-copy, xclip, xsel, pbcopy) that exits 0 has copied the text. OSC 52
(asking the terminal to set the clipboard) can never be confirmed: many terminals ignore
it, and tmux drops it with its default settings. So when only OSC 52 was possible the
message says so and carries the text, and the TUI shows it for the user to copy by hand.
"""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

TOOL_TIMEOUT = 2.0  # seconds; a tool that hangs (no X server answering) is a failure
OSC52 = "OSC 52"
TMUX_HINT = "tmux passes it on only with 'set-clipboard on' or 'allow-passthrough on'"

Which = Callable[[str], str | None]
Run = Callable[..., "subprocess.CompletedProcess[Any]"]


@dataclass(frozen=True)
class Attempt:
    """One method tried: its name, whether it is confirmed to have worked, and why not."""

    method: str
    ok: bool
    detail: str = ""


@dataclass(frozen=True)
class CopyResult:
    """What happened. ``confirmed`` is false when nobody can say the text arrived: then
    the TUI should show ``text`` so the user can copy it by hand."""

    text: str
    attempts: tuple[Attempt, ...]
    osc52_sent: bool
    in_tmux: bool
    message: str

    @property
    def confirmed(self) -> bool:
        return any(a.ok for a in self.attempts)

    @property
    def worked(self) -> tuple[str, ...]:
        """The methods confirmed to have copied (OSC 52 is never among them)."""
        return tuple(a.method for a in self.attempts if a.ok)


def in_tmux(env: Mapping[str, str]) -> bool:
    return bool(env.get("TMUX"))


def in_ssh(env: Mapping[str, str]) -> bool:
    return bool(env.get("SSH_CONNECTION") or env.get("SSH_TTY") or env.get("SSH_CLIENT"))


def osc52_sequence(text: str, *, tmux: bool = False) -> str:
    """The escape sequence asking the terminal to put ``text`` on the clipboard.

    Inside tmux the plain sequence reaches the outer terminal only with
    ``set-clipboard on`` (the default, ``external``, ignores applications), and the
    wrapped ``ESC P tmux; ... ESC \\`` one only with ``allow-passthrough on`` (default
    off). Both are sent: whichever the user enabled works, and tmux silently drops the
    other, so nothing stray reaches the screen.
    """
    payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
    plain = f"\x1b]52;c;{payload}\a"
    if not tmux:
        return plain
    inner = plain.replace("\x1b", "\x1b\x1b")  # every ESC inside passthrough is doubled
    return plain + f"\x1bPtmux;{inner}\x1b\\"


def clipboard_tools(env: Mapping[str, str], platform: str = sys.platform) -> list[list[str]]:
    """The commands worth trying here, best first (each reads the text on stdin)."""
    tools: list[list[str]] = []
    if platform == "darwin":
        tools.append(["pbcopy"])
    if env.get("WAYLAND_DISPLAY"):
        tools.append(["wl-copy"])
    if env.get("DISPLAY"):
        tools += [["xclip", "-selection", "clipboard"], ["xsel", "--clipboard", "--input"]]
    return tools


def _run_tool(argv: Sequence[str], text: str, env: Mapping[str, str], run: Run) -> Attempt:
    name = argv[0]
    tool_env = dict(env)
    if name == "pbcopy":
        tool_env.setdefault("LC_CTYPE", "UTF-8")  # else pbcopy mangles non-ASCII text
    try:
        # stdout/stderr to DEVNULL: xclip and wl-copy fork a child that keeps serving the
        # selection; a captured pipe would stay open and hang us, and a terminal would
        # get their chatter across the TUI. A new session keeps that child alive after us.
        done = run(
            list(argv),
            input=text.encode("utf-8"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=TOOL_TIMEOUT,
            check=False,
            env=tool_env,
            start_new_session=True,
        )
    except subprocess.TimeoutExpired:
        return Attempt(name, False, f"no answer within {TOOL_TIMEOUT:g} s")
    except OSError as exc:
        return Attempt(name, False, exc.strerror or str(exc))
    if done.returncode != 0:
        return Attempt(name, False, f"exit status {done.returncode}")
    return Attempt(name, True)


def _message(
    text: str, worked: Sequence[str], osc52_sent: bool, tmux: bool, failed: Sequence[Attempt]
) -> str:
    if worked:
        return f"Copied with {worked[0]}"
    if osc52_sent:
        caveat = f", not confirmed: {TMUX_HINT}" if tmux else ""
        return (
            f"Sent to the terminal clipboard (OSC 52){caveat}; "
            f"if it did not arrive, the text is: {text}"
        )
    if failed:
        why = "; ".join(f"{a.method}: {a.detail}" for a in failed)
        return f"Could not copy ({why}); the text is: {text}"
    return f"No clipboard here; the text is: {text}"


def copy_text(
    text: str,
    *,
    osc52_writer: Callable[[str], object] | None = None,
    env: Mapping[str, str] = os.environ,
    which: Which = shutil.which,
    run: Run = subprocess.run,
    platform: str = sys.platform,
) -> CopyResult:
    """Copy ``text`` with the first clipboard tool that works; else (or over SSH, where a
    local tool fills the remote machine's clipboard) send OSC 52 through
    ``osc52_writer``, which must write the sequence to the terminal unchanged (in the
    TUI: the app's driver). May block up to ``TOOL_TIMEOUT`` per tool: call it from a
    worker thread in the TUI.
    """
    tmux = in_tmux(env)
    attempts: list[Attempt] = []
    for argv in clipboard_tools(env, platform):
        if which(argv[0]) is None:
            continue
        attempt = _run_tool(argv, text, env, run)
        attempts.append(attempt)
        if attempt.ok:
            break
    worked = [a.method for a in attempts if a.ok]
    osc52_sent = False
    if osc52_writer is not None and (not worked or in_ssh(env)):
        try:
            osc52_writer(osc52_sequence(text, tmux=tmux))
            osc52_sent = True
        except OSError as exc:
            attempts.append(Attempt(OSC52, False, exc.strerror or str(exc)))
    failed = [a for a in attempts if not a.ok]
    message = _message(text, worked, osc52_sent, tmux, failed)
    return CopyResult(text, tuple(attempts), osc52_sent, tmux, message)
