"""Search in a user's collections: vector (the embedder's cosine), full text (FTS5 / French tsvector, any
word, BM25), or hybrid, the two lists fused by reciprocal rank (RRF: a passage's score is the sum of
1 / (60 + rank) over the lists it is in). Hybrid is the default: measured on OrangeSum dev in
docs/benchmarks.md against either alone."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from causerie.documents.embedders.base import Embedder
from causerie.errors import InvalidRequest
from causerie.store.document_records import CollectionRecord, PassageRecord

if TYPE_CHECKING:
    from causerie.store import Store

Method = Literal["hybrid", "vector", "text"]
METHODS: tuple[Method, ...] = ("hybrid", "vector", "text")
RRF_K = 60  # the constant of Cormack et al. (2009): ranks past the first few count little more than ties
DEPTH = 50  # candidates each list brings to the fusion


@dataclass(frozen=True)
class Hit:
    passage: PassageRecord
    score: float  # the method's own: cosine (vector), 1/rank (text), the RRF sum (hybrid)
    similarity: float | None  # the query's cosine with the passage, when the vector list found it
    text_rank: int | None  # 1-based rank in the full-text list, when it found it


def check_embedder(collection: CollectionRecord, embedder: Embedder) -> None:
    """Vectors of two embedders live in unrelated spaces: a collection is searched with the one that filled it."""
    if collection.embedder != embedder.name or collection.dimensions != embedder.dimensions:
        raise InvalidRequest("documents.other_embedder", param="collection", name=collection.name,
                             indexed=collection.embedder, current=embedder.name)


def rrf(*rankings: Sequence[int]) -> dict[int, float]:
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            fused[item] = fused.get(item, 0.0) + 1.0 / (RRF_K + rank)
    return fused


def search(store: Store, embedder: Embedder, user_id: int, collections: Sequence[str], query: str, *,
           limit: int = 5, method: Method = "hybrid", depth: int = DEPTH) -> list[Hit]:
    names = list(dict.fromkeys(collections))  # once each, in the caller's order
    for name in names:  # unknown or another user's: 404 before any work
        check_embedder(store.get_collection(user_id, name), embedder)
    depth = max(depth, limit)
    similarities: dict[int, float] = {}
    vector_ids: list[int] = []
    if method in ("hybrid", "vector"):
        found = store.search_vectors(user_id, names, embedder.embed_queries([query])[0], depth)
        similarities = dict(found)
        vector_ids = [chunk_id for chunk_id, _ in found]
    text_ids = store.search_text(user_id, names, query, depth) if method in ("hybrid", "text") else []
    text_ranks = {chunk_id: rank for rank, chunk_id in enumerate(text_ids, start=1)}
    if method == "vector":
        scored = [(chunk_id, similarities[chunk_id]) for chunk_id in vector_ids]
    elif method == "text":
        scored = [(chunk_id, 1.0 / rank) for chunk_id, rank in text_ranks.items()]
    else:
        scored = sorted(rrf(vector_ids, text_ids).items(), key=lambda item: -item[1])
    scored = scored[:limit]
    passages = store.passages(user_id, [chunk_id for chunk_id, _ in scored])
    return [Hit(passages[chunk_id], score, similarities.get(chunk_id), text_ranks.get(chunk_id))
            for chunk_id, score in scored if chunk_id in passages]
