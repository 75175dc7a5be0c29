"""What the store hands out: plain frozen dataclasses, detached from any database session."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


def utc(value: datetime | None) -> datetime | None:
    """SQLite hands timestamps back without a zone; every stored timestamp is UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class UserRecord:
    id: int
    name: str
    is_admin: bool
    created_at: datetime
    conversations: int = 0
    keys: int = 0


@dataclass(frozen=True)
class KeyRecord:
    id: int
    user_id: int
    user_name: str
    name: str
    prefix: str
    scopes: frozenset[str]
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None
    rate_limit_per_minute: int | None
    token_quota_per_day: int | None
    quota_day: str | None
    tokens_used: int
    user_is_admin: bool = False

    def state(self, at: datetime | None = None) -> str:
        """'active', 'expired' or 'revoked'."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= (at or now()):
            return "expired"
        return "active"

    def tokens_used_on(self, day: str) -> int:
        return self.tokens_used if self.quota_day == day else 0


@dataclass(frozen=True)
class ConversationRecord:
    id: str
    user_id: int
    title: str
    model: str | None
    system_prompt: str | None
    created_at: datetime
    updated_at: datetime
    message_count: int = 0
    collections: list[str] | None = None  # the collections its answers are grounded on


@dataclass(frozen=True)
class FeedbackRecord:
    message_id: int
    rating: int
    comment: str
    created_at: datetime


@dataclass(frozen=True)
class MessageRecord:
    id: int
    conversation_id: str
    seq: int
    role: str
    content: str
    status: str
    created_at: datetime
    updated_at: datetime
    error: str | None = None
    model: str | None = None
    model_sha256: str | None = None
    decoding: dict[str, Any] | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    ttft_ms: float | None = None
    duration_ms: float | None = None
    feedback: FeedbackRecord | None = None
    sources: list[dict[str, Any]] | None = None  # a grounded answer's sources (documents/grounding.py)


@dataclass(frozen=True)
class ConversationDetail:
    conversation: ConversationRecord
    messages: list[MessageRecord] = field(default_factory=list)


@dataclass(frozen=True)
class SearchHit:
    message_id: int
    conversation_id: str
    conversation_title: str
    role: str
    snippet: str
    created_at: datetime
    rank: float
