"""Editing a note in the user's own editor ($VISUAL / $EDITOR), never through a shell.

The editor gets a private file in the data dir (``readq.drafts``), not the system temp
dir, ending with a newline as editors expect; the text stays there as a draft until
the caller has saved it, so a crash, a failed save or an editor that exits with an error
never loses it.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import subprocess
from pathlib import Path

from readq import drafts
from readq.errors import UsageError


def editor_command() -> list[str]:
    """``$VISUAL`` or ``$EDITOR`` split like a shell would (so ``code -w`` works)."""
    raw = os.environ.get("VISUAL") or os.environ.get("EDITOR") or ""
    try:
        argv = shlex.split(raw)
    except ValueError as exc:
        raise UsageError(f"cannot understand $VISUAL/$EDITOR {raw!r}: {exc}") from None
    if not argv:
        raise UsageError("set $VISUAL or $EDITOR to edit notes in an editor (e.g. EDITOR=nano)")
    return argv


def run_editor(path: Path) -> bool:
    """Run the editor on ``path``; True when it exited 0."""
    argv = editor_command()
    try:
        result = subprocess.run([*argv, str(path)], check=False)
    except OSError as exc:
        raise UsageError(f"cannot start editor {argv[0]!r}: {exc.strerror}") from None
    return result.returncode == 0


def edit_note(data_dir: Path, pid: str, text: str, base: str) -> str | None:
    """Edit ``text`` (the note ``base``, or a draft of it) in the editor.

    Returns the text the editor left (its final newline taken off), or None when the
    editor exited with an error (what it wrote stays a draft). Raises UsageError when the
    editor cannot start or deleted the file. The caller saves the text, then calls
    ``drafts.delete_draft``: until then it is a draft, offered back next time.
    """
    editor_command()  # no editor: say so before writing anything
    drafts.save_draft(data_dir, pid, text, base)
    path = drafts.write_editor_file(data_dir, pid, text)
    if not run_editor(path):
        return None
    edited = drafts.read_editor_file(path)
    if edited is None:
        raise UsageError("the editor deleted the note's file; the note was not changed")
    drafts.save_draft(data_dir, pid, edited, base)
    with contextlib.suppress(OSError):
        path.unlink()
    return edited
