"""Request bodies are read here before any route sees them: valid UTF-8, JSON nested at most `MAX_DEPTH`
levels, and text that is text (no lone UTF-16 surrogate such as "\\ud800", which JSON can spell but no
engine, database or audio library accepts). Each failure is a 400 in the API's one error shape, in the
caller's language, naming the field; before, the engine's own parser message leaked out as a 500.

Every router uses `StrictJSONRoute`, so no route can forget the check."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

from causerie.errors import InvalidRequest

MAX_DEPTH = 64
# A \uD800-\uDFFF escape in the raw bytes: only then is the decoded text walked for a lone one.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def decode_body(body: bytes) -> Any:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidRequest("api.invalid_utf8", param=None, code="invalid_utf8", position=error.start) from error
    try:
        value = json.loads(text)
    except RecursionError as error:
        raise InvalidRequest("api.too_deep", code="too_deep", limit=MAX_DEPTH) from error
    check_value(value, scan_text=bool(_SURROGATE_ESCAPE.search(body)))
    return value


def check_value(value: Any, scan_text: bool) -> None:
    """Depth, and (when the body spelled a surrogate) lone surrogates, walked without recursion."""
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(value, ())]
    while stack:
        item, path = stack.pop()
        if len(path) > MAX_DEPTH:
            raise InvalidRequest("api.too_deep", code="too_deep", limit=MAX_DEPTH)
        if isinstance(item, dict):
            for key, child in item.items():
                if scan_text:
                    _check_text(key, (*path, key))
                stack.append((child, (*path, key)))
        elif isinstance(item, list):
            stack.extend((child, (*path, index)) for index, child in enumerate(item))
        elif scan_text and isinstance(item, str):
            _check_text(item, path)


def _check_text(text: str, path: tuple[str | int, ...]) -> None:
    for char in text:
        if "\ud800" <= char <= "\udfff":
            field = ".".join(str(part) for part in path) or "body"
            raise InvalidRequest("api.lone_surrogate", param=field, code="invalid_text", field=field,
                                 code_point=f"U+{ord(char):04X}")


class StrictJSONRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = decode_body(await self.body())
        return self._json


class StrictJSONRoute(APIRoute):
    """A route whose JSON body is decoded by `decode_body`. FastAPI turns what it raises into an
    HTTPException whose cause is our `InvalidRequest`, which the error handlers render."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def strict(request: Request) -> Response:
            return await handler(StrictJSONRequest(request.scope, request.receive))

        return strict
