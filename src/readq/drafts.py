"""Unsaved note text, kept in the data dir until it is saved or thrown away on purpose.

One draft per paper: ``<data dir>/drafts/<paper id>.json`` (mode 0600, written
crash-safely) holds the text typed so far and the note it started from, so saving it
later is still a compare-and-set (see ``Library.set_note``). While ``$EDITOR`` edits a
note, its file is ``<paper id>.md`` beside it; if readq dies meanwhile, that file is
the draft's text next time. Nothing here imports Textual.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import json
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from readq.clock import iso, utc_now
from readq.ids import is_id_prefix
from readq.storage.fsutil import FILE_MODE, atomic_write_bytes

DRAFTS_DIR = "drafts"


@dataclass(frozen=True)
class Draft:
    pid: str
    text: str
    """What was typed."""
    base: str | None
    """The note the edit started from (None: not known)."""
    saved_at: str = ""
    """When the draft was written (ISO, UTC)."""

    @property
    def when(self) -> str:
        """``2026-11-20 09:30 UTC``, for messages."""
        return self.saved_at[:16].replace("T", " ") + " UTC" if self.saved_at else "earlier"


def drafts_dir(data_dir: Path) -> Path:
    return data_dir / DRAFTS_DIR


def _checked(pid: str) -> str:
    if not is_id_prefix(pid) or len(pid) < 4:  # a paper id names a file: hex only
        raise ValueError(f"not a paper id: {pid!r}")
    return pid


def draft_path(data_dir: Path, pid: str) -> Path:
    return drafts_dir(data_dir) / f"{_checked(pid)}.json"


def editor_path(data_dir: Path, pid: str) -> Path:
    """The file ``$EDITOR`` edits for ``pid``'s note (kept while it is unsaved)."""
    return drafts_dir(data_dir) / f"{_checked(pid)}.md"


def save_draft(data_dir: Path, pid: str, text: str, base: str) -> Path:
    """Keep ``text`` (started from the note ``base``) crash-safely; returns the file."""
    path = draft_path(data_dir, pid)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    body = {"id": pid, "text": text, "base": base, "saved_at": iso(utc_now())}
    atomic_write_bytes(path, json.dumps(body, ensure_ascii=False).encode("utf-8"))
    return path


def write_editor_file(data_dir: Path, pid: str, text: str) -> Path:
    """The file for ``$EDITOR``: 0600, in the data dir, ending with a newline (editors
    expect one; :func:`read_editor_file` takes it back off)."""
    path = editor_path(data_dir, pid)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    body = text if text.endswith("\n") or not text else text + "\n"
    atomic_write_bytes(path, body.encode("utf-8"))
    return path


def read_editor_file(path: Path) -> str | None:
    """The text an editor left (one final newline stripped); None if the file is gone."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return None
    return text[:-1] if text.endswith("\n") else text


def load_draft(data_dir: Path, pid: str) -> Draft | None:
    """The draft kept for ``pid``, if any and if it differs from what it started from."""
    path = draft_path(data_dir, pid)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raw = None
    if not isinstance(raw, dict):
        raw = {}
    text, base = raw.get("text"), raw.get("base")
    saved_at = raw.get("saved_at") if isinstance(raw.get("saved_at"), str) else ""
    edited = read_editor_file(editor_path(data_dir, pid))
    if edited is not None:  # an editor's file outlived readq: it is the newest text
        text = edited
        with contextlib.suppress(OSError):
            mtime = os.stat(editor_path(data_dir, pid)).st_mtime
            saved_at = iso(datetime.fromtimestamp(mtime, timezone.utc))
    if not isinstance(text, str):
        return None
    draft = Draft(pid, text, base if isinstance(base, str) else None, str(saved_at))
    return draft if draft.text != draft.base else None


def delete_draft(data_dir: Path, pid: str) -> None:
    """The note was saved (or the draft thrown away): forget both files."""
    for path in (draft_path(data_dir, pid), editor_path(data_dir, pid)):
        with contextlib.suppress(OSError):
            path.unlink()


class DraftWriter:
    """Writes and deletes the drafts of one data dir on one background thread, in the
    order asked (a save after the last typing pause never lands after the delete that
    follows a successful save)."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="readq-drafts"
        )

    def save(self, pid: str, text: str, base: str) -> concurrent.futures.Future[Path]:
        return self._pool.submit(save_draft, self.data_dir, pid, text, base)

    def delete(self, pid: str) -> concurrent.futures.Future[None]:
        return self._pool.submit(delete_draft, self.data_dir, pid)

    def save_now(self, pid: str, text: str, base: str, timeout: float = 1.0) -> bool:
        """Keep ``text`` before returning (signals, crashes, exit): through the thread,
        or directly if the thread does not answer in ``timeout`` seconds."""
        try:
            self.save(pid, text, base).result(timeout=timeout)
            return True
        except (concurrent.futures.TimeoutError, RuntimeError):  # busy, or shut down
            pass
        except OSError:
            return False
        try:
            save_draft(self.data_dir, pid, text, base)
        except OSError:
            return False
        return True

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True)


__all__ = [
    "FILE_MODE",
    "Draft",
    "DraftWriter",
    "delete_draft",
    "draft_path",
    "drafts_dir",
    "editor_path",
    "load_draft",
    "read_editor_file",
    "save_draft",
    "write_editor_file",
]
