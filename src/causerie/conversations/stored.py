"""A stored conversation driven by one synchronous caller, the terminal (`causerie chat`): the same prompt,
titles and answer records as the server's, over the same store, so the web chat lists it and either side
can continue it."""

from __future__ import annotations

from dataclasses import dataclass

from causerie.conversations import LOCAL_USER
from causerie.conversations.answer import AnswerLog
from causerie.conversations.prompt import fitting_messages, title_from
from causerie.engines.base import Engine
from causerie.errors import NotFound
from causerie.store import Store
from causerie.store.records import ConversationRecord, MessageRecord


@dataclass
class StoredChat:
    store: Store
    user_id: int
    conversation: ConversationRecord | None  # None until the first question: an empty chat leaves no trace
    flush_ms: int = 250
    model: str | None = None
    system: str | None = None

    @classmethod
    def new(cls, store: Store, *, model: str | None, system: str | None, flush_ms: int = 250) -> StoredChat:
        user = store.ensure_user(LOCAL_USER, admin=True)
        return cls(store, user.id, None, flush_ms, model, system)

    @classmethod
    def resume(cls, store: Store, conversation_id: str | None, *, flush_ms: int = 250) -> StoredChat:
        """The conversation `conversation_id`, or the latest one when None; NotFound when there is none."""
        user = store.ensure_user(LOCAL_USER, admin=True)
        if conversation_id is None:
            page, _ = store.list_conversations(user.id, limit=1)
            if not page:
                raise NotFound("chat.nothing_to_continue", param="continue")
            conversation_id = page[0].id
        return cls(store, user.id, store.get_conversation(user.id, conversation_id).conversation, flush_ms)

    @property
    def id(self) -> str | None:
        return self.conversation.id if self.conversation else None

    def messages(self) -> list[MessageRecord]:
        if self.conversation is None:
            return []
        return self.store.get_conversation(self.user_id, self.conversation.id).messages

    def prompt(self, engine: Engine, system: str | None, question: str) -> list[dict[str, str]]:
        return fitting_messages(engine, system, self.messages(), question)

    def begin(self, question: str, engine: Engine) -> AnswerLog:
        """The question stored, and an answer marked `interrupted` until it ends, before the engine starts."""
        if self.conversation is None:
            self.conversation = self.store.create_conversation(self.user_id, model=self.model,
                                                               system_prompt=self.system)
        _, answer = self.store.begin_exchange(self.user_id, self.conversation.id, question, model=engine.name,
                                              model_sha256=engine.card.sha256)
        return AnswerLog(self.store, answer, self.flush_ms)

    def titled(self, question: str) -> None:
        if self.conversation is not None:
            self.store.set_title_if_empty(self.conversation.id, title_from(question))
