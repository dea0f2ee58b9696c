"""The data dir as one object: reading shards, and writing them in locked transactions.

The files and shards are described in :mod:`readq.storage.layout`. Every TinyDB instance
is fresh per transaction, opened under the lock, and changes are applied to what is on
disk (deltas), so two readq processes never lose each other's writes. A transaction's
files are committed all at once by :mod:`readq.storage.journal`.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document, Table

import readq
from readq.clock import file_stamp, iso, utc_now
from readq.errors import (
    CorruptFileError,
    FutureSchemaError,
    LockTimeoutError,
    ReadOnlyError,
    StoreWriteError,
)
from readq.storage import fsutil, journal, safety
from readq.storage.codec import check_fields, check_ids, read_json_file
from readq.storage.layout import (
    ABSTRACT_DOC_FIELDS,
    ABSTRACTS,
    CATALOG,
    CATALOG_DOC_FIELDS,
    META_FILE,
    SCHEMA_VERSION,
    STATE,
    STATE_DOC_FIELDS,
    TABLES,
    UPVOTES,
    UPVOTES_DOC_FIELDS,
    doc_id,
    shard_prefix,
    table_name,
)
from readq.storage.lock import DEFAULT_TIMEOUT, library_lock

DOC_FIELDS = {
    TABLES[CATALOG]: CATALOG_DOC_FIELDS,
    TABLES[ABSTRACTS]: ABSTRACT_DOC_FIELDS,
    TABLES[STATE]: STATE_DOC_FIELDS,
    TABLES[UPVOTES]: UPVOTES_DOC_FIELDS,
}


@dataclass
class _Staged:
    path: Path
    data: dict[str, Any]


@dataclass
class Transaction:
    """A set of file changes that become visible all at once, or not at all.

    TinyDB instances opened through :meth:`table` read the disk once (under the lock)
    and stage their writes here; :meth:`Store.transaction` commits them on exit.
    """

    store: Store
    _cache: dict[Path, dict[str, Any] | None] = field(default_factory=dict)
    _dirty: dict[Path, _Staged] = field(default_factory=dict)

    def read(self, path: Path) -> dict[str, Any] | None:
        if path not in self._cache:
            self._cache[path] = self.store.read_file(path)
        return self._cache[path]

    def stage(self, path: Path, data: dict[str, Any]) -> None:
        self._cache[path] = data
        self._dirty[path] = _Staged(path, data)

    def table(self, relpath: str, name: str | None = None) -> Table:
        """A TinyDB table of the file ``relpath`` whose writes join this transaction."""
        db = TinyDB(self.store.path(relpath), storage=_TxnStorage, txn=self)
        return db.table(name or table_name(relpath), cache_size=0)

    def shard(self, relpath: str) -> Shard:
        """The documents of one shard, by paper id, for reading and replacing."""
        return Shard(self, relpath)

    def update_meta(self, fields: Mapping[str, Any]) -> None:
        """Set fields of ``meta.json`` (such as ``last_fetched``) as part of this change."""
        path = self.store.path(META_FILE)
        data = self.read(path) or {}
        meta = dict(data.get("meta", {}).get("1") or {})
        meta.update(fields)
        self.stage(path, {**data, "meta": {"1": meta}})

    @property
    def written(self) -> list[Path]:
        return list(self._dirty)

    @property
    def written_shards(self) -> list[str]:
        """The files this transaction changed, named like the shards (relative paths)."""
        return [str(p.relative_to(self.store.root)) for p in self._dirty]


class Shard:
    """One shard inside a transaction: its documents keyed by paper id."""

    def __init__(self, txn: Transaction, relpath: str) -> None:
        self.relpath = relpath
        self.path = txn.store.path(relpath)
        self._txn = txn
        self._table = txn.table(relpath)

    def get(self, pid: str) -> Mapping[str, Any] | None:
        doc = self._table.get(doc_id=doc_id(pid))
        return doc if isinstance(doc, Mapping) else None

    def check(self, check: Callable[[Mapping[str, Any], Path], object]) -> None:
        """Run ``check`` (which raises CorruptFileError) on every document of the shard.

        Used to refuse to write into a shard whose documents are damaged (never paper over
        damage that the change itself does not touch).
        """
        data = self._txn.read(self.path) or {}
        for doc in data.get(table_name(self.relpath), {}).values():
            check(doc, self.path)

    def replace(self, drops: Iterable[str], puts: Mapping[str, dict[str, Any]]) -> None:
        """Remove the documents of ``drops``, then (re)insert ``puts``.

        Two passes, because TinyDB rewrites the table per call.
        """
        dropped = [doc_id(pid) for pid in drops]
        if dropped:
            self._table.remove(doc_ids=dropped)
        if puts:
            self._table.insert_multiple(
                Document(doc, doc_id=doc_id(pid)) for pid, doc in puts.items()
            )


class _TxnStorage(Storage):
    """TinyDB storage that reads through the transaction's cache and stages writes."""

    def __init__(self, path: str | os.PathLike[str], txn: Transaction) -> None:
        self.path = Path(path)
        self.txn = txn

    def read(self) -> dict[str, dict[str, Any]] | None:
        return self.txn.read(self.path)

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        self.txn.stage(self.path, data)

    def close(self) -> None:
        pass


