"""Remote models: a causerie server re-exposing another OpenAI-compatible server (here: a second causerie)
under a local name, and the RemoteEngine used directly."""

from __future__ import annotations

import time
from collections.abc import Iterator

import openai
import pytest

from causerie.engines.base import Chunk, GenerationRequest
from causerie.engines.remote import RemoteEngine
from causerie.errors import UpstreamError
from causerie.models.card import ModelCard
from causerie.settings import RemoteModel

from .causerie_it import (
    HUGE_MESSAGE,
    MODEL,
    REMOTE_MODEL,
    ServerProcess,
    free_port,
    sdk_client,
)

pytestmark = pytest.mark.integration

HELLO = [{"role": "user", "content": "Hello! Who are you?"}]


@pytest.fixture(scope="module")
def remote_client(remote_server: ServerProcess) -> Iterator[openai.OpenAI]:
    with sdk_client(remote_server) as sdk:
        yield sdk


def remote_engine(base_url: str, model: str = MODEL, **options: object) -> RemoteEngine:
    card = ModelCard(name=REMOTE_MODEL, engine="remote", base_url=base_url)
    return RemoteEngine(card, RemoteModel(name=REMOTE_MODEL, base_url=base_url, model=model, **options))


# --- through a server ----------------------------------------------------------------------------------


def test_remote_chat_completion(remote_client: openai.OpenAI, upstream_server: ServerProcess) -> None:
    completion = remote_client.chat.completions.create(model=REMOTE_MODEL, messages=HELLO, max_tokens=12)
    assert completion.model == REMOTE_MODEL
    assert completion.choices[0].message.content.strip()
    assert completion.choices[0].finish_reason in {"stop", "length"}
    usage = completion.usage
    assert usage.prompt_tokens > 0 and 0 < usage.completion_tokens <= 12
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens
    facts = completion.model_extra["causerie"]
    assert facts["engine"] == "remote" and facts["model"] == REMOTE_MODEL
    assert upstream_server.in_flight() == 0


def test_remote_streaming(remote_client: openai.OpenAI) -> None:
    stream = remote_client.chat.completions.create(
        model=REMOTE_MODEL, messages=HELLO, max_tokens=12, stream=True, stream_options={"include_usage": True}
    )
    chunks = list(stream)
    assert all(chunk.model == REMOTE_MODEL for chunk in chunks)
    texts = [c.choices[0].delta.content for c in chunks if c.choices and c.choices[0].delta.content]
    assert len(texts) >= 2
    assert "".join(texts).strip()
    assert chunks[-1].choices == []
    assert chunks[-1].usage is not None and 0 < chunks[-1].usage.completion_tokens <= 12


def test_remote_text_completion(remote_client: openai.OpenAI) -> None:
    completion = remote_client.completions.create(model=REMOTE_MODEL, prompt="1, 2, 3, 4, 5,", max_tokens=6)
    assert completion.model == REMOTE_MODEL
    assert completion.choices[0].text.strip()
    assert 0 < completion.usage.completion_tokens <= 6


def test_local_model_still_served_next_to_the_remote(remote_client: openai.OpenAI) -> None:
    completion = remote_client.chat.completions.create(model=MODEL, messages=HELLO, max_tokens=4)
    assert completion.model == MODEL
    assert completion.model_extra["causerie"]["engine"] == "local"


def test_models_lists_local_and_remote(remote_client: openai.OpenAI, remote_server: ServerProcess,
                                       upstream_server: ServerProcess) -> None:
    ids = [model.id for model in remote_client.models.list()]
    assert MODEL in ids and REMOTE_MODEL in ids
    with remote_server.http() as http:
        data = {item["id"]: item for item in http.get("/v1/models").json()["data"]}
    card = data[REMOTE_MODEL]["card"]
    assert card["engine"] == "remote"
    assert card["base_url"] == f"{upstream_server.url}/v1"
    assert card["license"] == "Apache-2.0"
    assert data[MODEL]["card"]["engine"] == "local"
    assert remote_server.health()["models"][REMOTE_MODEL]["engine"] == "remote"


