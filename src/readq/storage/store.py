"""The on-disk library: sharded TinyDB files, crash-safe transactions, one lock.

Layout of the data dir::

    meta.json               schema version, created-at (TinyDB table ``meta``)
    catalog/<h>.json        papers without abstracts, 16 shards by the id's first hex digit
    abstracts/<h>.json      abstracts, 16 shards (loaded lazily: they are 90% of the bytes)
    state/<hh>.json         read/starred/note, 256 shards by the first two hex digits
    readq.lock              the inter-process write lock (never deleted)
    journal.json            only during a multi-file commit (rolled forward after a crash)

Why shards: TinyDB rewrites a whole file on every change. Starring one paper in a
100,000-paper library rewrites one ~60 KB state shard instead of a 15 MB state file or
a 40 MB catalog. Every TinyDB instance is fresh per transaction, opened under the lock,
and changes are applied to what is on disk (deltas), so two readq processes never lose
each other's writes. Nothing ever treats an unreadable file as empty.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from readq.storage import fsutil
from readq.errors import CorruptFileError, FutureSchemaError, StoreWriteError
from readq.storage.lock import DEFAULT_TIMEOUT, library_lock

SCHEMA_VERSION = 1
META_FILE = "meta.json"
JOURNAL_FILE = "journal.json"
CATALOG = "catalog"
ABSTRACTS = "abstracts"
STATE = "state"
TABLES = {CATALOG: "papers", ABSTRACTS: "abstracts", STATE: "state"}
HEX = "0123456789abcdef"


def shard_name(kind: str, pid: str) -> str:
    """The shard file (relative to the data dir) that holds paper ``pid`` of ``kind``."""
    width = 2 if kind == STATE else 1
    return f"{kind}/{pid[:width]}.json"


def all_shards(kind: str) -> list[str]:
    if kind == STATE:
        return [f"{STATE}/{a}{b}.json" for a in HEX for b in HEX]
    return [f"{kind}/{a}.json" for a in HEX]


def doc_id(pid: str) -> int:
    """TinyDB wants integer document ids; a paper id is 64 bits of hex."""
    return int(pid, 16)


def encode(data: object) -> bytes:
    """Serialise before touching the disk, so an unencodable value changes nothing.

    Compact (no indent): a 100,000-paper library loads 25% faster, and ``jq`` or any
    JSON viewer still shows the notes to a human in an emergency.
    """
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode(
        "utf-8"
    )


def read_json_file(path: Path, *, tinydb_shape: bool = True) -> dict[str, Any] | None:
    """Parse a TinyDB file; None only when it does not exist. Damage raises."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise CorruptFileError(path, "it is a directory, not a file") from None
    except PermissionError as exc:
        raise CorruptFileError(path, f"permission denied ({exc.strerror})") from None
    if not raw.strip():
        raise CorruptFileError(path, "the file is empty (0 bytes of data)")
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise CorruptFileError(path, f"not valid UTF-8 at byte {exc.start}") from None
    except json.JSONDecodeError as exc:
        raise CorruptFileError(path, f"not valid JSON ({exc.msg} at byte {exc.pos})") from None
    if tinydb_shape:
        check_shape(path, data)
    elif not isinstance(data, dict):
        raise CorruptFileError(path, "expected a JSON object")
    return data  # type: ignore[no-any-return]


