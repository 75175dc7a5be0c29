"""Collections, documents and their chunks: the store's side of document search.

A collection belongs to one user, like a conversation: every method takes the caller's user id and a
collection that is not theirs is "not found" (404), never "forbidden", so names are not probed. A document is
written with all its chunks and vectors in one transaction: a failure leaves nothing half-ingested."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

import numpy as np
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import IntegrityError as DatabaseIntegrityError
from sqlalchemy.orm import Session

from causerie.documents.parsed import Chunk
from causerie.errors import Conflict, InvalidRequest, NotFound, ServiceUnavailable
from causerie.store.base import StoreBase
from causerie.store.db import has_vectors
from causerie.store.document_records import CollectionRecord, DocumentRecord, NewDocument, PassageRecord
from causerie.store.models import Collection, Document, DocumentChunk
from causerie.store.records import now, utc
from causerie.store.search import WORD
from causerie.store.vectors import ExactVectors, SqliteVectors, as_blob

COLLECTION_NAME = re.compile(r"^[\w][\w.\- ]{0,63}$", re.UNICODE)
MAX_FTS_TERMS = 24

# Full-text search over chunks for retrieval: ANY of the words (a question rarely has all its words in the
# passage), ranked by BM25 / ts_rank, so rare words weigh most.
# CROSS JOIN keeps the FTS index as the outer loop: with a plain JOIN SQLite's planner walked the user's
# chunks by ix_chunks_user_id and ran MATCH once per row (245 s for a question on 20,000 chunks, 40 ms
# this way). `rank` is FTS5's bm25, read from the index instead of recomputed per row.
SQLITE_TEXT = text("""
SELECT c.id FROM chunks_fts CROSS JOIN chunks c ON c.id = chunks_fts.rowid
WHERE chunks_fts MATCH :query AND c.user_id = :user_id AND c.collection_id IN ({ids})
ORDER BY chunks_fts.rank LIMIT :limit
""")
POSTGRES_TEXT = text("""
WITH q AS (SELECT replace(plainto_tsquery('french', :query)::text, '&', '|')::tsquery AS query)
SELECT c.id FROM chunks c, q
WHERE c.user_id = :user_id AND c.collection_id IN ({ids}) AND c.search @@ q.query
ORDER BY ts_rank(c.search, q.query) DESC, c.id LIMIT :limit
""")


class VectorsUnavailable(ServiceUnavailable):
    code = "vectors_unavailable"


def collection_not_found(name: str) -> NotFound:
    return NotFound("documents.collection_not_found", param="collection", name=name[:64], code="collection_not_found")


def _collection(row: Collection, documents: int = 0, chunks: int = 0) -> CollectionRecord:
    return CollectionRecord(id=row.id, user_id=row.user_id, name=row.name, description=row.description,
                            embedder=row.embedder, dimensions=row.dimensions, revision=row.revision,
                            created_at=utc(row.created_at), updated_at=utc(row.updated_at),  # type: ignore[arg-type]
                            documents=documents, chunks=chunks)


def _document(row: Document) -> DocumentRecord:
    return DocumentRecord(id=row.id, collection_id=row.collection_id, filename=row.filename,
                          media_type=row.media_type, sha256=row.sha256, size_bytes=row.size_bytes, title=row.title,
                          pages=row.pages, chunk_count=row.chunk_count, token_count=row.token_count,
                          created_at=utc(row.created_at), warnings=list(row.warnings or []))  # type: ignore[arg-type]


def check_collection_name(name: str) -> str:
    cleaned = name.strip()
    if not COLLECTION_NAME.match(cleaned):
        raise InvalidRequest("documents.bad_collection_name", param="collection", name=name[:80])
    return cleaned


def text_query(query: str) -> str:
    """FTS5: 'Quel tarif ?' -> '"Quel"* OR "tarif"*' (quoted: user text never reaches the query language)."""
    return " OR ".join(f'"{word}"*' for word in WORD.findall(query)[:MAX_FTS_TERMS])


class DocumentsMixin(StoreBase):
    _vectors: SqliteVectors | ExactVectors | None = None

    @property
    def vectors(self) -> SqliteVectors | ExactVectors:
        if self._vectors is None:
            if not has_vectors(self.engine):
                raise VectorsUnavailable("documents.no_vectors")
            self._vectors = SqliteVectors() if self.backend == "sqlite" else ExactVectors()
        return self._vectors

    # --- collections ---
    def _owned_collection(self, session: Session, user_id: int, name: str) -> Collection:
        row = session.scalar(select(Collection).where(Collection.user_id == user_id, Collection.name == name))
        if row is None:
            raise collection_not_found(name)
        return row

    def create_collection(self, user_id: int, name: str, *, embedder: str, dimensions: int,
                          description: str = "") -> CollectionRecord:
        name = check_collection_name(name)
        moment = now()
        try:
            with self._write() as session:
                row = Collection(user_id=user_id, name=name, description=description, embedder=embedder,
                                 dimensions=dimensions, revision=0, created_at=moment, updated_at=moment)
                session.add(row)
                session.flush()
                return _collection(row)
        except DatabaseIntegrityError as error:
            raise Conflict("documents.collection_exists", param="name", name=name) from error

    def ensure_collection(self, user_id: int, name: str, *, embedder: str, dimensions: int) -> CollectionRecord:
        try:
            return self.get_collection(user_id, name)
        except NotFound:
            try:
                return self.create_collection(user_id, name, embedder=embedder, dimensions=dimensions)
            except Conflict:  # created by a concurrent request in between
                return self.get_collection(user_id, name)

    def get_collection(self, user_id: int, name: str) -> CollectionRecord:
        with self._read() as session:
            row = self._owned_collection(session, user_id, name)
            documents = session.scalar(select(func.count()).where(Document.collection_id == row.id)) or 0
            chunks = session.scalar(select(func.coalesce(func.sum(Document.chunk_count), 0))
                                    .where(Document.collection_id == row.id)) or 0
            return _collection(row, documents, chunks)

    def list_collections(self, user_id: int) -> list[CollectionRecord]:
        counts = (select(Document.collection_id, func.count().label("documents"),
                         func.coalesce(func.sum(Document.chunk_count), 0).label("chunks"))
                  .where(Document.user_id == user_id).group_by(Document.collection_id).subquery())
        with self._read() as session:
            rows = session.execute(
                select(Collection, counts.c.documents, counts.c.chunks)
                .outerjoin(counts, counts.c.collection_id == Collection.id)
                .where(Collection.user_id == user_id).order_by(Collection.name)).all()
            return [_collection(row, documents or 0, chunks or 0)  # type: ignore[arg-type]
                    for row, documents, chunks in rows]

    def delete_collection(self, user_id: int, name: str) -> None:
        with self._write() as session:
            row = self._owned_collection(session, user_id, name)
            session.execute(delete(Collection).where(Collection.id == row.id))  # documents, chunks, vectors
        self.scrub_documents()

    def delete_all_collections(self, user_id: int) -> int:
        with self._write() as session:
            gone = session.execute(delete(Collection).where(Collection.user_id == user_id)).rowcount  # type: ignore[attr-defined]
        self.scrub_documents()
        return gone

    # --- documents ---
    def find_document(self, user_id: int, name: str, sha256: str) -> DocumentRecord | None:
        with self._read() as session:
            collection = self._owned_collection(session, user_id, name)
            row = session.scalar(select(Document).where(Document.collection_id == collection.id,
                                                        Document.sha256 == sha256))
            return _document(row) if row else None

    def add_document(self, user_id: int, name: str, new: NewDocument, chunks: Sequence[Chunk],
                     vectors: np.ndarray) -> DocumentRecord:
        """Write a document, its chunks and vectors at once. A document of the same file name in the
        collection is replaced (a new version of the file); the same content is kept as it is."""
        index = self.vectors  # refuses before anything is written when this store cannot keep vectors
        with self._write() as session:
            collection = self._owned_collection(session, user_id, name)
            if vectors.shape != (len(chunks), collection.dimensions):
                raise InvalidRequest("documents.wrong_dimensions", param="collection", name=name,
                                     expected=collection.dimensions, given=vectors.shape[-1])
            same = session.scalar(select(Document).where(Document.collection_id == collection.id,
                                                         Document.sha256 == new.sha256))
            if same is not None:
                return _document(same)
            session.execute(delete(Document).where(Document.collection_id == collection.id,
                                                   Document.filename == new.filename))
            row = Document(collection_id=collection.id, user_id=user_id, filename=new.filename,
                           media_type=new.media_type, sha256=new.sha256, size_bytes=new.size_bytes,
                           title=new.title, pages=new.pages, chunk_count=len(chunks),
                           token_count=sum(chunk.tokens for chunk in chunks), warnings=new.warnings or None,
                           created_at=now())
            session.add(row)
            session.flush()
            keep_bytes = self.backend != "sqlite"
            rows = [DocumentChunk(document_id=row.id, collection_id=collection.id, user_id=user_id, seq=chunk.seq,
                                  text=chunk.text, heading=chunk.heading, page=chunk.page, tokens=chunk.tokens,
                                  embedding=as_blob(vector) if keep_bytes else None)
                    for chunk, vector in zip(chunks, vectors, strict=True)]
            session.add_all(rows)
            session.flush()
            index.add(session, collection.dimensions, collection.id, [chunk.id for chunk in rows], vectors)
            self._bump(session, collection)
            return _document(row)

    def list_documents(self, user_id: int, name: str) -> list[DocumentRecord]:
        with self._read() as session:
            collection = self._owned_collection(session, user_id, name)
            rows = session.scalars(select(Document).where(Document.collection_id == collection.id)
                                   .order_by(Document.filename, Document.id))
            return [_document(row) for row in rows]

    def delete_document(self, user_id: int, name: str, document_id: int) -> DocumentRecord:
        with self._write() as session:
            collection = self._owned_collection(session, user_id, name)
            row = session.scalar(select(Document).where(Document.id == document_id,
                                                        Document.collection_id == collection.id))
            if row is None:
                raise NotFound("documents.document_not_found", param="document_id", id=document_id, name=name,
                               code="document_not_found")
            record = _document(row)
            session.delete(row)
            self._bump(session, collection)
        self.scrub_documents()
        return record

    def _bump(self, session: Session, collection: Collection) -> None:
        session.execute(update(Collection).where(Collection.id == collection.id)
                        .values(revision=Collection.revision + 1, updated_at=now()))

    # --- search ---
    def search_vectors(self, user_id: int, names: Sequence[str], query: np.ndarray, k: int
                       ) -> list[tuple[int, float]]:
        with self._read() as session:
            collections = [self._owned_collection(session, user_id, name) for name in names]
            dims = {collection.dimensions for collection in collections}
            if len(dims) > 1 or (dims and query.shape[-1] not in dims):
                raise InvalidRequest("documents.wrong_dimensions", param="collection", name=", ".join(names),
                                     expected=" / ".join(str(d) for d in sorted(dims)), given=query.shape[-1])
            ids = [collection.id for collection in collections]
            if isinstance(self.vectors, ExactVectors):
                revisions = {collection.id: collection.revision for collection in collections}
                return self.vectors.search(session, query.shape[-1], ids, query, k, revisions)
            return self.vectors.search(session, query.shape[-1], ids, query, k)

    def search_text(self, user_id: int, names: Sequence[str], query: str, k: int) -> list[int]:
        """Chunk ids matching any word of `query`, best first."""
        if not WORD.search(query):
            return []
        with self._read() as session:
            ids = [self._owned_collection(session, user_id, name).id for name in names]
            placeholders = ", ".join(str(int(i)) for i in ids)  # our own integers, never user text
            if self.backend == "sqlite":
                statement, value = SQLITE_TEXT, text_query(query)
            else:
                statement, value = POSTGRES_TEXT, query
            statement = text(str(statement).replace("{ids}", placeholders))
            return [row[0] for row in session.execute(statement, {"query": value, "user_id": user_id, "limit": k})]

    def passages(self, user_id: int, chunk_ids: Sequence[int]) -> dict[int, PassageRecord]:
        if not chunk_ids:
            return {}
        with self._read() as session:
            rows = session.execute(
                select(DocumentChunk, Document.filename, Document.title, Collection.name)
                .join(Document, Document.id == DocumentChunk.document_id)
                .join(Collection, Collection.id == DocumentChunk.collection_id)
                .where(DocumentChunk.id.in_(list(chunk_ids)), DocumentChunk.user_id == user_id)).all()
            return {chunk.id: PassageRecord(chunk_id=chunk.id, document_id=chunk.document_id, collection=collection,
                                            filename=filename, title=title, seq=chunk.seq, page=chunk.page,
                                            heading=chunk.heading, text=chunk.text)
                    for chunk, filename, title, collection in rows}

    def document_chunks(self, user_id: int, name: str, document_id: int) -> list[PassageRecord]:
        """Every chunk of one document, in order (GDPR export, and the web's passage view)."""
        with self._read() as session:
            collection = self._owned_collection(session, user_id, name)
            rows = session.execute(
                select(DocumentChunk, Document.filename, Document.title)
                .join(Document, Document.id == DocumentChunk.document_id)
                .where(Document.id == document_id, Document.collection_id == collection.id)
                .order_by(DocumentChunk.seq)).all()
            return [PassageRecord(chunk_id=chunk.id, document_id=chunk.document_id, collection=name, filename=filename,
                                  title=title, seq=chunk.seq, page=chunk.page, heading=chunk.heading, text=chunk.text)
                    for chunk, filename, title in rows]

    def export_documents(self, user_id: int) -> list[dict[str, Any]]:
        """Everything stored about the user's documents (GDPR access): collections, documents, passages."""
        exported = []
        for collection in self.list_collections(user_id):
            documents = []
            for document in self.list_documents(user_id, collection.name):
                passages = self.document_chunks(user_id, collection.name, document.id)
                documents.append({**asdict(document), "passages": [
                    {"seq": p.seq, "page": p.page, "heading": p.heading, "text": p.text} for p in passages]})
            exported.append({"name": collection.name, "description": collection.description,
                             "embedder": collection.embedder, "created_at": collection.created_at,
                             "documents": documents})
        return exported

    def scrub_documents(self) -> None:
        """After a delete, as `scrub` does for messages: merge the chunks' FTS segments, checkpoint the WAL."""
        if self.backend != "sqlite":
            return
        with self._write() as session:
            session.execute(text("INSERT INTO chunks_fts(chunks_fts) VALUES ('optimize')"))
        self.scrub()
