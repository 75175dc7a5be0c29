"""A fake embedder for tests: deterministic, instant, no model. Each lower-cased word (accents kept: "thé" is
not "the") is hashed into one of 384 dimensions with a sign, and the counts are L2-normalized: texts that
share words are close, texts that share none are near orthogonal. Registered like the real ones (`fake`)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np

from causerie.documents.embedders.base import Embedder, embedding_card
from causerie.models.card import ModelCard
from causerie.settings import Settings

WORD = re.compile(r"\w+")


def _bucket(word: str, dimensions: int) -> tuple[int, float]:
    digest = hashlib.blake2b(word.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    # A signed bucket: two words that collide do not always add up, so unrelated texts stay near 0.
    return int.from_bytes(digest[:4], "little") % dimensions, 1.0 if digest[4] & 1 else -1.0


class FakeEmbedder(Embedder):
    name = "fake-embedder"
    dimensions = 384
    max_tokens = 512
    relevance = 0.25  # a bag of words: a question sharing a few content words with a passage scores 0.3-0.6

    def __init__(self, settings: Settings | None = None):
        self.calls: list[tuple[str, list[str]]] = []  # ("query" | "passage", texts), for tests to read

    def vector(self, text: str) -> np.ndarray:
        row = np.zeros(self.dimensions, np.float32)
        words = WORD.findall(text.lower()) or [text]  # only punctuation (or nothing): the text itself
        for word in words:
            index, sign = _bucket(word, self.dimensions)
            row[index] += sign
        norm = float(np.linalg.norm(row))
        if not norm:  # words that cancelled out (two in one bucket, opposite signs): the whole text's bucket
            row[_bucket(text, self.dimensions)[0]], norm = 1.0, 1.0
        return row / norm

    def _embed(self, kind: str, texts: Sequence[str]) -> np.ndarray:
        self.calls.append((kind, list(texts)))
        if not texts:
            return np.zeros((0, self.dimensions), np.float32)
        return np.stack([self.vector(text) for text in texts])

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed("query", texts)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed("passage", texts)

    def count_tokens(self, text: str) -> int:
        return len(WORD.findall(text)) + 2  # a word a token, plus e5's <s> and </s>

    def card(self) -> ModelCard:
        return embedding_card(name=self.name, family="fake (hashed bag of words)", parameters="0", quantization="none",
                         context_length=self.max_tokens, license="MIT", languages=["fr", "en"], engine="fake",
                         description="Fake embedder for tests.")
