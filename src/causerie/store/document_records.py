"""What the store hands out about documents: plain frozen dataclasses, detached from any session."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from causerie.i18n import t


@dataclass(frozen=True)
class CollectionRecord:
    id: int
    user_id: int
    name: str
    description: str
    embedder: str
    dimensions: int
    revision: int
    created_at: datetime
    updated_at: datetime
    documents: int = 0
    chunks: int = 0


@dataclass(frozen=True)
class DocumentRecord:
    id: int
    collection_id: int
    filename: str
    media_type: str
    sha256: str
    size_bytes: int
    title: str | None
    pages: int | None
    chunk_count: int
    token_count: int
    created_at: datetime
    warnings: list[dict[str, Any]] = field(default_factory=list)  # {"key": catalogue key, "values": {…}}

    def warning_messages(self, lang: str | None) -> list[str]:
        return [t(w["key"], lang, **w.get("values", {})) for w in self.warnings]


@dataclass(frozen=True)
class NewDocument:
    """A parsed, chunked and embedded file, ready to be written in one transaction."""

    filename: str
    media_type: str
    sha256: str
    size_bytes: int
    title: str | None
    pages: int | None
    warnings: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class PassageRecord:
    """A chunk found by a search, with what a citation needs."""

    chunk_id: int
    document_id: int
    collection: str
    filename: str
    title: str | None
    seq: int
    page: int | None
    heading: str | None
    text: str
