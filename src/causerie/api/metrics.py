"""Prometheus metrics, in a registry of the app's own (no global state)."""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from causerie.engines.pool import EnginePool

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("causerie_requests", "HTTP requests.", ["route", "status"], registry=self.registry)
        self.latency = Histogram("causerie_request_duration_seconds", "HTTP request latency (whole response).",
                                 ["route"], buckets=LATENCY_BUCKETS, registry=self.registry)
        self.ttft = Histogram("causerie_time_to_first_token_seconds", "Time to the first generated token.",
                              ["model"], buckets=LATENCY_BUCKETS, registry=self.registry)
        self.tokens = Counter("causerie_tokens", "Tokens processed.", ["model", "kind"], registry=self.registry)
        self.in_flight = Gauge("causerie_generations_in_flight", "Generations running inside the engine.",
                               ["model"], registry=self.registry)
        self.queue_depth = Gauge("causerie_queue_depth", "Generations waiting for a free engine slot.",
                                 ["model"], registry=self.registry)
        self.busy_slots = Gauge("causerie_busy_slots", "Engine slots in use (a request with n choices takes n).",
                                ["model"], registry=self.registry)
        self.stalled = Gauge("causerie_engine_stalled_seconds", "Seconds since running generations last produced "
                             "anything (0 when idle).", ["model"], registry=self.registry)
        self.queue_wait = Histogram("causerie_queue_wait_seconds", "Time requests waited for a free engine slot "
                                    "(those admitted at once are not counted).", ["model"],
                                    buckets=LATENCY_BUCKETS + (300,), registry=self.registry)
        self.refused = Counter("causerie_queue_refused", "Requests refused with 503: queue full or waited too "
                               "long.", ["model", "reason"], registry=self.registry)

    def render(self) -> bytes:
        return generate_latest(self.registry)

    def watch(self, pool: EnginePool) -> None:
        """Hear each engine's queue: how long requests waited, and which were refused."""
        for name, engine in pool.engines.items():
            engine.admission.on_wait = self.queue_wait.labels(name).observe
            engine.admission.on_refuse = lambda reason, name=name: self.refused.labels(name, reason).inc()

    def sample(self, pool: EnginePool) -> None:
        """Read the engines' queues into the gauges (at scrape time: they are always current)."""
        for name, engine in pool.engines.items():
            load = engine.admission.load()
            self.in_flight.labels(name).set(load.running)
            self.queue_depth.labels(name).set(load.queued)
            self.busy_slots.labels(name).set(load.busy_slots)
            self.stalled.labels(name).set(round(load.stalled_s, 3))


class MetricsMiddleware:
    """Counts requests and times whole responses, labelled by route template (not raw path)."""

    def __init__(self, app: ASGIApp, metrics: Metrics):
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start, status = time.perf_counter(), 500

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            self.metrics.requests.labels(route, str(status)).inc()
            self.metrics.latency.labels(route).observe(time.perf_counter() - start)
