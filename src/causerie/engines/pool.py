"""The engines a server or a chat session has loaded, by served model name."""

from __future__ import annotations

from causerie.engines.base import Engine
from causerie.errors import InvalidRequest, UnknownModel
from causerie.models.progress import ProgressFn, silent
from causerie.settings import Settings


class EnginePool:
    def __init__(self, engines: list[Engine], default: str | None = None):
        self.engines = {engine.name: engine for engine in engines}
        self.default = default or (engines[0].name if engines else None)

    @classmethod
    def load(cls, settings: Settings, *, lang: str | None = None, progress: ProgressFn = silent) -> EnginePool:
        """The default model, plus every configured remote model (they cost only a client each)."""
        from causerie.models.catalog import Catalog

        catalog = Catalog(settings)
        if settings.replicas:  # only then is Ray imported
            engines = [catalog.load_replicated(settings.model)]
        else:
            engines = [catalog.load(settings.model, lang=lang, progress=progress)]
        engines += [catalog.load(r.name, lang=lang, progress=progress) for r in settings.remotes
                    if r.name != engines[0].name]
        return cls(engines, default=engines[0].name)

    def names(self) -> list[str]:
        return list(self.engines)

    def get(self, name: str | None) -> Engine:
        if name is not None and not name.strip():  # "" is a client's mistake, not a request for the default
            raise InvalidRequest("api.empty_model", param="model", code="invalid_value",
                                 available=", ".join(self.names()) or "-")
        key = name or self.default
        if key in self.engines:
            return self.engines[key]
        # Clients may name a local model by the path it was loaded from.
        for engine in self.engines.values():
            if engine.card.path and key == engine.card.path:
                return engine
        raise UnknownModel(str(name), self.names())

    def close(self) -> None:
        for engine in self.engines.values():
            engine.close()
