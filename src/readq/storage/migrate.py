"""Upgrading a library written by an older readq to the current ``SCHEMA_VERSION``.

Format 2 (readq fetch) adds optional fields to catalog entries (``arxiv_id``,
``author_names``, ``github``, ``project_page``, ``comments``), the ``upvotes/`` history
shards and ``last_fetched`` in ``meta.json``. A format-1 file is a valid format-2 file
without them, so the upgrade rewrites only ``meta.json`` - after a verified backup of the
reading state, under the lock, in one atomic commit: a crash leaves format 1 or format 2,
never a mix. A readq that only knows format 1 then refuses the library (it was written by
a newer readq) instead of dropping the new fields on its next write.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from readq.clock import iso
from readq.errors import StoreError
from readq.storage import journal
from readq.storage.layout import META_FILE, SCHEMA_VERSION
from readq.storage.lock import library_lock
from readq.storage.store import Store

__all__ = ["upgrade"]


def _verified_backup(store: Store, now: datetime) -> Path | None:
    """A pre-upgrade state backup, read back and compared with the state on disk."""
    from readq.storage import backup  # only an upgrade needs it, not every open

    taken = backup.take_backup(store, "pre-upgrade", now=now, locked=True)
    if taken is None:
        return None  # no reading state yet: nothing to lose
    if backup.read_backup(taken.path)["state"] != backup.snapshot_state(store)["state"]:
        raise StoreError(
            f"the backup {taken.path} does not match the library; not upgrading it "
            "(nothing was changed)"
        )
    return taken.path


def upgrade(store: Store, now: datetime) -> str | None:
    """Bring the library up to ``SCHEMA_VERSION``; the message to show once, or None
    when there was nothing to do. Damage raises CorruptFileError and changes nothing."""
    meta = store.check_meta()
    if meta is None or meta["schema_version"] >= SCHEMA_VERSION:
        return None  # the usual case: no lock taken, opening stays read-only
    with library_lock(store.root, store.lock_timeout):
        journal.recover(store.root)
        meta = store.check_meta()
        if meta is None or meta["schema_version"] >= SCHEMA_VERSION:
            return None  # another readq upgraded it while we waited for the lock
        old = meta["schema_version"]
        saved = _verified_backup(store, now)
        fresh = {
            **meta,
            "schema_version": SCHEMA_VERSION,
            "upgraded_from": old,
            "upgraded_at": iso(now),
        }
        store.write_files({store.root / META_FILE: {"meta": {"1": fresh}}})
    where = f"backup: {saved}" if saved else "no reading state to back up"
    return f"upgraded your library to format {SCHEMA_VERSION} ({where})"
