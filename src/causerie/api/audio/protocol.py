"""Wire models of the audio endpoints, fields in the order of OpenAI's API reference.

Formats, voices and speed are plain fields here and are checked by the service, so that a bad value gets a
message naming the accepted ones (and the numbers), not a generic validation error."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from causerie.api.common import ModelFacts
from causerie.speech.audio import FORMATS
from causerie.speech.synthesis import MAX_SPEED, MIN_SPEED


class SpeechRequest(BaseModel):
    model_config = ConfigDict(extra="allow")  # unknown OpenAI options (instructions, stream_format) are ignored

    model: str | None = None  # tts-1, tts-1-hd, gpt-4o-mini-tts, or a backend name ("espeak")
    input: str = Field(json_schema_extra={"minLength": 1, "pattern": r"\S"})  # checked by the service
    voice: str | None = None  # one of GET /api/voices, "fr"/"en", or an OpenAI voice (alloy, nova…)
    response_format: str = Field("mp3", json_schema_extra={"enum": list(FORMATS)})  # checked by the service
    speed: float = Field(1.0, json_schema_extra={"minimum": MIN_SPEED, "maximum": MAX_SPEED})  # checked by the service


class TranscriptionForm(BaseModel):
    """The multipart fields besides `file`."""

    model: str | None = None
    language: str | None = None
    prompt: str | None = None
    response_format: str = "json"
    temperature: float = 0.0


class Transcription(BaseModel):
    """response_format=json (OpenAI's shape, plus causerie's model facts)."""

    text: str
    causerie: ModelFacts


class VoiceObject(BaseModel):
    name: str
    language: str
    locale: str
    gender: str
    backend: str
    description: str
    default: bool


class VoiceList(BaseModel):
    object: str = "list"
    data: list[VoiceObject]
    openai_aliases: dict[str, str]  # OpenAI voice name -> the gender it maps to (language from the text)
