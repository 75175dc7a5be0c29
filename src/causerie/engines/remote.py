"""The remote engine: any OpenAI-compatible `/v1` server (vLLM, Ollama, Mistral's API, another causerie),
reached with httpx and re-exposed under a local model name. Connection errors and 429/5xx answers are
retried with backoff, but only before any output was streamed: a half-sent answer is never replayed."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import httpx

from causerie.engines.base import Capabilities, Chunk, Engine, GenerationRequest
from causerie.engines.openai_chunks import chunks_from, request_body
from causerie.errors import ModelError, UpstreamError
from causerie.models.card import ModelCard
from causerie.settings import RemoteModel, Settings

RETRY_STATUSES = {429, 502, 503, 504}
RETRY_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.ReadTimeout, httpx.RemoteProtocolError)
MAX_BACKOFF = 8.0


def _error_detail(response: httpx.Response) -> str:
    try:
        return _error_detail_from(response.json())
    except (ValueError, AttributeError):
        return response.text[:300] or response.reason_phrase


def _backoff(attempt: int, response: httpx.Response | None = None) -> float:
    retry_after = response.headers.get("retry-after") if response is not None else None
    if retry_after and retry_after.replace(".", "", 1).isdigit():
        return min(float(retry_after), MAX_BACKOFF)
    return min(0.25 * 2**attempt, MAX_BACKOFF)


class RemoteEngine(Engine):
    kind = "remote"
    capabilities = Capabilities(json_schema=True, parallel_slots=16, max_choices=8)

    def __init__(self, card: ModelCard, config: RemoteModel, transport: httpx.BaseTransport | None = None):
        super().__init__(card)
        self.config = config
        headers = {"Authorization": f"Bearer {config.api_key.get_secret_value()}"} if config.api_key else {}
        self._client = httpx.Client(
            base_url=config.base_url.rstrip("/") + "/", headers=headers, transport=transport, trust_env=False,
            timeout=httpx.Timeout(config.timeout, connect=config.connect_timeout),
        )

    @classmethod
    def from_settings(cls, card: ModelCard, settings: Settings) -> RemoteEngine:
        for remote in settings.remotes:
            if remote.name == card.name:
                return cls(card, remote)
        raise ModelError("model.load_failed", name=card.name, reason="no remote configuration")

    @property
    def remote_model(self) -> str:
        return self.config.model or self.config.name

    def _open(self, path: str, body: dict[str, Any]) -> httpx.Response:
        """POST with retries; returns a streaming response with a 2xx status."""
        attempts = self.config.retries + 1
        for attempt in range(attempts):
            try:
                response = self._client.send(self._client.build_request("POST", path, json=body), stream=True)
            except RETRY_ERRORS as exc:
                if attempt + 1 < attempts:
                    time.sleep(_backoff(attempt))
                    continue
                raise UpstreamError("api.upstream_unreachable", url=self.config.base_url,
                                    attempts=attempts, detail=str(exc) or type(exc).__name__) from exc
            if response.status_code < 400:
                return response
            response.read()
            response.close()
            if response.status_code in RETRY_STATUSES and attempt + 1 < attempts:
                time.sleep(_backoff(attempt, response))
                continue
            raise UpstreamError("api.upstream_error", status=response.status_code, url=self.config.base_url,
                                detail=_error_detail(response))
        raise AssertionError("unreachable")

    def generate(self, request: GenerationRequest) -> Iterator[Chunk]:
        path = "chat/completions" if request.is_chat else "completions"
        response = self._open(path, request_body(request, self.remote_model))
        try:
            for line in response.iter_lines():
                if request.cancelled:
                    break
                if not line.startswith("data:"):
                    continue
                data = line[5:].strip()
                if data == "[DONE]":
                    break
                yield from self._parse_event(data)
        except httpx.HTTPError as exc:
            raise UpstreamError("api.upstream_unreachable", url=self.config.base_url, attempts=1,
                                detail=str(exc) or type(exc).__name__) from exc
        finally:
            response.close()

    def _parse_event(self, data: str) -> Iterator[Chunk]:
        try:
            payload = json.loads(data)
            if "error" in payload:
                raise UpstreamError("api.upstream_error", url=self.config.base_url, status=502,
                                    detail=_error_detail_from(payload))
            chunks = list(chunks_from(payload))
        except (ValueError, TypeError, AttributeError) as exc:
            raise UpstreamError("api.upstream_error", url=self.config.base_url, status=502,
                                detail=f"malformed event: {data[:120]}") from exc
        yield from chunks

    def close(self) -> None:
        self._client.close()


def _error_detail_from(payload: dict[str, Any]) -> str:
    error = payload.get("error")
    return error.get("message", str(error)) if isinstance(error, dict) else str(error)