class Store:
    """The data dir: reading shards, and writing them in locked, atomic transactions."""

    def __init__(self, root: Path, *, lock_timeout: float = DEFAULT_TIMEOUT) -> None:
        self.root = root
        self.lock_timeout = lock_timeout
        # a commit another readq is finishing: data file → its committed new contents
        self._pending: dict[str, Path] = {}
        self.keep_damage_aside = True  # off for ``readq doctor``, which never writes

    def path(self, relpath: str) -> Path:
        """The file of the shard (or other data file) ``relpath``."""
        return self.root / relpath

    # -- reading (no lock needed: files are only ever replaced atomically) -------------

    def exists(self) -> bool:
        return os.path.lexists(self.root / META_FILE)

    def read_file(self, path: Path, source: Path | None = None) -> dict[str, Any] | None:
        """A data file, fully checked (shape, tables, ids, fields); None if absent.

        Damage raises CorruptFileError after the damaged bytes were kept aside.
        ``source`` reads the contents from elsewhere (a pending commit's temp).
        """
        rel = path.relative_to(self.root).as_posix()
        table = TABLES.get(rel.split("/", 1)[0]) if "/" in rel else None
        tables = frozenset({table}) if table else frozenset({"meta"}) if rel == META_FILE else None
        try:
            # the big shards: duplicate keys are found by counting every key (flat
            # documents) or, for the upvote histories (a dict per paper), the ids
            fast = (table != TABLES[UPVOTES] and "keys") if table else False
            data = read_json_file(source or path, tables=tables, fast=fast)
            prefix = shard_prefix(rel)
            if data is not None and table and prefix is not None:
                docs = data.get(table, {})
                check_ids(path, docs, prefix)
                check_fields(path, docs, DOC_FIELDS[table])
        except CorruptFileError as exc:
            if not self.keep_damage_aside:
                raise
            kept = fsutil.keep_aside(Path(str(exc.path)), file_stamp(utc_now()))
            if kept is None:
                raise
            raise CorruptFileError(exc.path, exc.reason, kept_as=kept) from None
        return data

    def read_docs(self, relpath: str) -> dict[str, dict[str, Any]]:
        """The documents of one shard, keyed by TinyDB doc id; {} if the shard is absent.

        While another readq finishes a commit, the committed new contents are read.
        """
        source = self._pending.get(relpath)
        if source is not None and not os.path.lexists(source):
            source = None  # renamed meanwhile: the file itself is the new one
        data = self.read_file(self.root / relpath, source)
        if data is None:
            return {}
        return data.get(table_name(relpath), {})  # type: ignore[no-any-return]

    def signature(self, relpath: str) -> tuple[int, int, int] | None:
        """What changes when another process replaces the file (for change polling)."""
        try:
            st = os.stat(self.root / relpath)
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_ino, st.st_size)

    def check_meta(self) -> dict[str, Any] | None:
        """Validate meta.json; None for a library that does not exist yet."""
        safety.check_data_dir(self.root)
        path = self.root / META_FILE
        data = self.read_file(path)
        if data is None:
            if any(
                (self.root / kind).is_dir() and any((self.root / kind).iterdir())
                for kind in (CATALOG, STATE)
            ):
                raise CorruptFileError(path, "it is missing but the library has data files")
            return None
        meta = data.get("meta", {}).get("1")
        if not isinstance(meta, dict) or not isinstance(meta.get("schema_version"), int):
            raise CorruptFileError(path, "it has no schema_version")
        if meta["schema_version"] > SCHEMA_VERSION:
            raise FutureSchemaError(path, meta["schema_version"], SCHEMA_VERSION)
        return meta

    def last_fetched(self) -> date | None:
        """``last_fetched`` of meta.json: the latest day ``readq fetch`` imported."""
        value = (self.check_meta() or {}).get("last_fetched")
        try:
            return None if value is None else date.fromisoformat(value)
        except (TypeError, ValueError):
            raise CorruptFileError(self.root / META_FILE, "last_fetched is not a date") from None

    # -- writing ------------------------------------------------------------------------

    def prepare(self) -> None:
        """Create the data dir (0700) and meta.json, and finish any interrupted commit."""
        safety.check_data_dir(self.root)
        created = not self.root.exists()
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        if created:
            with contextlib.suppress(OSError):
                os.chmod(self.root, 0o700)
        with library_lock(self.root, self.lock_timeout):
            journal.recover(self.root, sweep=True)
            if self.check_meta() is None:
                meta = {
                    "schema_version": SCHEMA_VERSION,
                    "app_version": readq.__version__,
                    "created_at": iso(utc_now()),
                }
                self.write_files({self.root / META_FILE: {"meta": {"1": meta}}})

    def needs_recovery(self) -> bool:
        """A commit was interrupted, or a crash left temp files behind."""
        return journal.needs_recovery(self.root)

    def recover(self) -> None:
        """Finish an interrupted commit, if the lock is free right now.

        A reader never waits for a writer: when another readq holds the lock (it may be
        stopped half-way through a commit) or the data dir is read-only, the reader
        reads the last committed state instead (the journal's new files).
        """
        try:
            with library_lock(self.root, 0):
                journal.recover(self.root, sweep=True)
            self._pending = {}
        except (LockTimeoutError, ReadOnlyError, StoreWriteError, OSError):
            self._pending = journal.pending(self.root)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Lock, hand out a fresh transaction, commit its staged files atomically."""
        if not self.exists():
            self.prepare()
        with library_lock(self.root, self.lock_timeout):
            journal.recover(self.root)
            self.check_meta()
            txn = Transaction(self)
            yield txn
            if txn._dirty:
                self.write_files({s.path: s.data for s in txn._dirty.values()})

    def write_files(self, files: dict[Path, dict[str, Any]]) -> None:
        """Replace several files so that a crash leaves all old or all new (under the
        lock; see :func:`readq.storage.journal.write_files`)."""
        journal.write_files(self.root, files)
