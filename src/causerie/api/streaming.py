"""Server-sent events that stop the engine as soon as the client disconnects."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

from fastapi import Request
from starlette.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from causerie.api.errors import request_lang, sse_error
from causerie.errors import CauserieError, EngineFailure


class EventStreamResponse(StreamingResponse):
    def __init__(self, events: AsyncIterator[bytes]):
        super().__init__(events, media_type="text/event-stream",
                         headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            # Closing the generator runs its `finally`, which cancels the engine and frees the slot now,
            # not whenever the garbage collector gets to it.
            await self.body_iterator.aclose()


def stream_error_renderer(request: Request) -> Callable[[Exception], bytes]:
    lang = request_lang(request)

    def render(error: Exception) -> bytes:
        if not isinstance(error, CauserieError):
            error = EngineFailure("api.engine_error", detail=type(error).__name__)
        return sse_error(error, lang)

    return render
