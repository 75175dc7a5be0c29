"""Document vectors, per backend. Vectors are float32, L2-normalized: the cosine is a dot product.

SQLite: sqlite-vec's `vec0` virtual tables, one per dimension count (`chunk_vectors_384`), partitioned by
collection, with a trigger that deletes a chunk's vector with the chunk (also on ON DELETE CASCADE from a
document, a collection or a user). The search is sqlite-vec's exact k-nearest scan inside one partition.

PostgreSQL: the vector is the chunk's `embedding` bytes (Debian 12 ships no pgvector), searched exactly in
numpy. A collection's matrix is read once and kept in this process, keyed by the collection's `revision`
(bumped on every change, so another server's writes are seen on the next search), up to
`CACHE_BYTES` in all, least recently used first out. Limits, measured in docs/benchmarks.md: the first search of
a collection reads all its vectors (1.5 kB a chunk), and each server keeps its own copy."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from causerie.store.models import DocumentChunk

CACHE_BYTES = 1 << 30  # 1 GiB of vectors per process: about 700,000 chunks of 384 dimensions


def vector_table(dimensions: int) -> str:
    return f"chunk_vectors_{int(dimensions)}"


def as_blob(vector: np.ndarray) -> bytes:
    return np.ascontiguousarray(vector, dtype="<f4").tobytes()


class SqliteVectors:
    def __init__(self) -> None:
        self._ready: set[int] = set()

    def ensure(self, session: Session, dimensions: int) -> None:
        if dimensions in self._ready:
            return
        table = vector_table(dimensions)
        session.execute(text(f"CREATE VIRTUAL TABLE IF NOT EXISTS {table} USING vec0("
                             f"collection_id integer partition key, embedding float[{int(dimensions)}] "
                             "distance_metric=cosine)"))
        session.execute(text(f"CREATE TRIGGER IF NOT EXISTS {table}_delete AFTER DELETE ON chunks BEGIN "
                             f"DELETE FROM {table} WHERE rowid = old.id; END"))
        self._ready.add(dimensions)

    def add(self, session: Session, dimensions: int, collection_id: int, chunk_ids: Sequence[int],
            vectors: np.ndarray) -> None:
        self.ensure(session, dimensions)
        statement = text(f"INSERT INTO {vector_table(dimensions)}(rowid, collection_id, embedding) "
                         "VALUES (:id, :collection, :embedding)")
        session.execute(statement, [{"id": chunk_id, "collection": collection_id, "embedding": as_blob(vector)}
                                    for chunk_id, vector in zip(chunk_ids, vectors, strict=True)])

    def search(self, session: Session, dimensions: int, collection_ids: Sequence[int], query: np.ndarray,
               k: int) -> list[tuple[int, float]]:
        """(chunk id, cosine similarity), best first, over the given collections."""
        self.ensure(session, dimensions)
        # One query per collection: sqlite-vec's k applies per partition key value, not to an IN list.
        statement = text(f"SELECT rowid, distance FROM {vector_table(dimensions)} "
                         "WHERE embedding MATCH :query AND k = :k AND collection_id = :collection")
        found: list[tuple[int, float]] = []
        for collection_id in collection_ids:
            rows = session.execute(statement, {"query": as_blob(query), "k": k, "collection": collection_id})
            found += [(int(row[0]), 1.0 - float(row[1])) for row in rows]
        return sorted(found, key=lambda hit: -hit[1])[:k]


class ExactVectors:
    """PostgreSQL without pgvector: the vectors are bytes in `chunks.embedding`, searched in numpy."""

    def __init__(self, cache_bytes: int = CACHE_BYTES) -> None:
        self.cache_bytes = cache_bytes
        self._cache: OrderedDict[int, tuple[int, np.ndarray, np.ndarray]] = OrderedDict()
        self._lock = threading.Lock()

    def ensure(self, session: Session, dimensions: int) -> None:
        """Nothing to create: the column exists."""

    def add(self, session: Session, dimensions: int, collection_id: int, chunk_ids: Sequence[int],
            vectors: np.ndarray) -> None:
        """Vectors are written with their chunks (`DocumentChunk.embedding`), nothing more to do."""

    def search(self, session: Session, dimensions: int, collection_ids: Sequence[int], query: np.ndarray,
               k: int, revisions: dict[int, int] | None = None) -> list[tuple[int, float]]:
        found: list[tuple[int, float]] = []
        for collection_id in collection_ids:
            revision = (revisions or {}).get(collection_id, -1)
            ids, matrix = self._matrix(session, collection_id, revision, dimensions)
            if not len(ids):
                continue
            scores = matrix @ np.asarray(query, dtype=np.float32)
            top = np.argpartition(-scores, min(k, len(scores)) - 1)[:k]
            found += [(int(ids[i]), float(scores[i])) for i in top]
        return sorted(found, key=lambda hit: -hit[1])[:k]

    def _matrix(self, session: Session, collection_id: int, revision: int, dimensions: int
                ) -> tuple[np.ndarray, np.ndarray]:
        with self._lock:
            cached = self._cache.get(collection_id)
            if cached and cached[0] == revision:
                self._cache.move_to_end(collection_id)
                return cached[1], cached[2]
        rows = session.execute(select(DocumentChunk.id, DocumentChunk.embedding).where(
            DocumentChunk.collection_id == collection_id, DocumentChunk.embedding.is_not(None))).all()
        ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
        matrix = (np.frombuffer(b"".join(row[1] or b"" for row in rows), dtype="<f4").reshape(len(rows), dimensions)
                  if rows else np.zeros((0, dimensions), dtype=np.float32))
        with self._lock:
            self._cache[collection_id] = (revision, ids, matrix)
            while sum(entry[2].nbytes for entry in self._cache.values()) > self.cache_bytes and len(self._cache) > 1:
                self._cache.popitem(last=False)
        return ids, matrix
