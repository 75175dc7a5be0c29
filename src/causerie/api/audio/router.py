"""POST /v1/audio/speech, POST /v1/audio/transcriptions, GET /api/voices. Thin: parse, call the service."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response, StreamingResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from causerie.api.audio.protocol import SpeechRequest, TranscriptionForm, VoiceList
from causerie.api.auth import require_api_key
from causerie.api.errors import SafeJSONResponse
from causerie.errors import InvalidRequest

router = APIRouter(tags=["audio"], dependencies=[Depends(require_api_key)])
FORM_FIELDS = ("model", "language", "prompt", "response_format", "temperature")


@router.post("/v1/audio/speech")
async def speech(body: SpeechRequest, request: Request) -> Response:
    service = request.app.state.services.speech
    plan = await run_in_threadpool(service.plan, body)  # may detect the language (lingua) or load voices
    # A sync iterator: Starlette runs it in a worker thread and stops it when the client leaves.
    return StreamingResponse(service.stream(plan), media_type=plan.media_type, headers=service.headers(plan))


async def _form(request: Request) -> tuple[TranscriptionForm, bytes | None]:
    form = await request.form(max_files=1, max_fields=20)
    values = {key: form[key] for key in FORM_FIELDS if isinstance(form.get(key), str) and form[key] != ""}
    try:
        fields = TranscriptionForm(**values)
    except ValueError as error:  # e.g. temperature=hot
        raise InvalidRequest("api.invalid_field", param="temperature", code="invalid_value", field="temperature",
                             detail=str(error).splitlines()[-1]) from None
    upload = form.get("file")
    data = await upload.read() if isinstance(upload, UploadFile) else None
    return fields, data


@router.post("/v1/audio/transcriptions")
async def transcriptions(request: Request) -> Response:
    service = request.app.state.services.transcriptions
    fields, data = await _form(request)
    answer = await run_in_threadpool(service.transcribe, fields, data)
    return Response(answer.body, media_type=answer.media_type)


@router.get("/api/voices", response_model=VoiceList)
async def voices(request: Request) -> Response:
    listing = await run_in_threadpool(request.app.state.services.speech.voices)
    return SafeJSONResponse(listing.model_dump())
