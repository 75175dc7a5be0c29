"""The remote engine: any OpenAI-compatible `/v1` server (vLLM, Ollama, Mistral's API, another causerie),
reached with httpx and re-exposed under a local model name — or a pool of such servers (`base_urls`), each
request going to the least busy one that is up (engines/upstreams.py, docs/remote-pools.md).

Connection errors and 429/502/503/504 answers are retried — on another server of a pool at once, on the same
server after a backoff otherwise — but only before any output was streamed: once a chunk went out, a failure
is an in-band `UpstreamError` and the half-sent answer is never replayed."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import httpx

from causerie.engines.base import Capabilities, Chunk, Engine, GenerationRequest
from causerie.engines.openai_chunks import chunks_from, request_body
from causerie.engines.upstreams import PoolUnavailable, Upstream, Upstreams, public_url
from causerie.errors import ModelError, UpstreamError
from causerie.i18n import t
from causerie.models.card import ModelCard
from causerie.settings import RemoteModel, Settings

RETRY_STATUSES = {429, 502, 503, 504}
DOWN_STATUSES = {502, 503, 504}  # the server or its proxy fails: a pool takes it out (429 is only busy)
# Any network failure before the first byte: nothing was sent to the client, so trying again is safe.
RETRY_ERRORS = httpx.TransportError
MAX_BACKOFF = 8.0
SLOTS_PER_UPSTREAM = 16  # requests causerie lets through to each server (vLLM batches far more)
PROBE_TIMEOUT = 3.0  # seconds a health probe (GET {base}/models) may take
PAUSE_STEP = 0.05  # a backoff looks at the request's cancel flag this often


def _error_detail(response: httpx.Response) -> str:
    try:
        return _error_detail_from(response.json())
    except (ValueError, AttributeError):
        return response.text[:300] or response.reason_phrase


def _describe(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__


def _backoff(attempt: int, response: httpx.Response | None = None) -> float:
    retry_after = response.headers.get("retry-after") if response is not None else None
    if retry_after and retry_after.replace(".", "", 1).isdigit():
        return min(float(retry_after), MAX_BACKOFF)
    return min(0.25 * 2**attempt, MAX_BACKOFF)


@dataclass
class _Failure:
    """One failed attempt of a request, before any output."""

    url: str
    detail: str
    status: int | None = None  # None: no answer at all (connection, timeout, broken stream)
    response: httpx.Response | None = None  # for its Retry-After


class RemoteEngine(Engine):
    kind = "remote"
    capabilities = Capabilities(json_schema=True, parallel_slots=SLOTS_PER_UPSTREAM, max_choices=8)

    def __init__(self, card: ModelCard, config: RemoteModel, transport: httpx.BaseTransport | None = None):
        super().__init__(card)
        self.config = config
        urls = config.urls
        self._clients = {url: self._make_client(url, transport) for url in urls}
        self._pool = Upstreams(config.name, urls, config.upstream_weights, eject=config.is_pool,
                               probe=self._probe if config.is_pool else None)
        # The admission queue lets through what the servers can run together, so many per server.
        base = type(self).capabilities
        self.capabilities = replace(base, parallel_slots=base.parallel_slots * len(urls))
        # Each server gets one try, plus the configured retries: a pool of one keeps the old budget.
        self._attempts = config.retries + len(urls)

    def _make_client(self, url: str, transport: httpx.BaseTransport | None) -> httpx.Client:
        config = self.config
        headers = {"Authorization": f"Bearer {config.api_key.get_secret_value()}"} if config.api_key else {}
        return httpx.Client(
            base_url=url.rstrip("/") + "/", headers=headers, transport=transport, trust_env=False,
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

    # --- generation ---

    def generate(self, request: GenerationRequest) -> Iterator[Chunk]:
        path = "chat/completions" if request.is_chat else "completions"
        body = request_body(request, self.remote_model)
        failures: list[_Failure] = []
        while True:
            upstream, response = self._open(path, body, request, failures)
            sent = False
            try:
                for chunk in self._events(response, request, upstream.url):
                    sent = True
                    yield chunk
                return
            except httpx.HTTPError as exc:
                detail = _describe(exc)
                self._pool.failed(upstream, detail)
                if sent or request.cancelled:
                    raise self._cut(upstream.url, len(failures) + 1, detail) from exc
                failures.append(_Failure(upstream.url, detail))  # nothing went out yet: try again
            finally:
                response.close()
                self._pool.release(upstream)

    def _open(self, path: str, body: dict[str, Any], request: GenerationRequest,
              failures: list[_Failure]) -> tuple[Upstream, httpx.Response]:
        """POST to a server, with failover and retries. Returns the server (its in-flight count taken: the
        caller releases it) and a streaming 2xx response; records each failed attempt in `failures`."""
        while True:
            if len(failures) >= self._attempts:
                raise self._give_up(failures)
            upstream = self._choose(request, failures)
            client = self._clients[upstream.url]
            try:
                response = client.send(client.build_request("POST", path, json=body), stream=True)
            except RETRY_ERRORS as exc:
                self._pool.release(upstream)
                self._pool.failed(upstream, _describe(exc))
                failures.append(_Failure(upstream.url, _describe(exc)))
                continue
            if response.status_code < 400:
                return upstream, response
            response.read()
            response.close()
            self._pool.release(upstream)
            failure = _Failure(upstream.url, _error_detail(response), response.status_code, response)
            if response.status_code not in RETRY_STATUSES:
                # A client error, or a 500 that this request may well cause on every server: passed through.
                raise self._answer_error(failure)
            if response.status_code in DOWN_STATUSES:
                self._pool.failed(upstream, f"{response.status_code} {failure.detail}")
            failures.append(failure)

    def _choose(self, request: GenerationRequest, failures: list[_Failure]) -> Upstream:
        """The least busy server this request has not failed on yet (failover costs no wait). When every
        server still up has failed it once (always so for a single server), go round again after a backoff."""
        tried = {failure.url for failure in failures}
        upstream = self._pool.acquire(exclude=tried)
        if upstream is None and failures and not self._pool.all_down():
            self._pause(request, _backoff(len(failures) - len(tried), failures[-1].response), failures)
            upstream = self._pool.acquire()
        if upstream is None:
            raise self._all_down(failures)
        return upstream

    def _pause(self, request: GenerationRequest, seconds: float, failures: list[_Failure]) -> None:
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            if request.cancelled:  # the client left: no point in waiting to try again
                raise self._give_up(failures)
            time.sleep(min(PAUSE_STEP, left))

    def _events(self, response: httpx.Response, request: GenerationRequest, url: str) -> Iterator[Chunk]:
        for line in response.iter_lines():
            if request.cancelled:
                break
            if not line.startswith("data:"):
                continue
            data = line[5:].strip()
            if data == "[DONE]":
                break
            yield from self._parse_event(data, url)

    def _parse_event(self, data: str, url: str) -> Iterator[Chunk]:
        url = public_url(url)
        try:
            payload = json.loads(data)
            if "error" in payload:
                raise UpstreamError("api.upstream_error", url=url, status=502, detail=_error_detail_from(payload))
            chunks = list(chunks_from(payload))
        except (ValueError, TypeError, AttributeError) as exc:
            raise UpstreamError("api.upstream_error", url=url, status=502,
                                detail=f"malformed event: {data[:120]}") from exc
        yield from chunks

    # --- errors ---

    def _answer_error(self, failure: _Failure) -> UpstreamError:
        return UpstreamError("api.upstream_error", status=failure.status, url=public_url(failure.url),
                             detail=failure.detail)

    def _give_up(self, failures: list[_Failure]) -> UpstreamError:
        """The error once the attempts are spent: every server down, or the last failure."""
        if self._pool.all_down():
            return self._all_down(failures)
        last = failures[-1]
        if last.status is not None:
            return self._answer_error(last)
        return UpstreamError("api.upstream_unreachable", url=public_url(last.url), attempts=len(failures),
                             detail=last.detail)

    def _all_down(self, failures: list[_Failure]) -> PoolUnavailable:
        detail = failures[-1].detail if failures else self._pool.last_error()
        return PoolUnavailable("pool.all_down", name=self.config.name, upstreams=self._pool.shown(),
                               detail=detail, retry_after=self._pool.retry_after())

    def _cut(self, url: str, attempts: int, detail: str) -> UpstreamError:
        """A stream that broke once output went out (or whose client left)."""
        if self.config.is_pool:
            return UpstreamError("pool.stream_broken", name=self.config.name, url=public_url(url), detail=detail)
        return UpstreamError("api.upstream_unreachable", url=public_url(url), attempts=attempts, detail=detail)

    # --- health ---

    def _probe(self, url: str) -> str | None:
        """None if the server answers `GET {base}/models` with anything but a 5xx: it is alive (a 401 or a 404
        is a setup problem that a real request reports to its client). Otherwise why not."""
        timeout = httpx.Timeout(PROBE_TIMEOUT, connect=min(self.config.connect_timeout, PROBE_TIMEOUT))
        try:
            response = self._clients[url].get("models", timeout=timeout)
        except (httpx.HTTPError, RuntimeError) as exc:  # RuntimeError: close() shut the client meanwhile
            return _describe(exc)
        return f"GET models: {response.status_code}" if response.status_code >= 500 else None

    def health_problem(self) -> str | None:
        if not self._pool.all_down():
            return None
        return t("pool.all_down_health", name=self.config.name, upstreams=self._pool.shown(),
                 detail=self._pool.last_error())

    def upstreams_status(self) -> list[dict[str, Any]] | None:
        """Each server of a pool (url, weight, state, in_flight, failures, last_error), for /health; None for a
        single `base_url`, which has no health of its own to show."""
        return self._pool.status() if self.config.is_pool else None

    def close(self) -> None:
        self._pool.close()  # first: the prober uses the clients
        for client in self._clients.values():
            client.close()


def _error_detail_from(payload: dict[str, Any]) -> str:
    error = payload.get("error")
    return error.get("message", str(error)) if isinstance(error, dict) else str(error)
