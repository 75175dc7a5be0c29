"""The served models and their cards."""

from __future__ import annotations

from causerie.api.models.protocol import ModelList, ModelObject
from causerie.engines.base import Engine
from causerie.engines.pool import EnginePool


class ModelService:
    def __init__(self, pool: EnginePool, started: int):
        self.pool, self.started = pool, started

    def _object(self, engine: Engine) -> ModelObject:
        card = engine.card.public() | {"serving_context_length": engine.context_length,
                                       "capabilities": vars(engine.capabilities)}
        return ModelObject(id=engine.name, created=self.started, owned_by="causerie", card=card)

    def list(self) -> ModelList:
        return ModelList(data=[self._object(engine) for engine in self.pool.engines.values()])

    def get(self, name: str) -> ModelObject:
        return self._object(self.pool.get(name))
