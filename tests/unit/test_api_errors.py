"""The HTTP error table: every failure is a plain JSON error in OpenAI's shape, never a 5xx for bad input."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest

from causerie.api import create_app
from causerie.engines.fake import FakeEngine, fake_card
from causerie.engines.pool import EnginePool
from causerie.errors import EngineFailure
from causerie.settings import Settings
from unit.helpers import api_client, openai_error

CHAT = "/v1/chat/completions"
HELLO = [{"role": "user", "content": "Bonjour"}]
JSON = {"content-type": "application/json"}


def chat(**fields: object) -> dict:
    return {"messages": HELLO, **fields}


# --- unknown model -----------------------------------------------------------------------------


async def test_unknown_model_lists_every_available_name(tmp_path):
    engines = [FakeEngine(fake_card("alpha")), FakeEngine(fake_card("beta")), FakeEngine(fake_card("gamma"))]
    app = create_app(Settings(home=tmp_path), EnginePool(engines))
    async with api_client(app) as client:
        for stream in (False, True):
            response = await client.post(CHAT, json=chat(model="no-such-model", stream=stream))
            error = openai_error(response, 404)
            assert error["code"] == "model_not_found"
            assert error["param"] == "model"
            for name in ("no-such-model", "alpha", "beta", "gamma"):
                assert name in error["message"]


async def test_unknown_model_on_completions(client):
    error = openai_error(await client.post("/v1/completions", json={"prompt": "x", "model": "nope"}), 404)
    assert error["code"] == "model_not_found"
    assert "fake" in error["message"]


# --- context overflow --------------------------------------------------------------------------

LONG = " ".join(["mot"] * 5000)  # FakeEngine counts words; its context is 4096


@pytest.mark.parametrize("stream", [False, True])
async def test_context_overflow(client, fake, stream):
    assert fake.context_length == 4096
    response = await client.post(CHAT, json=chat(messages=[{"role": "user", "content": LONG}], stream=stream))
    error = openai_error(response, 400)  # a plain 400 JSON even for stream=true: nothing was streamed yet
    assert error["code"] == "context_length_exceeded"
    assert error["type"] == "invalid_request_error"
    assert "4096" in error["message"]
    assert "5000" in error["message"]


async def test_context_overflow_counts_max_tokens(client):
    response = await client.post(CHAT, json=chat(messages=[{"role": "user", "content": "a b c"}], max_tokens=4094))
    error = openai_error(response, 400)
    assert error["code"] == "context_length_exceeded"
    assert "4097" in error["message"] and "4096" in error["message"]


async def test_context_overflow_on_completions_stream(client):
    response = await client.post("/v1/completions", json={"prompt": LONG, "stream": True})
    error = openai_error(response, 400)
    assert error["code"] == "context_length_exceeded"


async def test_engine_failure_before_output_is_a_plain_error_even_when_streaming(client, fake):
    fake.queue(EngineFailure("api.engine_error", detail="kaboom"))
    error = openai_error(await client.post(CHAT, json=chat(stream=True)), 500)
    assert error["code"] == "engine_error" and "kaboom" in error["message"]


# --- malformed bodies and wrong types ----------------------------------------------------------


@pytest.mark.parametrize("raw", [b"{nope", b'{"messages": [', b"", b"\xff\xfe", b"{'single': 'quotes'}"])
async def test_malformed_json(client, raw):
    error = openai_error(await client.post(CHAT, content=raw, headers=JSON), 400)
    assert error["type"] == "invalid_request_error"


async def test_malformed_json_has_its_own_code(client):
    error = openai_error(await client.post(CHAT, content=b'{"messages": oops}', headers=JSON), 400)
    assert error["code"] == "invalid_json"


@pytest.mark.parametrize(
    ("body", "param"),
    [
        (chat(temperature="hot"), "temperature"),
        (chat(temperature=3), "temperature"),
        (chat(top_p=1.5), "top_p"),
        (chat(n=0), "n"),
        ({"messages": []}, "messages"),
        ({}, "messages"),
        ({"messages": "Bonjour"}, "messages"),
        ({"messages": [{"role": "wizard", "content": "x"}]}, "messages.0.role"),
        ({"messages": [{"content": "x"}]}, "messages.0.role"),
        (chat(max_tokens=-1), "max_tokens"),
        (chat(max_tokens=0), "max_tokens"),
        (chat(max_completion_tokens=-5), "max_completion_tokens"),
        (chat(max_tokens=1.5), "max_tokens"),
        (chat(stream_options={"include_usage": "maybe"}), "stream_options.include_usage"),
        (chat(response_format={"type": "xml"}), "response_format.type"),
        (chat(frequency_penalty=9), "frequency_penalty"),
    ],
)
async def test_wrong_types_name_the_field(client, body, param):
    error = openai_error(await client.post(CHAT, json=body), 400)
    assert error["type"] == "invalid_request_error"
    assert error["param"] == param
    assert param in error["message"]


@pytest.mark.parametrize(
    ("body", "param"),
    [({"prompt": "x", "max_tokens": -1}, "max_tokens"), ({}, "prompt"), ({"prompt": 42}, "prompt"),
     ({"prompt": "x", "n": 0}, "n")],
)
async def test_wrong_types_on_completions(client, body, param):
    error = openai_error(await client.post("/v1/completions", json=body), 400)
    assert error["param"] is not None and error["param"].split(".")[0] == param


# --- body size ---------------------------------------------------------------------------------


@pytest.fixture
async def small_client(tmp_path, fake) -> AsyncIterator:
    app = create_app(Settings(home=tmp_path, max_body_bytes=2048), EnginePool([fake]))
    async with api_client(app) as http:
        yield http


def oversize_body() -> bytes:
    return json.dumps(chat(messages=[{"role": "user", "content": "x" * 5000}])).encode()


async def test_oversize_body_with_content_length(small_client, fake):
    body = oversize_body()
    response = await small_client.post(CHAT, content=body, headers=JSON)
    error = openai_error(response, 413)
    assert error["code"] == "request_too_large"
    assert str(len(body)) in error["message"] and "2048" in error["message"]
    assert fake.requests == []


async def test_oversize_chunked_body_without_content_length(small_client, fake):
    body = oversize_body()

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 1000):
            yield body[start:start + 1000]

    request = small_client.build_request("POST", CHAT, content=chunks(), headers=JSON)
    assert "content-length" not in request.headers
    assert request.headers["transfer-encoding"] == "chunked"
    error = openai_error(await small_client.send(request), 413)
    assert error["code"] == "request_too_large"
    assert "2048" in error["message"]
    assert fake.requests == []


async def test_chunked_body_under_the_limit_is_accepted(small_client):
    body = json.dumps(chat()).encode()

    async def chunks() -> AsyncIterator[bytes]:
        yield body[:10]
        yield body[10:]

    response = await small_client.post(CHAT, content=chunks(), headers=JSON)
    assert response.status_code == 200, response.text


# --- routing -----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/nope", "/v1/nope", "/v1/chat", "/v2/chat/completions"])
async def test_unknown_path(client, path):
    error = openai_error(await client.get(path), 404)
    assert path in error["message"]


@pytest.mark.parametrize(("method", "path"), [("GET", CHAT), ("PUT", CHAT), ("DELETE", "/v1/models"),
                                              ("GET", "/v1/completions"), ("POST", "/health")])
async def test_wrong_method(client, method, path):
    error = openai_error(await client.request(method, path), 405)
    assert method in error["message"] and path in error["message"]


# --- unsupported options -----------------------------------------------------------------------


async def test_tools_are_refused(client, fake):
    tools = [{"type": "function", "function": {"name": "meteo", "parameters": {"type": "object"}}}]
    error = openai_error(await client.post(CHAT, json=chat(tools=tools)), 400)
    assert error["param"] == "tools"
    assert fake.requests == []


async def test_logprobs_are_refused(client, fake):
    error = openai_error(await client.post(CHAT, json=chat(logprobs=True)), 400)
    assert error["param"] == "logprobs"
    assert fake.requests == []


async def test_logprobs_false_is_fine(client):
    assert (await client.post(CHAT, json=chat(logprobs=False))).status_code == 200


async def test_completion_logprobs_are_refused(client):
    error = openai_error(await client.post("/v1/completions", json={"prompt": "x", "logprobs": 2}), 400)
    assert error["param"] == "logprobs"


async def test_suffix_is_refused(client):
    error = openai_error(await client.post("/v1/completions", json={"prompt": "x", "suffix": "y"}), 400)
    assert error["param"] == "suffix"


async def test_n_above_engine_max_choices(client, fake):
    n = fake.capabilities.max_choices + 1
    error = openai_error(await client.post(CHAT, json=chat(n=n)), 400)
    assert error["param"] == "n"
    assert str(n) in error["message"] and str(fake.capabilities.max_choices) in error["message"]
    assert fake.requests == []


async def test_unknown_openai_options_are_ignored(client):
    response = await client.post(CHAT, json=chat(parallel_tool_calls=False, metadata={"a": "b"}, store=False))
    assert response.status_code == 200


# --- API keys ----------------------------------------------------------------------------------


@pytest.fixture
async def keyed_client(tmp_path, fake) -> AsyncIterator:
    app = create_app(Settings(home=tmp_path, api_keys=["k1", "k2"]), EnginePool([fake]))
    async with api_client(app) as http:
        yield http


@pytest.mark.parametrize("headers", [{}, {"Authorization": ""}, {"Authorization": "Bearer"},
                                     {"Authorization": "Bearer   "}, {"Authorization": "k1"},
                                     {"Authorization": "Basic k1"}])
async def test_missing_key(keyed_client, headers):
    error = openai_error(await keyed_client.post(CHAT, json=chat(), headers=headers), 401)
    assert error["code"] == "invalid_api_key"


@pytest.mark.parametrize("token", ["wrong", "k1k1", "k", "K1"])
async def test_invalid_key(keyed_client, fake, token):
    error = openai_error(await keyed_client.post(CHAT, json=chat(), headers={"Authorization": f"Bearer {token}"}),
                         401)
    assert error["code"] == "invalid_api_key"
    assert fake.requests == []


async def test_non_ascii_key_is_a_401(keyed_client):
    response = await keyed_client.get("/v1/models", headers={"Authorization": b"Bearer cl\xe9"})
    openai_error(response, 401)


@pytest.mark.parametrize("key", ["k1", "k2"])
async def test_valid_key(keyed_client, key):
    headers = {"Authorization": f"Bearer {key}"}
    assert (await keyed_client.post(CHAT, json=chat(), headers=headers)).status_code == 200
    assert (await keyed_client.get("/v1/models", headers=headers)).status_code == 200
    response = await keyed_client.post("/v1/completions", json={"prompt": "x"}, headers={"authorization": f"bearer {key}"})
    assert response.status_code == 200


@pytest.mark.parametrize(("method", "path", "body"), [("GET", "/v1/models", None), ("GET", "/v1/models/fake", None),
                                                      ("POST", "/v1/completions", {"prompt": "x"})])
async def test_every_v1_endpoint_needs_the_key(keyed_client, method, path, body):
    openai_error(await keyed_client.request(method, path, json=body), 401)


async def test_health_and_metrics_stay_open(keyed_client):
    assert (await keyed_client.get("/health")).status_code == 200
    assert (await keyed_client.get("/metrics")).status_code == 200


# --- language of the messages ------------------------------------------------------------------


async def test_accept_language_picks_the_message_language(client):
    body = chat(model="nope")
    fr = openai_error(await client.post(CHAT, json=body, headers={"Accept-Language": "fr-FR,fr;q=0.9"}), 404)
    en = openai_error(await client.post(CHAT, json=body, headers={"Accept-Language": "en-US,en;q=0.9"}), 404)
    assert fr["message"] != en["message"]
    assert fr["code"] == en["code"] and fr["type"] == en["type"] and fr["param"] == en["param"]
    assert "Modèle inconnu" in fr["message"]
    assert "Unknown model" in en["message"]


async def test_accept_language_on_validation_errors(client):
    fr = openai_error(await client.post(CHAT, json=chat(n=0), headers={"Accept-Language": "fr"}), 400)
    en = openai_error(await client.post(CHAT, json=chat(n=0), headers={"Accept-Language": "en"}), 400)
    assert fr["message"] != en["message"] and fr["param"] == en["param"] == "n"


async def test_settings_language_without_header(tmp_path, fake):
    for lang in ("fr", "en"):
        app = create_app(Settings(home=tmp_path, lang=lang), EnginePool([fake]))
        async with api_client(app) as client:
            message = openai_error(await client.get("/nope"), 404)["message"]
        assert message.startswith("Chemin inconnu" if lang == "fr" else "Unknown path")


# --- no input gives a 5xx ----------------------------------------------------------------------


WEIRD_BODIES = [
    pytest.param(CHAT, b"null", id="null"),
    pytest.param(CHAT, b"[]", id="empty-list"),
    pytest.param(CHAT, b'"string"', id="string"),
    pytest.param(CHAT, b"42", id="number"),
    pytest.param(CHAT, b"1e999", id="infinite-number"),
    pytest.param(CHAT, b"{}", id="empty-object"),
    pytest.param(CHAT, b'{"messages": null}', id="messages-null"),
    pytest.param(CHAT, b'{"messages": [null, 1, "x"]}', id="messages-garbage"),
    pytest.param(CHAT, b'{"messages": [{"role": "user", "content": {"a": [1, {"b": null}]}}]}', id="nested-garbage"),
    pytest.param(CHAT, b'{"messages": [{"role": "user", "content": [{"type": "image_url"}]}]}', id="image-part"),
    pytest.param(CHAT, b'{"messages": [{"role": "user", "content": "x"}], "n": 100000000000000000000000000000}',
                 id="huge-n"),
    pytest.param(CHAT, b'{"messages": [{"role": "user", "content": "x"}], "max_tokens": 1000000000000000000000000}',
                 id="huge-max-tokens"),
    pytest.param(CHAT, b'{"messages": [{"role": "user", "content": "x"}], "seed": 1000000000000000000000000000}',
                 id="huge-seed"),
    pytest.param(CHAT, b'{"messages": [{"role": "user", "content": "x"}], "temperature": NaN}', id="nan"),
    pytest.param(CHAT, b'{"messages": [{"role": "user", "content": "x"}], "temperature": Infinity}', id="infinity"),
    pytest.param(CHAT, '{"messages": [{"role": "user", "content": "café 🥐 \u202e ﷽ \\u0000"}]}'.encode(),
                 id="unicode"),
    pytest.param(CHAT, b'{"messages": [{"role": "user", "content": "\\ud800"}]}', id="lone-surrogate-content"),
    pytest.param(CHAT, b'{"messages": [{"role": "user", "content": "x"}], "model": "\\ud800"}',
                 id="lone-surrogate-model"),
    pytest.param(CHAT, b"[" * 50000 + b"]" * 50000, id="deeply-nested"),
    pytest.param(CHAT, b'{"messages": [{"role": "user", "content": "x"}], "stop": [1, null, {}]}', id="stop-garbage"),
    pytest.param(CHAT, b'{"messages": [{"role": "user", "content": "x"}], "response_format": {"type": "json_schema", '
                       b'"json_schema": {"schema": [1, 2]}}}', id="schema-garbage"),
    pytest.param(CHAT, b'{"messages": [{"role": "user", "content": "x"}], "stream": "yes", "stream_options": 7}',
                 id="stream-options-garbage"),
    pytest.param("/v1/completions", b'{"prompt": [[1, 2], [3]]}', id="token-id-prompt"),
    pytest.param("/v1/completions", b'{"prompt": null}', id="prompt-null"),
    pytest.param("/v1/completions", b'{"prompt": "\\ud800", "echo": true}', id="lone-surrogate-echo"),
]


@pytest.mark.parametrize(("path", "raw"), WEIRD_BODIES)
async def test_weird_bodies_never_give_a_5xx(client, path, raw):
    response = await client.post(path, content=raw, headers=JSON)
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        openai_error(response, response.status_code)
