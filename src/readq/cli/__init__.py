"""The command line: argparse, one module per command group.

``app`` (the command table, parser, entry point, exit codes, crash guard), ``common``
(shared helpers), ``importing`` (add, parse), ``fetching`` (fetch), ``browsing`` (list,
show, stats), ``triage`` (read, unread, star, unstar, remove, unremove, note),
``history`` (undo, redo), ``exporting`` (export), ``maintenance`` (restore, doctor,
path), ``settings`` (config) and ``interactive`` (the reading queue and demo). Only the
module of the command that runs is imported.
"""

from typing import TYPE_CHECKING, Any

from readq.cli.app import build_parser, main, run

if TYPE_CHECKING:
    from readq.cli.importing import sample_listing


def __getattr__(name: str) -> Any:
    if name == "sample_listing":  # only ``readq demo`` and tests need the parser
        from readq.cli.importing import sample_listing

        return sample_listing
    raise AttributeError(f"module 'readq.cli' has no attribute {name!r}")


__all__ = ["build_parser", "main", "run", "sample_listing"]
