"""Starting fast (issue 12): a command imports what it needs, and the process ends at once.

``readq list QUERY`` at 100,000 papers has a 300 ms budget; importing fetching, export,
parser or Textual code, or importlib.metadata (30 ms for ``--version``), would spend it
on nothing. Each check runs in a fresh interpreter, where imports really happen.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import readq
from readq.cli import app, main, sample_listing

MARK = "-- modules --"

# Never loaded by ``readq list QUERY``: what other commands (or --version) need.
NOT_FOR_LIST = (
    "importlib.metadata",
    "email",
    "textual",
    "readq.tui",
    "readq.fetching",
    "readq.export",
    "readq.listing",
    "readq.history",
    "readq.config",
    "readq.storage.backup",
    "urllib.request",
    "http",
)
CLI_FOR_LIST = {"readq.cli", "readq.cli.app", "readq.cli.common", "readq.cli.browsing"}


def _modules_after(*argv: str) -> tuple[str, set[str]]:
    """The output of ``readq ARGV`` and the modules loaded by then, in a fresh interpreter."""
    code = (
        "import sys\n"
        "from readq.cli import main\n"
        f"code = main({list(argv)!r})\n"
        f"print({MARK!r})\n"
        "print('\\n'.join(sorted(sys.modules)))\n"
        "sys.exit(code)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0, proc.stderr
    out, _, modules = proc.stdout.partition(MARK + "\n")
    return out, set(modules.split())


def _loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in names))


@pytest.fixture
def library(tmp_path: Path) -> Path:
    """The sample library, its search index current (the first search saves it)."""
    data = tmp_path / "lib"
    readq.import_listing(readq.open_library(data), sample_listing())
    assert main(["--data-dir", str(data), "list", "speculative", "--limit", "1"]) == 0
    assert (data / "index").is_dir()
    return data


def test_list_query_loads_only_what_listing_needs(library: Path) -> None:
    out, modules = _modules_after("--data-dir", str(library), "list", "speculative decoding")
    assert "Sparse Speculative Decoding" in out
    assert _loaded(modules, NOT_FOR_LIST) == []
    assert {m for m in modules if m.startswith("readq.cli")} <= CLI_FOR_LIST


def test_the_check_sees_what_other_commands_load(library: Path) -> None:
    """The names above are real: --version and parse do load them (a renamed module would
    otherwise make the check pass for nothing)."""
    out, modules = _modules_after("--version")
    assert out.startswith("readq ") and "importlib.metadata" in modules
    listing = library / "sample.txt"
    listing.write_bytes(sample_listing())
    _, modules = _modules_after("parse", str(listing))
    assert "readq.listing" in modules and "readq.cli.importing" in modules


def test_the_executable_exits_with_the_code_and_all_the_output(library: Path) -> None:
    readq_cmd = [sys.executable, "-m", "readq", "--data-dir", str(library), "list"]
    proc = subprocess.run(
        [*readq_cmd, "speculative"], capture_output=True, text=True, timeout=60, check=False
    )
    assert proc.returncode == 0 and "Sparse Speculative Decoding" in proc.stdout
    proc = subprocess.run(
        [*readq_cmd, "zzzqqq"], capture_output=True, text=True, timeout=60, check=False
    )
    assert proc.returncode == 1 and proc.stderr == "readq: no papers match\n"


def test_a_reader_that_leaves_early_gets_no_noise_and_exit_0(tmp_path: Path) -> None:
    data = tmp_path / "big"
    listing = "Daily Papers\n\n" + "".join(
        f"Paper {n} on {'adapters' if n % 2 else 'diffusion'} at scale {n * 7}\n\n"
        f"Abstract {n}.\n\n  • 3 authors\n·\nOct 9, 2024 {n % 9}\n\n"
        for n in range(1500)
    )
    readq.import_listing(readq.open_library(data), listing.encode())
    proc = subprocess.Popen(
        [sys.executable, "-m", "readq", "--data-dir", str(data), "list"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert len(proc.stdout.read(10)) == 10  # far less than the 100 KB coming: a broken pipe
    proc.stdout.close()
    assert proc.stderr.read() == b""
    assert proc.wait(timeout=60) == 0


def test_the_quick_exit_waits_for_threads_and_atexit_callbacks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import atexit
    import threading

    monkeypatch.setattr(threading, "active_count", lambda: 1)
    monkeypatch.setattr(atexit, "_ncallbacks", lambda: 0, raising=False)
    assert app._nothing_left_to_run()
    monkeypatch.setattr(atexit, "_ncallbacks", lambda: 1, raising=False)
    assert not app._nothing_left_to_run()
    monkeypatch.setattr(atexit, "_ncallbacks", lambda: 0, raising=False)
    monkeypatch.setattr(threading, "active_count", lambda: 2)
    assert not app._nothing_left_to_run()


def test_every_command_in_the_table_gets_its_arguments_and_handler() -> None:
    parser = app.build_parser()
    commands = next(a for a in parser._actions if isinstance(a, app._Commands))
    assert list(commands.choices) == [name for name, _, _ in app.COMMANDS]  # type: ignore[arg-type]
    for name, _, _ in app.COMMANDS:
        # a module adding a command the table lacks fails here
        assert callable(commands.parser_of(name).get_default("func")), name