def test_disconnect_through_the_remote_frees_the_upstream_slot(remote_server: ServerProcess,
                                                              upstream_server: ServerProcess) -> None:
    request = {"model": REMOTE_MODEL, "prompt": "1, 2, 3, 4, 5, 6, 7, 8, 9, 10,", "max_tokens": 2000,
               "temperature": 0, "stream": True}
    with remote_server.http() as http, http.stream("POST", "/v1/completions", json=request) as response:
        assert response.status_code == 200
        lines = response.iter_lines()  # keep a reference: a collected iterator closes the connection
        seen = 0
        for line in lines:
            seen += line.startswith("data:")
            if seen >= 5:
                break
        assert remote_server.in_flight(REMOTE_MODEL) == 1
        assert upstream_server.in_flight() == 1
    remote_server.wait_idle(REMOTE_MODEL, timeout=2.0)
    # The remote engine notices the cancel at the upstream's next event, then hangs up, and the upstream
    # stops at its own next token: two token times, which a loaded machine stretches to seconds.
    upstream_server.wait_idle(timeout=10.0)


def test_remote_context_overflow_is_passed_through(remote_client: openai.OpenAI) -> None:
    """The remote's 4xx reaches the client as a 4xx (regression: UpstreamError once failed to format)."""
    with pytest.raises(openai.BadRequestError) as caught:
        remote_client.chat.completions.create(model=REMOTE_MODEL, messages=[{"role": "user", "content": HUGE_MESSAGE}],
                                              max_tokens=8)
    assert caught.value.status_code == 400
    assert "4096" in caught.value.response.json()["error"]["message"]


# --- the engine itself ---------------------------------------------------------------------------------


def test_remote_engine_streams_chunks_with_usage(upstream_server: ServerProcess) -> None:
    with remote_engine(f"{upstream_server.url}/v1") as engine:
        assert engine.name == REMOTE_MODEL and engine.remote_model == MODEL
        chunks: list[Chunk] = list(engine.generate(GenerationRequest(messages=HELLO, max_tokens=8)))
    texts = [chunk.text for chunk in chunks if chunk.text]
    assert len(texts) >= 2 and "".join(texts).strip()
    assert any(chunk.finish_reason in {"stop", "length"} for chunk in chunks)
    usage_chunks = [chunk for chunk in chunks if chunk.usage is not None]
    assert len(usage_chunks) == 1 and chunks[-1] is usage_chunks[0]
    assert usage_chunks[0].usage.prompt_tokens > 0
    assert 0 < usage_chunks[0].usage.completion_tokens <= 8


def test_remote_engine_text_completion(upstream_server: ServerProcess) -> None:
    with remote_engine(f"{upstream_server.url}/v1") as engine:
        chunks = list(engine.generate(GenerationRequest(prompt="1, 2, 3, 4, 5,", max_tokens=6)))
    assert "".join(chunk.text for chunk in chunks).strip()
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens > 0


def test_remote_engine_cancel_stops_the_stream(upstream_server: ServerProcess) -> None:
    request = GenerationRequest(prompt="1, 2, 3, 4, 5, 6, 7, 8, 9, 10,", max_tokens=2000, temperature=0)
    with remote_engine(f"{upstream_server.url}/v1") as engine:
        texts = []
        for chunk in engine.generate(request):
            texts.append(chunk.text)
            if len(texts) == 3:
                request.cancel.set()
    assert len(texts) < 10  # it stops at the next event, far from the 2000 tokens asked for
    upstream_server.wait_idle(timeout=10.0)  # it hung up: the upstream stops at its next token


def test_unreachable_remote_raises_upstream_error_quickly() -> None:
    port = free_port()  # nothing listens there
    with remote_engine(f"http://127.0.0.1:{port}/v1", retries=1, connect_timeout=2.0) as engine:
        start = time.monotonic()
        with pytest.raises(UpstreamError) as caught:
            list(engine.generate(GenerationRequest(messages=HELLO, max_tokens=4)))
        elapsed = time.monotonic() - start
    assert elapsed < 3.0
    error = caught.value
    assert error.status == 502 and error.code == "upstream_error"
    assert error.values["attempts"] == 2
    assert str(port) in error.message("en") and "2" in error.message("en")
    assert "injoignable" in error.message("fr")


def test_remote_error_status_is_passed_through(upstream_server: ServerProcess) -> None:
    """An error answer of the remote server becomes an UpstreamError carrying its 4xx status."""
    with remote_engine(f"{upstream_server.url}/v1", model="no-such-model", retries=0) as engine:
        with pytest.raises(UpstreamError) as caught:
            list(engine.generate(GenerationRequest(messages=HELLO, max_tokens=4)))
    assert caught.value.status == 404
    assert caught.value.type == "invalid_request_error"
    assert "no-such-model" in caught.value.message("en")
