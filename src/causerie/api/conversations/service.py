"""The history API's logic: the caller's conversations, messages, search, export and erasure. No FastAPI.

Store calls are blocking; each runs in a worker thread so the event loop keeps streaming other answers."""

from __future__ import annotations

import functools
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar

import anyio

from causerie.api.auth import LOCAL_USER, Principal
from causerie.api.common import ModelFacts
from causerie.api.conversations.exchange import (
    AnswerRecorder,
    ExchangeStream,
    KeyedLocks,
    cleanup,
    decoding_of,
    record,
    stream_events,
)
from causerie.api.conversations.protocol import (
    ConversationCreate,
    ConversationDetailOut,
    ConversationList,
    ConversationOut,
    Deleted,
    Exchange,
    FeedbackCreate,
    FeedbackOut,
    MessageCreate,
    MessageOut,
    MessagesDeleted,
    SearchHitOut,
    SearchResults,
    UserDeleted,
)
from causerie.api.documents.service import DocumentService
from causerie.api.generation import CannedGeneration, Generation, check_capabilities
from causerie.api.metrics import Metrics
from causerie.conversations.prompt import fitting_messages, title_from
from causerie.documents.grounding import public_sources
from causerie.documents.library import Grounding
from causerie.engines.base import Engine, GenerationRequest
from causerie.engines.pool import EnginePool
from causerie.errors import CauserieError, InvalidRequest, PayloadTooLarge
from causerie.settings import Settings
from causerie.store import Store, StoreHandle
from causerie.store.export import to_json, to_markdown
from causerie.store.models import ERROR
from causerie.store.records import MessageRecord

T = TypeVar("T")
log = logging.getLogger("causerie.api")


def check_text(value: str, field: str, limit: int) -> None:
    """What the databases cannot store, or should not: refused with the reason, before anything is written."""
    if len(value) > limit:
        raise PayloadTooLarge("history.too_long", param=field, size=len(value), limit=limit)
    if "\x00" in value:
        raise InvalidRequest("history.nul_character", param=field, code="invalid_value", field=field)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise InvalidRequest("history.invalid_utf8", param=field, field=field, position=error.start) from error


