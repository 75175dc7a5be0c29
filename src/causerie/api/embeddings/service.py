"""Embeddings for the HTTP API (no FastAPI here): the request checked, the texts embedded, OpenAI's answer.

Every refusal happens before the model runs, with a message naming the value and the limit. The work is
blocking (the model computes on the CPU): the router runs `create` in a worker thread."""

from __future__ import annotations

import base64
import logging
import threading
from typing import Any

import numpy as np

from causerie.api.common import ModelFacts
from causerie.api.embeddings.protocol import ENCODINGS, INPUT_TYPES, MAX_INPUTS, EmbeddingRequest
from causerie.documents.embedders.base import Embedder, embedding_card
from causerie.documents.embedders.registry import shared_embedder
from causerie.errors import CauserieError, InvalidRequest, UnknownModel
from causerie.models.card import ModelCard
from causerie.settings import Settings

log = logging.getLogger("causerie.api")


class UnknownEmbeddingModel(UnknownModel):
    key_for_unknown = "embeddings.unknown_model"


def input_texts(value: str | list[Any]) -> list[str]:
    """`input` as a list of non-empty texts, at most MAX_INPUTS; token ids refused."""
    texts = [value] if isinstance(value, str) else value
    if not texts:
        raise InvalidRequest("embeddings.empty_input", param="input", code="invalid_value", limit=MAX_INPUTS)
    if len(texts) > MAX_INPUTS:
        raise InvalidRequest("embeddings.too_many_inputs", param="input", code="invalid_value", count=len(texts),
                             limit=MAX_INPUTS)
    for index, text in enumerate(texts):
        if isinstance(text, int | list) and not isinstance(text, bool):  # [1, 2] or [[1, 2], [3]]
            raise InvalidRequest("embeddings.token_ids", param="input", code="unsupported_value", index=index)
        if not isinstance(text, str):
            raise InvalidRequest("embeddings.not_text", param="input", code="invalid_value", index=index)
        if not text:
            raise InvalidRequest("embeddings.empty_text", param="input", code="invalid_value", index=index)
    return texts


def check_choice(value: str, choices: tuple[str, ...], field: str, key: str) -> str:
    if value not in choices:
        raise InvalidRequest(key, param=field, code="invalid_value", given=value, supported=", ".join(choices))
    return value


def encode(vectors: np.ndarray, encoding: str) -> list[list[float]] | list[str]:
    """float: numbers; base64: each row's little-endian float32 bytes, as OpenAI sends them."""
    if encoding == "base64":
        rows = np.ascontiguousarray(vectors, dtype="<f4")
        return [base64.b64encode(row.tobytes()).decode("ascii") for row in rows]
    return vectors.astype(np.float32).tolist()


class EmbeddingService:
    def __init__(self, settings: Settings, embedder: Embedder | None = None):
        self.settings = settings
        self._embedder = embedder
        self._lock = threading.Lock()

    @property
    def embedder(self) -> Embedder:
        """The configured embedder, built on first use (a bad `embedder` setting fails this route only)."""
        with self._lock:
            if self._embedder is None:
                self._embedder = shared_embedder(self.settings)
            return self._embedder

    def cards(self) -> list[tuple[ModelCard, dict[str, Any]]]:
        """For GET /v1/models: each embedding model's card and facts, read without running the model. A
        misconfigured embedder lists nothing here (its route says what is wrong)."""
        try:
            embedder = self.embedder
            card = embedder.card() or embedding_card(name=embedder.name)
        except CauserieError as error:
            log.warning("no embedding model to list: %s", error)
            return []
        return [(card, {"dimensions": embedder.known_dimensions(), "max_input_tokens": embedder.max_tokens})]

    def create(self, body: EmbeddingRequest) -> dict[str, Any]:
        """OpenAI's embedding list, as JSON-ready data (millions of floats: no second validation pass)."""
        embedder = self.embedder
        # 1. what can be refused without the model
        if body.model != embedder.name:
            raise UnknownEmbeddingModel(body.model, [embedder.name])
        texts = input_texts(body.input)
        encoding = check_choice(body.encoding_format, ENCODINGS, "encoding_format", "embeddings.bad_encoding")
        kind = check_choice(body.input_type, INPUT_TYPES, "input_type", "embeddings.bad_input_type")
        if body.dimensions is not None and body.dimensions != embedder.dimensions:
            raise InvalidRequest("embeddings.bad_dimensions", param="dimensions", code="invalid_value",
                                 given=body.dimensions, model=embedder.name, supported=embedder.dimensions)
        # 2. the vectors. A text past the model's max_tokens is not refused: the embedder reads it its own
        # way (the bundled e5 averages 510-token windows; a remote server may cut it).
        vectors = embedder.embed_queries(texts) if kind == "query" else embedder.embed_passages(texts)
        tokens = sum(embedder.count_tokens(text) for text in texts)
        # 3. OpenAI's answer, with causerie's facts about the model
        data = [{"object": "embedding", "index": index, "embedding": row}
                for index, row in enumerate(encode(vectors, encoding))]
        card = embedder.card() or embedding_card(name=embedder.name)
        return {"object": "list", "data": data, "model": embedder.name,
                "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
                "causerie": ModelFacts.of(card).model_dump()}
