"""The command line: argparse, one module per command group."""

from readq.cli.main import build_parser, main, sample_listing

__all__ = ["build_parser", "main", "sample_listing"]
