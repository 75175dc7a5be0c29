"""GET /health (liveness and what is loaded) and GET /metrics (Prometheus)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from causerie import __version__

router = APIRouter(tags=["health"])


@router.get("/health")
async def health(request: Request) -> dict:
    pool = request.app.state.services.pool
    return {
        "status": "ok",
        "version": __version__,
        "default_model": pool.default,
        "models": {
            name: {"engine": engine.kind, "in_flight": request.app.state.metrics.running(name)}
            for name, engine in pool.engines.items()
        },
    }


@router.get("/metrics")
async def metrics(request: Request) -> Response:
    return Response(request.app.state.metrics.render(), media_type="text/plain; version=0.0.4; charset=utf-8")
