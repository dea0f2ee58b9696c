"""Exporting starred papers from the TUI (pure: runs on the store thread)."""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path

from readq import export
from readq.config import ConfigError, load_settings, save_setting
from readq.library import Library


def remembered_export_path(default: Path) -> Path:
    """The path of the last export (``export_path`` in the config), else ``default``."""
    settings, _ = load_settings()
    return Path(settings.export_path).expanduser() if settings.export_path else default


def export_starred(library: Library, path: Path, today: dt.date) -> int:
    """Write the starred papers to ``path`` (BibTeX for a ``.bib`` file, else Markdown)
    in the configured order; return how many.

    The TUI creates missing parent directories of the path the user typed. The path is
    remembered for the next export, and the time for ``readq export --since-last``.
    """
    settings, _ = load_settings()
    result = export.prepare_export(
        library, today=today, format=export.format_for(path), order=settings.export_order
    )
    export.write_export(path, result.text, create_parents=True)
    with contextlib.suppress(ConfigError, OSError):  # the export itself is done
        save_setting("export_path", str(path))
    with contextlib.suppress(OSError):
        export.record(library, result)
    return result.count
