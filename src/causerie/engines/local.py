"""The local engine: llama.cpp's server running in process through xllamacpp.

It gives continuous batching over parallel slots, grammar-constrained JSON, the GGUF's chat template, and
prompt-cache reuse across the turns of a conversation (a slot is picked by longest common prefix).
"""

from __future__ import annotations

import dataclasses
import queue
import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx

from causerie.engines.base import Capabilities, Chunk, Engine, GenerationRequest, Usage, Waiting
from causerie.engines.openai_chunks import chunks_from, request_body
from causerie.errors import ContextOverflow, EngineFailure, InvalidRequest, ModelError
from causerie.models.card import ModelCard
from causerie.settings import Settings

_DONE = object()


@dataclass(frozen=True)
class LocalOptions:
    threads: int = 2
    context_size: int = 8192
    parallel: int = 4
    batch_size: int = 512
    kv_unified: bool = True
    gpu_layers: int = 0
    prompt_cache_mib: int = 256
    verbose: bool = False

    @classmethod
    def from_settings(cls, settings: Settings) -> LocalOptions:
        return cls(
            threads=settings.threads, context_size=settings.context_size, parallel=settings.parallel,
            batch_size=settings.batch_size, kv_unified=settings.kv_unified, gpu_layers=settings.gpu_layers,
            prompt_cache_mib=settings.prompt_cache_mib, verbose=settings.verbose_engine,
        )


def _server_params(path: str, options: LocalOptions, internal_key: str) -> Any:
    import xllamacpp  # imported here: loading the native library is work, and nothing runs at import time

    params = xllamacpp.CommonParams()
    params.model.path = path
    params.n_ctx = options.context_size
    params.n_parallel = options.parallel
    params.n_batch = options.batch_size
    params.kv_unified = options.kv_unified
    params.n_gpu_layers = options.gpu_layers
    params.cpuparams.n_threads = options.threads
    params.cpuparams_batch.n_threads = options.threads
    params.cont_batching = True
    params.cache_prompt = True
    params.endpoint_metrics = True
    # llama.cpp keeps old prompts in host RAM for reuse (8 GiB by default): cap it for a laptop.
    params.cache_ram_mib = options.prompt_cache_mib
    # llama.cpp also opens its own loopback listener; a random key keeps other local processes out of it.
    params.api_keys = [internal_key]
    params.verbosity = 3 if options.verbose else -1
    return params


def error_from(payload: dict[str, Any]) -> Exception:
    """llama.cpp's error object as a causerie error."""
    error = payload.get("error") or {}
    if error.get("type") == "exceed_context_size_error":
        return ContextOverflow(requested=error.get("n_prompt_tokens", 0), limit=error.get("n_ctx", 0))
    if error.get("code") == 400 or error.get("type") == "invalid_request_error":
        return InvalidRequest("api.engine_error", detail=error.get("message", "?"))
    return EngineFailure("api.engine_error", detail=error.get("message", "?"))


def without_empty_prefill(request: GenerationRequest) -> GenerationRequest:
    """llama.cpp continues a trailing assistant turn (prefill). An empty one has nothing to continue, and when
    it is all the chat holds the rendered prompt is empty: llama.cpp then answers nothing, and with n > 1 its
    main loop spins forever, wedging every slot (found by schemathesis). Dropping the empty turns asks for a
    new answer instead, which is what OpenAI's API does with the same messages. An empty completion prompt
    has no such reading: it is refused (the document says `minLength: 1`)."""
    if not request.is_chat:
        if not request.prompt:
            raise InvalidRequest("api.empty_prompt", param="prompt", code="invalid_value", field="prompt")
        return request
    messages = list(request.messages or [])
    while messages and messages[-1].get("role") == "assistant" and not messages[-1].get("content"):
        messages.pop()
    if len(messages) == len(request.messages or []):
        return request
    return dataclasses.replace(request, messages=messages)


