"""Speech to text with Whisper (faster-whisper on CTranslate2, CPU, int8), and the transcript formats.

The model is the verified `whisper-base` of the catalog, loaded on first use (1-3 s) so that a server starts
fast without it; transcriptions run one at a time, since each already uses every thread it is given.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from causerie.errors import InvalidRequest, ModelError, UnknownModel
from causerie.models.card import ModelCard
from causerie.models.catalog import Catalog
from causerie.settings import Settings
from causerie.speech.audio import WHISPER_RATE

if TYPE_CHECKING:
    from faster_whisper import WhisperModel

OPENAI_NAMES = ("whisper-1",)  # what OpenAI clients send; served by the configured Whisper
RESPONSE_FORMATS = ("json", "text", "srt", "vtt", "verbose_json")


@dataclass
class Segment:
    id: int
    start: float
    end: float
    text: str
    seek: int = 0
    tokens: list[int] = field(default_factory=list)
    temperature: float = 0.0
    avg_logprob: float = 0.0
    compression_ratio: float = 0.0
    no_speech_prob: float = 0.0


@dataclass
class Transcript:
    text: str
    language: str
    duration: float
    segments: list[Segment]

    def verbose(self) -> dict[str, Any]:
        """OpenAI's `verbose_json`."""
        return {"task": "transcribe", "language": self.language, "duration": round(self.duration, 3),
                "text": self.text, "segments": [asdict(segment) for segment in self.segments]}


@cache
def whisper_languages() -> frozenset[str]:
    from faster_whisper.tokenizer import _LANGUAGE_CODES

    return frozenset(_LANGUAGE_CODES)


def check_language(language: str | None) -> str | None:
    if not language:
        return None
    code = language.strip().lower()
    if code not in whisper_languages():
        raise InvalidRequest("speech.unknown_language", param="language", code="unsupported_language", given=language)
    return code


class Transcriber:
    def __init__(self, settings: Settings):
        self.settings = settings
        self._model: WhisperModel | None = None
        self._card: ModelCard | None = None
        self._load_lock = threading.Lock()
        self._run_lock = threading.Lock()

    @property
    def name(self) -> str:
        return self.settings.whisper_model

    def check_model(self, model: str | None) -> None:
        if model and model not in (*OPENAI_NAMES, self.name):
            raise UnknownModel(model, [*OPENAI_NAMES, self.name])

    def card(self) -> ModelCard:
        """The verified card (assembling the model on first use); raises ModelError if not installed."""
        if self._card is None:
            catalog = Catalog(self.settings)
            self._card = catalog.prepare(catalog.get(self.name))
        return self._card

    def model(self) -> WhisperModel:
        with self._load_lock:
            if self._model is None:
                card = self.card()
                try:
                    from faster_whisper import WhisperModel
                except ImportError as error:
                    raise ModelError("speech.stt_missing") from error
                directory = str(Path(card.path).parent)
                self._model = WhisperModel(directory, device="cpu", compute_type="int8", local_files_only=True,
                                           cpu_threads=self.settings.whisper_threads or self.settings.threads)
            return self._model

    def transcribe(self, audio: np.ndarray, *, language: str | None = None, prompt: str | None = None,
                   temperature: float = 0.0) -> Transcript:
        """`audio`: mono float32 at 16 kHz (see `speech.audio.decode`)."""
        language = check_language(language)
        if not 0.0 <= temperature <= 1.0:
            raise InvalidRequest("speech.bad_temperature", param="temperature", code="invalid_value", value=temperature)
        model = self.model()
        # temperature 0 keeps Whisper's fallback ladder (0.2, 0.4…) for hard audio, as OpenAI does.
        temperatures = [0.0, 0.2, 0.4, 0.6, 0.8, 1.0] if temperature == 0 else [temperature]
        with self._run_lock:
            # Voice-activity detection (Silero, bundled with faster-whisper) drops the silent stretches
            # first: on silence alone Whisper invents words ("You You You…" for 30 silent minutes).
            raw, info = model.transcribe(audio, language=language, initial_prompt=prompt or None,
                                         temperature=temperatures, vad_filter=self.settings.whisper_vad)
            segments = [_segment(index, s) for index, s in enumerate(raw)]  # decoding happens here
        text = "".join(segment.text for segment in segments).strip()
        for segment in segments:
            segment.text = segment.text.strip()
        return Transcript(text=text, language=info.language, duration=len(audio) / WHISPER_RATE, segments=segments)


def _segment(index: int, raw: Any) -> Segment:
    return Segment(id=index, start=round(raw.start, 3), end=round(raw.end, 3), text=raw.text, seek=raw.seek,
                   tokens=list(raw.tokens), temperature=raw.temperature, avg_logprob=raw.avg_logprob,
                   compression_ratio=raw.compression_ratio, no_speech_prob=raw.no_speech_prob)


# --- transcript formats ----------------------------------------------------------------------------------


def _timestamp(seconds: float, separator: str) -> str:
    millis = round(seconds * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


def to_srt(transcript: Transcript) -> str:
    blocks = [f"{n}\n{_timestamp(s.start, ',')} --> {_timestamp(s.end, ',')}\n{s.text}\n"
              for n, s in enumerate(transcript.segments, start=1)]
    return "\n".join(blocks)


def to_vtt(transcript: Transcript) -> str:
    blocks = [f"{_timestamp(s.start, '.')} --> {_timestamp(s.end, '.')}\n{s.text}\n" for s in transcript.segments]
    return "WEBVTT\n\n" + "\n".join(blocks)


def check_response_format(name: str) -> str:
    if name not in RESPONSE_FORMATS:
        raise InvalidRequest("speech.unknown_transcript_format", param="response_format", code="unsupported_format",
                             given=name, supported=", ".join(RESPONSE_FORMATS))
    return name
