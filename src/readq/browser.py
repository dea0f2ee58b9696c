"""Opening a paper's web page, and saying honestly when there is no browser to open it.

``webbrowser.open`` is not used to start anything: it would pick a console browser (lynx,
w3m) that takes over the terminal under the TUI, its launchers inherit the terminal's
stdout/stderr (a browser's warnings would be drawn across the screen), and over SSH it
"succeeds" by starting nothing useful. readq starts the browser itself, detached, with
all output going to /dev/null, and when nothing suitable exists it says so with the
URL, so the caller can show it and copy it.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import webbrowser
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

SETTLE_SECONDS = 0.5  # a launcher failing at once (xdg-open: "no method") fails in this time
CONSOLE_BROWSERS = frozenset(
    {"lynx", "w3m", "links", "links2", "elinks", "www-browser", "browsh", "carbonyl"}
)
# Tried in order on Linux and the BSDs once a display is known to be there.
GRAPHICAL_LAUNCHERS: tuple[tuple[str, ...], ...] = (
    ("xdg-open", "%s"),
    ("gio", "open", "--", "%s"),
    ("x-www-browser", "%s"),
    ("firefox", "%s"),
    ("google-chrome", "%s"),
    ("chromium", "%s"),
    ("chromium-browser", "%s"),
)

Which = Callable[[str], str | None]
Popen = Callable[..., "subprocess.Popen[Any]"]
GetBrowser = Callable[[], webbrowser.BaseBrowser]


@dataclass(frozen=True)
class OpenResult:
    """``message`` is the one line to show; when not ``opened`` it ends with the URL."""

    opened: bool
    message: str
    url: str
    reason: str = ""  # why nothing was opened, for `readq open` and the logs
    command: tuple[str, ...] = ()


def no_browser(url: str, reason: str) -> OpenResult:
    return OpenResult(False, f"No browser here: {url}", url, reason)


def is_web_url(url: str) -> bool:
    """Only http(s) with a host: a ``file:`` or ``javascript:`` link is never opened."""
    if not url or any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def _is_console(argv0: str) -> bool:
    return os.path.basename(argv0) in CONSOLE_BROWSERS


def _command(template: Sequence[str], url: str) -> list[str]:
    if any("%s" in arg for arg in template[1:]):
        return [template[0], *(arg.replace("%s", url) for arg in template[1:])]
    return [*template, url]


def _launch(argv: Sequence[str], env: Mapping[str, str], popen: Popen, settle: float) -> str:
    """Start ``argv`` detached and silent; '' if it started, else why it did not."""
    try:
        proc = popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            close_fds=True,
            start_new_session=True,  # no controlling terminal: it cannot touch the TUI's
            env=dict(env),
        )
    except OSError as exc:
        return f"{argv[0]}: {exc.strerror or exc}"
    try:
        code = proc.wait(timeout=settle)
    except subprocess.TimeoutExpired:
        return ""  # still running: a browser, or a launcher handing over
    return "" if code == 0 else f"{argv[0]}: exit status {code}"


def _from_browser_env(env: Mapping[str, str]) -> tuple[list[list[str]], list[str]]:
    """The commands in ``$BROWSER`` (``:``-separated, ``%s`` for the URL), and skip notes."""
    commands: list[list[str]] = []
    notes: list[str] = []
    for entry in env.get("BROWSER", "").split(os.pathsep):
        try:
            argv = shlex.split(entry)
        except ValueError:
            notes.append(f"$BROWSER entry {entry!r} cannot be parsed")
            continue
        if argv and argv[-1] == "&":
            argv = argv[:-1]
        if not argv:
            continue
        if _is_console(argv[0]):
            notes.append(f"{argv[0]} is a console browser; it would take over the terminal")
            continue
        commands.append(argv)
    return commands, notes


def _has_display(env: Mapping[str, str]) -> bool:
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


def _in_ssh(env: Mapping[str, str]) -> bool:
    return bool(env.get("SSH_CONNECTION") or env.get("SSH_TTY") or env.get("SSH_CLIENT"))


def _discovered(get_browser: GetBrowser) -> tuple[list[list[str]], list[str]]:
    """What ``webbrowser`` would use, as a command to run ourselves (never its ``open``)."""
    try:
        found = get_browser()
    except webbrowser.Error:
        return [], ["webbrowser found no browser"]
    name = getattr(found, "name", "")
    if not isinstance(name, str) or not name:
        return [], []
    if _is_console(name):
        return [], [f"{name} is a console browser; it would take over the terminal"]
    args = getattr(found, "args", None)
    template = [name, *args] if isinstance(args, list) and args else [name, "%s"]
    return [template], []


def _no_display_reason(env: Mapping[str, str]) -> str:
    if _in_ssh(env):
        return "SSH session without X11 or Wayland forwarding"
    return "no graphical display (DISPLAY and WAYLAND_DISPLAY are not set)"


def _desktop_commands(which: Which, get_browser: GetBrowser) -> tuple[list[list[str]], str]:
    """Launchers on a Linux/BSD desktop, or none and the reason."""
    commands = [list(t) for t in GRAPHICAL_LAUNCHERS if which(t[0])]
    if commands:
        return commands, ""
    found, notes = _discovered(get_browser)
    if found:
        return found, ""
    consoles = sorted(n for n in CONSOLE_BROWSERS if which(n))
    if consoles:
        return [], f"only console browsers ({', '.join(consoles)}); they would take over"
    return [], notes[0] if notes else "no browser installed"


def _platform_commands(
    env: Mapping[str, str], platform: str, which: Which, get_browser: GetBrowser
) -> tuple[list[list[str]], str]:
    """Graphical launchers for this machine, or none and the reason."""
    if platform == "darwin":
        if _in_ssh(env):
            return [], "over SSH 'open' would show the page on the remote Mac's screen"
        return [["open", "%s"]], ""
    if (env.get("WSL_DISTRO_NAME") or env.get("WSL_INTEROP")) and which("wslview"):
        return [["wslview", "%s"]], ""
    if not _has_display(env):
        return [], _no_display_reason(env)
    return _desktop_commands(which, get_browser)


def _open_on_windows(url: str, get_browser: GetBrowser) -> OpenResult:
    """Windows has no terminal to protect from a browser: its default opener is used."""
    try:
        opened = get_browser().open(url)
    except (webbrowser.Error, OSError) as exc:
        return no_browser(url, str(exc))
    if opened:
        return OpenResult(True, "Opened in the browser", url)
    return no_browser(url, "the browser did not start")


def open_url(
    url: str,
    *,
    env: Mapping[str, str] = os.environ,
    platform: str = sys.platform,
    which: Which = shutil.which,
    popen: Popen = subprocess.Popen,
    get_browser: GetBrowser = webbrowser.get,
    settle: float = SETTLE_SECONDS,
) -> OpenResult:
    """Open ``url`` in a graphical browser, ``$BROWSER`` first.

    Blocks up to ``settle`` seconds per launcher to catch one that fails at once: call
    it from a worker thread in the TUI. On failure show (and offer to copy) the URL.
    """
    if not is_web_url(url):
        return OpenResult(False, f"Not a web address, not opened: {url!r}", url, "not http(s)")
    if platform.startswith("win"):
        return _open_on_windows(url, get_browser)
    wanted, notes = _from_browser_env(env)
    found, reason = _platform_commands(env, platform, which, get_browser)
    failures: list[str] = []
    for template in [*wanted, *found]:
        if which(template[0]) is None:
            failures.append(f"{template[0]}: not found")
            continue
        argv = _command(template, url)
        why = _launch(argv, env, popen, settle)
        if not why:
            name = os.path.basename(template[0])
            return OpenResult(True, f"Opened in the browser ({name})", url, "", tuple(argv))
        failures.append(why)
    reasons = [*notes, *failures, *([reason] if reason else [])]
    return no_browser(url, "; ".join(reasons) or "no browser")
