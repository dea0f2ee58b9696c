"""Looking after the library files: ``readq restore``, ``readq doctor``, ``readq path``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from readq import paths
from readq.cli.common import AddCommand, out
from readq.errors import EX_DATAERR, EX_NOTFOUND
from readq.text import plural


def cmd_restore(args: argparse.Namespace) -> int:
    from readq.storage import backup
    from readq.storage.store import Store

    store = Store(paths.data_dir(args.data_dir))
    if args.list:
        backups = backup.list_backups(store)
        if not backups:
            out(f"no backups yet in {store.root / backup.BACKUP_DIR}", file=sys.stderr)
            return EX_NOTFOUND
        for b in backups:
            out(f"{b.label}  {b.path}")
        return 0
    source = Path(args.file) if args.file else None
    chosen = backup.restore(store, source)
    if chosen.papers:
        out(
            f"Restored the read/starred/note state of {plural(chosen.papers, 'paper')} "
            f"from {chosen.path.name}; the previous state was kept in a backup first."
        )
    else:
        out(
            f"Restored {chosen.path.name}: it holds no read/starred/note state, so no "
            "paper is read, starred or annotated now; the previous state was kept in a "
            "backup first."
        )
    return 0


def add_restore(add: AddCommand) -> None:
    sp = add("restore", cmd_restore)
    sp.add_argument("file", nargs="?", metavar="FILE", help="a backup file (default: the newest)")
    sp.add_argument("--list", action="store_true", help="list the backups, newest first")


def cmd_doctor(args: argparse.Namespace) -> int:
    from readq.storage.doctor import doctor
    from readq.storage.store import Store

    store = Store(paths.data_dir(args.data_dir))
    if args.repair:
        from readq.storage.repair import repair

        for line in repair(store):
            out("repair " + line)
    findings = doctor(store)
    for f in findings:
        out(("ok    " if f.ok else "PROBLEM ") + f.text)
    bad = [f for f in findings if not f.ok]
    if bad:
        out(
            f"{plural(len(bad), 'problem')} found; see docs/data.md ('When something goes wrong')",
            file=sys.stderr,
        )
        return EX_DATAERR
    return 0


def add_doctor(add: AddCommand) -> None:
    sp = add("doctor", cmd_doctor)
    sp.add_argument(
        "--repair",
        action="store_true",
        help="set damaged catalog/abstracts files aside and rebuild them (state needs a backup)",
    )


def cmd_path(args: argparse.Namespace) -> int:
    out(str(paths.data_dir(args.data_dir)))
    return 0


def add_path(add: AddCommand) -> None:
    add("path", cmd_path)
