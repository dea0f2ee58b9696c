"""readq: a keyboard-driven reading queue for research paper listings.

Importing this package is cheap and never imports Textual; the TUI lives in
``readq.tui`` and is only loaded when the terminal UI starts.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("readq")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = ["__version__"]
