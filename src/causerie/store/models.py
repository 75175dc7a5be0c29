"""The store's tables (SQLAlchemy 2 declarative). Only `causerie.store` imports this module: routes and the
CLI go through `Store`, never through SQL.

Full-text search is dialect-specific and lives in the migration, not here: an FTS5 table kept in step by
triggers on SQLite, a generated French `tsvector` column with a GIN index on PostgreSQL."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Statuses of a message. An answer is written `interrupted` when it starts and becomes `complete` (or
# `error`) only when its stream ends, so a server killed mid-answer leaves it truthfully `interrupted`.
COMPLETE, INTERRUPTED, ERROR = "complete", "interrupted", "error"
STATUSES = (COMPLETE, INTERRUPTED, ERROR)


class Base(DeclarativeBase):
    pass


def _stamp() -> Mapped[datetime]:
    return mapped_column(DateTime(timezone=True), nullable=False)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    is_admin: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_at: Mapped[datetime] = _stamp()


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    prefix: Mapped[str] = mapped_column(String(16), unique=True, nullable=False)  # shown; finds the row
    secret_hash: Mapped[str] = mapped_column(String(64), nullable=False)  # sha256 of the whole key
    scopes: Mapped[str] = mapped_column(String(100), nullable=False)  # space-separated
    created_at: Mapped[datetime] = _stamp()
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    rate_limit_per_minute: Mapped[int | None] = mapped_column(Integer)
    token_quota_per_day: Mapped[int | None] = mapped_column(Integer)
    quota_day: Mapped[str | None] = mapped_column(String(10))  # the UTC day tokens_used counts
    tokens_used: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class Conversation(Base):
    __tablename__ = "conversations"
    __table_args__ = (Index("ix_conversations_user_updated", "user_id", "updated_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # random: not guessable, not countable
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    model: Mapped[str | None] = mapped_column(String(200))
    system_prompt: Mapped[str | None] = mapped_column(Text)
    collections: Mapped[list | None] = mapped_column(JSON)  # names of the collections its answers cite
    created_at: Mapped[datetime] = _stamp()
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, index=True)


class Message(Base):
    __tablename__ = "messages"
    # sqlite_autoincrement: ids are never reused after a truncation (migration 0002).
    __table_args__ = (UniqueConstraint("conversation_id", "seq", name="uq_messages_conversation_seq"),
                      {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False)
    # Denormalized owner: search and GDPR deletes filter on it without a join.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)  # position in the conversation
    role: Mapped[str] = mapped_column(String(16), nullable=False)
    content: Mapped[str] = mapped_column(Text, nullable=False, default="")
    status: Mapped[str] = mapped_column(String(16), nullable=False, default=COMPLETE)
    error: Mapped[str | None] = mapped_column(Text)
    model: Mapped[str | None] = mapped_column(String(200))  # the model card's name…
    model_sha256: Mapped[str | None] = mapped_column(String(64))  # …and the exact weights
    decoding: Mapped[dict | None] = mapped_column(JSON)  # temperature, top_p, max_tokens, seed, stop
    prompt_tokens: Mapped[int | None] = mapped_column(Integer)
    completion_tokens: Mapped[int | None] = mapped_column(Integer)
    ttft_ms: Mapped[float | None] = mapped_column(Float)
    duration_ms: Mapped[float | None] = mapped_column(Float)
    sources: Mapped[list | None] = mapped_column(JSON)  # the passages a grounded answer was given
    created_at: Mapped[datetime] = _stamp()
    updated_at: Mapped[datetime] = _stamp()


class Feedback(Base):
    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), unique=True, nullable=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    rating: Mapped[int] = mapped_column(Integer, nullable=False)  # +1 👍, -1 👎
    comment: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_at: Mapped[datetime] = _stamp()


class RateBucket(Base):
    """A stored key's request bucket, shared by every front end on this database (migration 0003).

    `tokens` is the level after the last request and `updated_at` when that was, in seconds since the epoch
    as a float (plain arithmetic on both SQLite and PostgreSQL, no interval types). `granted` is whether
    that last request was let through: the one upsert that takes a token returns it (see
    `AccountsMixin.take_request`)."""

    __tablename__ = "rate_buckets"

    key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id", ondelete="CASCADE"), primary_key=True)
    tokens: Mapped[float] = mapped_column(Float, nullable=False)
    updated_at: Mapped[float] = mapped_column(Float, nullable=False)
    granted: Mapped[bool] = mapped_column(Boolean, nullable=False)


class Collection(Base):
    """A user's set of documents, searched together. The vectors of its chunks come from one embedder
    (`embedder`, `dimensions`): a search with another one would compare unrelated spaces, so it is refused.
    `revision` grows with every change, so a process holding the vectors in memory (PostgreSQL's exact
    search) knows when to reload them."""

    __tablename__ = "collections"
    __table_args__ = (UniqueConstraint("user_id", "name", name="uq_collections_user_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    name: Mapped[str] = mapped_column(String(64), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    embedder: Mapped[str] = mapped_column(String(200), nullable=False)
    dimensions: Mapped[int] = mapped_column(Integer, nullable=False)
    revision: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    created_at: Mapped[datetime] = _stamp()
    updated_at: Mapped[datetime] = _stamp()


class Document(Base):
    __tablename__ = "documents"
    # sqlite_autoincrement: a document id a client holds never names a newer document.
    __table_args__ = (UniqueConstraint("collection_id", "sha256", name="uq_documents_collection_sha256"),
                      {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    collection_id: Mapped[int] = mapped_column(
        ForeignKey("collections.id", ondelete="CASCADE"), nullable=False, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    filename: Mapped[str] = mapped_column(String(255), nullable=False)
    media_type: Mapped[str] = mapped_column(String(100), nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)  # of the file: re-adding it is a no-op
    size_bytes: Mapped[int] = mapped_column(Integer, nullable=False)
    title: Mapped[str | None] = mapped_column(String(300))
    pages: Mapped[int | None] = mapped_column(Integer)
    chunk_count: Mapped[int] = mapped_column(Integer, nullable=False)
    token_count: Mapped[int] = mapped_column(Integer, nullable=False)
    warnings: Mapped[list | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = _stamp()


class DocumentChunk(Base):
    """A passage of a document. Its vector lives in sqlite-vec's `chunk_vectors_<dims>` table on SQLite
    (kept in step by a trigger, see store/vectors.py) and in `embedding` (float32 bytes) on PostgreSQL."""

    __tablename__ = "chunks"
    # sqlite_autoincrement: a chunk id is never reused, so a vector can never be matched to a newer chunk.
    __table_args__ = (Index("ix_chunks_document_seq", "document_id", "seq"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), nullable=False)
    collection_id: Mapped[int] = mapped_column(
        ForeignKey("collections.id", ondelete="CASCADE"), nullable=False, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    heading: Mapped[str | None] = mapped_column(Text)
    page: Mapped[int | None] = mapped_column(Integer)
    tokens: Mapped[int] = mapped_column(Integer, nullable=False)
    embedding: Mapped[bytes | None] = mapped_column(LargeBinary)
