"""The real thing: readq in a pseudo-terminal, a note being typed, then a signal. The
note is saved (or kept as a draft) and readq exits within seconds with 128 + signal."""

from __future__ import annotations

import fcntl
import os
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import pytest
from tuihelpers import numbered_papers

from readq import drafts
from readq.library import Library

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a pty")


class Terminal:
    """A child process on a pty; everything it writes is drained into ``output``."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        import pty

        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        self.proc = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
        )
        os.close(slave)
        self.output = bytearray()
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.output += chunk

    def wait_for(self, text: bytes, timeout: float = 30) -> bool:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if text in self.output:
                return True
            time.sleep(0.05)
        return False

    def type(self, text: str) -> None:
        for ch in text:
            os.write(self.master, ch.encode())
            time.sleep(0.02)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        os.close(self.master)


@pytest.fixture
def terminal(data_dir: Path, tmp_path: Path):
    lib = Library.open(data_dir)
    lib.import_papers(numbered_papers(3))
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "READQ_DATA_DIR": str(data_dir),
        "HOME": str(tmp_path / "home"),
        "TEXTUAL_ANIMATIONS": "none",
    }
    env.pop("TEXTUAL", None)
    term = Terminal([sys.executable, "-m", "readq"], env)
    yield term
    term.close()


@pytest.mark.parametrize("sig", [signal.SIGHUP, signal.SIGINT, signal.SIGTERM])
def test_a_signal_while_typing_a_note_saves_it_and_exits_soon(terminal, data_dir, sig):
    assert terminal.wait_for(b"Paper 000"), terminal.output[-2000:]
    pid = Library.open(data_dir).resolve(numbered_papers(3)[0].id)
    terminal.type("n")
    assert terminal.wait_for(b"ctrl+s")
    terminal.type("typed in a pty")
    time.sleep(1.5)  # the draft is written once a second while typing
    start = time.monotonic()
    os.kill(terminal.proc.pid, sig)
    code = terminal.proc.wait(timeout=15)
    assert time.monotonic() - start < 6
    assert code == 128 + sig, terminal.output[-3000:]
    assert Library.open(data_dir).state(pid).note == "typed in a pty"
    assert drafts.load_draft(data_dir, pid) is None
    assert b"Traceback" not in terminal.output


def test_sighup_with_the_library_locked_keeps_the_draft_and_exits(terminal, data_dir):

    assert terminal.wait_for(b"Paper 000"), terminal.output[-2000:]
    pid = numbered_papers(3)[0].id
    terminal.type("n")
    assert terminal.wait_for(b"ctrl+s")
    terminal.type("kept while locked")
    time.sleep(1.5)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from readq.storage.store import Store\n"
            f"s = Store(__import__('pathlib').Path({str(data_dir)!r}))\n"
            "with s.transaction():\n"
            "    print('locked', flush=True)\n"
            "    time.sleep(30)\n",
        ],
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == b"locked"
        start = time.monotonic()
        os.kill(terminal.proc.pid, signal.SIGHUP)
        code = terminal.proc.wait(timeout=15)
        assert time.monotonic() - start < 6
        assert code == 128 + signal.SIGHUP
    finally:
        holder.kill()
        holder.wait()
    draft = drafts.load_draft(data_dir, pid)
    assert draft is not None and draft.text == "kept while locked"


def test_sighup_leaves_the_terminal_restored_when_it_is_still_there(terminal):
    assert terminal.wait_for(b"Paper 000"), terminal.output[-2000:]
    mark = len(terminal.output)
    os.kill(terminal.proc.pid, signal.SIGHUP)
    assert terminal.proc.wait(timeout=15) == 128 + signal.SIGHUP
    time.sleep(0.2)
    tail = bytes(terminal.output[mark:])
    assert b"\x1b[?1049l" in tail  # the alternate screen is left
