"""One engine replica: the body of the Ray Serve deployment that `ClusterEngine` starts.

Each replica builds its engine on its own node (the model is assembled and verified there, like on a
single machine), keeps the engine's own admission queue in front of its slots, and streams plain chunks
back. When the front end cancels a request (its client left), Ray Serve cancels this generator: the
`finally` in `stream_async` sets the request's cancel flag, and the engine frees its slot at its next token.
Ray restarts a replica whose `check_health` raises: a dead engine, or one wedged for `stall_timeout`."""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import AsyncIterator
from typing import Any

from causerie.cluster.status import LOAD_NAMESPACE, LOAD_PERIOD_S, load_key
from causerie.cluster.wire import chunk_to_wire, error_to_wire, request_from_wire
from causerie.engines.aio import stream_async
from causerie.engines.base import Engine
from causerie.errors import CauserieError
from causerie.models.card import ModelCard
from causerie.settings import Settings


def build_engine(card: ModelCard, settings: Settings, engine_kwargs: dict[str, Any] | None) -> Engine:
    """The replica's engine, built as a single-machine server builds it. `engine_kwargs` (tests, plugins)
    calls the engine class directly with them instead of `from_settings`."""
    from causerie.models.catalog import Catalog, engine_class

    cls = engine_class(card.engine)
    if engine_kwargs is not None:
        return cls(card, **engine_kwargs)
    return cls.from_settings(Catalog(settings).prepare(card), settings)


class EngineReplica:
    def __init__(self, card: ModelCard, settings: Settings, engine_kwargs: dict[str, Any] | None = None):
        self.settings = settings
        self.engine = build_engine(card, settings, engine_kwargs)
        self.served = 0  # requests this replica has taken, for its load (and to see where affinity sends them)
        self._stop = threading.Event()
        threading.Thread(target=self._publish_load, daemon=True, name="causerie-replica-load").start()

    def _publish_load(self) -> None:
        """Each second, when it changed, this replica's load goes to Ray's key-value store, where
        `causerie cluster status` and /health read it (Serve keeps a replica's queue to its router)."""
        from ray import serve
        from ray.experimental.internal_kv import _internal_kv_put

        context = serve.get_replica_context()
        key = load_key(context.app_name, context.replica_id.unique_id)
        last = None
        while not self._stop.wait(LOAD_PERIOD_S):
            load = self.engine.admission.load()
            now = {"running": load.running, "queued": load.queued, "slots": load.slots,
                   "busy_slots": load.busy_slots, "served": self.served}
            if now != last:
                try:
                    _internal_kv_put(key, json.dumps(now), overwrite=True, namespace=LOAD_NAMESPACE)
                    last = now
                except Exception:  # noqa: BLE001 - the GCS briefly away: tried again next second
                    pass

    async def generate(self, wire: dict[str, Any]) -> AsyncIterator[dict[str, Any]]:
        request = request_from_wire(wire)
        self.served += 1
        try:
            async for chunk in stream_async(self.engine, request):
                yield chunk_to_wire(chunk)
        except CauserieError as error:  # a 400 stays a 400: sent as data, raised again at the front end
            yield error_to_wire(error)

    def describe(self) -> dict[str, Any]:
        """What the front end needs to know of the engine: its kind and capabilities, and where it runs."""
        import ray
        from ray import serve

        return {"kind": self.engine.kind, "capabilities": dataclasses.asdict(self.engine.capabilities),
                "context_length": self.engine.context_length,
                "replica": serve.get_replica_context().replica_id.unique_id,
                "node": ray.get_runtime_context().get_node_id()}

    def load(self) -> dict[str, Any]:
        return dataclasses.asdict(self.engine.admission.load())

    def count_tokens(self, text: str) -> int:
        return self.engine.count_tokens(text)

    def check_health(self) -> None:
        """Raising here makes Ray Serve replace this replica."""
        problem = self.engine.health_problem()
        load = self.engine.admission.load()
        if problem is None and load.stalled_s >= self.settings.stall_timeout:
            problem = f"stalled for {load.stalled_s:.0f} s with {load.running} generation(s) running"
        if problem is not None:
            raise RuntimeError(f"engine {self.engine.name}: {problem}")

    def __del__(self) -> None:
        stop = self.__dict__.get("_stop")
        if stop is not None:
            stop.set()
        engine = self.__dict__.get("engine")
        if engine is not None:
            engine.close()
