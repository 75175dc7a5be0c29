"""ASGI middleware: a body-size limit that answers 413 before the body is read into memory."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from causerie.errors import PayloadTooLarge


class BodyLimit:
    def __init__(self, app: ASGIApp, limit: int, routes: dict[str, int] | None = None):
        self.app = app
        self.default = limit
        self.routes = routes or {}  # per-path limits, e.g. audio uploads are larger than JSON bodies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.routes.get(scope.get("path", ""), self.default)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            await self._refuse(scope, receive, send, int(declared), limit)
            return
        await self.app(scope, self._counting(receive, limit), send)

    def _counting(self, receive: Receive, limit: int) -> Receive:
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise PayloadTooLarge("api.body_too_large", size=f"> {seen}", limit=limit)
            return message

        return counted

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, size: int, limit: int) -> None:
        from starlette.requests import Request

        from causerie.api.errors import error_response, request_lang

        request = Request(scope, receive)
        error = PayloadTooLarge("api.body_too_large", size=size, limit=limit)
        await error_response(error, request_lang(request))(scope, receive, send)
