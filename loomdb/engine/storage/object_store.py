"""The durable object store of one shard: SQLite in WAL mode, the source of truth every index is rebuilt from.

Crash safety: every write is one transaction committed with `synchronous=FULL` (fsync of the WAL) before the
caller acknowledges it, so an acknowledged write survives kill -9 and power loss; an unacknowledged one is
either wholly there or wholly absent.
"""
from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ...entities.errors import ShardClosed

_SCHEMA = """
CREATE TABLE IF NOT EXISTS objects (
    doc     INTEGER PRIMARY KEY,
    uuid    BLOB    NOT NULL UNIQUE,
    created INTEGER NOT NULL,
    updated INTEGER NOT NULL,
    props   BLOB    NOT NULL,
    seq     INTEGER NOT NULL DEFAULT 0     -- write sequence: what changed since an index snapshot
);
CREATE TABLE IF NOT EXISTS vectors (
    doc  INTEGER NOT NULL,
    name TEXT    NOT NULL,
    data BLOB    NOT NULL,
    dim  INTEGER NOT NULL DEFAULT 0,   -- a multi-vector's token width (data = its rows in turn); 0 = one vector
    PRIMARY KEY (doc, name)
) WITHOUT ROWID;
"""
_CHUNK = 500   # bound on SQL variables per statement (SQLite's default limit is 999 on old builds)


@dataclass
class ObjectRow:
    """One object as stored: `doc` is the store's stable integer key, `props` the encoded property JSON."""

    doc: int
    uuid: bytes
    created: int
    updated: int
    props: bytes
    vectors: dict[str, np.ndarray]     # float32: 1-D, or 2-D (token rows) for a multi-vector space


@dataclass
class StoreChange:
    """One writer's part of a transaction: rows to insert or overwrite, docs they overwrite (their old vectors
    go), docs to delete."""

    rows: list[ObjectRow] = field(default_factory=list)
    replaced: list[int] = field(default_factory=list)
    deleted: list[int] = field(default_factory=list)


def decode_vector(data: bytes, dim: int) -> np.ndarray:
    """A stored vector: 1-D float32, or the (tokens x dim) matrix of a multi-vector (`dim` > 0)."""
    vec = np.frombuffer(data, dtype=np.float32)
    return vec.reshape(-1, dim) if dim else vec


