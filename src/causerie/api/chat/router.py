"""POST /v1/chat/completions. Thin: parse, call the service, frame the answer."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from causerie.api.auth import Principal, require_api_key
from causerie.api.chat.protocol import ChatCompletion, ChatCompletionRequest
from causerie.api.errors import SafeJSONResponse, request_lang
from causerie.api.generation import until_disconnect
from causerie.api.json_body import StrictJSONRoute
from causerie.api.openapi import AUTH, ENGINE, SSE, content, errors, events
from causerie.api.streaming import EventStreamResponse, stream_error_renderer

router = APIRouter(route_class=StrictJSONRoute, prefix="/v1", tags=["chat"], responses=errors(*AUTH, *ENGINE))


@router.post("/chat/completions", response_model=ChatCompletion,
              responses=content({SSE: events("A chat.completion.chunk")}))
async def chat_completions(body: ChatCompletionRequest, request: Request,
                           principal: Principal = Depends(require_api_key)) -> Response:
    service = request.app.state.services.chat
    work = service.create(body, stream_error_renderer(request), principal, request_lang(request))
    result = await until_disconnect(request, work)
    if result is None:  # the client left: nobody to answer
        return Response(status_code=499)
    if isinstance(result, ChatCompletion):
        data = result.model_dump(mode="json")
        if data.get("sources") is None:  # an ordinary answer: OpenAI's shape exactly
            data.pop("sources", None)
        return SafeJSONResponse(data)
    return EventStreamResponse(result, request)
