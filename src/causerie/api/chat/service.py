"""Chat completions: wire request -> engine request -> OpenAI response or SSE stream. No FastAPI here."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable

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
from causerie.api.generation import Generation, check_capabilities, collect, event_stream, new_id
from causerie.api.metrics import Metrics
from causerie.engines.base import Chunk, Engine, GenerationRequest
from causerie.engines.pool import EnginePool
from causerie.settings import Settings


def fingerprint(engine: Engine) -> str:
    return f"causerie-{engine.card.short_sha()}"


class ChatService:
    def __init__(self, pool: EnginePool, metrics: Metrics, settings: Settings):
        self.pool, self.metrics, self.settings = pool, metrics, settings

    def generation_request(self, body: ChatCompletionRequest) -> GenerationRequest:
        return body.to_generation_request(self.settings.max_tokens_default)

    async def create(
        self, body: ChatCompletionRequest, on_error: Callable[[Exception], bytes]
    ) -> ChatCompletion | AsyncIterator[bytes]:
        engine = self.pool.get(body.model)
        request = self.generation_request(body)
        check_capabilities(engine, request, tools=body.tools, logprobs=body.logprobs)
        generation = Generation(engine, request, self.metrics)
        await generation.start(streaming=body.stream)
        if body.stream:
            return self._stream(engine, body, generation, on_error)
        texts, finishes = await collect(generation, body.n)
        return ChatCompletion(
            id=new_id("chatcmpl"), created=int(time.time()), model=engine.name, system_fingerprint=fingerprint(engine),
            choices=[Choice(index=i, message=AssistantMessage(content=text), finish_reason=finishes[i])
                     for i, text in enumerate(texts)],
            usage=UsageInfo.of(generation.usage), causerie=ModelFacts.of(engine.card),
        )

    def _stream(self, engine: Engine, body: ChatCompletionRequest, generation: Generation,
                on_error: Callable[[Exception], bytes]) -> AsyncIterator[bytes]:
        base = {"id": new_id("chatcmpl"), "created": int(time.time()), "model": engine.name,
                "system_fingerprint": fingerprint(engine)}
        include_usage = bool(body.stream_options and body.stream_options.include_usage)

        def event(choices: list[ChunkChoice], **extra: object) -> str:
            return ChatCompletionChunk(**base, choices=choices, **extra).model_dump_json()

        def render(chunk: Chunk) -> str | None:
            if chunk.usage is not None or not (chunk.text or chunk.finish_reason):
                return None
            delta = Delta(content=chunk.text) if chunk.text else Delta()
            return event([ChunkChoice(index=chunk.index, delta=delta, finish_reason=chunk.finish_reason)])

        head = [event([ChunkChoice(index=i, delta=Delta(role="assistant", content=""))],
                      causerie=ModelFacts.of(engine.card)) for i in range(body.n)]

        def tail() -> list[str]:
            return [event([], usage=UsageInfo.of(generation.usage))] if include_usage else []

        return event_stream(generation, render, head, tail, on_error)
