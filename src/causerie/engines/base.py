"""The engine contract.

An engine turns a `GenerationRequest` (chat messages or a raw prompt) into a stream of `Chunk`s through
one method, `generate`. It declares what it can do in `capabilities` instead of letting callers guess.
Callers use `stream`, which admits the request to one of the engine's `parallel_slots` first (a bounded
queue in front of every engine, engines/admission.py) and frees the slot once `generate` has returned.
Cancellation is cooperative: the caller sets `request.cancel` and the engine stops at the next token,
freeing its slot; a request still waiting for a slot leaves the queue at once.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal

if TYPE_CHECKING:
    from causerie.engines.admission import Admission
    from causerie.models.card import ModelCard
    from causerie.settings import Settings


@dataclass(frozen=True)
class Capabilities:
    streaming: bool = True
    chat: bool = True
    completion: bool = True
    json_schema: bool = False  # response_format json_object / json_schema enforced by a grammar
    grammar: bool = False  # raw GBNF grammars
    tokenize: bool = False  # exact token counts (otherwise estimated)
    prompt_cache: bool = False  # reuses the KV cache across turns of a conversation
    parallel_slots: int = 1  # requests generated at once (continuous batching)
    max_choices: int = 1  # largest `n` supported


@dataclass
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass
class GenerationRequest:
    """What to generate. Exactly one of `messages` (chat) and `prompt` (text completion) is set."""

    messages: list[dict[str, Any]] | None = None
    prompt: str | None = None
    max_tokens: int | None = None
    temperature: float | None = None
    top_p: float | None = None
    top_k: int | None = None
    min_p: float | None = None
    # OpenAI's penalties on tokens already generated (llama.cpp and vLLM take them as is).
    frequency_penalty: float | None = None
    presence_penalty: float | None = None
    stop: list[str] = field(default_factory=list)
    seed: int | None = None
    n: int = 1
    response_format: dict[str, Any] | None = None
    grammar: str | None = None
    cancel: threading.Event = field(default_factory=threading.Event)
    # A caller's own flag that stops this request too (a skill's whole run): engines read `cancelled`.
    parent_cancel: threading.Event | None = None

    @property
    def is_chat(self) -> bool:
        return self.messages is not None

    @property
    def cancelled(self) -> bool:
        return self.cancel.is_set() or (self.parent_cancel is not None and self.parent_cancel.is_set())


@dataclass(frozen=True)
class Waiting:
    """Not output: why nothing comes yet. `queued`: waiting for a slot, `position` in the queue (1 first);
    `prompt`: the engine reads the prompt, `done` of `total` tokens."""

    stage: Literal["queued", "prompt"]
    position: int = 0
    done: int = 0
    total: int = 0


@dataclass
class Chunk:
    """A piece of output: text for choice `index`, or the end of that choice, or final usage."""

    text: str = ""
    index: int = 0
    finish_reason: str | None = None
    usage: Usage | None = None
    timings: dict[str, float] | None = None
    waiting: Waiting | None = None  # set on chunks that carry no output, only a sign of life


class Engine(ABC):
    """Base class of every engine. Subclasses set `kind` and `capabilities`, and implement `generate`."""

    kind: ClassVar[str] = "abstract"
    capabilities: Capabilities = Capabilities()

    def __init__(self, card: ModelCard):
        self.card = card
        self._admission: Admission | None = None

    @classmethod
    def from_settings(cls, card: ModelCard, settings: Settings) -> Engine:
        """Build the engine for `card`; engines read the settings that concern them."""
        return cls(card)

    @property
    def name(self) -> str:
        return self.card.name

    @property
    def context_length(self) -> int | None:
        return self.card.context_length

    @abstractmethod
    def generate(self, request: GenerationRequest) -> Iterator[Chunk]:
        """Stream the output. Raises a `CauserieError` (e.g. `ContextOverflow`) before the first chunk.
        When it returns (or is closed), the engine must have stopped working on the request."""

    @property
    def admission(self) -> Admission:
        """The queue in front of this engine's slots, made on first use (capabilities are known by then)."""
        if self._admission is None:
            from causerie.engines.admission import Admission

            self._admission = Admission(self.capabilities.parallel_slots)
        return self._admission

    def stream(self, request: GenerationRequest) -> Iterator[Chunk]:
        """What callers use: wait for a slot (a `queued` chunk says so), run `generate`, free the slot once
        the engine has really stopped. Raises `ServerBusy` when the queue is full or the wait too long."""
        admission = self.admission
        if not (yield from admission.enter(request)):
            return  # cancelled while it waited: the engine never saw it
        inner = self.generate(request)
        try:
            for chunk in inner:
                admission.note_activity()
                yield chunk
        finally:
            inner.close()  # runs the engine's own cleanup now, so the slot is free when we say it is
            admission.leave(request)

    def health_problem(self) -> str | None:
        """Why this engine cannot serve (dead, closed), or None. Engines that can tell override it."""
        return None

    def count_tokens(self, text: str) -> int:
        """Tokens in `text`; an estimate (4 characters a token) unless `capabilities.tokenize`."""
        return max(1, len(text) // 4) if text else 0

    def close(self) -> None:
        """Free the model and any connection. Idempotent."""

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
