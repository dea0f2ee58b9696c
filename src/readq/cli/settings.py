"""``readq config``: where the settings file is, what is in effect, and editing it."""

from __future__ import annotations

import argparse
import sys

from readq.cli.common import AddCommand, out


def cmd_config(args: argparse.Namespace) -> int:
    from readq import config
    from readq.editor import run_editor

    path = config.config_path()
    if args.edit:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(config.STARTER, encoding="utf-8")
        if not run_editor(path):
            out("readq: the editor exited with an error", file=sys.stderr)
            return 1
    settings, problems = config.load_settings(path)
    if not args.edit:
        out(config.describe(settings, path, problems))
        return 0
    for problem in problems:  # said at once, while the file is fresh in mind
        out(f"readq: warning: {problem}", file=sys.stderr)
    return 65 if problems else 0


def add_config(add: AddCommand) -> None:
    sp = add("config", cmd_config)
    sp.add_argument("--edit", action="store_true", help="open the settings file in $EDITOR")
