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


def log_dir() -> Path:
    """Where crash logs go (never inside the data dir, so backups stay clean)."""
    return Path(platformdirs.user_log_path(APP_NAME, appauthor=False))
