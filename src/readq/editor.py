"""Editing a note in the user's own editor ($VISUAL / $EDITOR), never through a shell."""

from __future__ import annotations

import contextlib
import os
import shlex
import subprocess
import tempfile
from pathlib import Path

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


def edit_text(initial: str) -> str | None:
    """Open the editor on ``initial``; return the new text, or None if it exited non-zero."""
    argv = editor_command()
    fd, name = tempfile.mkstemp(prefix="readq-note-", suffix=".md")
    path = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(initial)
        try:
            result = subprocess.run([*argv, str(path)], check=False)
        except OSError as exc:
            raise UsageError(f"cannot start editor {argv[0]!r}: {exc.strerror}") from None
        if result.returncode != 0:
            return None
        return path.read_text(encoding="utf-8", errors="replace")
    finally:
        with contextlib.suppress(OSError):
            path.unlink()
