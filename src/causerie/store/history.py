"""Conversations, their messages and feedback. Every method takes the owner's user id and filters on
it: another user's conversation is reported as not found, exactly like one that does not exist."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from causerie.errors import InvalidRequest, NotFound
from causerie.store.base import StoreBase
from causerie.store.models import COMPLETE, INTERRUPTED, Conversation, Feedback, Message
from causerie.store.records import (
    ConversationDetail,
    ConversationRecord,
    FeedbackRecord,
    MessageRecord,
    SearchHit,
    now,
    utc,
)
from causerie.store.search import search_messages


def _conversation(row: Conversation, count: int = 0) -> ConversationRecord:
    return ConversationRecord(id=row.id, user_id=row.user_id, title=row.title, model=row.model,
                              system_prompt=row.system_prompt, created_at=utc(row.created_at),
                              updated_at=utc(row.updated_at), message_count=count,
                              collections=list(row.collections) if row.collections else None)


def _feedback(row: Feedback | None) -> FeedbackRecord | None:
    if row is None:
        return None
    return FeedbackRecord(message_id=row.message_id, rating=row.rating, comment=row.comment,
                          created_at=utc(row.created_at))


def _message(row: Message, feedback: Feedback | None = None) -> MessageRecord:
    return MessageRecord(
        id=row.id, conversation_id=row.conversation_id, seq=row.seq, role=row.role, content=row.content,
        status=row.status, created_at=utc(row.created_at), updated_at=utc(row.updated_at), error=row.error,
        model=row.model, model_sha256=row.model_sha256, decoding=row.decoding, prompt_tokens=row.prompt_tokens,
        completion_tokens=row.completion_tokens, ttft_ms=row.ttft_ms, duration_ms=row.duration_ms,
        feedback=_feedback(feedback), sources=row.sources,
    )


def not_found(conversation_id: str) -> NotFound:
    return NotFound("store.conversation_not_found", param="conversation_id", id=conversation_id[:64],
                    code="conversation_not_found")


class HistoryMixin(StoreBase):
    def _owned(self, session: Session, user_id: int, conversation_id: str, *, lock: bool = False) -> Conversation:
        query = select(Conversation).where(Conversation.id == conversation_id, Conversation.user_id == user_id)
        row = session.scalar(query.with_for_update() if lock else query)
        if row is None:
            raise not_found(conversation_id)
        return row

    # --- conversations ---
    def create_conversation(self, user_id: int, *, title: str = "", model: str | None = None,
                            system_prompt: str | None = None, collections: list[str] | None = None
                            ) -> ConversationRecord:
        moment = now()
        with self._write() as session:
            row = Conversation(id=secrets.token_hex(16), user_id=user_id, title=title, model=model,
                               system_prompt=system_prompt, collections=collections or None, created_at=moment,
                               updated_at=moment)
            session.add(row)
            session.flush()
            return _conversation(row)

    def list_conversations(self, user_id: int, *, limit: int = 20, offset: int = 0
                           ) -> tuple[list[ConversationRecord], int]:
        """A page of the user's conversations, most recently updated first, and how many there are."""
        counts = select(func.count()).where(Message.conversation_id == Conversation.id).scalar_subquery()
        with self._read() as session:
            # A page past the end is empty, as in every paged API; `total` tells the client where the end is.
            total = session.scalar(select(func.count()).where(Conversation.user_id == user_id)) or 0
            rows = session.execute(
                select(Conversation, counts).where(Conversation.user_id == user_id)
                .order_by(Conversation.updated_at.desc(), Conversation.id).limit(limit).offset(offset)).all()
            return [_conversation(row, count) for row, count in rows], total

    def get_conversation(self, user_id: int, conversation_id: str) -> ConversationDetail:
        with self._read() as session:
            row = self._owned(session, user_id, conversation_id)
            messages = session.execute(
                select(Message, Feedback).outerjoin(Feedback, Feedback.message_id == Message.id)
                .where(Message.conversation_id == conversation_id).order_by(Message.seq)).all()
            return ConversationDetail(_conversation(row, len(messages)),
                                      [_message(message, feedback) for message, feedback in messages])

    def rename_conversation(self, user_id: int, conversation_id: str, title: str) -> ConversationRecord:
        with self._write() as session:
            row = self._owned(session, user_id, conversation_id)
            row.title, row.updated_at = title, now()
            return _conversation(row)

    def delete_conversation(self, user_id: int, conversation_id: str) -> None:
        with self._write() as session:
            gone = session.execute(delete(Conversation).where(
                Conversation.id == conversation_id, Conversation.user_id == user_id)).rowcount
        if not gone:
            raise not_found(conversation_id)
        self.scrub()

    def delete_all_conversations(self, user_id: int) -> int:
        with self._write() as session:
            gone = session.execute(delete(Conversation).where(Conversation.user_id == user_id)).rowcount
        self.scrub()
        return gone

    def purge(self, days: int) -> int:
        """Retention: hard-delete every conversation untouched for `days` days. Returns how many."""
        cutoff = now() - timedelta(days=days)
        with self._write() as session:
            gone = session.execute(delete(Conversation).where(Conversation.updated_at < cutoff)).rowcount
        if gone:
            self.scrub()
        return gone

    def truncate_conversation(self, user_id: int, conversation_id: str, message_id: int) -> int:
        """Delete `message_id` and every later message of the conversation (regenerate, edit-and-resend).
        Returns how many messages went."""
        with self._write() as session:
            conversation = self._owned(session, user_id, conversation_id, lock=True)
            seq = session.scalar(select(Message.seq).where(Message.id == message_id,
                                                           Message.conversation_id == conversation_id))
            if seq is None:
                raise NotFound("store.message_not_found", param="from", id=message_id, code="message_not_found")
            gone = session.execute(delete(Message).where(Message.conversation_id == conversation_id,
                                                         Message.seq >= seq)).rowcount
            conversation.updated_at = now()
        self.scrub()
        return gone

    # --- an exchange, written as it streams ---
    def begin_exchange(self, user_id: int, conversation_id: str, content: str, *, model: str | None = None,
                       model_sha256: str | None = None, decoding: dict[str, Any] | None = None,
                       sources: list[dict[str, Any]] | None = None) -> tuple[MessageRecord, MessageRecord]:
        """Write the user's message and an empty `interrupted` answer, at the next two positions, in one
        transaction under a lock on the conversation: concurrent exchanges never interleave."""
        moment = now()
        with self._write() as session:
            conversation = self._owned(session, user_id, conversation_id, lock=True)
            last = session.scalar(select(func.max(Message.seq)).where(Message.conversation_id == conversation_id))
            common = {"conversation_id": conversation_id, "user_id": user_id, "created_at": moment,
                      "updated_at": moment}
            question = Message(seq=(last or 0) + 1, role="user", content=content, status=COMPLETE, **common)
            answer = Message(seq=(last or 0) + 2, role="assistant", content="", status=INTERRUPTED, model=model,
                             model_sha256=model_sha256, decoding=decoding, sources=sources, **common)
            session.add_all([question, answer])
            conversation.updated_at = moment
            session.flush()
            return _message(question), _message(answer)

    def update_answer(self, message_id: int, content: str) -> None:
        with self._write() as session:
            session.execute(update(Message).where(Message.id == message_id)
                            .values(content=content, updated_at=now()))

    def finish_answer(self, message_id: int, content: str, status: str, *, error: str | None = None,
                      prompt_tokens: int | None = None, completion_tokens: int | None = None,
                      ttft_ms: float | None = None, duration_ms: float | None = None) -> MessageRecord | None:
        with self._write() as session:
            row = session.get(Message, message_id)
            if row is None:  # the conversation was deleted while the answer streamed
                return None
            row.content, row.status, row.error, row.updated_at = content, status, error, now()
            row.prompt_tokens, row.completion_tokens = prompt_tokens, completion_tokens
            row.ttft_ms, row.duration_ms = ttft_ms, duration_ms
            session.flush()
            return _message(row)

    def set_title_if_empty(self, conversation_id: str, title: str) -> None:
        with self._write() as session:
            session.execute(update(Conversation).where(Conversation.id == conversation_id, Conversation.title == "")
                            .values(title=title))

    # --- feedback and search ---
    def set_feedback(self, user_id: int, conversation_id: str, message_id: int, rating: int,
                     comment: str = "") -> FeedbackRecord:
        with self._write() as session:
            message = session.scalar(select(Message).where(
                Message.id == message_id, Message.conversation_id == conversation_id, Message.user_id == user_id))
            if message is None:
                raise NotFound("store.message_not_found", param="message_id", id=message_id,
                               code="message_not_found")
            if message.role != "assistant":
                raise InvalidRequest("store.feedback_on_answers", param="message_id", id=message_id)
            row = session.scalar(select(Feedback).where(Feedback.message_id == message_id))
            if row is None:
                row = Feedback(message_id=message_id, user_id=user_id, rating=rating, comment=comment,
                               created_at=now())
                session.add(row)
            row.rating, row.comment = rating, comment
            session.flush()
            return _feedback(row)

    def search(self, user_id: int, query: str, *, limit: int = 20) -> list[SearchHit]:
        with self._read() as session:
            return search_messages(session, user_id, query, limit)

    def export(self, user_id: int, conversation_id: str | None = None) -> list[ConversationDetail]:
        """One conversation, or all of the user's, with their messages and feedback."""
        if conversation_id is not None:
            return [self.get_conversation(user_id, conversation_id)]
        with self._read() as session:
            ids = session.scalars(select(Conversation.id).where(Conversation.user_id == user_id)
                                  .order_by(Conversation.created_at, Conversation.id)).all()
        return [self.get_conversation(user_id, cid) for cid in ids]
