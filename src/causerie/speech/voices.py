"""The voices a process can speak with: backends found through the `causerie.voices` entry-point group
(espeak-ng is registered there exactly like a third-party backend), and how a requested name becomes one
speaker.

A name is, in order: one of our speakers ("camille"), a language ("fr", "en": its default speaker), or one of
OpenAI's voices ("alloy", "onyx"…) so that existing clients work unchanged. OpenAI's voices carry no
language, so the text's language picks between our French and English speakers, with the voice's gender.
"""

from __future__ import annotations

import logging
import threading
from functools import cache

from causerie.errors import InvalidRequest, UnknownModel, VoiceError
from causerie.plugins import load_plugins
from causerie.settings import Settings
from causerie.speech.base import Voice, VoiceInfo

VOICE_GROUP = "causerie.voices"
log = logging.getLogger("causerie.speech")

# OpenAI's voice names, by the gender their voice is usually heard as.
OPENAI_VOICES = {
    "alloy": "female", "ash": "male", "ballad": "male", "coral": "female", "echo": "male", "fable": "male",
    "onyx": "male", "nova": "female", "sage": "female", "shimmer": "female", "verse": "male",
    "marin": "female", "cedar": "male",
}
# OpenAI's speech models: all served by the default backend.
OPENAI_MODELS = ("tts-1", "tts-1-hd", "gpt-4o-mini-tts")
LANGUAGES = ("fr", "en")


@cache
def voice_classes() -> dict[str, type[Voice]]:
    return load_plugins(VOICE_GROUP)


class VoiceBook:
    """Every speaker of every loaded backend, and the default speaker of each language."""

    def __init__(self, backends: list[Voice], defaults: dict[str, str]):
        self.backends = {backend.kind: backend for backend in backends}
        self.speakers: dict[str, tuple[Voice, VoiceInfo]] = {}
        for backend in backends:
            for info in backend.voices():
                self.speakers.setdefault(info.name.lower(), (backend, info))
        self.defaults = defaults

    @classmethod
    def from_settings(cls, settings: Settings) -> VoiceBook:
        backends = []
        for kind, voice_class in voice_classes().items():
            try:
                backends.append(voice_class.from_settings(settings))
            except VoiceError:
                log.warning("voice backend %s is unavailable", kind, exc_info=True)
        return cls(backends, {"fr": settings.tts_voice_fr, "en": settings.tts_voice_en})

    def infos(self) -> list[VoiceInfo]:
        return [info for _, info in self.speakers.values()]

    def names(self) -> list[str]:
        return [info.name for info in self.infos()]

    def check_model(self, model: str | None) -> None:
        """`model` must be an OpenAI speech model name or one of our backends."""
        if model and model not in OPENAI_MODELS and model not in self.backends:
            raise UnknownModel(model, [*OPENAI_MODELS, *self.backends])

    def default(self, lang: str) -> tuple[Voice, VoiceInfo]:
        name = self.defaults.get(lang, "")
        if name.lower() not in self.speakers:
            if not self.speakers:
                raise VoiceError("speech.no_voice")
            raise self._unknown(name)
        return self.speakers[name.lower()]

    def resolve(self, name: str | None, lang: str) -> tuple[Voice, VoiceInfo]:
        """The speaker for `name`; `lang` (the text's language) decides when the name carries none."""
        key = (name or "").strip().lower()
        if key in self.speakers:
            return self.speakers[key]
        if key in LANGUAGES:
            return self.default(key)
        if not key:
            return self.default(lang)
        if key in OPENAI_VOICES:
            return self._by_gender(OPENAI_VOICES[key], lang)
        raise self._unknown(name or "")

    def _by_gender(self, gender: str, lang: str) -> tuple[Voice, VoiceInfo]:
        preferred = self.default(lang)
        if preferred[1].gender == gender:
            return preferred
        same = [entry for entry in self.speakers.values() if entry[1].language == lang and entry[1].gender == gender]
        # Keep the default's accent (en-GB stays British) when one of the right gender has it.
        same.sort(key=lambda entry: entry[1].locale != preferred[1].locale)
        return same[0] if same else preferred

    def _unknown(self, name: str) -> InvalidRequest:
        known = ", ".join([*self.names(), *LANGUAGES, *OPENAI_VOICES])
        return InvalidRequest("speech.unknown_voice", param="voice", code="unknown_voice", name=name, available=known)

    def close(self) -> None:
        for backend in self.backends.values():
            backend.close()


class LazyVoiceBook:
    """Built on first use (loading espeak-ng takes a few ms, but a plugin's neural voice may take seconds)."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._book: VoiceBook | None = None
        self._lock = threading.Lock()

    def get(self) -> VoiceBook:
        with self._lock:
            if self._book is None:
                self._book = VoiceBook.from_settings(self.settings)
            return self._book

    def close(self) -> None:
        if self._book is not None:
            self._book.close()
