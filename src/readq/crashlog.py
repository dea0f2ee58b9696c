"""Crash logs: the traceback goes to a private file, never to the user's terminal."""

from __future__ import annotations

import os
import traceback
from pathlib import Path

import readq
from readq import paths
from readq.clock import file_stamp, utc_now


def write_crash_log(
    exc: BaseException, data_dir: str | os.PathLike[str] | None = None
) -> Path | None:
    """Write ``exc``'s traceback to ``<log dir>/crash-*.log`` (mode 0600).

    The log dir is :func:`readq.paths.log_dir`: with a ``data_dir`` (``--data-dir``) or
    ``$READQ_DATA_DIR`` it is inside that library, else the user log dir.

    Only the traceback and versions are written, no local variables, so note text only
    appears if it was part of the error message itself. Returns None if it cannot write.
    """
    try:
        directory = paths.log_dir(data_dir) if data_dir else paths.log_dir()
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        stamp = file_stamp(utc_now())
        path = directory / f"crash-{stamp}-{os.getpid()}.log"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(f"readq {readq.__version__}\n")
            f.write("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
        return path
    except OSError:
        return None
