"""GET /api/skills and POST /api/skills/{name} (JSON, or SSE with "stream": true)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends, Request
from fastapi.responses import Response

from causerie.api.auth import require_api_key
from causerie.api.errors import SafeJSONResponse, request_lang
from causerie.api.generation import until_disconnect
from causerie.api.json_body import StrictJSONRoute
from causerie.api.openapi import AUTH, ENGINE, SKILLS, SSE, content, errors, events
from causerie.api.skills.protocol import SkillList, SkillResponse
from causerie.api.streaming import EventStreamResponse, stream_error_renderer

router = APIRouter(route_class=StrictJSONRoute, prefix="/api", tags=["skills"], dependencies=[Depends(require_api_key)],
                   responses=errors(*AUTH, *ENGINE, *SKILLS))


@router.get("/skills", response_model=SkillList)
async def list_skills(request: Request) -> SkillList:
    return request.app.state.services.skills.list(request_lang(request))


@router.post("/skills/{name}", response_model=SkillResponse,
              responses=content({SSE: events("A skill event (start, progress, delta, draft, result); a draft is "
                                             "text the skill checks before it keeps it, to preview")}))
async def run_skill(name: str, request: Request, body: Any = Body(...)) -> Response:
    service = request.app.state.services.skills
    skill, data, stream = service.prepare(name, body, request_lang(request))
    if stream:
        return EventStreamResponse(service.stream(skill, data, stream_error_renderer(request)), request)
    result = await until_disconnect(request, service.run(skill, data))
    if result is None:
        return Response(status_code=499)
    return SafeJSONResponse(result.model_dump(mode="json"))
