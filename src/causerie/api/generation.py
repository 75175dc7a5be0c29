"""One generation's trip through an engine, shared by the chat and text-completion services.

It checks the request against the engine's capabilities, waits for the first chunk before anything is
sent (so an early failure such as a context overflow is still a clean 4xx), keeps the metrics, and
makes sure the engine is told to stop when the client goes away.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any, TypeVar

from causerie.api.metrics import Metrics
from causerie.api.usage import report_usage
from causerie.engines.aio import stream_async
from causerie.engines.base import Chunk, Engine, GenerationRequest, Usage, Waiting
from causerie.errors import InvalidRequest

SSE_DONE = b"data: [DONE]\n\n"
T = TypeVar("T")


def new_id(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(12)}"


def sse(payload_json: str) -> bytes:
    return b"data: " + payload_json.encode() + b"\n\n"


def check_capabilities(engine: Engine, request: GenerationRequest, *, tools: object = None,
                       logprobs: object = None) -> None:
    caps = engine.capabilities
    if tools:
        raise InvalidRequest("api.unsupported", param="tools", field="tools", value="[…]",
                             hint="Tool calls are not supported yet.")
    if logprobs:
        raise InvalidRequest("api.unsupported", param="logprobs", field="logprobs", value=logprobs,
                             hint="Set logprobs to false.")
    if request.n > caps.max_choices:
        raise InvalidRequest("api.n_limit", param="n", value=request.n, limit=caps.max_choices)
    if request.response_format and not caps.json_schema:
        raise InvalidRequest("api.unsupported", param="response_format", field="response_format",
                             value=request.response_format.get("type"), hint=f"{engine.name} cannot enforce JSON.")


class Generation:
    def __init__(self, engine: Engine, request: GenerationRequest, metrics: Metrics):
        self.engine, self.request, self.metrics = engine, request, metrics
        self.usage = Usage()
        self._first: Chunk | None = None
        self._stream: AsyncIterator[Chunk] | None = stream_async(engine, request)
        self._started = time.perf_counter()
        self._answering = False

    async def start(self, streaming: bool = False) -> None:
        """Wait until the engine has accepted the request: errors raised here become plain HTTP errors.

        That is the first output; but a stream starts as soon as its request is known to wait (queued for a
        slot, or its prompt being read): its headers go out at once, keep-alive comments follow, and any
        later error is sent in-band, as OpenAI does."""
        try:
            while True:
                self._first = await anext(self._stream)
                if not self._first.waiting or (streaming and _under_way(self._first.waiting)):
                    break
        except StopAsyncIteration:
            self._first = None
        except BaseException:
            await self.finish()
            raise

    async def chunks(self) -> AsyncIterator[Chunk]:
        try:
            if self._first is not None:
                yield self._note(self._first)
                async for chunk in self._stream:
                    yield self._note(chunk)
        finally:
            await self.finish()

    def _note(self, chunk: Chunk) -> Chunk:
        if chunk.usage is not None:
            self.usage = chunk.usage
        if not self._answering and (chunk.text or chunk.finish_reason):
            self._answering = True
            self.metrics.ttft.labels(self.engine.name).observe(time.perf_counter() - self._started)
        return chunk

    async def finish(self) -> None:
        if self._stream is None:
            return
        self.request.cancel.set()
        stream, self._stream = self._stream, None
        await stream.aclose()
        self.metrics.tokens.labels(self.engine.name, "prompt").inc(self.usage.prompt_tokens)
        self.metrics.tokens.labels(self.engine.name, "completion").inc(self.usage.completion_tokens)
        await report_usage(self.usage)  # to the caller's API key quota, if it has one


class CannedGeneration:
    """A fixed answer with a Generation's shape (a grounded question whose documents hold nothing relevant):
    it streams and is stored like a generated one, and takes no engine slot."""

    def __init__(self, text: str):
        self.text = text
        self.usage = Usage()

    async def start(self, streaming: bool = False) -> None:
        """Nothing to start."""

    async def chunks(self) -> AsyncIterator[Chunk]:
        yield Chunk(text=self.text)
        yield Chunk(finish_reason="stop")

    async def finish(self) -> None:
        """Nothing to stop."""


def _under_way(waiting: Waiting) -> bool:
    """Waiting in line, or reading its prompt: the request will not be refused with a 4xx any more (llama.cpp
    checks the context size before its first prompt-progress report, done = 0), so a stream may start."""
    return waiting.stage in ("queued", "prompt")


def sse_comment(waiting: Waiting) -> bytes:
    """A sign of life for a stream that has no text yet; SSE clients ignore comments. Only the wait for a
    slot is said (prompt batches would be noise; keep-alive comments cover a long prompt)."""
    return f": queued, position {waiting.position}\n\n".encode() if waiting.stage == "queued" else b""


async def collect(generation: Generation, n: int) -> tuple[list[str], list[str | None]]:
    """Texts and finish reasons of all `n` choices."""
    texts: list[list[str]] = [[] for _ in range(n)]
    finishes: list[str | None] = [None] * n
    async for chunk in generation.chunks():
        if chunk.index < n:
            texts[chunk.index].append(chunk.text)
            finishes[chunk.index] = chunk.finish_reason or finishes[chunk.index]
    return ["".join(parts) for parts in texts], finishes


async def event_stream(generation: Generation, render: Callable[[Chunk], str | None],
                       head: list[str], tail: Callable[[], list[str]], on_error: Callable[[Exception], bytes]
                       ) -> AsyncIterator[bytes]:
    """SSE framing: `head` events, one event per rendered chunk, `tail` events, then [DONE]."""
    try:
        for event in head:
            yield sse(event)
        async for chunk in generation.chunks():
            if chunk.waiting:
                if comment := sse_comment(chunk.waiting):
                    yield comment
            elif (event := render(chunk)) is not None:
                yield sse(event)
        for event in tail():
            yield sse(event)
    except Exception as error:  # noqa: BLE001 - a started stream can only report errors in-band
        yield on_error(error)
    yield SSE_DONE


async def until_disconnect(request: Any, work: Coroutine[Any, Any, T]) -> T | None:
    """Await `work` (a handler's coroutine), but cancel it if the client hangs up first: the generation's
    cleanup (Generation.finish) then tells the engine to stop. Returns None when the client left."""
    task = asyncio.ensure_future(work)

    async def hung_up() -> None:
        while (await request.receive())["type"] != "http.disconnect":
            pass

    watcher = asyncio.ensure_future(hung_up())
    try:
        await asyncio.wait({task, watcher}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        watcher.cancel()
    if task.done():
        return task.result()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    return None