class ObjectStore:
    """objects.sqlite of one shard. One writer at a time (the shard serialises writes); readers use their own
    per-thread connections, which WAL lets run concurrently with the writer."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._writer = self._connect()
        self._writer.executescript(_SCHEMA)
        columns = {r[1] for r in self._writer.execute("PRAGMA table_info(objects)")}
        if "seq" not in columns:          # stores written before index snapshots existed
            self._writer.execute("ALTER TABLE objects ADD COLUMN seq INTEGER NOT NULL DEFAULT 0")
        if "dim" not in {r[1] for r in self._writer.execute("PRAGMA table_info(vectors)")}:   # before multi-vectors
            self._writer.execute("ALTER TABLE vectors ADD COLUMN dim INTEGER NOT NULL DEFAULT 0")
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()
        self._closed = False

    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=FULL")
        con.execute("PRAGMA busy_timeout=10000")
        return con

    @property
    def closed(self) -> bool:
        return self._closed

    def _reader(self) -> sqlite3.Connection:
        if self._closed:
            raise ShardClosed("the shard was closed while the request ran (tenant deactivated or collection "
                              "deleted); retry the request")
        con = getattr(self._local, "con", None)
        if con is None:
            con = self._connect()
            con.execute("PRAGMA query_only=ON")
            self._local.con = con
            with self._readers_lock:
                self._readers.append(con)
        return con

    # ---- writes -------------------------------------------------------------------------------------------
    def commit(self, changes: list[StoreChange], seq: int = 0) -> None:
        """Apply `changes` in order in ONE durable transaction (one fsync for all of them: the shard's group
        commit of concurrent writers). `seq` is the write sequence stamped on every row written."""
        con = self._writer
        con.execute("BEGIN IMMEDIATE")
        try:
            for change in changes:
                self._apply(con, change, seq)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise

    @staticmethod
    def _apply(con: sqlite3.Connection, change: StoreChange, seq: int) -> None:
        """One change inside the open transaction: old vectors of overwritten and deleted docs go first (an
        overwrite replaces the whole object), then deleted objects, then the new rows."""
        gone = [(d,) for d in (*change.replaced, *change.deleted)]
        if gone:
            con.executemany("DELETE FROM vectors WHERE doc = ?", gone)
        if change.deleted:
            con.executemany("DELETE FROM objects WHERE doc = ?", [(d,) for d in change.deleted])
        if change.rows:
            con.executemany(
                "INSERT OR REPLACE INTO objects (doc, uuid, created, updated, props, seq) VALUES (?, ?, ?, ?, ?, ?)",
                [(r.doc, r.uuid, r.created, r.updated, r.props, seq) for r in change.rows])
            con.executemany(
                "INSERT OR REPLACE INTO vectors (doc, name, data, dim) VALUES (?, ?, ?, ?)",
                [(r.doc, name, vec.astype(np.float32).tobytes(), vec.shape[1] if vec.ndim == 2 else 0)
                 for r in change.rows for name, vec in r.vectors.items()])

    # ---- reads --------------------------------------------------------------------------------------------
    def max_seq(self) -> int:
        row = self._reader().execute("SELECT COALESCE(MAX(seq), 0) FROM objects").fetchone()
        return int(row[0])

    def changed_since(self, seq: int) -> np.ndarray:
        """Docs written (inserted or overwritten) after write sequence `seq`, ascending."""
        rows = self._reader().execute("SELECT doc FROM objects WHERE seq > ? ORDER BY doc", (seq,)).fetchall()
        return np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))

    def vectors_of(self, name: str, docs: list[int]) -> dict[int, bytes]:
        """doc -> float32 blob of one vector space, for the given docs."""
        return {d: v[name].tobytes() for d, v in self.get_vectors(docs, [name]).items() if name in v}

    def max_doc(self) -> int:
        row = self._reader().execute("SELECT COALESCE(MAX(doc), 0) FROM objects").fetchone()
        return int(row[0])

    def get_many(self, docs: list[int]) -> dict[int, tuple[bytes, int, int, bytes]]:
        """doc -> (uuid, created, updated, props) for the docs that exist."""
        con = self._reader()
        out: dict[int, tuple[bytes, int, int, bytes]] = {}
        for i in range(0, len(docs), _CHUNK):
            chunk = docs[i:i + _CHUNK]
            marks = ",".join("?" * len(chunk))
            for doc, uid, created, updated, props in con.execute(
                    f"SELECT doc, uuid, created, updated, props FROM objects WHERE doc IN ({marks})", chunk):
                out[doc] = (uid, created, updated, props)
        return out

    def get_vectors(self, docs: list[int], names: list[str] | None) -> dict[int, dict[str, np.ndarray]]:
        """doc -> {vector name -> float32 vector (2-D for a multi-vector)}; `names=None` means every vector."""
        con = self._reader()
        out: dict[int, dict[str, np.ndarray]] = {}
        for i in range(0, len(docs), _CHUNK):
            chunk = docs[i:i + _CHUNK]
            marks = ",".join("?" * len(chunk))
            for doc, name, data, dim in con.execute(
                    f"SELECT doc, name, data, dim FROM vectors WHERE doc IN ({marks})", chunk):
                if names is None or name in names:
                    out.setdefault(doc, {})[name] = decode_vector(data, dim)
        return out

    def scan_objects(self, batch: int = 10_000) -> Iterator[list[tuple[int, bytes, int, int, bytes]]]:
        """All objects in doc order, in batches, for rebuilding in-memory indexes on open."""
        con = self._reader()
        cur = con.execute("SELECT doc, uuid, created, updated, props FROM objects ORDER BY doc")
        while rows := cur.fetchmany(batch):
            yield rows

    def load_vectors(self, name: str, batch: int = 8192) -> tuple[np.ndarray, np.ndarray]:
        """(docs ascending, float32 matrix with one row per doc) of one vector space, read in batches into one
        preallocated matrix: no per-row Python objects kept (1M x 128 used to hold 1M blobs + views, ~650 MiB).
        A multi-vector space gives one row per token instead, each doc repeated once per token of its matrix."""
        con = self._reader()
        n, dim_bytes, token_dim = con.execute(
            "SELECT COUNT(*), MAX(LENGTH(data)), MAX(dim) FROM vectors WHERE name = ?", (name,)).fetchone()
        if token_dim:
            return self._load_token_rows(name, token_dim, batch)
        docs = np.empty(n, np.int64)
        matrix = np.empty((n, (dim_bytes or 0) // 4), np.float32)
        cur = con.execute("SELECT doc, data FROM vectors WHERE name = ? ORDER BY doc", (name,))
        filled = 0
        while (rows := cur.fetchmany(batch)) and filled < n:
            rows = rows[: n - filled]          # rows written since the COUNT wait for the next open
            docs[filled: filled + len(rows)] = [r[0] for r in rows]
            matrix[filled: filled + len(rows)] = np.frombuffer(b"".join(r[1] for r in rows), np.float32).reshape(
                len(rows), -1)
            filled += len(rows)
        return docs[:filled], matrix[:filled]

    def _load_token_rows(self, name: str, dim: int, batch: int) -> tuple[np.ndarray, np.ndarray]:
        """(doc of each token row, token matrix) of a multi-vector space, docs ascending."""
        cur = self._reader().execute("SELECT doc, data FROM vectors WHERE name = ? ORDER BY doc", (name,))
        docs: list[np.ndarray] = []
        blocks: list[np.ndarray] = []
        while rows := cur.fetchmany(batch):
            block = np.frombuffer(b"".join(r[1] for r in rows), np.float32).reshape(-1, dim)
            docs.append(np.repeat([r[0] for r in rows], [len(r[1]) // (4 * dim) for r in rows]))
            blocks.append(block)
        if not blocks:
            return np.empty(0, np.int64), np.empty((0, dim), np.float32)
        return np.concatenate(docs).astype(np.int64), np.concatenate(blocks)

    def close(self) -> None:
        """Checkpoint the WAL into the main file and close every connection."""
        self._closed = True
        with self._readers_lock:
            for con in self._readers:
                try:
                    con.close()
                except sqlite3.ProgrammingError:
                    pass   # owned by another thread that already closed it
            self._readers.clear()
        try:
            self._writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            self._writer.close()
