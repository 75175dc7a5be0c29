"""The OpenAPI document, made to say what the server does.

Error responses are declared from the error classes the server raises (`errors(...)`, by their HTTP
status), all in the one shape `ErrorResponse`; FastAPI's 422 and its validation schemas are dropped,
because this server answers a bad body with 400 in OpenAI's shape. Routes that answer other media (SSE,
audio, Markdown, Prometheus text) declare them with `content(...)`. A schemathesis run in the test suite
holds the document and the server to each other.

/openapi.json, /docs and /redoc are served here, behind a key when `docs_require_key` is set."""

from __future__ import annotations

import copy
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from causerie import __version__
from causerie.api.auth import require_api_key
from causerie.api.errors import SafeJSONResponse
from causerie.errors import (
    AuthError,
    CauserieError,
    Conflict,
    EngineFailure,
    Forbidden,
    InvalidRequest,
    ModelError,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    ServerBusy,
    ServiceUnavailable,
    TimedOut,
    UnknownModel,
    UpstreamError,
    VoiceError,
)

DESCRIPTION = ("causerie's HTTP API: OpenAI-compatible `/v1` routes, and `/api` routes for skills, stored "
               "conversations and voices. Every error is `{\"error\": {message, type, param, code}}`.")
SSE = "text/event-stream"


class ErrorDetail(BaseModel):
    message: str
    type: str
    param: str | None
    code: str | None


class ErrorResponse(BaseModel):
    """Every error of this API, in OpenAI's shape."""

    error: ErrorDetail


class InternalError(CauserieError):
    """What the catch-all handler answers (it is never raised: it only names the 500 here)."""


def errors(*kinds: type[CauserieError]) -> dict[int | str, dict[str, Any]]:
    """`responses=` entries for these errors, by their HTTP status, in the one error shape."""
    described: dict[int | str, dict[str, Any]] = {}
    for kind in sorted(kinds, key=lambda k: k.status):
        entry = described.setdefault(kind.status, {"model": ErrorResponse, "description": ""})
        entry["description"] = ", ".join(filter(None, (entry["description"], kind.__name__)))
    return described


# Any route: a body that is not JSON, or too large, or a failure nobody expected.
BASE = (InvalidRequest, PayloadTooLarge, InternalError)
COMMON = errors(*BASE)
# Routes behind a key: no key or a wrong one, a missing scope, a spent rate or quota, the store unreachable.
AUTH = (*BASE, AuthError, Forbidden, RateLimited, ServiceUnavailable)
# Routes that generate: an unknown model, the engine or its remote failing, no free slot, a model missing.
ENGINE = (UnknownModel, EngineFailure, UpstreamError, ServerBusy, ModelError)
STORED = (NotFound, Conflict)  # conversations: another user's (404) or a clash (409)
SKILLS = (NotFound, TimedOut)
VOICES = (NotFound, VoiceError)


def content(media: dict[str, dict[str, Any]], description: str = "Success") -> dict[int | str, dict[str, Any]]:
    """A 200 answered in these media types (each with its schema), besides or instead of JSON."""
    return {200: {"description": description, "content": media}}


def text(kind: str = "string") -> dict[str, Any]:
    return {"schema": {"type": kind}}


def events(what: str) -> dict[str, Any]:
    """A server-sent event stream: in OpenAPI 3.1 the schema describes each event (comments are not events)."""
    return {"schema": {"type": "object", "required": ["data"], "properties": {
        "event": {"type": "string"}, "id": {"type": "string"},
        "data": {"type": "string", "description": f"{what} as JSON; an error as {{\"error\": {{…}}}}; "
                                                  "then the text [DONE]."}}}}


def causerie_openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema:
        return app.openapi_schema
    document = get_openapi(title="causerie", version=__version__, description=DESCRIPTION, routes=app.routes)
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            operation.get("responses", {}).pop("422", None)
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    expand_skills(document)
    app.openapi_schema = document
    return document


def component(model: type[BaseModel], schemas: dict[str, Any]) -> dict[str, Any]:
    """`model`'s JSON schema, its nested models moved to the document's components."""
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(schema.pop("$defs", {}))
    return schema


def expand_skills(document: dict[str, Any]) -> None:
    """One path per registered skill, with that skill's own input and output schemas, in place of the
    generic /api/skills/{name} (which the server still routes, answering 404 for an unknown name)."""
    from causerie.skills.registry import skill_classes

    paths, schemas = document["paths"], document["components"]["schemas"]
    template = paths.pop("/api/skills/{name}", {}).get("post")
    if template is None:
        return
    for name, skill in skill_classes().items():
        operation = copy.deepcopy(template)
        operation.pop("parameters", None)
        operation.update(operationId=f"run_skill_{name}", summary=skill.title["en"])
        body = component(skill.Input, schemas)
        body["properties"] |= {"model": {"type": "string", "minLength": 1, "description": "A model's name."},  # the
                               # fields every skill takes besides its own (api/skills/protocol.RESERVED_FIELDS)
                               "stream": {"type": "boolean", "default": False,
                                          "description": "Server-sent events as the skill runs."}}
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
        answer = copy.deepcopy(schemas["SkillResponse"])
        answer["properties"]["output"] = component(skill.Output, schemas)
        operation["responses"]["200"]["content"]["application/json"]["schema"] = answer
        paths[f"/api/skills/{name}"] = {"post": operation}


async def docs_guard(request: Request) -> None:
    if request.app.state.settings.docs_require_key:
        await require_api_key(request)


def install_docs(app: FastAPI) -> None:
    """The document and its two viewers, on routes of our own (so they can require a key)."""
    app.openapi = lambda: causerie_openapi(app)  # type: ignore[method-assign]
    router = APIRouter(include_in_schema=False, dependencies=[Depends(docs_guard)])

    @router.get("/openapi.json")
    async def openapi_document() -> SafeJSONResponse:
        return SafeJSONResponse(app.openapi())

    @router.get("/docs")
    async def swagger() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url="/openapi.json", title="causerie — API")

    @router.get("/redoc")
    async def redoc() -> HTMLResponse:
        return get_redoc_html(openapi_url="/openapi.json", title="causerie — API")

    app.include_router(router)
