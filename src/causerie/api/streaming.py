"""Server-sent events that stop the engine as soon as the client disconnects, and that never fall silent:
after `sse_keepalive` seconds without an event, an SSE comment (which clients ignore) tells the client and
any proxy in between that the stream is alive, e.g. while the request waits for a slot."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable

from fastapi import Request
from starlette.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from causerie.api.errors import request_lang, sse_error
from causerie.errors import CauserieError, EngineFailure

KEEPALIVE = b": keep-alive\n\n"


_END = object()


class _Failure:
    def __init__(self, error: BaseException):
        self.error = error


async def with_keepalive(events: AsyncIterator[bytes], interval: float) -> AsyncIterator[bytes]:
    """`events`, with a comment after every `interval` seconds of silence. One task drives `events` from
    start to end (its timeouts and cancel scopes stay in one task), and hands each event over here."""
    inbox: asyncio.Queue[object] = asyncio.Queue(maxsize=1)

    async def pump() -> None:
        try:
            async for event in events:
                await inbox.put(event)
            await inbox.put(_END)
        except Exception as error:  # noqa: BLE001 - re-raised on the reading side
            await inbox.put(_Failure(error))
        finally:
            await events.aclose()

    driver = asyncio.ensure_future(pump())
    try:
        while True:
            try:
                item = await asyncio.wait_for(inbox.get(), interval)
            except TimeoutError:
                yield KEEPALIVE
                continue
            if item is _END:
                return
            if isinstance(item, _Failure):
                raise item.error
            yield item  # type: ignore[misc]
    finally:
        driver.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await driver


class EventStreamResponse(StreamingResponse):
    def __init__(self, events: AsyncIterator[bytes], request: Request):
        self._events = events
        interval = request.app.state.settings.sse_keepalive
        super().__init__(with_keepalive(events, interval), media_type="text/event-stream",
                         headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            # Closing the generators runs their `finally`, which cancels the engine and frees the slot now,
            # not whenever the garbage collector gets to it (the inner one too: the keep-alive wrapper may
            # never have started if the client left before the first byte).
            await self.body_iterator.aclose()
            await self._events.aclose()


def stream_error_renderer(request: Request) -> Callable[[Exception], bytes]:
    lang = request_lang(request)

    def render(error: Exception) -> bytes:
        if not isinstance(error, CauserieError):
            error = EngineFailure("api.engine_error", detail=type(error).__name__)
        return sse_error(error, lang)

    return render
