"""The OpenAI-compatible surface on a FakeEngine: chat and text completions (plain and streamed), models,
health, metrics, and cancellation when the client goes away."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from causerie.api import create_app
from causerie.engines.base import Chunk, GenerationRequest
from causerie.engines.fake import FakeEngine
from causerie.engines.pool import EnginePool
from causerie.errors import EngineFailure
from causerie.models.card import ModelCard
from causerie.settings import Settings
from unit.helpers import BASE_URL, StreamingASGITransport, api_client, openai_error, sse_data, sse_json

CHAT = "/v1/chat/completions"
COMPLETIONS = "/v1/completions"
HELLO = [{"role": "user", "content": "Bonjour"}]
REPLY = "Le chat dort sur le canapé."


def chat(**fields: object) -> dict:
    return {"messages": HELLO, **fields}


def distinctive_card() -> ModelCard:
    return ModelCard(name="carte-test", family="test family", engine="fake", parameters="7B", quantization="Q5_K_M",
                     context_length=4096, license="MIT", languages=["fr"], sha256="ab" * 32, verified=True,
                     size_bytes=1234, description="A card with values of its own.")


# --- chat, not streamed ------------------------------------------------------------------------


async def test_chat_completion(client, fake):
    fake.queue(REPLY)
    response = await client.post(CHAT, json=chat())
    assert response.status_code == 200
    body = response.json()
    assert body["object"] == "chat.completion"
    assert body["id"].startswith("chatcmpl-")
    assert body["model"] == "fake"
    assert isinstance(body["created"], int)
    assert body["system_fingerprint"].startswith("causerie-")
    [choice] = body["choices"]
    assert choice == {"index": 0, "message": {"role": "assistant", "content": REPLY}, "logprobs": None,
                      "finish_reason": "stop"}
    words = len(REPLY.split())
    assert body["usage"]["prompt_tokens"] == 1
    assert body["usage"]["completion_tokens"] == words
    assert body["usage"]["total_tokens"] == 1 + words
    assert body["usage"]["prompt_tokens_details"] == {"cached_tokens": 0}
    request = fake.requests[-1]
    assert request.is_chat and request.messages == [{"role": "user", "content": "Bonjour"}]


async def test_model_defaults_to_the_pool_default(client, fake):
    for body in (chat(), chat(model=None), chat(model="fake")):
        assert (await client.post(CHAT, json=body)).json()["model"] == "fake"
    assert len(fake.requests) == 3


async def test_n_gives_that_many_choices(client, fake):
    fake.queue("un deux", "trois quatre cinq")
    body = (await client.post(CHAT, json=chat(n=2))).json()
    assert [c["index"] for c in body["choices"]] == [0, 1]
    assert [c["message"]["content"] for c in body["choices"]] == ["un deux", "trois quatre cinq"]
    assert body["usage"]["completion_tokens"] == 5
    assert fake.requests[-1].n == 2


async def test_max_tokens_truncates_with_finish_reason_length(client, fake):
    fake.queue("un deux trois quatre")
    [choice] = (await client.post(CHAT, json=chat(max_tokens=2))).json()["choices"]
    assert choice["message"]["content"] == "un deux"
    assert choice["finish_reason"] == "length"


@pytest.mark.parametrize(
    ("fields", "expected"),
    [({"max_tokens": 7}, 7), ({"max_completion_tokens": 9}, 9),
     ({"max_tokens": 7, "max_completion_tokens": 9}, 9), ({}, None)],
)
async def test_max_tokens_reach_the_engine(client, fake, fields, expected):
    assert (await client.post(CHAT, json=chat(**fields))).status_code == 200
    assert fake.requests[-1].max_tokens == expected


async def test_max_tokens_default_from_settings(tmp_path, fake):
    app = create_app(Settings(home=tmp_path, max_tokens_default=33), EnginePool([fake]))
    async with api_client(app) as client:
        await client.post(CHAT, json=chat())
        assert fake.requests[-1].max_tokens == 33
        await client.post(CHAT, json=chat(max_tokens=5))
        assert fake.requests[-1].max_tokens == 5


@pytest.mark.parametrize(("stop", "expected"), [("\n", ["\n"]), (["a", "b"], ["a", "b"]), (None, []), ([], [])])
async def test_stop_is_normalized_to_a_list(client, fake, stop, expected):
    assert (await client.post(CHAT, json=chat(stop=stop))).status_code == 200
    assert fake.requests[-1].stop == expected


async def test_sampling_options_are_forwarded(client, fake):
    await client.post(CHAT, json=chat(seed=42, temperature=0.3, top_p=0.9, frequency_penalty=0.5,
                                      presence_penalty=-0.2))
    request = fake.requests[-1]
    assert (request.seed, request.temperature, request.top_p) == (42, 0.3, 0.9)
    assert (request.frequency_penalty, request.presence_penalty) == (0.5, -0.2)  # accepted means applied


async def test_sampling_options_default_to_none(client, fake):
    await client.post(CHAT, json=chat())
    request = fake.requests[-1]
    assert (request.seed, request.temperature, request.top_p, request.response_format) == (None,) * 4
    assert request.n == 1 and request.stop == []


async def test_response_format_json_object(client, fake):
    await client.post(CHAT, json=chat(response_format={"type": "json_object"}))
    assert fake.requests[-1].response_format == {"type": "json_object"}


async def test_response_format_json_schema(client, fake):
    schema = {"type": "object", "properties": {"ville": {"type": "string"}}, "required": ["ville"]}
    fmt = {"type": "json_schema", "json_schema": {"name": "lieu", "schema": schema, "strict": True}}
    await client.post(CHAT, json=chat(response_format=fmt))
    assert fake.requests[-1].response_format == {"type": "json_schema", "json_schema": {"schema": schema}}


async def test_response_format_text_means_no_constraint(client, fake):
    await client.post(CHAT, json=chat(response_format={"type": "text"}))
    assert fake.requests[-1].response_format is None


async def test_developer_role_is_mapped_to_system(client, fake):
    messages = [{"role": "developer", "content": "Réponds en français."}, *HELLO,
                {"role": "assistant", "content": "Salut"}, {"role": "system", "content": "Sois bref."}]
    await client.post(CHAT, json={"messages": messages})
    assert [m["role"] for m in fake.requests[-1].messages] == ["system", "user", "assistant", "system"]
    assert fake.requests[-1].messages[0]["content"] == "Réponds en français."


async def test_content_as_a_list_of_text_parts(client, fake):
    parts = [{"type": "text", "text": "Quelle heure "}, {"type": "text", "text": "est-il ?"}]
    await client.post(CHAT, json={"messages": [{"role": "user", "content": parts}]})
    assert fake.requests[-1].messages == [{"role": "user", "content": "Quelle heure est-il ?"}]


async def test_null_content_becomes_empty_text(client, fake):
    await client.post(CHAT, json={"messages": [{"role": "assistant", "content": None}, *HELLO]})
    assert fake.requests[-1].messages[0] == {"role": "assistant", "content": ""}


async def test_causerie_extension_on_the_response(tmp_path):
    engine = FakeEngine(distinctive_card())
    async with api_client(create_app(Settings(home=tmp_path), EnginePool([engine]))) as client:
        body = (await client.post(CHAT, json=chat())).json()
    facts = body["causerie"]
    assert facts["ai_generated"] is True
    assert facts["model"] == "carte-test"
    assert facts["license"] == "MIT"
    assert facts["sha256"] == "ab" * 32
    assert facts["quantization"] == "Q5_K_M"
    assert facts["verified"] is True and facts["engine"] == "fake"
    assert body["system_fingerprint"] == "causerie-" + ("ab" * 32)[:12]


async def test_engine_error_without_stream(client, fake):
    fake.queue(EngineFailure("api.engine_error", detail="panne"))
    error = openai_error(await client.post(CHAT, json=chat()), 500)
    assert error["code"] == "engine_error" and "panne" in error["message"]
    assert fake.active == 0


# --- chat, streamed ----------------------------------------------------------------------------


async def test_chat_stream_line_by_line(client, fake):
    fake.queue(REPLY)
    response = await client.post(CHAT, json=chat(stream=True))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.headers["cache-control"] == "no-cache"
    events = sse_json(response.text)  # also checks `data: [DONE]` is the last event
    ids = {event["id"] for event in events}
    assert len(ids) == 1 and ids.pop().startswith("chatcmpl-")
    assert all(event["object"] == "chat.completion.chunk" and event["model"] == "fake" for event in events)

    first, last = events[0], events[-1]
    assert first["choices"][0]["delta"]["role"] == "assistant"
    assert first["choices"][0]["finish_reason"] is None
    content = "".join(event["choices"][0]["delta"].get("content") or "" for event in events)
    assert content == REPLY
    assert last["choices"][0]["finish_reason"] == "stop"
    assert all(event["choices"][0]["finish_reason"] is None for event in events[:-1])
    assert all(event.get("usage") is None for event in events)  # no usage unless asked for


async def test_chat_stream_first_chunk_carries_the_causerie_extension(tmp_path):
    engine = FakeEngine(distinctive_card())
    async with api_client(create_app(Settings(home=tmp_path), EnginePool([engine]))) as client:
        events = sse_json((await client.post(CHAT, json=chat(stream=True))).text)
    facts = events[0]["causerie"]
    assert facts["ai_generated"] is True
    assert (facts["model"], facts["license"], facts["sha256"]) == ("carte-test", "MIT", "ab" * 32)
    assert all(event.get("causerie") is None for event in events[1:])


async def test_chat_stream_include_usage(client, fake):
    fake.queue("un deux trois")
    response = await client.post(CHAT, json=chat(stream=True, stream_options={"include_usage": True}))
    events = sse_json(response.text)
    usage_event = events[-1]
    assert usage_event["choices"] == []
    assert usage_event["usage"]["prompt_tokens"] == 1
    assert usage_event["usage"]["completion_tokens"] == 3
    assert usage_event["usage"]["total_tokens"] == 4
    assert all(event.get("usage") is None for event in events[:-1])
    assert events[-2]["choices"][0]["finish_reason"] == "stop"


async def test_chat_stream_include_usage_false(client):
    events = sse_json((await client.post(CHAT, json=chat(stream=True, stream_options={"include_usage": False}))).text)
    assert all(event["choices"] for event in events)


async def test_chat_stream_n_2(client, fake):
    fake.queue("a b", "c d e")
    events = sse_json((await client.post(CHAT, json=chat(stream=True, n=2))).text)
    for index, reply in enumerate(["a b", "c d e"]):
        mine = [choice for event in events for choice in event["choices"] if choice["index"] == index]
        assert mine[0]["delta"]["role"] == "assistant"
        assert "".join(choice["delta"].get("content") or "" for choice in mine) == reply
        assert mine[-1]["finish_reason"] == "stop"


async def test_chat_stream_length_finish(client, fake):
    fake.queue("un deux trois quatre")
    events = sse_json((await client.post(CHAT, json=chat(stream=True, max_tokens=2))).text)
    assert "".join(e["choices"][0]["delta"].get("content") or "" for e in events) == "un deux"
    assert events[-1]["choices"][0]["finish_reason"] == "length"


class BreaksMidway(FakeEngine):
    """A fake engine that streams two words of its reply, then fails as a crashed engine would."""

    def __init__(self, error: Exception):
        super().__init__()
        self.error = error

    def _stream_one(self, request: GenerationRequest, index: int, reply: str) -> Iterator[Chunk]:
        yield Chunk(text="Première", index=index)
        yield Chunk(text=" partie", index=index)
        raise self.error


@pytest.mark.parametrize("error", [EngineFailure("api.engine_error", detail="panne"), RuntimeError("oops")])
async def test_engine_error_mid_stream_is_an_error_event_then_done(tmp_path, error):
    engine = BreaksMidway(error)
    async with api_client(create_app(Settings(home=tmp_path), EnginePool([engine]))) as client:
        response = await client.post(CHAT, json=chat(stream=True), headers={"Accept-Language": "en"})
    assert response.status_code == 200  # the stream had started: errors can only be reported in-band
    events = sse_json(response.text)
    error_event = events[-1]
    assert set(error_event) == {"error"}
    assert set(error_event["error"]) == {"message", "type", "param", "code"}
    assert error_event["error"]["code"] == "engine_error"
    assert error_event["error"]["type"] == "server_error"
    assert "".join(e["choices"][0]["delta"].get("content") or "" for e in events[:-1]) == "Première partie"
    assert engine.active == 0


async def test_engine_error_mid_completion_stream(tmp_path):
    engine = BreaksMidway(EngineFailure("api.engine_error", detail="panne"))
    async with api_client(create_app(Settings(home=tmp_path), EnginePool([engine]))) as client:
        events = sse_json((await client.post(COMPLETIONS, json={"prompt": "x", "stream": True})).text)
    assert events[-1]["error"]["code"] == "engine_error"


async def test_engine_error_mid_way_without_stream_is_a_500(tmp_path):
    engine = BreaksMidway(EngineFailure("api.engine_error", detail="panne"))
    async with api_client(create_app(Settings(home=tmp_path), EnginePool([engine]))) as client:
        error = openai_error(await client.post(CHAT, json=chat()), 500)
    assert error["code"] == "engine_error"


async def test_openai_sdk_reads_the_stream(app, fake):
    openai = pytest.importorskip("openai")
    fake.queue(REPLY)
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL)
    sdk = openai.AsyncOpenAI(api_key="unused", base_url=f"{BASE_URL}/v1", http_client=http, max_retries=0)
    async with http:
        stream = await sdk.chat.completions.create(model="fake", messages=HELLO, stream=True,
                                                   stream_options={"include_usage": True})
        text, usage = "", None
        async for chunk in stream:
            if chunk.choices:
                text += chunk.choices[0].delta.content or ""
            usage = chunk.usage or usage
    assert text == REPLY
    assert usage is not None and usage.completion_tokens == len(REPLY.split())


# --- text completions --------------------------------------------------------------------------


async def test_completion(client, fake):
    fake.queue("suite du texte")
    response = await client.post(COMPLETIONS, json={"prompt": "Il était une fois", "max_tokens": 10, "stop": "\n"})
    assert response.status_code == 200
    body = response.json()
    assert body["object"] == "text_completion" and body["id"].startswith("cmpl-")
    assert body["choices"] == [{"text": "suite du texte", "index": 0, "logprobs": None, "finish_reason": "stop"}]
    assert body["usage"]["prompt_tokens"] == 4 and body["usage"]["completion_tokens"] == 3
    assert body["causerie"]["ai_generated"] is True
    request = fake.requests[-1]
    assert not request.is_chat and request.prompt == "Il était une fois"
    assert request.max_tokens == 10 and request.stop == ["\n"]


async def test_completion_penalties_are_forwarded(client, fake):
    await client.post(COMPLETIONS, json={"prompt": "x", "frequency_penalty": 1.0, "presence_penalty": 0.5})
    assert (fake.requests[-1].frequency_penalty, fake.requests[-1].presence_penalty) == (1.0, 0.5)


async def test_completion_default_max_tokens_is_openai_16(client, fake):
    await client.post(COMPLETIONS, json={"prompt": "x"})
    assert fake.requests[-1].max_tokens == 16


async def test_completion_echo(client, fake):
    fake.queue("suite")
    body = (await client.post(COMPLETIONS, json={"prompt": "Début ", "echo": True})).json()
    assert body["choices"][0]["text"] == "Début suite"


async def test_completion_stream(client, fake):
    fake.queue("suite du texte")
    response = await client.post(COMPLETIONS, json={"prompt": "x", "stream": True,
                                                    "stream_options": {"include_usage": True}})
    assert response.headers["content-type"].startswith("text/event-stream")
    events = sse_json(response.text)
    assert all(event["object"] == "text_completion" for event in events)
    assert events[0]["causerie"]["ai_generated"] is True
    assert "".join(choice["text"] for event in events for choice in event["choices"]) == "suite du texte"
    finishes = [choice["finish_reason"] for event in events for choice in event["choices"] if choice["finish_reason"]]
    assert finishes == ["stop"]
    assert events[-1]["choices"] == [] and events[-1]["usage"]["completion_tokens"] == 3


async def test_completion_prompt_list_of_one(client, fake):
    response = await client.post(COMPLETIONS, json={"prompt": ["un seul texte"]})
    assert response.status_code == 200
    assert fake.requests[-1].prompt == "un seul texte"


@pytest.mark.parametrize("prompt", [["a", "b"], []])
async def test_completion_prompt_list_of_other_sizes(client, fake, prompt):
    error = openai_error(await client.post(COMPLETIONS, json={"prompt": prompt}), 400)
    assert error["param"] == "prompt"
    assert str(len(prompt)) in error["message"]
    assert fake.requests == []


# --- models, health, metrics -------------------------------------------------------------------


async def test_list_models_with_cards(tmp_path):
    engines = [FakeEngine(distinctive_card()), FakeEngine()]
    async with api_client(create_app(Settings(home=tmp_path), EnginePool(engines))) as client:
        body = (await client.get("/v1/models")).json()
    assert body["object"] == "list"
    # the chat models, then the embedding model of /v1/embeddings (tests/unit/test_embeddings_api.py)
    assert [model["id"] for model in body["data"]] == ["carte-test", "fake", "multilingual-e5-small"]
    model = body["data"][0]
    assert model["object"] == "model" and model["owned_by"] and isinstance(model["created"], int)
    card = model["card"]
    assert card["license"] == "MIT"
    assert card["quantization"] == "Q5_K_M"
    assert card["sha256"] == "ab" * 32
    assert card["context_length"] == 4096
    assert card["serving_context_length"] == 4096
    assert card["ai_generated"] is True
    assert card["capabilities"]["max_choices"] == FakeEngine.capabilities.max_choices


async def test_get_one_model(client):
    response = await client.get("/v1/models/fake")
    assert response.status_code == 200
    assert response.json()["id"] == "fake" and response.json()["card"]["license"] == "Apache-2.0"


async def test_get_unknown_model(client):
    error = openai_error(await client.get("/v1/models/nope"), 404)
    assert error["code"] == "model_not_found" and "fake" in error["message"]


async def test_health(client):
    response = await client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["default_model"] == "fake"
    assert body["models"] == {"fake": {"engine": "fake", "state": "ok", "problem": None, "in_flight": 0, "queued": 0,
                                       "slots": 4, "busy_slots": 0, "max_queue": 16, "stalled_s": 0.0}}


def metric_samples(text: str) -> dict[str, list]:
    return {family.name: family.samples for family in text_string_to_metric_families(text)}


async def test_metrics_after_a_request(client, fake):
    fake.queue("un deux trois")
    await client.post(CHAT, json=chat(messages=[{"role": "user", "content": "quatre cinq"}]))
    await client.post(CHAT, json=chat(n=0))
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert "causerie_requests_total" in response.text and "causerie_tokens_total" in response.text
    samples = metric_samples(response.text)
    requests = {(s.labels["route"], s.labels["status"]): s.value for s in samples["causerie_requests"]
                if s.name == "causerie_requests_total"}
    assert requests[(CHAT, "200")] == 1
    assert requests[(CHAT, "400")] == 1
    tokens = {s.labels["kind"]: s.value for s in samples["causerie_tokens"] if s.name == "causerie_tokens_total"}
    assert tokens == {"prompt": 2, "completion": 3}
    in_flight = [s.value for s in samples["causerie_generations_in_flight"]]
    assert in_flight == [0]


async def test_metrics_use_route_templates_not_raw_paths(client):
    await client.get("/v1/models/fake")
    await client.get("/v1/models/other")
    samples = metric_samples((await client.get("/metrics")).text)["causerie_requests"]
    routes = {s.labels["route"] for s in samples if s.name == "causerie_requests_total"}
    assert "/v1/models/{model_id:path}" in routes
    assert not any(route.endswith(("/fake", "/other")) for route in routes)


# --- cancellation ------------------------------------------------------------------------------


async def wait_until(condition, timeout: float = 2.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.01)
    return True


@pytest.mark.parametrize(("path", "body"), [(CHAT, chat(stream=True)), (COMPLETIONS, {"prompt": "x", "stream": True,
                                                                                       "max_tokens": 1000})])
async def test_client_disconnect_stops_the_engine(tmp_path, path, body):
    words = 400  # 20 s at 50 ms a word: only a cancellation ends it within the test's 2 s
    engine = FakeEngine(replies=[" ".join(f"mot{i}" for i in range(words))], delay=0.05)
    app = create_app(Settings(home=tmp_path), EnginePool([engine]))
    async with httpx.AsyncClient(transport=StreamingASGITransport(app), base_url=BASE_URL) as client:
        async with client.stream("POST", path, json=body) as response:
            assert response.status_code == 200
            seen: list[str] = []
            async for line in response.aiter_lines():
                if line.startswith("data: "):
                    seen.append(line)
                if len(seen) == 2:
                    break
            assert engine.active == 1
        assert await wait_until(lambda: engine.active == 0), "the engine kept generating after the client left"
        assert engine.requests[-1].cancel.is_set()
    async with api_client(app) as plain:
        health = (await plain.get("/health")).json()
    assert health["models"]["fake"]["in_flight"] == 0


async def test_streaming_transport_delivers_a_whole_stream(tmp_path):
    """The test transport itself: a stream read to the end is complete and well framed."""
    engine = FakeEngine(replies=["un deux trois"])
    app = create_app(Settings(home=tmp_path), EnginePool([engine]))
    async with httpx.AsyncClient(transport=StreamingASGITransport(app), base_url=BASE_URL) as client:
        async with client.stream("POST", CHAT, json=chat(stream=True)) as response:
            text = "".join([part async for part in response.aiter_text()])
    assert sse_data(text)[-1] == "[DONE]"
    assert engine.active == 0
