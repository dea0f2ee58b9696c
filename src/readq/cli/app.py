"""The ``readq`` command line: scriptable, one-line errors, documented exit codes.

``build_parser`` assembles the commands each module registers next to its handler;
``main`` maps errors to exit codes and keeps tracebacks off the terminal (crash log).
Headless commands never import Textual; only ``readq`` and ``readq demo`` load the TUI.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from readq import __version__
from readq.cli import (
    browsing,
    exporting,
    fetching,
    history,
    importing,
    interactive,
    maintenance,
    settings,
    triage,
)
from readq.cli.common import AddCommand, Handler, out
from readq.crashlog import write_crash_log
from readq.errors import EX_IOERR, EX_NOTFOUND, EX_SOFTWARE, ReadqError, UsageError

# In the order ``readq --help`` lists them.
COMMANDS: tuple[Callable[[AddCommand], None], ...] = (
    interactive.add_demo,
    fetching.add_fetch,
    importing.add_add,
    importing.add_parse,
    browsing.add_list,
    browsing.add_show,
    triage.add_state_commands,
    history.add_undo,
    history.add_redo,
    triage.add_note,
    exporting.add_export,
    browsing.add_stats,
    maintenance.add_restore,
    maintenance.add_doctor,
    maintenance.add_path,
    settings.add_config,
)


class _Parser(argparse.ArgumentParser):
    """argparse that raises UsageError (one line, exit 64) instead of printing usage."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see 'readq --help')")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="readq",
        description="Triage research paper listings from your terminal. With no command, "
        "opens the reading queue.",
    )
    p.add_argument("--version", action="version", version=f"readq {__version__}")
    p.add_argument(
        "--data-dir",
        metavar="DIR",
        help="library location (default: $READQ_DATA_DIR "
        "or the platform's user data dir; see 'readq path')",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def add(name: str, func: Handler, help: str) -> argparse.ArgumentParser:
        sp = sub.add_parser(name, help=help, description=help)
        sp.set_defaults(func=func)
        return sp

    for register in COMMANDS:
        register(add)
    return p


def _silence_stdout() -> None:
    """After a broken pipe: nothing more can reach the reader, not even the exit flush."""
    with contextlib.suppress(OSError):
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - kept open until exit


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: returns the exit code; no traceback ever reaches the user."""
    args: argparse.Namespace | None = None
    try:
        args = build_parser().parse_args(argv)
        func: Handler = getattr(args, "func", None) or interactive.cmd_tui
        code = int(func(args) or 0)
        sys.stdout.flush()  # a full disk or a closed pipe shows here, not at exit
        return code
    except SystemExit as exc:  # argparse --help / --version
        return exc.code if isinstance(exc.code, int) else 0
    except (Exception, KeyboardInterrupt) as exc:
        return _failed(exc, args)


_OUTPUT_FULL = (errno.ENOSPC, errno.EIO, errno.EDQUOT, errno.EFBIG)


def _failed(exc: BaseException, args: argparse.Namespace | None) -> int:
    """One line on stderr and the exit code for what stopped a command."""
    if isinstance(exc, ReadqError):
        message, code = str(exc), exc.exit_code
    elif isinstance(exc, KeyboardInterrupt):
        message, code = "interrupted", 130
    elif isinstance(exc, BrokenPipeError):  # the reader left: nothing to say to anyone
        _silence_stdout()
        return 0
    elif isinstance(exc, OSError) and exc.errno in _OUTPUT_FULL:
        _silence_stdout()  # the exit flush would fail again
        message, code = f"writing failed: {exc.strerror}", EX_IOERR
    else:  # a bug: keep the user's terminal clean, keep the details
        log = write_crash_log(exc, getattr(args, "data_dir", None))
        where = f"; details in {log}" if log else ""
        message, code = f"internal error ({type(exc).__name__}){where}", EX_SOFTWARE
    out(f"readq: {message}", file=sys.stderr)
    return code


__all__ = ["EX_NOTFOUND", "build_parser", "main"]
