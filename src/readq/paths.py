"""Where readq keeps its files. Nothing here creates a directory at import time."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "readq"
DATA_DIR_ENV = "READQ_DATA_DIR"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The library directory: ``--data-dir``, else ``$READQ_DATA_DIR``, else platformdirs."""
    if override:
        return Path(override).expanduser().absolute()
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser().absolute()
    return Path(platformdirs.user_data_path(APP_NAME, appauthor=False))


LOG_SUBDIR = "logs"


def log_dir(data_override: str | os.PathLike[str] | None = None) -> Path:
    """Where crash logs go: the user log dir, or ``<data dir>/logs`` when the library was
    moved elsewhere (``--data-dir`` or ``$READQ_DATA_DIR``), so that a test or a second
    library never writes into your real home. Backups never include this directory."""
    if data_override or os.environ.get(DATA_DIR_ENV):
        return data_dir(data_override) / LOG_SUBDIR
    return Path(platformdirs.user_log_path(APP_NAME, appauthor=False))
