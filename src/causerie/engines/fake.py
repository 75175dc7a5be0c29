"""A fake engine with queued replies, for fast tests and for trying the surfaces without a model.

It streams each reply word by word, counts words as tokens, records every request it saw, and can be
told to fail, to go slowly so cancellation can be observed, or to hang (a wedged engine) after some words.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterator
from dataclasses import replace

from causerie.engines.base import Capabilities, Chunk, Engine, GenerationRequest, Usage
from causerie.errors import CauserieError, ContextOverflow
from causerie.models.card import ModelCard

DEFAULT_REPLY = "Bonjour ! Je suis un moteur factice."


def fake_card(name: str = "fake") -> ModelCard:
    return ModelCard(name=name, family="fake", engine="fake", parameters="0", quantization="none",
                     context_length=4096, license="Apache-2.0", languages=["fr", "en"],
                     sha256="0" * 64, verified=True, description="Fake engine for tests.")


class FakeEngine(Engine):
    kind = "fake"
    capabilities = Capabilities(json_schema=True, tokenize=True, parallel_slots=4, max_choices=4)

    def __init__(self, card: ModelCard | None = None, replies: list[str] | None = None, delay: float = 0.0,
                 slots: int = 4, hang_after: int | None = None):
        super().__init__(card or fake_card())
        if slots != FakeEngine.capabilities.parallel_slots:
            self.capabilities = replace(FakeEngine.capabilities, parallel_slots=slots, max_choices=slots)
        self.replies: deque[str | CauserieError] = deque(replies or [])
        self.delay = delay
        self.hang_after = hang_after  # words sent before the engine stops answering, until cancelled
        self.requests: list[GenerationRequest] = []
        self.active = 0
        self.closed = False

    def queue(self, *replies: str | CauserieError) -> FakeEngine:
        self.replies.extend(replies)
        return self

    def count_tokens(self, text: str) -> int:
        return len(text.split())

    def _prompt_tokens(self, request: GenerationRequest) -> int:
        if request.messages is None:
            return self.count_tokens(request.prompt or "")
        return sum(self.count_tokens(str(m.get("content") or "")) for m in request.messages)

    def _next_reply(self) -> str:
        reply = self.replies.popleft() if self.replies else DEFAULT_REPLY
        if isinstance(reply, CauserieError):
            raise reply
        return reply

    def generate(self, request: GenerationRequest) -> Iterator[Chunk]:
        self.requests.append(request)
        prompt_tokens = self._prompt_tokens(request)
        limit = self.context_length or 4096
        if prompt_tokens + (request.max_tokens or 0) > limit:
            raise ContextOverflow(requested=prompt_tokens + (request.max_tokens or 0), limit=limit)
        replies = [self._next_reply() for _ in range(request.n)]
        self.active += 1
        try:
            completion = 0
            for index, reply in enumerate(replies):
                completion += yield from self._stream_one(request, index, reply)
            yield Chunk(usage=Usage(prompt_tokens=prompt_tokens, completion_tokens=completion))
        finally:
            self.active -= 1

    def _stream_one(self, request: GenerationRequest, index: int, reply: str) -> Iterator[Chunk]:
        words = reply.split(" ")
        budget = request.max_tokens or len(words)
        sent = 0
        for position, word in enumerate(words[:budget]):
            if position == self.hang_after:
                while not request.cancelled:  # wedged: nothing more comes, but a cancel still frees it
                    time.sleep(0.01)
            if request.cancelled:
                return sent
            if self.delay:
                time.sleep(self.delay)
            yield Chunk(text=word if position == 0 else " " + word, index=index)
            sent += 1
        yield Chunk(index=index, finish_reason="stop" if budget >= len(words) else "length")
        return sent

    def health_problem(self) -> str | None:
        return "closed" if self.closed else None

    def close(self) -> None:
        self.closed = True
