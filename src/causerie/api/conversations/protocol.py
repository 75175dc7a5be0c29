"""Wire models of /api/conversations, /api/search and /api/me. Timestamps are Unix seconds, as in OpenAI's
API; ids of conversations are random strings, ids of messages integers."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from causerie.api.common import ModelFacts, Seed, StopField, TokenCount, stop_list
from causerie.api.documents.protocol import CollectionName, SourceOut
from causerie.documents.grounding import mark_cited
from causerie.engines.base import GenerationRequest
from causerie.store.records import ConversationRecord, FeedbackRecord, MessageRecord, SearchHit


def unix(moment: Any) -> int:
    return int(moment.timestamp())


# --- requests ---
COLLECTIONS = Field(None, max_length=8, description="Ground the answers on these collections of the caller "
                    "(see /v1/collections): they cite numbered sources, returned with each answer.")


class ConversationCreate(BaseModel):
    title: str = Field("", max_length=200)
    model: str | None = Field(None, max_length=200)
    system_prompt: str | None = None
    collections: list[CollectionName] | None = COLLECTIONS


class ConversationRename(BaseModel):
    title: str = Field(min_length=1, max_length=200)


class MessageCreate(BaseModel):
    content: str = Field(min_length=1)
    stream: bool = True
    model: str | None = None
    temperature: float | None = Field(None, ge=0, le=2)
    top_p: float | None = Field(None, ge=0, le=1)
    max_tokens: TokenCount | None = None
    seed: Seed | None = None
    stop: StopField = None
    collections: list[CollectionName] | None = Field(
        None, max_length=8, description="This question's collections, instead of the conversation's ([] for none).")

    def to_generation_request(self, messages: list[dict[str, str]], default_max_tokens: int) -> GenerationRequest:
        """The engine's request for this question, after `messages` (the conversation, trimmed)."""
        return GenerationRequest(messages=messages, max_tokens=self.max_tokens or default_max_tokens,
                                 temperature=self.temperature, top_p=self.top_p, stop=stop_list(self.stop),
                                 seed=self.seed)


class FeedbackCreate(BaseModel):
    rating: Literal["up", "down"]
    comment: str = Field("", max_length=4000)


# --- responses ---
class FeedbackOut(BaseModel):
    rating: Literal["up", "down"]
    comment: str
    created_at: int

    @classmethod
    def of(cls, record: FeedbackRecord | None) -> FeedbackOut | None:
        if record is None:
            return None
        return cls(rating="up" if record.rating > 0 else "down", comment=record.comment,
                   created_at=unix(record.created_at))


class MessageUsage(BaseModel):
    prompt_tokens: int | None
    completion_tokens: int | None


class MessageTimings(BaseModel):
    ttft_ms: float | None
    duration_ms: float | None


class MessageOut(BaseModel):
    id: int
    object: Literal["conversation.message"] = "conversation.message"
    conversation_id: str
    seq: int
    role: str
    content: str
    status: Literal["complete", "interrupted", "error"]
    error: str | None = None
    model: str | None = None
    model_sha256: str | None = None
    decoding: dict[str, Any] | None = None
    usage: MessageUsage | None = None
    timings: MessageTimings | None = None
    feedback: FeedbackOut | None = None
    sources: list[SourceOut] | None = Field(None, description="A grounded answer's numbered sources.")
    created_at: int
    updated_at: int

    @classmethod
    def of(cls, record: MessageRecord) -> MessageOut:
        answer = record.role == "assistant"
        return cls(
            id=record.id, conversation_id=record.conversation_id, seq=record.seq, role=record.role,
            content=record.content, status=record.status, error=record.error, model=record.model,
            model_sha256=record.model_sha256, decoding=record.decoding,
            usage=MessageUsage(prompt_tokens=record.prompt_tokens, completion_tokens=record.completion_tokens)
            if answer else None,
            timings=MessageTimings(ttft_ms=record.ttft_ms, duration_ms=record.duration_ms) if answer else None,
            feedback=FeedbackOut.of(record.feedback), created_at=unix(record.created_at),
            updated_at=unix(record.updated_at),
            sources=[SourceOut.of(data) for data in mark_cited(record.sources, record.content)]
            if record.sources is not None else None,
        )


class ConversationOut(BaseModel):
    id: str
    object: Literal["conversation"] = "conversation"
    title: str
    model: str | None
    system_prompt: str | None
    collections: list[str] | None = None
    message_count: int
    created_at: int
    updated_at: int

    @classmethod
    def of(cls, record: ConversationRecord) -> ConversationOut:
        return cls(id=record.id, title=record.title, model=record.model, system_prompt=record.system_prompt,
                   collections=record.collections, message_count=record.message_count,
                   created_at=unix(record.created_at), updated_at=unix(record.updated_at))


class ConversationDetailOut(ConversationOut):
    messages: list[MessageOut]


class ConversationList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ConversationOut]
    total: int
    limit: int
    offset: int
    has_more: bool


class Deleted(BaseModel):
    id: str
    object: str
    deleted: bool = True


class MessagesDeleted(BaseModel):
    object: Literal["conversation.messages.deleted"] = "conversation.messages.deleted"
    conversation_id: str
    deleted: int


class UserDeleted(BaseModel):
    object: Literal["user.deleted"] = "user.deleted"
    user: str
    conversations: int
    collections: int = Field(0, description="Document collections deleted with their documents and passages.")
    account_deleted: bool


class Exchange(BaseModel):
    """A non-streamed exchange: the question as stored, and the finished answer."""

    object: Literal["conversation.exchange"] = "conversation.exchange"
    conversation_id: str
    user_message: MessageOut
    assistant_message: MessageOut
    causerie: ModelFacts


class SearchHitOut(BaseModel):
    message_id: int
    conversation_id: str
    conversation_title: str
    role: str
    snippet: str
    created_at: int

    @classmethod
    def of(cls, hit: SearchHit) -> SearchHitOut:
        return cls(message_id=hit.message_id, conversation_id=hit.conversation_id,
                   conversation_title=hit.conversation_title, role=hit.role, snippet=hit.snippet,
                   created_at=unix(hit.created_at))


class SearchResults(BaseModel):
    object: Literal["list"] = "list"
    query: str
    data: list[SearchHitOut]
