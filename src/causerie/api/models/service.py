"""The served models and their cards: the engines of the pool, then the embedding models."""

from __future__ import annotations

from typing import Any

from causerie.api.embeddings.service import EmbeddingService
from causerie.api.models.protocol import ModelList, ModelObject
from causerie.engines.base import Engine
from causerie.engines.pool import EnginePool
from causerie.models.card import ModelCard


class ModelService:
    def __init__(self, pool: EnginePool, started: int, embeddings: EmbeddingService | None = None):
        self.pool, self.started, self.embeddings = pool, started, embeddings

    def _object(self, engine: Engine) -> ModelObject:
        card = engine.card.public() | {"serving_context_length": engine.context_length,
                                       "capabilities": vars(engine.capabilities)}
        return ModelObject(id=engine.name, created=self.started, owned_by="causerie", card=card)

    def _embedding_objects(self) -> list[ModelObject]:
        listed: list[tuple[ModelCard, dict[str, Any]]] = self.embeddings.cards() if self.embeddings else []
        return [ModelObject(id=card.name, created=self.started, owned_by="causerie", card=card.public() | facts)
                for card, facts in listed]

    def list(self) -> ModelList:
        return ModelList(data=[self._object(engine) for engine in self.pool.engines.values()]
                         + self._embedding_objects())

    def get(self, name: str) -> ModelObject:
        if name not in self.pool.engines:
            found = next((item for item in self._embedding_objects() if item.id == name), None)
            if found is not None:
                return found
        return self._object(self.pool.get(name))
