"""GET /health (what is loaded, what runs, and whether the engines still work) and GET /metrics (Prometheus).

/health answers 503 when an engine is dead or wedged (running generations produced nothing for
`stall_timeout` seconds), so a load balancer or a supervisor can take the server out or restart it. Both
are public unless `metrics_require_key` (for /metrics) is set and keys exist."""

from __future__ import annotations

from typing import Any

import anyio
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from causerie import __version__
from causerie.api.auth import require_api_key
from causerie.api.errors import SafeJSONResponse, request_lang
from causerie.api.json_body import StrictJSONRoute
from causerie.engines.base import Engine
from causerie.i18n import t

router = APIRouter(route_class=StrictJSONRoute, tags=["health"])
PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8"


def engine_health(name: str, engine: Engine, stall_timeout: float, lang: str) -> dict[str, Any]:
    load = engine.admission.load()
    problem = engine.health_problem()
    if problem is None and load.stalled_s >= stall_timeout:
        problem = t("health.stalled", lang, model=name, seconds=round(load.stalled_s), running=load.running,
                    limit=round(stall_timeout))
    return {"engine": engine.kind, "state": "ok" if problem is None else "unhealthy", "problem": problem,
            "in_flight": load.running, "queued": load.queued, "slots": load.slots, "busy_slots": load.busy_slots,
            "max_queue": load.max_queue, "stalled_s": round(load.stalled_s, 1), **upstreams_health(engine),
            **replicas_health(engine)}


def upstreams_health(engine: Engine) -> dict[str, Any]:
    """A remote pool's servers (url, weight, up/down, in flight, failures: engines/upstreams.py); nothing for
    other engines."""
    status = getattr(engine, "upstreams_status", None)
    upstreams = status() if callable(status) else None
    return {"upstreams": upstreams} if upstreams else {}


def replicas_health(engine: Engine) -> dict[str, Any]:
    """A model served by replicas on Ray Serve (`--replicas`): each replica's id, node, state and load, and
    the cluster's nodes; nothing for other engines."""
    replicas, nodes = getattr(engine, "replicas", None), getattr(engine, "nodes", None)
    if not (callable(replicas) and callable(nodes)):
        return {}
    shown = ("id", "node", "node_ip", "state", "pid", "load")
    return {"replicas": [{key: replica.get(key) for key in shown} for replica in replicas()], "nodes": nodes()}


@router.get("/health", responses={503: {"description": "An engine is dead or wedged."}})
async def health(request: Request) -> Response:
    pool = request.app.state.services.pool
    settings = request.app.state.settings
    lang = request_lang(request)
    # In a worker thread: a replicated model asks Ray's controller (a blocking call) for its replicas.
    models = await anyio.to_thread.run_sync(lambda: {
        name: engine_health(name, engine, settings.stall_timeout, lang) for name, engine in pool.engines.items()})
    healthy = all(model["state"] == "ok" for model in models.values())
    body = {"status": "ok" if healthy else "unhealthy", "version": __version__, "default_model": pool.default,
            "models": models}
    return SafeJSONResponse(body, status_code=200 if healthy else 503)


async def metrics_guard(request: Request) -> None:
    if request.app.state.settings.metrics_require_key:
        await require_api_key(request)


@router.get("/metrics", dependencies=[Depends(metrics_guard)], response_class=Response,
            responses={200: {"content": {PROMETHEUS_TEXT: {"schema": {"type": "string"}}},
                             "description": "Prometheus text exposition."}})
async def metrics(request: Request) -> Response:
    metrics_ = request.app.state.metrics
    metrics_.sample(request.app.state.services.pool)
    return Response(metrics_.render(), media_type=PROMETHEUS_TEXT)