class LocalEngine(Engine):
    kind = "local"

    def __init__(self, card: ModelCard, options: LocalOptions | None = None):
        super().__init__(card)
        if not card.path:
            raise ModelError("model.path_missing", path=card.name)
        self.options = options or LocalOptions()
        self.capabilities = Capabilities(
            json_schema=True, grammar=True, tokenize=True, prompt_cache=True,
            parallel_slots=self.options.parallel, max_choices=self.options.parallel,
        )
        self._key = secrets.token_urlsafe(24)
        self._http: httpx.Client | None = None
        try:
            import xllamacpp

            self._server = xllamacpp.Server(_server_params(card.path, self.options, self._key))
        except Exception as exc:  # the native loader raises plain exceptions
            raise ModelError("model.load_failed", name=card.name, reason=str(exc)) from exc

    @classmethod
    def from_settings(cls, card: ModelCard, settings: Settings) -> LocalEngine:
        return cls(card, LocalOptions.from_settings(settings))

    @property
    def context_length(self) -> int:
        per_slot = self.options.context_size // (1 if self.options.kv_unified else self.options.parallel)
        return min(per_slot, self.card.context_length or per_slot)

    def generate(self, request: GenerationRequest) -> Iterator[Chunk]:
        request = without_empty_prefill(request)
        inbox: queue.SimpleQueue = queue.SimpleQueue()

        def on_chunk(payload: dict) -> bool:
            inbox.put(payload)
            return request.cancelled  # True tells llama.cpp to stop and free the slot

        worker = threading.Thread(
            target=self._run, args=(request, on_chunk, inbox), name="causerie-local", daemon=True
        )
        worker.start()
        total: Usage | None = None  # with n > 1, llama.cpp reports usage once per choice
        try:
            while (item := inbox.get()) is not _DONE:
                if isinstance(item, Exception):
                    raise item
                if "error" in item:
                    raise error_from(item)
                if progress := item.get("prompt_progress"):
                    yield Chunk(waiting=Waiting("prompt", done=progress.get("processed", 0),
                                                total=progress.get("total", 0)))
                for chunk in chunks_from(item):
                    if chunk.usage is None:
                        yield chunk
                    elif total is None:
                        total = chunk.usage
                    else:  # the prompt is shared: count it once, add up the completions
                        total.completion_tokens += chunk.usage.completion_tokens
            if total is not None:
                yield Chunk(usage=total)
        finally:
            request.cancel.set()
            # llama.cpp stops at its next callback (a token, or a batch of the prompt read): until then the
            # slot is busy, and saying otherwise would let the next request queue inside llama.cpp.
            worker.join()

    def _run(self, request: GenerationRequest, on_chunk: Any, inbox: queue.SimpleQueue) -> None:
        handler = self._server.handle_chat_completions if request.is_chat else self._server.handle_completions
        # Progress while the prompt is read gives llama.cpp a callback per batch, so a cancelled request with
        # a long prompt stops within one batch instead of after the whole prompt.
        body = request_body(request) | {"return_progress": True}
        if request.seed is not None:
            body["seed"] = request.seed % 2**32  # llama.cpp's seed is 32 bits; OpenAI's is any 64-bit integer
        try:
            result = handler(body, on_chunk)
            if isinstance(result, dict) and "error" in result:
                inbox.put(result)
        except ValueError as exc:
            inbox.put(InvalidRequest("api.engine_error", detail=str(exc)))
        except Exception as exc:  # keep the consumer from waiting forever
            inbox.put(EngineFailure("api.engine_error", detail=str(exc)))
        finally:
            inbox.put(_DONE)

    def _internal(self) -> httpx.Client:
        if self._http is None:
            self._http = httpx.Client(
                base_url=self._server.listening_address, headers={"Authorization": f"Bearer {self._key}"},
                timeout=30.0, trust_env=False,
            )
        return self._http

    def count_tokens(self, text: str) -> int:
        response = self._internal().post("/tokenize", json={"content": text})
        response.raise_for_status()
        return len(response.json()["tokens"])

    def health_problem(self) -> str | None:
        return None if "_server" in self.__dict__ else "closed"

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None
        # Dropping the last reference stops llama.cpp's threads and frees the model.
        self.__dict__.pop("_server", None)
