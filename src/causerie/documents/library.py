"""A user's documents as every surface sees them: add, list, remove, search, and ground a chat. Blocking
calls (parsing, embedding, SQL): the HTTP service runs them in worker threads, the CLI calls them directly."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from causerie.documents.embedders.base import Embedder
from causerie.documents.grounding import Source, grounded_messages, not_found_answer, relevant, sources_of
from causerie.documents.ingest import Ingested, Limits, ingest
from causerie.documents.search import Hit, Method, search
from causerie.errors import InvalidRequest
from causerie.models.progress import ProgressFn, silent
from causerie.store.document_records import CollectionRecord, DocumentRecord
from causerie.text.language import detect_language

if TYPE_CHECKING:
    from causerie.store import Store

GROUNDING_PASSAGES = 5  # sources given to the model: about 1,300 tokens of e5-sized chunks
MAX_COLLECTIONS = 8


@dataclass
class Grounding:
    """What a grounded answer needs: the messages to send, or, when no passage is relevant, the answer to
    give without generating."""

    sources: list[Source]
    messages: list[dict[str, Any]] | None = None
    answer: str | None = None
    lang: str | None = None
    hits: list[Hit] = field(default_factory=list)


def last_question(messages: Sequence[dict[str, Any]]) -> str:
    for message in reversed(messages):
        if message.get("role") == "user" and str(message.get("content") or "").strip():
            return str(message["content"])
    raise InvalidRequest("documents.no_question", param="messages")


def check_collections(names: Sequence[str]) -> list[str]:
    unique = list(dict.fromkeys(name.strip() for name in names if name.strip()))
    if not unique:
        raise InvalidRequest("documents.no_collection", param="collections")
    if len(unique) > MAX_COLLECTIONS:
        raise InvalidRequest("documents.too_many_collections", param="collections", count=len(unique),
                             limit=MAX_COLLECTIONS)
    return unique


class DocumentLibrary:
    def __init__(self, store: Store, embedder: Embedder, limits: Limits):
        self.store, self.embedder, self.limits = store, embedder, limits

    def add(self, user_id: int, collection: str, filename: str, data: bytes, *, media_type: str | None = None,
            progress: ProgressFn = silent, lang: str | None = None) -> Ingested:
        return ingest(self.store, self.embedder, self.limits, user_id, collection, filename, data,
                      media_type=media_type, progress=progress, lang=lang)

    def create(self, user_id: int, name: str, description: str = "") -> CollectionRecord:
        return self.store.create_collection(user_id, name, embedder=self.embedder.name,
                                            dimensions=self.embedder.dimensions, description=description)

    def collections(self, user_id: int) -> list[CollectionRecord]:
        return self.store.list_collections(user_id)

    def documents(self, user_id: int, collection: str) -> list[DocumentRecord]:
        return self.store.list_documents(user_id, collection)

    def search(self, user_id: int, collections: Sequence[str], query: str, *, limit: int = 5,
               method: Method = "hybrid") -> list[Hit]:
        if not query.strip():
            raise InvalidRequest("documents.empty_query", param="query")
        return search(self.store, self.embedder, user_id, check_collections(collections), query, limit=limit,
                      method=method)

    def ground(self, user_id: int, collections: Sequence[str], messages: Sequence[dict[str, Any]],
               lang: str | None = None) -> Grounding:
        for name in check_collections(collections):  # an unknown collection is a 404 before the question's 400
            self.store.get_collection(user_id, name)
        question = last_question(messages)
        lang = detect_language(question) or lang
        hits = self.search(user_id, collections, question, limit=GROUNDING_PASSAGES)
        sources = sources_of(relevant(hits, self.embedder.relevance))
        if not sources:
            return Grounding(sources=[], answer=not_found_answer(lang), lang=lang, hits=hits)
        return Grounding(sources=sources, messages=grounded_messages(messages, sources, lang), lang=lang, hits=hits)
