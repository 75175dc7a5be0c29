"""Text to encoded audio, sentence by sentence: the one pipeline behind `POST /v1/audio/speech`,
`causerie speak` and `causerie story --read-aloud`.

`plan` checks everything a request can get wrong (empty or too long text, unknown voice, format or model,
speed out of range) before any audio is made, so the HTTP layer can still answer a clean 400; `stream` then
yields encoded bytes as each sentence is spoken.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from causerie.errors import InvalidRequest
from causerie.i18n import resolve_lang
from causerie.settings import Settings
from causerie.speech.audio import AudioFormat, audio_format, encoder, wav_header
from causerie.speech.base import SynthesisRequest, Voice, VoiceInfo
from causerie.speech.normalize import normalize
from causerie.speech.sentences import Sentence, split_sentences
from causerie.speech.voices import LANGUAGES, LazyVoiceBook

MIN_SPEED, MAX_SPEED = 0.25, 4.0  # OpenAI's range
DETECT_CHARS = 2000  # enough to tell French from English; keeps the first byte quick on long stories


@dataclass
class SpeechPlan:
    backend: Voice
    voice: VoiceInfo
    sentences: list[Sentence]
    fmt: AudioFormat
    speed: float
    sample_rate: int
    cancel: threading.Event = field(default_factory=threading.Event)
    seconds: float = 0.0  # of audio spoken so far

    @property
    def media_type(self) -> str:
        return self.fmt.media_type


def text_language(text: str, fallback: str) -> str:
    """'fr' or 'en' for `text`; `fallback` when it is neither or too short to tell."""
    from causerie.text import detect_language  # lingua: loaded only when a voice leaves it open

    found = detect_language(text[:DETECT_CHARS])
    return found if found in LANGUAGES else fallback


class Synthesizer:
    def __init__(self, settings: Settings, book: LazyVoiceBook | None = None):
        self.settings = settings
        self.book = book or LazyVoiceBook(settings)

    def _check_text(self, text: str) -> None:
        if not text or not text.strip():
            raise InvalidRequest("speech.empty_input", param="input", code="empty_input")
        if len(text) > self.settings.tts_max_chars:
            raise InvalidRequest("speech.input_too_long", param="input", code="input_too_long", size=len(text),
                                 limit=self.settings.tts_max_chars)

    def _voice(self, text: str, voice: str | None) -> tuple[Voice, VoiceInfo]:
        book = self.book.get()
        fallback = resolve_lang(self.settings.lang)
        key = (voice or "").strip().lower()
        # Our own speakers and language codes fix the language; only the other names need detection.
        if key in book.speakers or key in LANGUAGES:
            return book.resolve(key, fallback)
        return book.resolve(voice, text_language(text, fallback))

    def plan(self, text: str, *, voice: str | None = None, model: str | None = None,
             response_format: str = "mp3", speed: float = 1.0) -> SpeechPlan:
        """Everything checked and prepared; raises InvalidRequest (400) or UnknownModel (404)."""
        self._check_text(text)
        fmt = audio_format(response_format)
        if not MIN_SPEED <= speed <= MAX_SPEED:
            raise InvalidRequest("speech.bad_speed", param="speed", code="invalid_speed", speed=speed,
                                 low=MIN_SPEED, high=MAX_SPEED)
        self.book.get().check_model(model)
        backend, info = self._voice(text, voice)
        sentences = split_sentences(normalize(text, info.language))
        if not sentences:
            raise InvalidRequest("speech.nothing_to_say", param="input", code="empty_input")
        return SpeechPlan(backend, info, sentences, fmt, speed, self.settings.tts_sample_rate)

    def stream(self, plan: SpeechPlan) -> Iterator[bytes]:
        """Encoded audio, one piece per sentence as it is spoken (the header comes with the first)."""
        request = SynthesisRequest(sentences=[s.text for s in plan.sentences], voice=plan.voice, speed=plan.speed,
                                   pause_after=[s.pause_ms for s in plan.sentences], cancel=plan.cancel)
        chunks = plan.backend.synthesize(request)
        try:
            first = next(chunks)
            audio = encoder(plan.fmt, first.sample_rate, plan.sample_rate)
            plan.seconds += first.seconds
            yield audio.encode(first.pcm)
            for chunk in chunks:
                plan.seconds += chunk.seconds
                if data := audio.encode(chunk.pcm):
                    yield data
            yield audio.finish()
        finally:
            plan.cancel.set()  # the client left, or we are done: stop the backend at its next sentence
            chunks.close()

    def save(self, plan: SpeechPlan, path: Path) -> int:
        """Write the whole audio to `path` (a WAV gets its real length in the header); returns bytes written."""
        written = 0
        with open(path, "wb") as out:
            for data in self.stream(plan):
                written += out.write(data)
            if plan.fmt.name == "wav":  # streamed WAVs say "unknown length"; a file can say the truth
                out.seek(0)
                out.write(wav_header(plan.sample_rate, written - len(wav_header(plan.sample_rate))))
        return written
