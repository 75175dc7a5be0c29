"""Driving a (blocking) engine stream from asyncio without blocking the event loop.

A worker thread iterates `engine.generate` and hands chunks to the loop; when the consumer goes away
(client disconnect, cancellation) the request's cancel flag is set, so the engine frees its slot at once.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator

from causerie.engines.base import Chunk, Engine, GenerationRequest

_END = object()


class _Failure:
    def __init__(self, error: BaseException):
        self.error = error


async def stream_async(engine: Engine, request: GenerationRequest) -> AsyncIterator[Chunk]:
    loop = asyncio.get_running_loop()
    inbox: asyncio.Queue = asyncio.Queue()

    def hand_over(item: object) -> None:
        try:
            loop.call_soon_threadsafe(inbox.put_nowait, item)
        except RuntimeError:  # the loop closed: nobody is listening any more
            request.cancel.set()

    def pump() -> None:
        try:
            for chunk in engine.stream(request):
                hand_over(chunk)
                if request.cancelled:
                    break
        except BaseException as error:  # noqa: BLE001 - re-raised on the loop side
            hand_over(_Failure(error))
        finally:
            hand_over(_END)

    threading.Thread(target=pump, name="causerie-stream", daemon=True).start()
    try:
        while (item := await inbox.get()) is not _END:
            if isinstance(item, _Failure):
                raise item.error
            yield item
    finally:
        request.cancel.set()
