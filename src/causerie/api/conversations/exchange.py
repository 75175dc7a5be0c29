"""Posting a message: the question is stored, the answer generated and stored as it streams.

Order matters for crash safety: the question and an empty answer marked `interrupted` are committed
before the engine starts; the answer's text is written every `store_flush_ms` while it streams; only the
end of the stream marks it `complete` (or `error`). A server killed at any point leaves the question and
the text written so far, truthfully marked `interrupted`. Exchanges in one conversation run one at a time
(a lock per conversation in this process; across processes the store reserves their positions
atomically), so the next question sees the previous answer."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import anyio

from causerie.api.conversations.protocol import MessageCreate, MessageOut
from causerie.api.generation import SSE_DONE, Generation, sse, sse_comment
from causerie.conversations.answer import AnswerLog
from causerie.errors import CauserieError, EngineFailure
from causerie.store import Store
from causerie.store.models import COMPLETE, ERROR, INTERRUPTED
from causerie.store.records import MessageRecord

log = logging.getLogger("causerie.api")
def decoding_of(body: MessageCreate) -> dict[str, Any]:
    values = {"temperature": body.temperature, "top_p": body.top_p, "max_tokens": body.max_tokens,
              "seed": body.seed, "stop": body.stop}
    return {key: value for key, value in values.items() if value is not None}


class KeyedLocks:
    """One asyncio lock per conversation id, dropped when nobody holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    async def acquire(self, key: str) -> None:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            await lock.acquire()
        except BaseException:
            self._drop(key)
            raise

    def release(self, key: str) -> None:
        self._locks[key][0].release()
        self._drop(key)

    def _drop(self, key: str) -> None:
        lock, users = self._locks[key]
        if users <= 1:
            del self._locks[key]
        else:
            self._locks[key] = (lock, users - 1)


class AnswerRecorder:
    """The shared `AnswerLog`, driven from the event loop: each store write runs in a worker thread, and
    the last one is shielded, so a client that leaves cannot stop it."""

    def __init__(self, store: Store, answer: MessageRecord, flush_ms: int):
        self.log = AnswerLog(store, answer, flush_ms)
        self.answer = answer
        self.final: MessageRecord | None = None
        self._finishing = False

    @property
    def text(self) -> str:
        return self.log.text

    def add(self, text: str) -> None:
        self.log.add(text)

    async def maybe_flush(self) -> None:
        if (text := self.log.due()) is not None:
            await anyio.to_thread.run_sync(self.log.flush, text)

    async def finish(self, status: str, generation: Generation | None = None, error: str | None = None) -> None:
        if self.final is not None or self._finishing:
            return
        self._finishing = True
        usage = generation.usage if generation else None
        with anyio.CancelScope(shield=True):
            self.final = await anyio.to_thread.run_sync(lambda: self.log.finish(status, usage=usage, error=error))


class ExchangeStream:
    """The SSE body of a streamed exchange. `aclose` always runs the cleanup, even when the response
    never started (a plain async generator that never ran skips its `finally`)."""

    def __init__(self, events: AsyncIterator[bytes], cleanup: Callable[[], Awaitable[None]]):
        self._events, self._cleanup = events, cleanup
        self._closed = False

    def __aiter__(self) -> ExchangeStream:
        return self

    async def __anext__(self) -> bytes:
        return await self._events.__anext__()

    async def aclose(self) -> None:
        if self._closed:  # closed once by whoever gets there first: the cleanup frees a lock
            return
        self._closed = True
        try:
            await self._events.aclose()
        finally:
            await self._cleanup()


def _event(kind: str, **fields: Any) -> bytes:
    return sse(json.dumps({"type": kind, **fields}, ensure_ascii=False))


async def stream_events(generation: Generation, recorder: AnswerRecorder, start: dict[str, Any],
                        on_error: Callable[[Exception], bytes], on_complete: Callable[[], Awaitable[None]]
                        ) -> AsyncIterator[bytes]:
    """`start`, then `delta` events as text comes, then `end` with the stored answer; an error after the
    start is a final `{"error": …}` event, as on /v1."""
    yield _event("start", **start)
    try:
        async for chunk in generation.chunks():
            if chunk.waiting:
                if comment := sse_comment(chunk.waiting):
                    yield comment
            elif chunk.text and chunk.index == 0:
                recorder.add(chunk.text)
                yield _event("delta", content=chunk.text)
                await recorder.maybe_flush()
        await recorder.finish(COMPLETE, generation)
        await on_complete()
        yield _event("end", message=MessageOut.of(recorder.final).model_dump(mode="json"))
    except Exception as error:  # noqa: BLE001 - a started stream can only report errors in-band
        failure = error if isinstance(error, CauserieError) else EngineFailure("api.engine_error",
                                                                              detail=type(error).__name__)
        status = INTERRUPTED if failure.interrupts_answer else ERROR
        await recorder.finish(status, generation, error=failure.message("en"))
        yield on_error(failure)
    yield SSE_DONE


async def record(generation: Generation, recorder: AnswerRecorder) -> None:
    """A non-streamed answer: stored as it grows all the same."""
    async for chunk in generation.chunks():
        if chunk.text and chunk.index == 0:
            recorder.add(chunk.text)
            await recorder.maybe_flush()
    await recorder.finish(COMPLETE, generation)


async def cleanup(generation: Generation, recorder: AnswerRecorder, release: Callable[[], None]) -> None:
    """Whatever happened: stop the engine, store the answer as far as it went, free the conversation."""
    try:
        await generation.finish()
        await recorder.finish(INTERRUPTED, generation)
    finally:
        release()
