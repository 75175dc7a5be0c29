"""The embedder contract. Vectors are float32 rows, L2-normalized, so a dot product is the cosine.

e5-style models embed a question and a passage differently (`query: ` / `passage: ` prefixes): callers say
which one they have, and each embedder applies its own convention."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from causerie.models.card import ModelCard


def embedding_card(**fields: Any) -> ModelCard:
    """A card with `tasks=["embeddings"]` unless given. (Validated from a dict: the card's `Field(None, …)`
    defaults are invisible to mypy without pydantic's plugin.)"""
    return ModelCard.model_validate({"tasks": ["embeddings"], **fields})


class Embedder(ABC):
    name: str  # the model name clients use, e.g. 'multilingual-e5-small'
    dimensions: int
    max_tokens: int  # the longest input it reads at once; what happens past it is the embedder's (see its class)
    batch_size: int = 32  # texts per call in `embed_passages_batched`: the grain of progress reports
    # The lowest query-passage cosine at which a passage may hold the answer (documents/grounding.py): each
    # model has its own scale (e5's similarities sit between 0.7 and 0.95), so each embedder says its own.
    relevance: float = 0.5

    @abstractmethod
    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), dimensions) float32, L2-normalized: questions, search terms."""

    @abstractmethod
    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), dimensions) float32, L2-normalized: the text that is searched."""

    @abstractmethod
    def count_tokens(self, text: str) -> int:
        """Tokens this embedder reads for `text` as a passage (special tokens included)."""

    def embed_passages_batched(self, texts: Sequence[str],
                               on_batch: Callable[[int, int], None] | None = None) -> np.ndarray:
        """`embed_passages` `batch_size` texts at a time, calling `on_batch(done, total)` after each batch, so
        a long list (a document's chunks) can show its progress."""
        parts = []
        for start in range(0, len(texts), self.batch_size):
            parts.append(self.embed_passages(texts[start:start + self.batch_size]))
            if on_batch is not None:
                on_batch(min(start + self.batch_size, len(texts)), len(texts))
        return np.concatenate(parts) if parts else np.zeros((0, self.known_dimensions() or 0), np.float32)

    def known_dimensions(self) -> int | None:
        """`dimensions` if known without calling the model (a remote one learns it from its first answer)."""
        return self.dimensions

    def card(self) -> ModelCard | None:
        """The model's card (license, quantization, verified hash), listed in /v1/models."""
        return None

    def close(self) -> None:
        """Free the model's memory."""
