"""POST /v1/embeddings. Thin: parse, run the service in a worker thread, charge the tokens, answer."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from causerie.api.auth import require_api_key
from causerie.api.embeddings.protocol import EmbeddingList, EmbeddingRequest
from causerie.api.errors import SafeJSONResponse
from causerie.api.json_body import StrictJSONRoute
from causerie.api.openapi import AUTH, errors
from causerie.api.usage import report_usage
from causerie.engines.base import Usage
from causerie.errors import IntegrityError, ModelError, UnknownModel, UpstreamError

router = APIRouter(route_class=StrictJSONRoute, prefix="/v1", tags=["embeddings"],
                   dependencies=[Depends(require_api_key)],
                   responses=errors(*AUTH, UnknownModel, UpstreamError, ModelError, IntegrityError))


@router.post("/embeddings", response_model=EmbeddingList)
async def embeddings(body: EmbeddingRequest, request: Request) -> Response:
    # The model computes on the CPU for up to seconds: never on the event loop.
    answer = await run_in_threadpool(request.app.state.services.embeddings.create, body)
    await report_usage(Usage(prompt_tokens=answer["usage"]["prompt_tokens"]))  # a stored key's daily quota
    return SafeJSONResponse(answer)
