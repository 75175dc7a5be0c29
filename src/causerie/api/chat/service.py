"""Chat completions: wire request -> engine request -> OpenAI response or SSE stream. No FastAPI here.
A request with `collections` is grounded first (api/documents): its messages get the numbered sources."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from typing import Any

from causerie.api.auth import Principal
from causerie.api.chat.protocol import (
    AssistantMessage,
    ChatCompletion,
    ChatCompletionChunk,
    ChatCompletionRequest,
    Choice,
    ChunkChoice,
    Delta,
)
from causerie.api.common import ModelFacts, UsageInfo
from causerie.api.documents.protocol import SourceOut
from causerie.api.documents.service import DocumentService
from causerie.api.generation import SSE_DONE, Generation, check_capabilities, collect, event_stream, new_id, sse
from causerie.api.metrics import Metrics
from causerie.documents.grounding import public_sources
from causerie.documents.library import Grounding
from causerie.engines.base import Chunk, Engine, GenerationRequest, Usage
from causerie.engines.pool import EnginePool
from causerie.settings import Settings


def fingerprint(engine: Engine) -> str:
    return f"causerie-{engine.card.short_sha()}"


def chunk_json(chunk: ChatCompletionChunk) -> str:
    """A chunk as OpenAI sends it: `sources` only on a grounded answer's chunks that carry them."""
    return chunk.model_dump_json(exclude={"sources"} if chunk.sources is None else None)


def source_list(grounding: Grounding | None, answer: str = "") -> list[SourceOut] | None:
    if grounding is None:
        return None
    return [SourceOut.of(data) for data in public_sources(grounding.sources, answer, grounding.lang)]


class ChatService:
    def __init__(self, pool: EnginePool, metrics: Metrics, settings: Settings,
                 documents: DocumentService | None = None):
        self.pool, self.metrics, self.settings, self.documents = pool, metrics, settings, documents

    def generation_request(self, body: ChatCompletionRequest) -> GenerationRequest:
        return body.to_generation_request(self.settings.max_tokens_default)

    async def create(
        self, body: ChatCompletionRequest, on_error: Callable[[Exception], bytes], principal: Principal | None = None,
        lang: str | None = None,
    ) -> ChatCompletion | AsyncIterator[bytes]:
        engine = self.pool.get(body.model)
        request = self.generation_request(body)
        check_capabilities(engine, request, tools=body.tools, logprobs=body.logprobs)
        grounding = await self._ground(body, request, principal, lang)
        if grounding is not None and grounding.answer is not None:
            return self._canned(engine, body, grounding)
        generation = Generation(engine, request, self.metrics)
        await generation.start(streaming=body.stream)
        if body.stream:
            return self._stream(engine, body, generation, on_error, grounding)
        texts, finishes = await collect(generation, body.n)
        return ChatCompletion(
            id=new_id("chatcmpl"), created=int(time.time()), model=engine.name, system_fingerprint=fingerprint(engine),
            choices=[Choice(index=i, message=AssistantMessage(content=text), finish_reason=finishes[i])
                     for i, text in enumerate(texts)],
            usage=UsageInfo.of(generation.usage), causerie=ModelFacts.of(engine.card),
            sources=source_list(grounding, texts[0] if texts else ""),
        )

    async def _ground(self, body: ChatCompletionRequest, request: GenerationRequest, principal: Principal | None,
                      lang: str | None) -> Grounding | None:
        if not body.collections or self.documents is None or principal is None:
            return None
        grounding = await self.documents.ground(principal, body.collections, request.messages, lang)
        if grounding.messages is not None:
            request.messages = grounding.messages
        return grounding

    def _canned(self, engine: Engine, body: ChatCompletionRequest, grounding: Grounding
                ) -> ChatCompletion | AsyncIterator[bytes]:
        """The documents hold nothing relevant: say so, without generating (no engine slot is taken)."""
        text = grounding.answer or ""
        base: dict[str, Any] = {"id": new_id("chatcmpl"), "created": int(time.time()), "model": engine.name,
                                "system_fingerprint": fingerprint(engine)}
        usage = UsageInfo.of(Usage())
        if not body.stream:
            return ChatCompletion(**base, choices=[Choice(index=i, message=AssistantMessage(content=text),
                                                          finish_reason="stop") for i in range(body.n)],
                                  usage=usage, causerie=ModelFacts.of(engine.card), sources=[])

        async def events() -> AsyncIterator[bytes]:
            for i in range(body.n):
                for choice in (ChunkChoice(index=i, delta=Delta(role="assistant", content=text)),
                               ChunkChoice(index=i, delta=Delta(), finish_reason="stop")):
                    yield sse(chunk_json(ChatCompletionChunk(**base, choices=[choice],
                                                             causerie=ModelFacts.of(engine.card), sources=[])))
            if body.stream_options and body.stream_options.include_usage:
                yield sse(chunk_json(ChatCompletionChunk(**base, choices=[], usage=usage)))
            yield SSE_DONE

        return events()

    def _stream(self, engine: Engine, body: ChatCompletionRequest, generation: Generation,
                on_error: Callable[[Exception], bytes], grounding: Grounding | None = None) -> AsyncIterator[bytes]:
        base = {"id": new_id("chatcmpl"), "created": int(time.time()), "model": engine.name,
                "system_fingerprint": fingerprint(engine)}
        include_usage = bool(body.stream_options and body.stream_options.include_usage)
        first_answer: list[str] = []  # choice 0's text: which sources it cites

        def event(choices: list[ChunkChoice], **extra: object) -> str:
            return chunk_json(ChatCompletionChunk(**base, choices=choices, **extra))

        def render(chunk: Chunk) -> str | None:
            if chunk.usage is not None or not (chunk.text or chunk.finish_reason):
                return None
            if chunk.index == 0 and chunk.text:
                first_answer.append(chunk.text)
            delta = Delta(content=chunk.text) if chunk.text else Delta()
            return event([ChunkChoice(index=chunk.index, delta=delta, finish_reason=chunk.finish_reason)])

        head = [event([ChunkChoice(index=i, delta=Delta(role="assistant", content=""))],
                      causerie=ModelFacts.of(engine.card), sources=source_list(grounding)) for i in range(body.n)]

        def tail() -> list[str]:
            cited = [event([], sources=source_list(grounding, "".join(first_answer)))] if grounding else []
            return cited + ([event([], usage=UsageInfo.of(generation.usage))] if include_usage else [])

        return event_stream(generation, render, head, tail, on_error)
