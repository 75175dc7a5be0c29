"""The voice contract.

A `Voice` is a speech-synthesis backend (espeak-ng today; Piper or Kokoro can be added by a plugin). It
offers named speakers (`VoiceInfo`: language, gender), declares what it can do in `capabilities`, and turns a
`SynthesisRequest` into raw audio through **one** streaming method, `synthesize`, which yields at least one
`AudioChunk` per sentence so that callers can start playing before the whole text is spoken.
Text normalization, sentence splitting and encoding are the caller's job (`causerie.speech.synthesis`), so a
backend only turns clean sentences into 16-bit mono PCM.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, Literal

if TYPE_CHECKING:
    from causerie.settings import Settings

Gender = Literal["female", "male", "neutral"]


@dataclass(frozen=True)
class VoiceCapabilities:
    streaming: bool = True  # yields audio sentence by sentence
    speed: bool = True  # honours SynthesisRequest.speed
    pitch: bool = False  # honours a per-voice pitch
    ssml: bool = False  # accepts SSML markup
    languages: tuple[str, ...] = ()  # ISO 639-1 codes of its speakers
    sample_rate: int = 22050  # of the PCM it yields


@dataclass(frozen=True)
class VoiceInfo:
    """One speaker a backend offers, as `GET /api/voices` and `causerie voices` show it."""

    name: str  # what clients pass as `voice`, e.g. "camille"
    language: str  # ISO 639-1: "fr", "en"
    gender: Gender
    backend: str  # the entry-point name of its Voice, e.g. "espeak"
    locale: str = ""  # e.g. "fr-FR", "en-US"
    description: str = ""

    def public(self) -> dict[str, str]:
        return {"name": self.name, "language": self.language, "locale": self.locale, "gender": self.gender,
                "backend": self.backend, "description": self.description}


@dataclass
class SynthesisRequest:
    """Clean sentences to speak with one speaker. `pause_after[i]` is the silence (ms) after sentence i."""

    sentences: list[str]
    voice: VoiceInfo
    speed: float = 1.0  # 1.0 is the voice's normal rate; OpenAI allows 0.25-4.0
    pause_after: list[int] = field(default_factory=list)
    cancel: threading.Event = field(default_factory=threading.Event)


@dataclass
class AudioChunk:
    """Signed 16-bit little-endian mono PCM at `sample_rate`."""

    pcm: bytes
    sample_rate: int

    @property
    def seconds(self) -> float:
        return len(self.pcm) / 2 / self.sample_rate


class Voice(ABC):
    """Base class of every speech backend. Subclasses set `kind` and `capabilities`, and implement
    `voices` and `synthesize`."""

    kind: ClassVar[str] = "abstract"
    capabilities: VoiceCapabilities = VoiceCapabilities()

    @classmethod
    def from_settings(cls, settings: Settings) -> Voice:
        """Build the backend; backends read the settings that concern them."""
        return cls()

    @abstractmethod
    def voices(self) -> list[VoiceInfo]:
        """The speakers this backend offers."""

    @abstractmethod
    def synthesize(self, request: SynthesisRequest) -> Iterator[AudioChunk]:
        """Stream the audio, at least one chunk per sentence; stop early when `request.cancel` is set."""

    def close(self) -> None:
        """Free the backend. Idempotent."""