class ConversationService:
    def __init__(self, store: StoreHandle, pool: EnginePool, metrics: Metrics, settings: Settings,
                 documents: DocumentService | None = None):
        self.handle, self.pool, self.metrics, self.settings = store, pool, metrics, settings
        self.documents = documents
        self.locks = KeyedLocks()

    async def _call(self, method: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await anyio.to_thread.run_sync(functools.partial(method, *args, **kwargs))

    async def _store(self) -> Store:
        return await anyio.to_thread.run_sync(self.handle.get)

    async def _owner(self, principal: Principal) -> tuple[Store, int]:
        store = await self._store()
        if principal.key is not None:
            return store, principal.key.user_id
        user = await self._call(store.ensure_user, principal.user_name, admin=True)
        return store, user.id

    # --- conversations ---
    async def page(self, principal: Principal, limit: int, offset: int) -> ConversationList:
        store, user_id = await self._owner(principal)
        page, total = await self._call(store.list_conversations, user_id, limit=limit, offset=offset)
        return ConversationList(data=[ConversationOut.of(c) for c in page], total=total, limit=limit, offset=offset,
                                has_more=offset + len(page) < total)

    async def create(self, principal: Principal, body: ConversationCreate) -> ConversationOut:
        for field in ("title", "system_prompt"):
            check_text(getattr(body, field) or "", field, self.settings.max_message_chars)
        model = self.pool.get(body.model).name if body.model else None  # an unknown model: 404 now, not later
        store, user_id = await self._owner(principal)
        collections = await self._collections(user_id, body.collections)
        created = await self._call(store.create_conversation, user_id, title=body.title.strip(), model=model,
                                   system_prompt=body.system_prompt, collections=collections)
        return ConversationOut.of(created)

    async def get(self, principal: Principal, conversation_id: str) -> ConversationDetailOut:
        store, user_id = await self._owner(principal)
        detail = await self._call(store.get_conversation, user_id, conversation_id)
        return ConversationDetailOut(**ConversationOut.of(detail.conversation).model_dump(),
                                     messages=[MessageOut.of(m) for m in detail.messages])

    async def rename(self, principal: Principal, conversation_id: str, title: str) -> ConversationOut:
        check_text(title, "title", 200)
        store, user_id = await self._owner(principal)
        return ConversationOut.of(await self._call(store.rename_conversation, user_id, conversation_id, title.strip()))

    async def delete(self, principal: Principal, conversation_id: str) -> Deleted:
        store, user_id = await self._owner(principal)
        await self._call(store.delete_conversation, user_id, conversation_id)
        return Deleted(id=conversation_id, object="conversation.deleted")

    async def truncate(self, principal: Principal, conversation_id: str, message_id: int) -> MessagesDeleted:
        """Drop a message and all that follow, once any answer streaming in the conversation has ended."""
        store, user_id = await self._owner(principal)
        await self.locks.acquire(conversation_id)
        try:
            gone = await self._call(store.truncate_conversation, user_id, conversation_id, message_id)
        finally:
            self.locks.release(conversation_id)
        return MessagesDeleted(conversation_id=conversation_id, deleted=gone)

    async def feedback(self, principal: Principal, conversation_id: str, message_id: int,
                       body: FeedbackCreate) -> FeedbackOut:
        check_text(body.comment, "comment", 4000)
        store, user_id = await self._owner(principal)
        rating = 1 if body.rating == "up" else -1
        record = await self._call(store.set_feedback, user_id, conversation_id, message_id, rating, body.comment)
        return FeedbackOut.of(record)

    # --- search, export, erasure ---
    async def search(self, principal: Principal, query: str, limit: int) -> SearchResults:
        check_text(query, "q", 1000)
        store, user_id = await self._owner(principal)
        hits = await self._call(store.search, user_id, query, limit=limit)
        return SearchResults(query=query, data=[SearchHitOut.of(hit) for hit in hits])

    async def export(self, principal: Principal, conversation_id: str | None, fmt: str, lang: str) -> str:
        store, user_id = await self._owner(principal)
        details = await self._call(store.export, user_id, conversation_id)
        if fmt == "markdown":
            return to_markdown(details, lang)
        keys, documents = None, None
        if conversation_id is None:  # everything stored about the user
            documents = await self._call(store.export_documents, user_id)
            if principal.key is not None:
                keys = await self._call(store.list_keys, principal.user_name)
        return to_json(principal.user_name, details, keys, documents)

    async def delete_me(self, principal: Principal) -> UserDeleted:
        """Erasure. A stored user is deleted with everything they own, keys included; the local user of
        single-user mode keeps existing, without any conversation."""
        store, user_id = await self._owner(principal)
        if principal.key is None:
            gone = await self._call(store.delete_all_conversations, user_id)
            collections = await self._call(store.delete_all_collections, user_id)
            return UserDeleted(user=LOCAL_USER, conversations=gone, collections=collections, account_deleted=False)
        owned = (await self._call(store.list_conversations, user_id, limit=1))[1]
        collections = len(await self._call(store.list_collections, user_id))
        await self._call(store.delete_user, principal.user_name)  # its collections, documents, vectors too
        await self._call(store.scrub_documents)
        return UserDeleted(user=principal.user_name, conversations=owned, collections=collections,
                           account_deleted=True)

    # --- an exchange ---
    async def post_message(self, principal: Principal, conversation_id: str, body: MessageCreate,
                           on_error: Callable[[Exception], bytes]) -> Exchange | AsyncIterator[bytes]:
        check_text(body.content, "content", self.settings.max_message_chars)
        store, user_id = await self._owner(principal)
        await self.locks.acquire(conversation_id)
        release = functools.partial(self.locks.release, conversation_id)
        try:
            started = await self._start(store, user_id, conversation_id, body)
        except BaseException:
            release()
            raise
        engine, question, recorder, generation = started
        if body.stream:
            start = {"conversation_id": conversation_id, "user_message": MessageOut.of(question).model_dump(),
                     "assistant_message": MessageOut.of(recorder.answer).model_dump(),
                     "causerie": ModelFacts.of(engine.card).model_dump()}
            events = stream_events(generation, recorder, start, on_error,
                                   functools.partial(self._titled, store, question))
            return ExchangeStream(events, functools.partial(cleanup, generation, recorder, release))
        try:
            await record(generation, recorder)
            await self._titled(store, question)
        finally:
            await cleanup(generation, recorder, release)
        return Exchange(conversation_id=conversation_id, user_message=MessageOut.of(question),
                        assistant_message=MessageOut.of(recorder.final), causerie=ModelFacts.of(engine.card))

    async def _start(self, store: Store, user_id: int, conversation_id: str, body: MessageCreate
                     ) -> tuple[Engine, MessageRecord, AnswerRecorder, Generation]:
        """Under the conversation's lock: read the history, store the question, start the engine."""
        detail = await self._call(store.get_conversation, user_id, conversation_id)
        engine = self.pool.get(body.model or detail.conversation.model)
        request = body.to_generation_request(
            fitting_messages(engine, detail.conversation.system_prompt, detail.messages, body.content),
            self.settings.max_tokens_default)
        check_capabilities(engine, request)
        collections = detail.conversation.collections if body.collections is None else body.collections
        grounding = await self._ground(user_id, collections, request)
        sources = public_sources(grounding.sources, "", grounding.lang) if grounding else None
        question, answer = await self._call(store.begin_exchange, user_id, conversation_id, body.content,
                                            model=engine.name, model_sha256=engine.card.sha256,
                                            decoding=decoding_of(body), sources=sources)
        recorder = AnswerRecorder(store, answer, self.settings.store_flush_ms)
        generation: Generation | CannedGeneration = (
            CannedGeneration(grounding.answer) if grounding and grounding.answer is not None
            else Generation(engine, request, self.metrics))
        try:
            await generation.start(streaming=body.stream)
        except Exception as error:  # kept, with the reason: the question is not lost
            reason = error.message("en") if hasattr(error, "message") else type(error).__name__
            await recorder.finish(ERROR, None, error=reason)
            raise
        return engine, question, recorder, generation

    async def _collections(self, user_id: int, names: list[str] | None) -> list[str] | None:
        """Collections a conversation is grounded on: each must be the caller's (404 otherwise), now."""
        if not names or self.documents is None:
            return None
        for name in names:
            await self.documents.collection_for(user_id, name)
        return list(dict.fromkeys(names))

    async def _ground(self, user_id: int, collections: list[str] | None, request: GenerationRequest
                      ) -> Grounding | None:
        if not collections or self.documents is None:
            return None
        grounding = await self.documents.ground_for(user_id, collections, request.messages, None)
        if grounding.messages is not None:
            request.messages = grounding.messages
        return grounding

    async def _titled(self, store: Store, question: MessageRecord) -> None:
        """The first exchange that completes names an untitled conversation (a title lost to a store
        failure is not worth failing the answer for)."""
        try:
            await self._call(store.set_title_if_empty, question.conversation_id, title_from(question.content))
        except CauserieError as error:
            log.warning("could not title conversation %s: %s", question.conversation_id, error)
