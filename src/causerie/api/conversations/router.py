"""/api/conversations, /api/search and /api/me: the caller's own history. Thin: parse, call, frame."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from causerie.api.auth import Principal, require_history
from causerie.api.conversations.protocol import (
    ConversationCreate,
    ConversationDetailOut,
    ConversationList,
    ConversationOut,
    ConversationRename,
    Deleted,
    Exchange,
    FeedbackCreate,
    FeedbackOut,
    MessageCreate,
    MessagesDeleted,
    SearchResults,
    UserDeleted,
)
from causerie.api.conversations.service import ConversationService
from causerie.api.errors import SafeJSONResponse, request_lang
from causerie.api.generation import until_disconnect
from causerie.api.json_body import StrictJSONRoute
from causerie.api.openapi import AUTH, ENGINE, SSE, STORED, content, errors, events, text
from causerie.api.streaming import EventStreamResponse, stream_error_renderer

router = APIRouter(route_class=StrictJSONRoute, prefix="/api", tags=["conversations"], responses=errors(*AUTH, *STORED))
EXPORTS = content({"application/json": text("object"), "text/markdown": text()})
Caller = Depends(require_history)
MAX_ID = 2**53  # ids and offsets the databases (64-bit integers) and JSON clients all keep exact
Format = Query("json", alias="format", pattern="^(json|markdown)$")


def service(request: Request) -> ConversationService:
    return request.app.state.services.conversations


def exported(text: str, fmt: str, name: str) -> Response:
    media = "text/markdown; charset=utf-8" if fmt == "markdown" else "application/json"
    suffix = "md" if fmt == "markdown" else "json"
    return Response(text.encode("utf-8"), media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{name}.{suffix}"'})


@router.get("/conversations", response_model=ConversationList)
async def list_conversations(request: Request, principal: Principal = Caller, limit: int = Query(20, ge=1, le=100),
                             offset: int = Query(0, ge=0, le=MAX_ID)) -> ConversationList:
    return await service(request).page(principal, limit, offset)


@router.post("/conversations", response_model=ConversationOut, status_code=201)
async def create_conversation(body: ConversationCreate, request: Request, principal: Principal = Caller
                              ) -> ConversationOut:
    return await service(request).create(principal, body)


@router.get("/conversations/{conversation_id}", response_model=ConversationDetailOut)
async def get_conversation(conversation_id: str, request: Request, principal: Principal = Caller
                           ) -> ConversationDetailOut:
    return await service(request).get(principal, conversation_id)


@router.patch("/conversations/{conversation_id}", response_model=ConversationOut)
async def rename_conversation(conversation_id: str, body: ConversationRename, request: Request,
                              principal: Principal = Caller) -> ConversationOut:
    return await service(request).rename(principal, conversation_id, body.title)


@router.delete("/conversations/{conversation_id}", response_model=Deleted)
async def delete_conversation(conversation_id: str, request: Request, principal: Principal = Caller) -> Deleted:
    return await service(request).delete(principal, conversation_id)


@router.post("/conversations/{conversation_id}/messages", response_model=Exchange,
              responses=errors(*AUTH, *STORED, *ENGINE) | content({SSE: events("An exchange event (start, delta, "
                                                                                   "end)")}))
async def post_message(conversation_id: str, body: MessageCreate, request: Request,
                       principal: Principal = Caller) -> Response:
    work = service(request).post_message(principal, conversation_id, body, stream_error_renderer(request))
    if body.stream:  # the stream's own cleanup stores what was said if the client leaves
        return EventStreamResponse(await work, request)
    result = await until_disconnect(request, work)
    if result is None:
        return Response(status_code=499)
    return SafeJSONResponse(result.model_dump(mode="json"))


@router.delete("/conversations/{conversation_id}/messages", response_model=MessagesDeleted)
async def delete_messages(conversation_id: str, request: Request, principal: Principal = Caller,
                          from_id: int = Query(alias="from", ge=0, le=MAX_ID)) -> MessagesDeleted:
    """Delete message `from` and every later one: how a client regenerates an answer or edits a question."""
    return await service(request).truncate(principal, conversation_id, from_id)


@router.put("/conversations/{conversation_id}/messages/{message_id}/feedback", response_model=FeedbackOut)
async def put_feedback(conversation_id: str, body: FeedbackCreate, request: Request,
                       message_id: int = Path(ge=0, le=MAX_ID),
                       principal: Principal = Caller) -> FeedbackOut:
    return await service(request).feedback(principal, conversation_id, message_id, body)


@router.get("/conversations/{conversation_id}/export", responses=EXPORTS)
async def export_conversation(conversation_id: str, request: Request, principal: Principal = Caller,
                              fmt: Literal["json", "markdown"] = Format) -> Response:
    text = await service(request).export(principal, conversation_id, fmt, request_lang(request))
    return exported(text, fmt, f"conversation-{conversation_id}")


@router.get("/search", response_model=SearchResults)
async def search(request: Request, principal: Principal = Caller,
                 q: str = Query(min_length=1, max_length=1000, json_schema_extra={"pattern": "^[^\\x00]*$"}),
                 limit: int = Query(20, ge=1, le=100)) -> SearchResults:  # a NUL is refused by the service
    return await service(request).search(principal, q, limit)


@router.get("/me/export", responses=EXPORTS)
async def export_all(request: Request, principal: Principal = Caller,
                     fmt: Literal["json", "markdown"] = Format) -> Response:
    text = await service(request).export(principal, None, fmt, request_lang(request))
    return exported(text, fmt, f"causerie-{principal.user_name}")


@router.delete("/me", response_model=UserDeleted)
async def delete_me(request: Request, principal: Principal = Caller) -> UserDeleted:
    return await service(request).delete_me(principal)
