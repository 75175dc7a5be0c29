"""POST /v1/completions."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from causerie.api.auth import require_api_key
from causerie.api.completions.protocol import Completion, CompletionRequest
from causerie.api.errors import SafeJSONResponse
from causerie.api.generation import until_disconnect
from causerie.api.json_body import StrictJSONRoute
from causerie.api.openapi import AUTH, ENGINE, SSE, content, errors, events
from causerie.api.streaming import EventStreamResponse, stream_error_renderer

router = APIRouter(route_class=StrictJSONRoute, prefix="/v1", tags=["completions"],
                   dependencies=[Depends(require_api_key)], responses=errors(*AUTH, *ENGINE))


@router.post("/completions", response_model=Completion,
              responses=content({SSE: events("A text_completion chunk")}))
async def completions(body: CompletionRequest, request: Request) -> Response:
    service = request.app.state.services.completions
    result = await until_disconnect(request, service.create(body, stream_error_renderer(request)))
    if result is None:  # the client left: nobody to answer
        return Response(status_code=499)
    if isinstance(result, Completion):
        return SafeJSONResponse(result.model_dump(mode="json"))
    return EventStreamResponse(result, request)
