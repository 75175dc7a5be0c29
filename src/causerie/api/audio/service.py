"""Speech synthesis and transcription for the HTTP API (no FastAPI here)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

from causerie.api.audio.protocol import SpeechRequest, Transcription, TranscriptionForm, VoiceList, VoiceObject
from causerie.api.common import ModelFacts
from causerie.errors import InvalidRequest, PayloadTooLarge
from causerie.settings import Settings
from causerie.speech.audio import decode
from causerie.speech.synthesis import SpeechPlan, Synthesizer
from causerie.speech.transcribe import Transcriber, Transcript, check_language, check_response_format, to_srt, to_vtt
from causerie.speech.voices import OPENAI_VOICES


class SpeechService:
    def __init__(self, settings: Settings):
        self.synthesizer = Synthesizer(settings)

    def voices(self) -> VoiceList:
        book = self.synthesizer.book.get()
        defaults = {name.lower() for name in book.defaults.values()}
        data = [VoiceObject(**info.public(), default=info.name.lower() in defaults) for info in book.infos()]
        return VoiceList(data=data, openai_aliases=OPENAI_VOICES)

    def plan(self, body: SpeechRequest) -> SpeechPlan:
        """Checked before any byte is sent: every mistake is a clean 4xx."""
        return self.synthesizer.plan(body.input, voice=body.voice, model=body.model,
                                     response_format=body.response_format, speed=body.speed)

    def stream(self, plan: SpeechPlan) -> Iterator[bytes]:
        return self.synthesizer.stream(plan)

    @staticmethod
    def headers(plan: SpeechPlan) -> dict[str, str]:
        """causerie's facts on every audio answer: it is synthetic, and which voice made it."""
        return {"X-Causerie-AI-Generated": "true", "X-Causerie-Voice": plan.voice.name,
                "X-Causerie-Voice-Backend": plan.voice.backend, "X-Causerie-Sample-Rate": str(plan.sample_rate)}


@dataclass
class TranscriptionAnswer:
    body: str
    media_type: str


class TranscriptionService:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.transcriber = Transcriber(settings)

    def check(self, form: TranscriptionForm, data: bytes | None) -> None:
        """What can be refused without decoding or loading Whisper."""
        if data is None:
            raise InvalidRequest("speech.missing_file", param="file", code="missing_file")
        if not data:
            raise InvalidRequest("speech.empty_file", param="file", code="invalid_audio_file")
        if len(data) > self.settings.max_audio_bytes:
            raise PayloadTooLarge("speech.file_too_large", param="file", size=len(data),
                                  limit=self.settings.max_audio_bytes)
        self.transcriber.check_model(form.model)
        check_language(form.language)
        check_response_format(form.response_format)

    def transcribe(self, form: TranscriptionForm, data: bytes | None) -> TranscriptionAnswer:
        self.check(form, data)
        audio = decode(data or b"", max_seconds=self.settings.max_audio_seconds)
        transcript = self.transcriber.transcribe(audio, language=form.language, prompt=form.prompt,
                                                 temperature=form.temperature)
        return self.render(transcript, form.response_format)

    def render(self, transcript: Transcript, response_format: str) -> TranscriptionAnswer:
        facts = ModelFacts.of(self.transcriber.card())
        if response_format == "text":
            return TranscriptionAnswer(transcript.text + "\n", "text/plain; charset=utf-8")
        if response_format == "srt":
            return TranscriptionAnswer(to_srt(transcript), "application/x-subrip; charset=utf-8")
        if response_format == "vtt":
            return TranscriptionAnswer(to_vtt(transcript), "text/vtt; charset=utf-8")
        if response_format == "verbose_json":
            body = transcript.verbose() | {"causerie": facts.model_dump()}
        else:
            body = Transcription(text=transcript.text, causerie=facts).model_dump()
        return TranscriptionAnswer(json.dumps(body), "application/json")  # ASCII: no lone surrogate can break it
