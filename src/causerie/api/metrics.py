"""Prometheus metrics, in a registry of the app's own (no global state)."""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self._running: dict[str, int] = {}
        self.requests = Counter("causerie_requests", "HTTP requests.", ["route", "status"], registry=self.registry)
        self.latency = Histogram("causerie_request_duration_seconds", "HTTP request latency (whole response).",
                                 ["route"], buckets=LATENCY_BUCKETS, registry=self.registry)
        self.ttft = Histogram("causerie_time_to_first_token_seconds", "Time to the first generated token.",
                              ["model"], buckets=LATENCY_BUCKETS, registry=self.registry)
        self.tokens = Counter("causerie_tokens", "Tokens processed.", ["model", "kind"], registry=self.registry)
        self.in_flight = Gauge("causerie_generations_in_flight", "Generations running or waiting.",
                               ["model"], registry=self.registry)
        self.queue_depth = Gauge("causerie_queue_depth", "Generations waiting for a free engine slot.",
                                 ["model"], registry=self.registry)

    def render(self) -> bytes:
        return generate_latest(self.registry)

    def running(self, model: str) -> int:
        return self._running.get(model, 0)

    def generation_started(self, model: str, slots: int) -> None:
        self._set_running(model, self.running(model) + 1, slots)

    def generation_ended(self, model: str, slots: int) -> None:
        self._set_running(model, self.running(model) - 1, slots)

    def _set_running(self, model: str, count: int, slots: int) -> None:
        self._running[model] = count
        self.in_flight.labels(model).set(count)
        self.queue_depth.labels(model).set(max(0, count - slots))


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
