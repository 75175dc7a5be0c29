"""The remote engine against a fake OpenAI-compatible server (httpx.MockTransport): streaming, retries
before any output, error pass-through, keys and cancellation."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator

import httpx
import pytest

from causerie.api import create_app
from causerie.engines.base import Chunk, GenerationRequest, Usage
from causerie.engines.pool import EnginePool
from causerie.engines.remote import RemoteEngine
from causerie.errors import ModelError, UpstreamError
from causerie.models.card import ModelCard
from causerie.models.catalog import Catalog
from causerie.settings import RemoteModel, Settings
from unit.helpers import api_client, openai_error

BASE = "http://upstream.test/v1"

Handler = Callable[[httpx.Request], httpx.Response]


def sse(*events: dict | str) -> bytes:
    return b"".join(b"data: " + (e if isinstance(e, str) else json.dumps(e)).encode() + b"\n\n" for e in events)


def chat_chunk(content: str | None = None, finish: str | None = None, role: str | None = None) -> dict:
    delta = {key: value for key, value in (("role", role), ("content", content)) if value is not None}
    return {"id": "x", "object": "chat.completion.chunk", "choices": [{"index": 0, "delta": delta,
                                                                        "finish_reason": finish}]}


USAGE = {"choices": [], "usage": {"prompt_tokens": 11, "completion_tokens": 2, "total_tokens": 13,
                                  "prompt_tokens_details": {"cached_tokens": 5}}}
GOOD_STREAM = sse(chat_chunk("", role="assistant"), chat_chunk("Bon"), chat_chunk("jour"), chat_chunk(finish="stop"),
                  USAGE, "[DONE]")


def ok_stream(body: bytes = GOOD_STREAM) -> httpx.Response:
    return httpx.Response(200, content=body, headers={"content-type": "text/event-stream"})


class FakeServer:
    """Answers with the queued responses in order (the last one repeats) and records every request."""

    def __init__(self, *answers: httpx.Response | Exception | Handler):
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer(request) if callable(answer) else answer

    def bodies(self) -> list[dict]:
        return [json.loads(request.content) for request in self.requests]


def remote(server: FakeServer, **config: object) -> RemoteEngine:
    options = {"name": "distant", "base_url": BASE, **config}
    card = ModelCard(name="distant", engine="remote", base_url=BASE)
    return RemoteEngine(card, RemoteModel(**options), transport=httpx.MockTransport(server))


def ask(**fields: object) -> GenerationRequest:
    return GenerationRequest(messages=[{"role": "user", "content": "Salut"}], **fields)


def test_streams_chunks_with_usage():
    server = FakeServer(ok_stream())
    with remote(server) as engine:
        chunks = list(engine.generate(ask()))
    assert chunks[:3] == [Chunk(text="Bon"), Chunk(text="jour"), Chunk(finish_reason="stop")]
    assert chunks[3].usage == Usage(prompt_tokens=11, completion_tokens=2, cached_tokens=5)
    assert len(chunks) == 4


def test_request_body_and_path():
    server = FakeServer(ok_stream())
    engine = remote(server, model="mistral-small:latest")
    list(engine.generate(ask(max_tokens=12, temperature=0.2, top_p=0.5, seed=7, stop=["\n"], n=2,
                             response_format={"type": "json_object"})))
    request = server.requests[-1]
    assert request.method == "POST" and str(request.url) == f"{BASE}/chat/completions"
    body = server.bodies()[-1]
    assert body["model"] == "mistral-small:latest"
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True}
    assert body["messages"] == [{"role": "user", "content": "Salut"}]
    assert (body["max_tokens"], body["temperature"], body["top_p"], body["seed"]) == (12, 0.2, 0.5, 7)
    assert body["stop"] == ["\n"] and body["n"] == 2 and body["response_format"] == {"type": "json_object"}


def test_remote_model_defaults_to_the_local_name():
    server = FakeServer(ok_stream())
    list(remote(server).generate(ask()))
    assert server.bodies()[-1]["model"] == "distant"
    assert "n" not in server.bodies()[-1] and "stop" not in server.bodies()[-1]


@pytest.mark.parametrize("base_url", [BASE, BASE + "/"])
def test_text_completions_path(base_url):
    server = FakeServer(ok_stream(sse({"choices": [{"index": 0, "text": "suite", "finish_reason": "length"}]},
                                      "[DONE]")))
    chunks = list(remote(server, base_url=base_url).generate(GenerationRequest(prompt="Il était")))
    assert str(server.requests[-1].url) == f"{BASE}/completions"
    assert server.bodies()[-1]["prompt"] == "Il était"
    assert chunks == [Chunk(text="suite", finish_reason="length")]


def test_api_key_is_sent_as_bearer():
    server = FakeServer(ok_stream())
    list(remote(server, api_key="remote-secret").generate(ask()))
    assert server.requests[-1].headers["authorization"] == "Bearer remote-secret"


def test_no_authorization_header_without_a_key():
    server = FakeServer(ok_stream())
    list(remote(server).generate(ask()))
    assert "authorization" not in server.requests[-1].headers


def test_retries_on_503_then_succeeds():
    server = FakeServer(httpx.Response(503, json={"error": {"message": "busy"}}), ok_stream())
    chunks = list(remote(server, retries=2).generate(ask()))
    assert len(server.requests) == 2
    assert "".join(chunk.text for chunk in chunks) == "Bonjour"


@pytest.mark.parametrize("status", [502, 504])
def test_retries_on_other_gateway_errors(status):
    server = FakeServer(httpx.Response(status, headers={"retry-after": "0"}), ok_stream())
    list(remote(server, retries=1).generate(ask()))
    assert len(server.requests) == 2


def test_429_retry_after_is_honoured():
    busy = httpx.Response(429, headers={"retry-after": "0"}, json={"error": {"message": "slow down"}})
    server = FakeServer(busy, busy, ok_stream())
    started = time.monotonic()
    chunks = list(remote(server, retries=2).generate(ask()))
    elapsed = time.monotonic() - started
    assert len(server.requests) == 3
    assert "".join(chunk.text for chunk in chunks) == "Bonjour"
    assert elapsed < 0.5  # without Retry-After the backoff would sleep 0.25 s + 0.5 s


def test_no_retry_when_retries_is_0():
    server = FakeServer(httpx.ConnectError("refused"))
    with pytest.raises(UpstreamError) as caught:
        list(remote(server, retries=0).generate(ask()))
    assert len(server.requests) == 1
    assert caught.value.values["attempts"] == 1


def test_connection_error_after_retries():
    server = FakeServer(httpx.ConnectError("connection refused"))
    with pytest.raises(UpstreamError) as caught:
        list(remote(server, retries=1).generate(ask()))
    error = caught.value
    assert len(server.requests) == 2
    assert error.key == "api.upstream_unreachable"
    assert error.status == 502 and error.code == "upstream_error" and error.type == "server_error"
    for lang in ("fr", "en"):
        message = error.message(lang)
        assert "2" in message and BASE in message and "connection refused" in message


def test_read_error_mid_stream_is_not_retried():
    class BreaksAfterOneEvent(httpx.SyncByteStream):
        def __iter__(self) -> Iterator[bytes]:
            yield sse(chat_chunk("Bon"))
            raise httpx.ReadError("connection reset")

    server = FakeServer(httpx.Response(200, stream=BreaksAfterOneEvent()))
    received = []
    with pytest.raises(UpstreamError) as caught:
        for chunk in remote(server, retries=3).generate(ask()):
            received.append(chunk)
    assert received == [Chunk(text="Bon")]
    assert len(server.requests) == 1  # a half-sent answer is never replayed
    assert caught.value.key == "api.upstream_unreachable"


def test_cancel_flag_stops_iteration():
    many = sse(*[chat_chunk(f"mot{i} ") for i in range(100)], chat_chunk(finish="stop"), "[DONE]")
    server = FakeServer(ok_stream(many))
    request = ask()
    received = []
    for chunk in remote(server).generate(request):
        received.append(chunk)
        if len(received) == 3:
            request.cancel.set()
    assert len(received) == 3


def test_lines_that_are_not_data_are_skipped():
    body = b": keep-alive\n\nevent: message\n" + sse(chat_chunk("oui"), "[DONE]") + sse(chat_chunk("jamais"))
    assert [c.text for c in remote(FakeServer(ok_stream(body))).generate(ask())] == ["oui"]


def test_upstream_400_is_passed_through():
    server = FakeServer(httpx.Response(400, json={"error": {"message": "max_tokens is too large"}}))
    with pytest.raises(UpstreamError) as caught:
        list(remote(server, retries=3).generate(ask()))
    error = caught.value
    assert len(server.requests) == 1  # a client error is not retried
    assert error.status == 400 and error.type == "invalid_request_error"
    assert "max_tokens is too large" in error.message("en") and "400" in error.message("en")


def test_503_after_all_retries_is_a_502():
    server = FakeServer(httpx.Response(503, headers={"retry-after": "0"}, text="overloaded"))
    with pytest.raises(UpstreamError) as caught:
        list(remote(server, retries=1).generate(ask()))
    assert len(server.requests) == 2
    assert caught.value.status == 502 and "503" in caught.value.message("en")


def test_error_event_in_the_upstream_stream():
    server = FakeServer(ok_stream(sse(chat_chunk("Bon"), {"error": {"message": "model crashed"}})))
    with pytest.raises(UpstreamError) as caught:
        list(remote(server).generate(ask()))
    assert "model crashed" in caught.value.message("en")


async def test_upstream_400_reaches_the_api_client_as_a_400(tmp_path):
    server = FakeServer(httpx.Response(400, json={"error": {"message": "max_tokens is too large"}}))
    app = create_app(Settings(home=tmp_path), EnginePool([remote(server)]))
    async with api_client(app) as client:
        response = await client.post("/v1/chat/completions",
                                     json={"messages": [{"role": "user", "content": "x"}], "model": "distant"})
    error = openai_error(response, 400)
    assert "max_tokens is too large" in error["message"]


async def test_remote_engine_behind_the_api(tmp_path):
    server = FakeServer(ok_stream())
    app = create_app(Settings(home=tmp_path), EnginePool([remote(server)]))
    async with api_client(app) as client:
        body = (await client.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": "x"}]})).json()
    assert body["choices"][0]["message"]["content"] == "Bonjour"
    assert body["usage"]["prompt_tokens_details"]["cached_tokens"] == 5
    assert body["causerie"]["engine"] == "remote"


def test_from_settings_finds_the_remote_configuration(tmp_path):
    settings = Settings(home=tmp_path, remotes=[{"name": "distant", "base_url": BASE, "model": "m"}])
    engine = Catalog(settings).load("distant")
    assert isinstance(engine, RemoteEngine)
    assert engine.remote_model == "m" and engine.card.base_url == BASE
    engine.close()


def test_from_settings_without_configuration():
    with pytest.raises(ModelError):
        RemoteEngine.from_settings(ModelCard(name="ailleurs", engine="remote"), Settings())


@pytest.mark.parametrize("event", [b"{not json", b"42", b"[1, 2]"], ids=["not-json", "number", "list"])
def test_malformed_upstream_event_is_an_upstream_error(event):
    server = FakeServer(ok_stream(b"data: " + event + b"\n\n"))
    with pytest.raises(UpstreamError):
        list(remote(server).generate(ask()))
