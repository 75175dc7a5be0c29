"""Plain helpers for the unit tests (no fixtures here: those are in tests/unit/conftest.py)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx

BASE_URL = "http://test"
ERROR_KEYS = {"message", "type", "param", "code"}


def api_client(app: Any, *, raise_app_exceptions: bool = False, **kwargs: Any) -> httpx.AsyncClient:
    """An httpx client talking to the ASGI app in process. App exceptions come back as the 500 the app
    renders (the tests assert on status codes) rather than being re-raised in the test."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=raise_app_exceptions)
    return httpx.AsyncClient(transport=transport, base_url=BASE_URL, **kwargs)


def openai_error(response: httpx.Response, status: int) -> dict[str, Any]:
    """Assert `response` is a plain JSON error of `status` in OpenAI's shape; return the inner object."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json"), response.headers
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == ERROR_KEYS, error
    assert isinstance(error["message"], str) and error["message"].strip()
    assert isinstance(error["type"], str) and error["type"]
    assert error["param"] is None or isinstance(error["param"], str)
    assert error["code"] is None or isinstance(error["code"], str)
    return error


def sse_data(text: str) -> list[str]:
    """The `data:` payloads of a server-sent event stream, read line by line. Every event must be exactly
    one `data: ` line followed by a blank line (what OpenAI clients expect)."""
    lines = text.split("\n")
    assert text.endswith("\n\n"), repr(text[-200:])
    payloads: list[str] = []
    position = 0
    while position < len(lines) - 1:
        line = lines[position]
        assert line.startswith("data: "), f"line {position}: {line!r}"
        assert lines[position + 1] == "", f"line {position + 1} should end the event: {lines[position + 1]!r}"
        payloads.append(line[len("data: "):])
        position += 2
    return payloads


def sse_json(text: str) -> list[dict[str, Any]]:
    """The JSON events of a stream, after checking it ends with exactly one `data: [DONE]`."""
    payloads = sse_data(text)
    assert payloads and payloads[-1] == "[DONE]", payloads[-3:]
    assert payloads.count("[DONE]") == 1
    return [json.loads(payload) for payload in payloads[:-1]]


class StreamingASGITransport(httpx.AsyncBaseTransport):
    """A fake client connection to an ASGI app that, unlike httpx.ASGITransport (which buffers the whole
    response), hands the body over as the app sends it, and tells the app the client hung up
    (`http.disconnect`) when the response is closed. Used to observe cancellation."""

    def __init__(self, app: Any):
        self.app = app

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.AsyncByteStream)
        body = b"".join([part async for part in request.stream])
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": request.method,
            "headers": [(key.lower(), value) for key, value in request.headers.raw],
            "scheme": request.url.scheme, "path": request.url.path,
            "raw_path": request.url.raw_path.split(b"?")[0], "query_string": request.url.query,
            "server": (request.url.host, request.url.port), "client": ("127.0.0.1", 50000), "root_path": "",
        }
        parts: asyncio.Queue[bytes | None] = asyncio.Queue()
        started, hung_up = asyncio.Event(), asyncio.Event()
        head: dict[str, Any] = {}
        body_sent = False

        async def receive() -> dict[str, Any]:
            nonlocal body_sent
            if not body_sent:
                body_sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            await hung_up.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                head.update(status=message["status"], headers=message.get("headers", []))
                started.set()
            elif message["type"] == "http.response.body":
                if hung_up.is_set():
                    raise OSError("the client hung up")
                if message.get("body"):
                    parts.put_nowait(message["body"])
                if not message.get("more_body", False):
                    parts.put_nowait(None)

        async def run() -> None:
            try:
                await self.app(scope, receive, send)
            finally:
                started.set()
                parts.put_nowait(None)

        task = asyncio.create_task(run())
        await started.wait()
        if "status" not in head:
            await task  # the app failed before answering: re-raise its error here
        return httpx.Response(head["status"], headers=head["headers"], stream=_LiveBody(parts, hung_up, task))


class _LiveBody(httpx.AsyncByteStream):
    def __init__(self, parts: asyncio.Queue[bytes | None], hung_up: asyncio.Event, task: asyncio.Task):
        self.parts, self.hung_up, self.task = parts, hung_up, task

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while (part := await self.parts.get()) is not None:
            yield part

    async def aclose(self) -> None:
        self.hung_up.set()
        done, _ = await asyncio.wait({self.task}, timeout=3)
        if not done:  # the app ignored the disconnect; the test's own assertions will say so
            self.task.cancel()


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    """An eval data file: one JSON object a line, accents kept."""
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return path
