"""The command line: argparse, one module per command group.

``app`` (parser, entry point, exit codes, crash guard), ``common`` (shared helpers),
``importing`` (add, parse), ``browsing`` (list, show, stats), ``triage`` (read, unread,
star, unstar, note, export), ``maintenance`` (restore, doctor, path) and ``interactive``
(the reading queue and demo).
"""

from readq.cli.app import build_parser, main
from readq.cli.importing import sample_listing

__all__ = ["build_parser", "main", "sample_listing"]
