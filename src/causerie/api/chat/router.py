"""POST /v1/chat/completions. Thin: parse, call the service, frame the answer."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from causerie.api.auth import require_api_key
from causerie.api.chat.protocol import ChatCompletion, ChatCompletionRequest
from causerie.api.errors import SafeJSONResponse
from causerie.api.streaming import EventStreamResponse, stream_error_renderer

router = APIRouter(prefix="/v1", tags=["chat"], dependencies=[Depends(require_api_key)])


@router.post("/chat/completions", response_model=ChatCompletion)
async def chat_completions(body: ChatCompletionRequest, request: Request) -> Response:
    result = await request.app.state.services.chat.create(body, stream_error_renderer(request))
    if isinstance(result, ChatCompletion):
        return SafeJSONResponse(result.model_dump(mode="json"))
    return EventStreamResponse(result)
