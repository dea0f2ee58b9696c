"""The reading queue: plain ``readq`` and ``readq demo``, the only commands that load Textual."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

import readq
from readq import paths
from readq.cli.common import AddCommand, open_library
from readq.cli.importing import sample_listing
from readq.errors import EX_USAGE, ReadqError

EX_NO_TTY = EX_USAGE


class ReadqErrorNoTTY(ReadqError):
    exit_code = EX_NO_TTY


def require_tty() -> None:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise ReadqErrorNoTTY(
            "readq needs an interactive terminal for its reading queue; in scripts use "
            "'readq list', 'readq add', 'readq star' and friends (see 'readq --help')"
        )


def run_tui(data_dir: Path, *, demo: bool = False) -> int:
    require_tty()
    from readq.tui.app import run_app

    return run_app(data_dir, demo=demo)


def cmd_tui(args: argparse.Namespace) -> int:
    """``readq`` with no command."""
    lib = open_library(args)  # fail here, with a one-line message, on a damaged library
    del lib
    return run_tui(paths.data_dir(args.data_dir))


def cmd_demo(args: argparse.Namespace) -> int:
    """The built-in sample in a throw-away data dir: the real library is never touched."""
    require_tty()
    tmp = Path(tempfile.mkdtemp(prefix="readq-demo-"))
    try:
        readq.import_listing(readq.open_library(tmp), sample_listing())
        return run_tui(tmp, demo=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def add_demo(add: AddCommand) -> None:
    add("demo", cmd_demo)
