"""Text completions: a raw prompt in, text out, streamed or not. No FastAPI here."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable

from causerie.api.chat.service import fingerprint
from causerie.api.common import ModelFacts, UsageInfo
from causerie.api.completions.protocol import Completion, CompletionChoice, CompletionRequest
from causerie.api.generation import Generation, check_capabilities, collect, event_stream, new_id
from causerie.api.metrics import Metrics
from causerie.engines.base import Chunk, GenerationRequest
from causerie.engines.pool import EnginePool
from causerie.errors import InvalidRequest
from causerie.settings import Settings


class CompletionService:
    def __init__(self, pool: EnginePool, metrics: Metrics, settings: Settings):
        self.pool, self.metrics, self.settings = pool, metrics, settings

    @staticmethod
    def prompt_text(body: CompletionRequest) -> str:
        if isinstance(body.prompt, str):
            return body.prompt
        if len(body.prompt) != 1:
            raise InvalidRequest("api.prompt_list", param="prompt", count=len(body.prompt))
        return body.prompt[0]

    def generation_request(self, body: CompletionRequest) -> GenerationRequest:
        if body.suffix:
            raise InvalidRequest("api.unsupported", param="suffix", field="suffix", value="…",
                                 hint="Fill-in-the-middle is not supported.")
        return body.to_generation_request(self.prompt_text(body))

    async def create(self, body: CompletionRequest, on_error: Callable[[Exception], bytes]
                     ) -> Completion | AsyncIterator[bytes]:
        engine = self.pool.get(body.model)
        request = self.generation_request(body)
        check_capabilities(engine, request, logprobs=body.logprobs)
        generation = Generation(engine, request, self.metrics)
        await generation.start(streaming=body.stream)
        base = {"id": new_id("cmpl"), "created": int(time.time()), "model": engine.name,
                "system_fingerprint": fingerprint(engine)}
        if not body.stream:
            texts, finishes = await collect(generation, body.n)
            prefix = request.prompt if body.echo else ""
            choices = [CompletionChoice(text=prefix + text, index=i, finish_reason=finishes[i])
                       for i, text in enumerate(texts)]
            return Completion(**base, choices=choices, usage=UsageInfo.of(generation.usage),
                              causerie=ModelFacts.of(engine.card))
        include_usage = bool(body.stream_options and body.stream_options.include_usage)

        def render(chunk: Chunk) -> str | None:
            if chunk.usage is not None or not (chunk.text or chunk.finish_reason):
                return None
            choice = CompletionChoice(text=chunk.text, index=chunk.index, finish_reason=chunk.finish_reason)
            return Completion(**base, choices=[choice]).model_dump_json()

        def tail() -> list[str]:
            if not include_usage:
                return []
            return [Completion(**base, choices=[], usage=UsageInfo.of(generation.usage)).model_dump_json()]

        head = [Completion(**base, choices=[], causerie=ModelFacts.of(engine.card)).model_dump_json()]
        return event_stream(generation, render, head, tail, on_error)
