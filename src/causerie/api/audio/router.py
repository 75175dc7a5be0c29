"""POST /v1/audio/speech, POST /v1/audio/transcriptions, GET /api/voices. Thin: parse, call the service."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response, StreamingResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.types import Receive, Scope, Send

from causerie.api.audio.protocol import SpeechRequest, Transcription, TranscriptionForm, VoiceList
from causerie.api.auth import require_api_key
from causerie.api.errors import SafeJSONResponse
from causerie.api.json_body import StrictJSONRoute
from causerie.api.openapi import AUTH, VOICES, content, errors, text
from causerie.errors import InvalidRequest, ModelError
from causerie.speech.synthesis import SpeechPlan

router = APIRouter(route_class=StrictJSONRoute, tags=["audio"], dependencies=[Depends(require_api_key)],
                   responses=errors(*AUTH, *VOICES, ModelError))
FORMATS = ("json", "text", "srt", "vtt", "verbose_json")
AUDIO_TYPES = ("audio/mpeg", "audio/ogg", "audio/aac", "audio/flac", "audio/wav", "audio/pcm")
AUDIO = content({media: {"schema": {"type": "string", "format": "binary"}} for media in AUDIO_TYPES},
                "The audio, streamed.")
# ModelFacts, which it nests, is a component already (every /v1 answer carries it).
TRANSCRIPT_SCHEMA = {key: value for key, value in Transcription.model_json_schema(
    ref_template="#/components/schemas/{model}").items() if key != "$defs"}
TRANSCRIPTS = content({"application/json": {"schema": TRANSCRIPT_SCHEMA}, "text/plain": text(),
                       "application/x-subrip": text(), "text/vtt": text()})
# The form is read by hand (to bound files and fields), so its schema is declared here.
UPLOAD = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"], "properties": {
        "file": {"type": "string", "format": "binary", "contentMediaType": "audio/*",
                 "description": "The audio (wav, mp3, ogg, flac, m4a…)."},
        "model": {"type": "string", "description": "whisper-1 or a speech-to-text model of `causerie models`."},
        "language": {"type": "string", "description": "ISO 639-1 code (fr, en); detected when absent."},
        "prompt": {"type": "string"},
        "response_format": {"type": "string", "enum": list(FORMATS)},
        "temperature": {"type": "number", "minimum": 0, "maximum": 1}}},
    "encoding": {"file": {"contentType": "audio/*"}}}}}}
FORM_FIELDS = ("model", "language", "prompt", "response_format", "temperature")


class AudioStreamResponse(StreamingResponse):
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            # As EventStreamResponse does: close the generator now, so its `finally` stops the voice at once
            # rather than whenever the garbage collector gets to it.
            await self.body_iterator.aclose()


async def _streamed(chunks: Iterator[bytes], plan: SpeechPlan) -> AsyncIterator[bytes]:
    """Each sentence made in a worker thread, sent as soon as it is encoded."""
    try:
        while (data := await run_in_threadpool(next, chunks, None)) is not None:
            yield data
    finally:
        plan.cancel.set()  # done, or the client left: the voice stops at its next sentence


@router.post("/v1/audio/speech", response_class=Response, responses=AUDIO)
async def speech(body: SpeechRequest, request: Request) -> Response:
    service = request.app.state.services.speech
    plan = await run_in_threadpool(service.plan, body)  # may detect the language (lingua) or load voices
    return AudioStreamResponse(_streamed(service.stream(plan), plan), media_type=plan.media_type,
                               headers=service.headers(plan))


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


@router.post("/v1/audio/transcriptions", response_class=Response, responses=TRANSCRIPTS, openapi_extra=UPLOAD)
async def transcriptions(request: Request) -> Response:
    service = request.app.state.services.transcriptions
    fields, data = await _form(request)
    answer = await run_in_threadpool(service.transcribe, fields, data)
    return Response(answer.body, media_type=answer.media_type)


@router.get("/api/voices", response_model=VoiceList)
async def voices(request: Request) -> Response:
    listing = await run_in_threadpool(request.app.state.services.speech.voices)
    return SafeJSONResponse(listing.model_dump())
