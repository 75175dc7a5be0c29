"""GET /v1/models and GET /v1/models/{id}."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from causerie.api.auth import require_api_key
from causerie.api.json_body import StrictJSONRoute
from causerie.api.models.protocol import ModelList, ModelObject
from causerie.api.openapi import AUTH, errors
from causerie.errors import UnknownModel

router = APIRouter(route_class=StrictJSONRoute, prefix="/v1", tags=["models"], dependencies=[Depends(require_api_key)],
                   responses=errors(*AUTH, UnknownModel))


@router.get("/models", response_model=ModelList)
async def list_models(request: Request) -> ModelList:
    return request.app.state.services.models.list()


@router.get("/models/{model_id:path}", response_model=ModelObject)
async def get_model(model_id: str, request: Request) -> ModelObject:
    return request.app.state.services.models.get(model_id)
