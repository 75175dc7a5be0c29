"""Wire models of the collections API (/v1/collections, /v1/search): a user's documents, their passages,
and the sources a grounded answer cites. Timestamps are Unix seconds, as in OpenAI's objects."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from causerie.api.common import NOT_BLANK
from causerie.documents.search import Hit
from causerie.store.document_records import CollectionRecord, DocumentRecord, PassageRecord

SearchMethod = Literal["hybrid", "vector", "text"]
# A collection's name, wherever a request names one: never blank, so the document says what the server takes.
CollectionName = Annotated[str, Field(min_length=1, max_length=64, pattern=NOT_BLANK)]


class CollectionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: CollectionName = Field(description="Unique among the caller's collections.")
    description: str = Field("", max_length=2000)


class CollectionOut(BaseModel):
    object: Literal["collection"] = "collection"
    name: str
    description: str
    documents: int
    chunks: int
    embedder: str = Field(description="The embedding model its vectors come from.")
    dimensions: int
    created_at: int
    updated_at: int

    @classmethod
    def of(cls, record: CollectionRecord) -> CollectionOut:
        return cls(name=record.name, description=record.description, documents=record.documents,
                   chunks=record.chunks, embedder=record.embedder, dimensions=record.dimensions,
                   created_at=int(record.created_at.timestamp()), updated_at=int(record.updated_at.timestamp()))


class CollectionList(BaseModel):
    object: Literal["list"] = "list"
    data: list[CollectionOut]


class DocumentOut(BaseModel):
    object: Literal["document"] = "document"
    id: int
    collection: str
    filename: str
    media_type: str
    sha256: str
    size_bytes: int
    title: str | None
    pages: int | None
    chunks: int
    tokens: int
    warnings: list[str] = Field(default_factory=list, description="What was not read (pages without text).")
    created_at: int
    status: Literal["added", "unchanged"] | None = Field(
        None, description="On upload: 'unchanged' when the collection already held these exact bytes.")

    @classmethod
    def of(cls, record: DocumentRecord, collection: str, status: str | None = None, lang: str | None = None
           ) -> DocumentOut:
        return cls(id=record.id, collection=collection, filename=record.filename, media_type=record.media_type,
                   sha256=record.sha256, size_bytes=record.size_bytes, title=record.title, pages=record.pages,
                   chunks=record.chunk_count, tokens=record.token_count, warnings=record.warning_messages(lang),
                   created_at=int(record.created_at.timestamp()), status=status)  # type: ignore[arg-type]


class DocumentList(BaseModel):
    object: Literal["list"] = "list"
    data: list[DocumentOut]


class PassageOut(BaseModel):
    object: Literal["passage"] = "passage"
    chunk_id: int
    document_id: int
    collection: str
    filename: str
    title: str | None
    seq: int
    page: int | None
    heading: str | None
    text: str

    @classmethod
    def of(cls, record: PassageRecord) -> PassageOut:
        return cls(chunk_id=record.chunk_id, document_id=record.document_id, collection=record.collection,
                   filename=record.filename, title=record.title, seq=record.seq, page=record.page,
                   heading=record.heading, text=record.text)


class PassageList(BaseModel):
    object: Literal["list"] = "list"
    data: list[PassageOut]


class SearchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    query: str = Field(min_length=1, max_length=4000)
    collections: list[CollectionName] = Field(min_length=1, max_length=8)
    limit: int = Field(5, ge=1, le=50)
    method: SearchMethod = Field("hybrid", description="hybrid (vector and full text, fused by reciprocal "
                                 "rank), vector, or text (full text, any word).")


class SearchResult(BaseModel):
    object: Literal["search.result"] = "search.result"
    rank: int
    score: float
    similarity: float | None = Field(description="Cosine of the query and the passage, when the vector list "
                                     "found it.")
    text_rank: int | None = Field(description="Rank in the full-text list, when it found it.")
    passage: PassageOut

    @classmethod
    def of(cls, rank: int, hit: Hit) -> SearchResult:
        return cls(rank=rank, score=round(hit.score, 6), similarity=None if hit.similarity is None else
                   round(hit.similarity, 6), text_rank=hit.text_rank, passage=PassageOut.of(hit.passage))


class SearchResults(BaseModel):
    object: Literal["list"] = "list"
    query: str
    method: SearchMethod
    data: list[SearchResult]


class SourceOut(BaseModel):
    """A source of a grounded answer: `index` is the [n] the answer cites."""

    index: int
    label: str = Field(description="'tarifs.pdf, p. 4, § Tarifs'.")
    collection: str
    document_id: int
    filename: str
    title: str | None
    page: int | None
    heading: str | None
    chunk_id: int
    text: str
    score: float
    cited: bool = Field(description="Whether the answer cites it.")

    @classmethod
    def of(cls, data: dict[str, Any]) -> SourceOut:
        return cls(**data)


class Deleted(BaseModel):
    object: str
    id: str | int
    deleted: Literal[True] = True
