"""Where each piece of the library lives in the data dir: file names and shards.

Layout of the data dir::

    meta.json               schema version, created-at (TinyDB table ``meta``)
    catalog/<h>.json        papers without abstracts, 16 shards by the id's first hex digit
    abstracts/<h>.json      abstracts, 16 shards (loaded lazily: they are 90% of the bytes)
    state/<hh>.json         read/starred/note, 256 shards by the first two hex digits
    upvotes/<h>.json        upvotes seen per day by ``readq fetch`` (90 days), 16 shards
    readq.lock              the inter-process write lock (never deleted)
    journal.json            only during a multi-file commit (rolled forward after a crash)
    backups/                gzipped state backups (see ``readq.storage.backup``)

Why shards: TinyDB rewrites a whole file on every change. Starring one paper in a
100,000-paper library rewrites one ~60 KB state shard instead of a 15 MB state file or
a 40 MB catalog.

A shard is named by its path relative to the data dir (``"state/3f.json"``). Code outside
``readq.storage`` gets those names only from the functions below and treats them as
opaque keys.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TypeVar

_T = TypeVar("_T")

SCHEMA_VERSION = 2
META_FILE = "meta.json"
JOURNAL_FILE = "journal.json"
CATALOG = "catalog"
ABSTRACTS = "abstracts"
STATE = "state"
UPVOTES = "upvotes"
TABLES = {CATALOG: "papers", ABSTRACTS: "abstracts", STATE: "state", UPVOTES: "upvotes"}
HEX = "0123456789abcdef"
# Every field a document may hold: anything else is damage (a damaged field name would
# otherwise silently drop that field; a newer readq's fields come with a newer
# schema_version, refused before this). Schema changes add their fields here.
STATE_DOC_FIELDS = frozenset(
    {
        "id",
        "title",
        "read",
        "starred",
        "note",
        "read_at",
        "starred_at",
        "note_at",
        "updated_at",
        "removed",
        "removed_at",
    }
)
CATALOG_DOC_FIELDS = frozenset(
    {
        "id",
        "title",
        "authors",
        "organization",
        "published",
        "upvotes",
        "links",
        "first_seen",
        "last_seen",
        # from the Hugging Face API (models.Entry)
        "arxiv_id",
        "author_names",
        "github",
        "project_page",
        "comments",
    }
)
ABSTRACT_DOC_FIELDS = frozenset({"id", "abstract"})
UPVOTES_DOC_FIELDS = frozenset({"id", "u"})
# meta.json, history.json and the like at the top, shards in their directories; never
# the journal itself, never anything with a path of its own
_DATA_FILE = re.compile(
    r"(?!journal\.json$)[a-z][a-z0-9_-]*\.json"
    r"|(catalog|abstracts|upvotes)/[0-9a-f]\.json|state/[0-9a-f]{2}\.json"
)


def shard_name(kind: str, pid: str) -> str:
    """The shard file (relative to the data dir) that holds paper ``pid`` of ``kind``."""
    width = 2 if kind == STATE else 1
    return f"{kind}/{pid[:width]}.json"


def all_shards(kind: str) -> list[str]:
    if kind == STATE:
        return [f"{STATE}/{a}{b}.json" for a in HEX for b in HEX]
    return [f"{kind}/{a}.json" for a in HEX]


def table_name(relpath: str) -> str:
    """The TinyDB table that holds the documents of the file ``relpath``."""
    return TABLES.get(relpath.split("/", 1)[0], "_default")


def doc_id(pid: str) -> int:
    """TinyDB wants integer document ids; a paper id is 64 bits of hex."""
    return int(pid, 16)


# -- the names the library uses -----------------------------------------------------------


def catalog_shard(pid: str) -> str:
    return shard_name(CATALOG, pid)


def abstract_shard(pid: str) -> str:
    return shard_name(ABSTRACTS, pid)


def state_shard(pid: str) -> str:
    return shard_name(STATE, pid)


def catalog_shards(prefix: str | None = None) -> list[str]:
    """Every catalog shard, or only the one holding the ids that start with ``prefix``."""
    return [catalog_shard(prefix)] if prefix else all_shards(CATALOG)


def upvotes_shard(pid: str) -> str:
    return shard_name(UPVOTES, pid)


def upvotes_shards() -> list[str]:
    return all_shards(UPVOTES)


def abstract_shards() -> list[str]:
    return all_shards(ABSTRACTS)


def state_shards() -> list[str]:
    return all_shards(STATE)


def abstracts_of_catalog(relpath: str) -> str:
    """The abstracts shard that goes with the catalog shard ``relpath`` (same ids)."""
    digit = relpath.split("/")[1][0]
    return shard_name(ABSTRACTS, digit)


def catalog_digit(relpath: str) -> str:
    """The first hex digit of every id in the catalog shard ``relpath``."""
    return relpath.split("/")[1][0]


def is_data_file(relpath: str) -> bool:
    """``relpath`` names one of the library's own data files (a top-level ``*.json``
    such as meta or history, or a shard)."""
    return _DATA_FILE.fullmatch(relpath) is not None


def shard_prefix(relpath: str) -> str | None:
    """The id prefix every paper in the shard ``relpath`` has; None for other files."""
    kind, _, name = relpath.partition("/")
    return name.partition(".")[0] if kind in TABLES and name else None


def group_by_shard(items: Iterable[_T], shard: Callable[[_T], str]) -> dict[str, list[_T]]:
    """``items`` grouped by the shard that holds each, in first-seen order."""
    groups: dict[str, list[_T]] = {}
    for item in items:
        groups.setdefault(shard(item), []).append(item)
    return groups
