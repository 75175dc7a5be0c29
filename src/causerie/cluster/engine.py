"""`ClusterEngine`: one model served by replicas on a Ray Serve cluster, behind the usual Engine contract.

The front end keeps its own admission queue (slots = replicas × each replica's slots), so the 503 past
`max_queue` and the queued/keep-alive signs behave as on one machine. Each request is one streaming call
on a `DeploymentHandle`; Serve sends it to a replica with a free slot (`max_ongoing_requests` = its
slots). When the request's cancel flag is set (the client left), the call is cancelled in Serve, which
cancels the replica's generator: the engine there frees its slot. A replica that dies mid-answer ends that
answer with a clear error; Serve sends the next requests to the others and Ray starts a new one."""

from __future__ import annotations

import asyncio
import dataclasses
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from causerie.cluster.connect import check_cpus, connect
from causerie.cluster.wire import chunk_from_wire, error_from_wire, request_to_wire
from causerie.engines.base import Capabilities, Chunk, Engine, GenerationRequest
from causerie.errors import ReplicaLost
from causerie.models.card import ModelCard
from causerie.settings import Settings

T = TypeVar("T")
READY_TIMEOUT = 600.0  # a replica assembles and loads its model first: minutes on a slow disk
CANCEL_POLL = 0.05
REPLICAS_TTL_S = 1.0


@dataclasses.dataclass(frozen=True)
class ClusterOptions:
    replicas: int
    min_replicas: int | None
    max_replicas: int | None
    cpus_each: float
    health_period_s: float = 10.0

    @classmethod
    def from_settings(cls, settings: Settings) -> ClusterOptions:
        return cls(replicas=settings.replicas or 1, min_replicas=settings.min_replicas,
                   max_replicas=settings.max_replicas, cpus_each=settings.replica_cpus)

    @property
    def autoscaling(self) -> bool:
        return self.max_replicas is not None and self.max_replicas != (self.min_replicas or self.replicas)

    @property
    def most(self) -> int:
        return self.max_replicas or self.replicas


def replica_settings(settings: Settings) -> Settings:
    """What each replica builds its engine from: the front end's settings with the replica's threads."""
    return settings.model_copy(update={"threads": settings.replica_threads or settings.threads})


def off_loop(call: Callable[[], T]) -> T:
    """Run a blocking Ray call; from an event loop's thread, in a worker thread, since Ray refuses its
    blocking calls there. (The Engine contract's helpers are synchronous, as the local engine's are.)"""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return call()
    return _CALLS.submit(call).result()


_CALLS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="causerie-cluster")


class ClusterEngine(Engine):
    kind = "cluster"

    def __init__(self, card: ModelCard, handle: Any, inner: dict[str, Any], options: ClusterOptions,
                 app_name: str):
        super().__init__(card)
        self._handle = handle
        self._stream = handle.options(stream=True)
        self.options = options
        self.app_name = app_name
        self.inner_kind = inner["kind"]
        caps = inner["capabilities"]
        self.slots_each = caps["parallel_slots"]
        self.capabilities = Capabilities(**caps | {"parallel_slots": caps["parallel_slots"] * options.most})
        self._context_length = inner.get("context_length")
        self._closed = False
        self._replicas_lock = threading.Lock()
        self._replicas_seen: tuple[float, list[dict[str, Any]]] = (-REPLICAS_TTL_S, [])

    @classmethod
    def from_settings(cls, card: ModelCard, settings: Settings) -> ClusterEngine:
        return cls.start(card, settings)

    @classmethod
    def start(cls, card: ModelCard, settings: Settings, engine_kwargs: dict[str, Any] | None = None) -> ClusterEngine:
        """Connect to (or start) Ray, deploy the replicas, wait until they are ready."""
        from causerie.cluster.deploy import deploy

        options = ClusterOptions.from_settings(settings)
        ray = connect(settings)
        check_cpus(ray, options.min_replicas or options.replicas, options.cpus_each)
        handle, app_name = deploy(card, replica_settings(settings), options, engine_kwargs, READY_TIMEOUT)
        inner = off_loop(lambda: handle.describe.remote().result(timeout_s=60))
        return cls(card, handle, inner, options, app_name)

    @property
    def context_length(self) -> int | None:
        return self._context_length

    def generate(self, request: GenerationRequest) -> Iterator[Chunk]:
        from ray.exceptions import RayError
        from ray.serve.exceptions import RequestCancelledError

        response = self._stream.generate.remote(request_to_wire(request))
        done = threading.Event()
        threading.Thread(target=self._cancel_when_asked, args=(request, response, done), daemon=True,
                         name="causerie-cluster-cancel").start()
        finished = False
        try:
            for item in response:
                if "error" in item and isinstance(item["error"], dict) and "key" in item["error"]:
                    raise error_from_wire(item["error"])
                yield chunk_from_wire(item)
            finished = True
        except RequestCancelledError:
            return  # our own cancel: the client left
        except (RayError, RuntimeError) as error:  # a replica's CauserieError is neither: it passes as it is
            if request.cancelled:
                return
            raise ReplicaLost(detail=type(error).__name__) from error
        finally:
            done.set()
            if not finished:  # closed early (the client left, or an error here): the replica must stop too
                response.cancel()

    @staticmethod
    def _cancel_when_asked(request: GenerationRequest, response: Any, done: threading.Event) -> None:
        """The handle's iterator blocks until a replica sends something; a client that leaves while nothing
        comes must still reach the replica, so a watcher turns the cancel flag into Serve's cancel."""
        while not done.wait(CANCEL_POLL):
            if request.cancelled:
                response.cancel()
                return

    def count_tokens(self, text: str) -> int:
        if not self.capabilities.tokenize:
            return super().count_tokens(text)
        return off_loop(lambda: self._handle.count_tokens.remote(text).result(timeout_s=30))

    def replicas(self) -> list[dict[str, Any]]:
        """Each replica's id, node, state and load; asked of Serve's controller at most once a second, since
        one /health probe reads it twice (for the health verdict and for the list it shows)."""
        from causerie.cluster.status import replica_list

        with self._replicas_lock:
            fetched_at, replicas = self._replicas_seen
            if time.monotonic() - fetched_at >= REPLICAS_TTL_S:
                replicas = off_loop(lambda: replica_list(self.app_name))
                self._replicas_seen = (time.monotonic(), replicas)
            return replicas

    def nodes(self) -> list[dict[str, Any]]:
        from causerie.cluster.status import node_list

        return off_loop(node_list)

    def health_problem(self) -> str | None:
        if self._closed:
            return "closed"
        running = [r for r in self.replicas() if r["state"] == "RUNNING"]
        return None if running else "no replica running"

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            from ray import serve

            serve.delete(self.app_name, _blocking=False)
        except Exception:  # noqa: BLE001 - Ray may already be gone at shutdown; nothing to free then
            pass
