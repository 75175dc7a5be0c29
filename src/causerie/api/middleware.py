"""ASGI middleware: a body-size limit that answers 413 before the body is read into memory."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from causerie.errors import PayloadTooLarge


class BodyLimit:
    def __init__(self, app: ASGIApp, limit: int):
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(scope, receive, send, int(declared))
            return
        await self.app(scope, self._counting(receive), send)

    def _counting(self, receive: Receive) -> Receive:
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise PayloadTooLarge("api.body_too_large", size=f"> {seen}", limit=self.limit)
            return message

        return counted

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, size: int) -> None:
        from starlette.requests import Request

        from causerie.api.errors import error_response, request_lang

        request = Request(scope, receive)
        error = PayloadTooLarge("api.body_too_large", size=size, limit=self.limit)
        await error_response(error, request_lang(request))(scope, receive, send)
