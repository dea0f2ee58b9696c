"""Helper processes that tokenise abstracts for the search index.

Tokenising the abstracts is nine tenths of building the index, and it holds the GIL. So
``python -m readq.search.worker`` reads batches of (paper number, abstract) on stdin and
writes their postings on stdout: the build uses the other cores, and the process that
draws the screen stays free to repaint while it runs.

Plain pipes rather than :mod:`multiprocessing`, for two reasons. A helper never imports
the caller's ``__main__``. And its stderr goes nowhere, so a traceback can never land on
the TUI's screen. A helper that cannot start or dies simply stops yielding: the caller
indexes whatever was not yielded itself, with the same result.

A helper imports only :mod:`readq.search.words` (not the index, nor rapidfuzz), so it
starts in a few tens of milliseconds.
"""

from __future__ import annotations

import gc
import os
import pickle
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Generator
from contextlib import suppress
from pathlib import Path
from typing import IO, Any

from readq.search.words import abstract_postings

_PROTOCOL = pickle.HIGHEST_PROTOCOL
_DONE = object()
STALL_SECONDS = 30.0
"""A helper that answers nothing for this long is taken as hung (a batch takes ~0.1 s):
the helpers are stopped and the caller indexes the rest itself."""


def helper_count() -> int:
    """How many helpers to start: one per core this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def run_in_helpers(
    batches: list[Any],
    helpers: int,
    cancelled: Callable[[], bool],
) -> Generator[tuple[int, Any], None, None]:
    """Yield ``(batch number, readq.search.words.abstract_postings(batch))`` as helpers finish.

    Batches are dealt round-robin to ``helpers`` processes. The iteration stops early,
    without an error, when ``cancelled()`` turns true or a helper fails; the helpers are
    killed when it ends, however it ends. So does a stall: no answer for
    :data:`STALL_SECONDS`.
    """
    procs: list[subprocess.Popen[bytes]] = []
    threads: list[threading.Thread] = []
    results: queue.Queue[tuple[int, Any]] = queue.Queue()
    try:
        for _ in range(max(1, min(helpers, len(batches)))):
            procs.append(_start())
    except OSError:
        _stop(procs, threads)
        return
    try:
        for i, proc in enumerate(procs):
            mine = list(range(i, len(batches), len(procs)))
            assert proc.stdin is not None and proc.stdout is not None
            for target, args in (
                (_feed, (proc.stdin, [batches[k] for k in mine])),
                (_collect, (proc.stdout, mine, results)),
            ):
                thread = threading.Thread(
                    target=target, args=args, daemon=True, name="readq-index-helper"
                )
                thread.start()
                threads.append(thread)
        remaining = len(batches)
        last = time.monotonic()
        while remaining:
            if cancelled():
                return
            try:
                k, found = results.get(timeout=0.05)
            except queue.Empty:
                if time.monotonic() - last > STALL_SECONDS:
                    return  # hung: the caller indexes the rest
                continue
            last = time.monotonic()
            if found is _DONE:
                return  # a helper failed: the caller indexes the rest
            remaining -= 1
            yield k, found
    finally:
        _stop(procs, threads)


def _start() -> subprocess.Popen[bytes]:
    """A helper that can import this very copy of readq, whatever the caller's sys.path."""
    root = str(Path(__file__).resolve().parents[2])  # the directory holding readq/
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    if not sys.executable:
        raise OSError("no Python executable to start a helper with")
    return subprocess.Popen(
        [sys.executable, "-m", "readq.search.worker"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        close_fds=True,
        cwd=root,  # not the caller's directory: it comes first
    )


def _feed(pipe: IO[bytes], batches: list[Any]) -> None:
    try:
        for batch in batches:
            pickle.dump(batch, pipe, protocol=_PROTOCOL)
        pipe.close()
    except (OSError, ValueError):  # the helper died or was killed
        pass


def _collect(pipe: IO[bytes], mine: list[int], results: queue.Queue[tuple[int, Any]]) -> None:
    try:
        for k in mine:
            results.put((k, pickle.load(pipe)))
    except Exception:  # EOF, a truncated pickle, a closed pipe: the helper is gone
        results.put((-1, _DONE))


def _stop(procs: list[subprocess.Popen[bytes]], threads: list[threading.Thread]) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
    for proc in procs:
        proc.wait()
        for pipe in (proc.stdin, proc.stdout):
            if pipe is not None:
                with suppress(OSError):
                    pipe.close()
    for thread in threads:
        thread.join(timeout=1)


def serve(inp: IO[bytes], out: IO[bytes]) -> None:
    """The helper's loop: a batch in, its postings out, until the input ends."""
    gc.disable()  # short-lived and acyclic: collections would only cost time
    while True:
        try:
            batch = pickle.load(inp)
        except EOFError:
            return
        pickle.dump(abstract_postings(batch), out, protocol=_PROTOCOL)
        out.flush()


if __name__ == "__main__":
    serve(sys.stdin.buffer, sys.stdout.buffer)
