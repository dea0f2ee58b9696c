"""``readq export``: the starred papers as Markdown or BibTeX, all or only the new ones."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from readq.cli.common import AddCommand, open_library, out, warn
from readq.errors import OutputError
from readq.text import plural


def _since_text(since: str | None) -> str:
    return f" ({since[:10]} {since[11:16]} UTC)" if since else ""


def cmd_export(args: argparse.Namespace) -> int:
    from readq import export
    from readq.config import ConfigError, load_settings, save_setting

    lib = open_library(args)
    settings, _ = load_settings()  # `readq config` reports a broken file; defaults are fine
    to_stdout = args.output in (None, "-")
    target = None if to_stdout else Path(args.output)
    if target is not None and not args.force and target.exists() and not target.is_dir():
        raise OutputError(f"{target} already exists; use --force to overwrite it")
    result = export.prepare_export(
        lib,
        today=dt.date.today(),
        format=export.format_for(target, args.format),
        order=args.order or settings.export_order,
        since_last=args.since_last,
    )
    if args.since_last and result.count == 0:
        when = _since_text(result.since)
        out(f"No papers starred since the last export{when}; nothing written.", file=sys.stderr)
        return 0
    if target is None:
        sys.stdout.write(result.text)
        sys.stdout.flush()
    else:
        export.write_export(target, result.text)
        out(f"Exported {plural(result.count, 'starred paper')} to {target}.")
        try:
            save_setting("export_path", str(target.absolute()))
        except (ConfigError, OSError) as exc:
            warn(f"the export path was not remembered: {exc}")
    try:
        export.record(lib, result)
    except OSError as exc:
        warn(f"this export was not recorded for --since-last: {exc.strerror or exc}")
    if result.no_arxiv:
        have = "has" if result.no_arxiv == 1 else "have"
        missing = f"{plural(result.no_arxiv, 'paper')} {have} no arXiv id"
        out(f"readq: {missing}: exported without eprint", file=sys.stderr)
    return 0


def add_export(add: AddCommand) -> None:
    sp = add("export", cmd_export)
    sp.add_argument("-o", "--output", metavar="FILE", help="output file ('-' or omitted: stdout)")
    sp.add_argument("--force", action="store_true", help="overwrite an existing file")
    sp.add_argument(
        "--format",
        choices=("markdown", "bibtex"),
        help="default: bibtex for a .bib FILE, else markdown",
    )
    sp.add_argument(
        "--order",
        choices=("starred", "published"),
        help="most recently starred first, or newest published first "
        "(default: export_order in the config, else starred)",
    )
    sp.add_argument(
        "--since-last",
        action="store_true",
        help="only the papers starred since the previous export",
    )
