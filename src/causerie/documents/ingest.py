"""The one way a file enters a collection, for the CLI, the HTTP API and the web chat: check its size,
skip it if the collection already holds the same bytes, parse, chunk in the embedder's tokens, embed (with
progress), then write the document, its chunks and vectors in one transaction. Any failure before that
write leaves the store as it was: nothing is half-ingested."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from causerie.documents.chunking import chunk_blocks, embedded_text
from causerie.documents.embedders.base import Embedder
from causerie.documents.formats import parse  # cheap: each format's library loads when a file of it comes
from causerie.documents.parsed import Chunk
from causerie.documents.search import check_embedder
from causerie.errors import NotFound, PayloadTooLarge
from causerie.i18n import t
from causerie.models.progress import ProgressFn, silent
from causerie.store.document_records import CollectionRecord, DocumentRecord, NewDocument

if TYPE_CHECKING:
    from causerie.settings import Settings
    from causerie.store import Store

Status = Literal["added", "unchanged"]


@dataclass(frozen=True)
class Ingested:
    document: DocumentRecord
    status: Status
    seconds: float


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    chunk_tokens: int
    max_chunks: int

    @classmethod
    def of(cls, settings: Settings) -> Limits:
        return cls(settings.max_document_bytes, settings.chunk_tokens, settings.max_document_chunks)


def safe_filename(filename: str) -> str:
    """The file's own name, without any folder a client sent (`../../etc/passwd` -> `passwd`)."""
    name = PurePath(filename.replace("\\", "/")).name.strip() or "document"
    return name[:255]


def embed_chunks(embedder: Embedder, chunks: list[Chunk], progress: ProgressFn, lang: str | None) -> np.ndarray:
    label = t("documents.progress.embedding", lang)
    progress(label, 0, len(chunks))
    return embedder.embed_passages_batched([embedded_text(chunk) for chunk in chunks],
                                           on_batch=lambda done, total: progress(label, done, total))


def stored_warning(warning: str) -> dict[str, Any]:
    """A parser's warning as the store keeps it: its catalogue key and values, said in the reader's language."""
    values = getattr(warning, "values", {})
    return {"key": str(warning), "values": {key: str(value) for key, value in values.items()}}


def existing_collection(store: Store, user_id: int, name: str) -> CollectionRecord | None:
    try:
        return store.get_collection(user_id, name)
    except NotFound:
        return None


def ingest(store: Store, embedder: Embedder, limits: Limits, user_id: int, collection: str, filename: str,
           data: bytes, *, media_type: str | None = None, progress: ProgressFn = silent,
           lang: str | None = None) -> Ingested:
    """Add one file to `collection` (created on first use). Raises a CauserieError for a file that cannot be
    read (too large 413, unsupported type 415, encrypted, corrupt, scanned, empty: 400)."""
    started = time.perf_counter()
    filename = safe_filename(filename)
    if len(data) > limits.max_bytes:
        raise PayloadTooLarge("documents.too_large", param="file", name=filename, size=len(data),
                              limit=limits.max_bytes)
    sha256 = hashlib.sha256(data).hexdigest()
    known = existing_collection(store, user_id, collection)
    if known is not None:
        check_embedder(known, embedder)
        same = store.find_document(user_id, collection, sha256)
        if same is not None:
            return Ingested(same, "unchanged", time.perf_counter() - started)
    reading = t("documents.progress.reading", lang, name=filename)
    parsed = parse(data, filename, media_type, on_page=lambda done, total: progress(reading, done, total))
    chunks = chunk_blocks(parsed.blocks, limits.chunk_tokens, embedder.count_tokens)
    if len(chunks) > limits.max_chunks:
        raise PayloadTooLarge("documents.too_many_chunks", param="file", name=filename, chunks=len(chunks),
                              limit=limits.max_chunks)
    vectors = embed_chunks(embedder, chunks, progress, lang)
    store.ensure_collection(user_id, collection, embedder=embedder.name, dimensions=embedder.dimensions)
    new = NewDocument(filename=filename, media_type=parsed.media_type, sha256=sha256, size_bytes=len(data),
                      title=parsed.title, pages=parsed.pages, warnings=[stored_warning(w) for w in parsed.warnings])
    document = store.add_document(user_id, collection, new, chunks, vectors)
    return Ingested(document, "added", time.perf_counter() - started)
