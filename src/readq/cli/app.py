"""The ``readq`` command line: scriptable, one-line errors, documented exit codes.

``build_parser`` lists the commands (``COMMANDS``); the module of the one chosen adds its
arguments and handler, so a command imports only what it needs;
``main`` maps errors to exit codes and keeps tracebacks off the terminal (crash log).
Headless commands never import Textual; only ``readq`` and ``readq demo`` load the TUI.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import errno
import os
import sys
from collections.abc import Sequence
from importlib import import_module
from typing import TYPE_CHECKING, Any, NoReturn

from readq.cli.common import Handler, out
from readq.errors import EX_IOERR, EX_NOTFOUND, EX_SOFTWARE, ReadqError, UsageError

if TYPE_CHECKING:
    _SubParsers = argparse._SubParsersAction[argparse.ArgumentParser]
else:
    _SubParsers = argparse._SubParsersAction

# In the order ``readq --help`` lists them: the command, the function of a readq.cli module
# that adds its arguments and handler (``module.function``), and its one-line help. A
# module is imported only when one of its commands is chosen, so ``readq list`` loads no
# fetching, export or TUI code.
COMMANDS: tuple[tuple[str, str, str], ...] = (
    (
        "demo",
        "interactive.add_demo",
        "open readq on a built-in sample library (your library is untouched)",
    ),
    (
        "fetch",
        "fetching.add_fetch",
        "download papers from Hugging Face (today's by default) and add them",
    ),
    (
        "add",
        "importing.add_add",
        "import papers from copied listing files ('-' reads standard input)",
    ),
    ("parse", "importing.add_parse", "parse listing files and print the papers; saves nothing"),
    ("list", "browsing.add_list", "list papers, optionally matching a search QUERY"),
    ("show", "browsing.add_show", "show one paper: metadata, links, note and abstract"),
    ("read", "triage.add_state_commands", "mark papers read"),
    ("unread", "triage.add_state_commands", "mark papers unread"),
    ("star", "triage.add_state_commands", "mark papers starred"),
    ("unstar", "triage.add_state_commands", "mark papers unstarred"),
    (
        "remove",
        "triage.add_state_commands",
        "hide papers from every view, search and export (their state is kept)",
    ),
    ("unremove", "triage.add_state_commands", "bring removed papers back"),
    (
        "undo",
        "history.add_undo",
        (
            "undo the last change (imports, read/star/note, remove); shared with the reading "
            "queue's u"
        ),
    ),
    ("redo", "history.add_redo", "redo the change undone last (the reading queue's ctrl+r)"),
    ("note", "triage.add_note", "set a paper's note (no TEXT: edit it in $VISUAL/$EDITOR)"),
    ("export", "exporting.add_export", "write starred papers as Markdown or BibTeX"),
    ("stats", "browsing.add_stats", "count papers by state"),
    ("restore", "maintenance.add_restore", "restore read/starred/note state from a backup"),
    (
        "doctor",
        "maintenance.add_doctor",
        "check the library files and report problems (changes nothing)",
    ),
    ("path", "maintenance.add_path", "print where the library lives"),
    ("config", "settings.add_config", "show the settings file and the settings in effect"),
)


class _Parser(argparse.ArgumentParser):
    """argparse that raises UsageError (one line, exit 64) instead of printing usage."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see 'readq --help')")


class _Commands(_SubParsers):
    """The subcommands (see COMMANDS). ``readq --help`` needs only their names and helps:
    a command's parser is made, and its module imported to add its arguments and
    handler, only when that command is chosen."""

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self._commands: dict[str, tuple[str, str]] = {}  # name -> (registrar, help)
        # what argparse checks a chosen name against (its parser is made afterwards)
        self.choices = self._commands  # type: ignore[assignment]
        self._registered: set[str] = set()

    def declare(self, name: str, registrar: str, help: str) -> None:
        self._commands[name] = (registrar, help)
        self._choices_actions.append(self._ChoicesPseudoAction(name, (), help))

    def parser_of(self, name: str) -> argparse.ArgumentParser:
        """Command ``name``'s parser, its module's arguments and handler added."""
        registrar, _ = self._commands[name]
        if registrar not in self._registered:
            self._registered.add(registrar)
            module, function = registrar.split(".")
            getattr(import_module(f"readq.cli.{module}"), function)(self._add)
        return self._name_parser_map[name]

    def _add(self, name: str, func: Handler) -> argparse.ArgumentParser:
        """The ``add`` a module's registrar calls for each of its commands."""
        sp = self.add_parser(name, description=self._commands[name][1])
        sp.set_defaults(func=func)
        return sp

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        if isinstance(values, list) and values and values[0] in self._commands:
            self.parser_of(values[0])
        super().__call__(parser, namespace, values, option_string)


class _Version(argparse._VersionAction):
    """``--version``, looked up only when asked (importlib.metadata is slow to import)."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        import readq

        self.version = f"readq {readq.__version__}"
        super().__call__(parser, namespace, values, option_string)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="readq",
        description="Triage research paper listings from your terminal. With no command, "
        "opens the reading queue.",
    )
    p.add_argument("--version", action=_Version)
    p.add_argument(
        "--data-dir",
        metavar="DIR",
        help="library location (default: $READQ_DATA_DIR "
        "or the platform's user data dir; see 'readq path')",
    )
    sub = p.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=_Parser, action=_Commands
    )
    assert isinstance(sub, _Commands)
    for name, registrar, help in COMMANDS:
        sub.declare(name, registrar, help)
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
        func: Handler | None = getattr(args, "func", None)
        if func is None:  # no command: the reading queue
            from readq.cli import interactive

            func = interactive.cmd_tui
        code = int(func(args) or 0)
        sys.stdout.flush()  # a full disk or a closed pipe shows here, not at exit
        return code
    except SystemExit as exc:  # argparse --help / --version
        return exc.code if isinstance(exc.code, int) else 0
    except (Exception, KeyboardInterrupt) as exc:
        return _failed(exc, args)


def run() -> NoReturn:
    """The ``readq`` executable and ``python -m readq``: :func:`main`, then the exit.

    A search leaves half a million objects behind, and freeing them one by one at
    interpreter shutdown was 40 ms of a ``readq list QUERY``. So once the output is
    flushed, and when nothing else would run at exit (no other thread, no atexit
    callback), the process ends at once; otherwise (and for a flush that fails: the
    usual exit reports it) it exits the usual way. Tests call :func:`main` instead.
    """
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        sys.exit(code)
    if _nothing_left_to_run():
        os._exit(code)
    sys.exit(code)


def _nothing_left_to_run() -> bool:
    import threading

    callbacks = getattr(atexit, "_ncallbacks", None)  # CPython's count of atexit callbacks
    return threading.active_count() == 1 and callbacks is not None and callbacks() == 0


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
        from readq.crashlog import write_crash_log

        log = write_crash_log(exc, getattr(args, "data_dir", None))
        where = f"; details in {log}" if log else ""
        message, code = f"internal error ({type(exc).__name__}){where}", EX_SOFTWARE
    out(f"readq: {message}", file=sys.stderr)
    return code


__all__ = ["EX_NOTFOUND", "build_parser", "main", "run"]