def check_shape(path: Path, data: object) -> None:
    """A TinyDB file is ``{table: {doc_id: {field: value}}}``; anything else is damage."""
    if not isinstance(data, dict):
        raise CorruptFileError(path, f"expected a JSON object, found {type(data).__name__}")
    for name, table in data.items():
        if not isinstance(table, dict):
            raise CorruptFileError(path, f"table {name!r} is not a JSON object")
        for key, doc in table.items():
            if not key.isdigit() or not isinstance(doc, dict):
                raise CorruptFileError(path, f"table {name!r} has a malformed document {key!r}")


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
            self._cache[path] = read_json_file(path)
        return self._cache[path]

    def stage(self, path: Path, data: dict[str, Any]) -> None:
        self._cache[path] = data
        self._dirty[path] = _Staged(path, data)

    def table(self, relpath: str, name: str | None = None) -> Table:
        """A TinyDB table of the file ``relpath`` whose writes join this transaction."""
        kind = relpath.split("/", 1)[0]
        name = name or TABLES.get(kind, "_default")
        db = TinyDB(self.store.root / relpath, storage=_TxnStorage, txn=self)
        return db.table(name, cache_size=0)

    @property
    def written(self) -> list[Path]:
        return list(self._dirty)


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

    # -- reading (no lock needed: files are only ever replaced atomically) -------------

    def exists(self) -> bool:
        return (self.root / META_FILE).exists()

    def read_docs(self, relpath: str) -> dict[str, dict[str, Any]]:
        """The documents of one shard, keyed by TinyDB doc id; {} if the shard is absent."""
        path = self.root / relpath
        data = read_json_file(path)
        if data is None:
            return {}
        kind = relpath.split("/", 1)[0]
        return data.get(TABLES.get(kind, "_default"), {})  # type: ignore[no-any-return]

    def signature(self, relpath: str) -> tuple[int, int, int] | None:
        """What changes when another process replaces the file (for change polling)."""
        try:
            st = os.stat(self.root / relpath)
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_ino, st.st_size)

    def check_meta(self) -> dict[str, Any] | None:
        """Validate meta.json; None for a library that does not exist yet."""
        path = self.root / META_FILE
        data = read_json_file(path)
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

    # -- writing ------------------------------------------------------------------------

    def prepare(self) -> None:
        """Create the data dir (0700) and meta.json, and finish any interrupted commit."""
        created = not self.root.exists()
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        if created:
            with contextlib.suppress(OSError):
                os.chmod(self.root, 0o700)
        with library_lock(self.root, self.lock_timeout):
            self._recover(sweep=True)
            if self.check_meta() is None:
                from datetime import datetime, timezone

                from readq import __version__

                meta = {
                    "schema_version": SCHEMA_VERSION,
                    "app_version": __version__,
                    "created_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                }
                self.write_files({self.root / META_FILE: {"meta": {"1": meta}}})

    def needs_recovery(self) -> bool:
        """A commit was interrupted, or a crash left temp files behind."""
        if (self.root / JOURNAL_FILE).exists():
            return True
        return self.root.is_dir() and any(self.root.rglob("*" + fsutil.TMP_SUFFIX))

    def recover(self) -> None:
        with library_lock(self.root, self.lock_timeout):
            self._recover(sweep=True)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Lock, hand out a fresh transaction, commit its staged files atomically."""
        if not self.exists():
            self.prepare()
        with library_lock(self.root, self.lock_timeout):
            self._recover()
            self.check_meta()
            txn = Transaction(self)
            yield txn
            if txn._dirty:
                self.write_files({s.path: s.data for s in txn._dirty.values()})

    def write_files(self, files: dict[Path, dict[str, Any]]) -> None:
        """Replace several files so that a crash leaves all old or all new.

        One file: temp + fsync + rename. Several: all temps are written and fsynced,
        then a journal naming them is written atomically, then the renames; a crash
        after the journal is rolled forward by :meth:`_recover` on the next start.
        """
        # Write through symlinks (a data file linked into a synced folder stays linked).
        payloads = {Path(os.path.realpath(path)): encode(data) for path, data in files.items()}
        temps: dict[Path, Path] = {}
        try:
            for path, payload in payloads.items():
                temps[path] = fsutil.write_temp(path, payload)
            if len(temps) == 1:
                ((path, tmp),) = temps.items()
                os.replace(tmp, path)
                fsutil.fsync_dir(path.parent)
                return
            journal = {"replace": [[str(t), str(p)] for p, t in temps.items()]}
            fsutil.atomic_write_bytes(self.root / JOURNAL_FILE, encode(journal))
        except OSError as exc:
            fsutil.remove_quietly(temps.values())
            raise StoreWriteError(_write_failure(exc)) from exc
        self._roll_forward(journal)

    def _roll_forward(self, journal: dict[str, Any]) -> None:
        dirs: set[Path] = set()
        try:
            for tmp, final in journal["replace"]:
                if os.path.exists(tmp):
                    os.replace(tmp, final)
                dirs.add(Path(final).parent)
            for d in dirs:
                fsutil.fsync_dir(d)
            os.unlink(self.root / JOURNAL_FILE)
            fsutil.fsync_dir(self.root)
        except OSError as exc:
            raise StoreWriteError(
                f"a write was interrupted ({exc.strerror}); it will be completed the next "
                "time readq starts",
                durable=True,
            ) from exc

    def _recover(self, *, sweep: bool = False) -> None:
        """Finish a commit interrupted after its journal; with ``sweep``, drop stray temps.

        Called under the lock, so no other readq is half-way through writing a temp.
        """
        journal_path = self.root / JOURNAL_FILE
        if journal_path.exists():
            journal = read_json_file(journal_path, tinydb_shape=False)
            pairs = journal.get("replace") if journal else None
            if not (
                isinstance(pairs, list)
                and all(
                    isinstance(p, list) and len(p) == 2 and all(isinstance(x, str) for x in p)
                    for p in pairs
                )
            ):
                raise CorruptFileError(journal_path, "the commit journal is malformed")
            self._roll_forward({"replace": pairs})
        if sweep:
            fsutil.remove_quietly(self.root.rglob("*" + fsutil.TMP_SUFFIX))


def keep_aside(path: Path, stamp: str) -> Path | None:
    """Copy a damaged file's exact bytes to ``<name>.corrupt-<stamp>``; the file itself
    stays untouched. An identical copy already kept is reused. None if it cannot copy."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    for old in path.parent.glob(path.name + ".corrupt-*"):
        try:
            if old.read_bytes() == raw:
                return old
        except OSError:
            continue
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    try:
        fsutil.atomic_write_bytes(aside, raw)
    except OSError:
        return None
    return aside


def _write_failure(exc: OSError) -> str:
    reason = exc.strerror or str(exc)
    if exc.errno == 28:
        reason = "the disk is full"
    where = exc.filename or "data dir"
    return f"the change was NOT saved: {reason} ({where}); your data on disk is unchanged"
