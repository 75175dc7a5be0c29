"""ASGI middleware: a body-size limit that answers 413 before the body is read into memory."""

from __future__ import annotations

import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from causerie.errors import PayloadTooLarge

GENERIC = "api.body_too_large"


class BodyLimit:
    def __init__(self, app: ASGIApp, limit: int, routes: dict[str, int] | None = None,
                 patterns: list[tuple[str, int, str]] | None = None):
        self.app = app
        self.default = limit
        self.routes = routes or {}  # per-path limits, e.g. audio uploads are larger than JSON bodies
        # (path regex, limit, catalogue key): routes with a variable part, e.g. a collection's uploads,
        # whose refusal names their own limit.
        self.patterns = [(re.compile(pattern), size, key) for pattern, size, key in patterns or []]

    def _limit(self, path: str) -> tuple[int, str]:
        if path in self.routes:
            return self.routes[path], GENERIC
        for pattern, size, key in self.patterns:
            if pattern.fullmatch(path):
                return size, key
        return self.default, GENERIC

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit, key = self._limit(scope.get("path", ""))
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            await self._refuse(scope, receive, send, int(declared), limit, key)
            return
        await self.app(scope, self._counting(receive, limit, key), send)

    def _counting(self, receive: Receive, limit: int, key: str = GENERIC) -> Receive:
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise PayloadTooLarge(key, size=f"> {seen}", limit=limit)
            return message

        return counted

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, size: int, limit: int,
                      key: str = GENERIC) -> None:
        from starlette.requests import Request

        from causerie.api.errors import error_response, request_lang

        request = Request(scope, receive)
        error = PayloadTooLarge(key, size=size, limit=limit)
        await error_response(error, request_lang(request))(scope, receive, send)
