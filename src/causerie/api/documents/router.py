"""/v1/collections (a caller's collections and documents, uploads as multipart) and /v1/search. Thin: parse,
call the service, frame the answer."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from causerie.api.auth import Principal, require_api_key
from causerie.api.documents.protocol import (
    CollectionCreate,
    CollectionList,
    CollectionOut,
    Deleted,
    DocumentList,
    PassageList,
    SearchRequest,
    SearchResults,
)
from causerie.api.documents.service import DocumentService, Upload
from causerie.api.errors import SafeJSONResponse, request_lang
from causerie.api.json_body import StrictJSONRoute
from causerie.api.openapi import AUTH, SSE, STORED, content, errors, events
from causerie.api.streaming import EventStreamResponse
from causerie.documents.formats import accepted_list
from causerie.errors import InvalidRequest, PayloadTooLarge

router = APIRouter(route_class=StrictJSONRoute, prefix="/v1", tags=["documents"], responses=errors(*AUTH, *STORED))
Caller = Depends(require_api_key)
Name = Path(min_length=1, max_length=64, description="The collection's name.")
DocumentId = Path(ge=1, le=2**53)
MAX_FILES = 20
UPLOAD_PATH = r"/v1/collections/[^/]+/documents"  # the body limit's pattern (app.py)
# The form is read by hand (to bound files and fields), so its schema is declared here.
UPLOAD = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"], "properties": {
        "file": {"type": "array", "items": {"type": "string", "format": "binary"}, "maxItems": MAX_FILES,
                 "description": "One or more files: " + accepted_list() + "."},
        "stream": {"type": "boolean", "description": "Answer with server-sent progress events."}}}}}}}


def service(request: Request) -> DocumentService:
    return request.app.state.services.documents


@router.get("/collections", response_model=CollectionList)
async def list_collections(request: Request, principal: Principal = Caller) -> Response:
    return SafeJSONResponse((await service(request).list(principal)).model_dump(mode="json"))


@router.post("/collections", response_model=CollectionOut, status_code=201)
async def create_collection(body: CollectionCreate, request: Request, principal: Principal = Caller) -> Response:
    created = await service(request).create(principal, body)
    return SafeJSONResponse(created.model_dump(mode="json"), status_code=201)


@router.get("/collections/{name}", response_model=CollectionOut)
async def get_collection(request: Request, name: str = Name, principal: Principal = Caller) -> Response:
    return SafeJSONResponse((await service(request).get(principal, name)).model_dump(mode="json"))


@router.delete("/collections/{name}", response_model=Deleted)
async def delete_collection(request: Request, name: str = Name, principal: Principal = Caller) -> Response:
    return SafeJSONResponse((await service(request).delete(principal, name)).model_dump(mode="json"))


@router.get("/collections/{name}/documents", response_model=DocumentList)
async def list_documents(request: Request, name: str = Name, principal: Principal = Caller) -> Response:
    return SafeJSONResponse((await service(request).documents(principal, name)).model_dump(mode="json"))


async def _uploads(request: Request) -> tuple[list[Upload], bool]:
    form = await request.form(max_files=MAX_FILES, max_fields=10)
    files = [item for item in form.getlist("file") if isinstance(item, UploadFile)]
    if not files:
        raise InvalidRequest("documents.no_file", param="file", limit=MAX_FILES)
    limit = request.app.state.settings.max_document_bytes
    uploads = []
    for item in files:
        data = await item.read(limit + 1)
        if len(data) > limit:
            raise PayloadTooLarge("documents.too_large", param="file", name=item.filename or "?", size=f"> {limit}",
                                  limit=limit)
        uploads.append(Upload(item.filename or "document", data, item.content_type))
    stream = str(form.get("stream") or "").lower() in ("1", "true", "yes")
    return uploads, stream or SSE in request.headers.get("accept", "")


@router.post("/collections/{name}/documents", response_model=DocumentList, status_code=201, openapi_extra=UPLOAD,
             responses=content({SSE: events("progress, document and error events")}))
async def upload_documents(request: Request, name: str = Name, principal: Principal = Caller) -> Response:
    uploads, stream = await _uploads(request)
    lang = request_lang(request)
    if stream:
        return EventStreamResponse(await service(request).upload_events(principal, name, uploads, lang), request)
    added = await service(request).upload(principal, name, uploads, lang)
    return SafeJSONResponse(added.model_dump(mode="json"), status_code=201)


@router.delete("/collections/{name}/documents/{document_id}", response_model=Deleted)
async def delete_document(request: Request, name: str = Name, document_id: int = DocumentId,
                          principal: Principal = Caller) -> Response:
    gone = await service(request).delete_document(principal, name, document_id)
    return SafeJSONResponse(gone.model_dump(mode="json"))


@router.get("/collections/{name}/documents/{document_id}/passages", response_model=PassageList)
async def document_passages(request: Request, name: str = Name, document_id: int = DocumentId,
                            principal: Principal = Caller) -> Response:
    found = await service(request).passages(principal, name, document_id)
    return SafeJSONResponse(found.model_dump(mode="json"))


@router.post("/search", response_model=SearchResults)
async def search(body: SearchRequest, request: Request, principal: Principal = Caller) -> Response:
    return SafeJSONResponse((await service(request).search(principal, body)).model_dump(mode="json"))
