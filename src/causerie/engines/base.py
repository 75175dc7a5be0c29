"""The engine contract.

An engine turns a `GenerationRequest` (chat messages or a raw prompt) into a stream of `Chunk`s through
one method, `generate`. It declares what it can do in `capabilities` instead of letting callers guess.
Cancellation is cooperative: the caller sets `request.cancel` and the engine stops at the next token,
freeing its slot.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
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
    # OpenAI's penalties on tokens already generated (llama.cpp and vLLM take them as is).
    frequency_penalty: float | None = None
    presence_penalty: float | None = None
    stop: list[str] = field(default_factory=list)
    seed: int | None = None
    n: int = 1
    response_format: dict[str, Any] | None = None
    grammar: str | None = None
    cancel: threading.Event = field(default_factory=threading.Event)

    @property
    def is_chat(self) -> bool:
        return self.messages is not None


@dataclass
class Chunk:
    """A piece of output: text for choice `index`, or the end of that choice, or final usage."""

    text: str = ""
    index: int = 0
    finish_reason: str | None = None
    usage: Usage | None = None
    timings: dict[str, float] | None = None


class Engine(ABC):
    """Base class of every engine. Subclasses set `kind` and `capabilities`, and implement `generate`."""

    kind: ClassVar[str] = "abstract"
    capabilities: Capabilities = Capabilities()

    def __init__(self, card: ModelCard):
        self.card = card

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
        """Stream the output. Raises a `CauserieError` (e.g. `ContextOverflow`) before the first chunk."""

    def count_tokens(self, text: str) -> int:
        """Tokens in `text`; an estimate (4 characters a token) unless `capabilities.tokenize`."""
        return max(1, len(text) // 4) if text else 0

    def close(self) -> None:
        """Free the model and any connection. Idempotent."""

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
