"""espeak-ng through ctypes: offline, about 900x real time, French and English.

The library comes from the `espeakng-loader` wheel (library and voice data, no apt step); when that wheel is
absent, a system `libespeak-ng` (Debian's `espeak-ng` package) is used instead. espeak-ng keeps one global
synthesizer per process, so every call goes through one lock, sentence by sentence: concurrent requests
interleave by sentence instead of waiting for a whole story.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import threading
from collections.abc import Iterator
from dataclasses import dataclass

from causerie.errors import VoiceError
from causerie.speech.base import AudioChunk, SynthesisRequest, Voice, VoiceCapabilities, VoiceInfo

# speak_lib.h
AUDIO_OUTPUT_SYNCHRONOUS = 2
INITIALIZE_DONT_EXIT = 0x8000  # report errors instead of exit()ing the server
CHARS_UTF8 = 1
PHONEMES_IPA = 0x02
RATE, VOLUME, PITCH, RANGE = 1, 2, 3, 4
MIN_WPM, MAX_WPM = 80, 450
SAMPLE_RATE = 22050

_Callback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)


@dataclass(frozen=True)
class Preset:
    """How one speaker is made: espeak voice + variant, base rate and intonation."""

    info: VoiceInfo
    espeak_name: str  # "fr+f3": language voice, then the variant after '+'
    wpm: int  # at speed 1.0; espeak's own default (175) is hurried for stories
    pitch: int = 50  # 0-100
    range: int = 60  # 0-100: a little more melody than espeak's flat default (50)


def _preset(name: str, locale: str, gender: str, espeak_name: str, wpm: int, description: str) -> Preset:
    info = VoiceInfo(name=name, language=locale[:2], gender=gender, backend="espeak", locale=locale,
                     description=description)  # type: ignore[arg-type]
    return Preset(info=info, espeak_name=espeak_name, wpm=wpm)


# Variants chosen by how well Whisper understands them, the most intelligible of each language and gender
# (docs/speech.md, "Choosing the voices"): fr+f3, a common choice, was the worst of the French ones.
PRESETS: tuple[Preset, ...] = (
    _preset("camille", "fr-FR", "female", "fr+f5", 150, "Voix française féminine (conteuse)."),
    _preset("louis", "fr-FR", "male", "fr+m1", 150, "Voix française masculine."),
    _preset("ava", "en-US", "female", "en-us+f3", 160, "American English, female."),
    _preset("jack", "en-US", "male", "en-us+m3", 160, "American English, male."),
    _preset("emma", "en-GB", "female", "en+f3", 160, "British English, female."),
    _preset("oliver", "en-GB", "male", "en+m3", 160, "British English, male."),
)


class _Library:
    """The loaded espeak-ng: one per process, because the C library itself is one global synthesizer."""

    def __init__(self) -> None:
        path, data = _locate()
        self.lib = ctypes.CDLL(path)
        self.lib.espeak_Synth.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int,
                                          ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p]
        self.lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        self.lib.espeak_TextToPhonemes.argtypes = [ctypes.POINTER(ctypes.c_char_p), ctypes.c_int, ctypes.c_int]
        self.lib.espeak_TextToPhonemes.restype = ctypes.c_char_p
        rate = self.lib.espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, data, INITIALIZE_DONT_EXIT)
        if rate <= 0:
            raise VoiceError("speech.backend_failed", backend="espeak", detail=f"espeak_Initialize={rate}")
        self.sample_rate = rate
        self.lock = threading.Lock()
        self._samples: list[bytes] = []
        self._cancel: threading.Event | None = None
        self._callback = _Callback(self._collect)  # kept referenced: espeak holds a raw pointer to it
        self.lib.espeak_SetSynthCallback(self._callback)

    def _collect(self, wav: ctypes.POINTER(ctypes.c_short), count: int, _events: int) -> int:
        if wav and count > 0:
            self._samples.append(ctypes.string_at(wav, count * 2))
        return 1 if self._cancel is not None and self._cancel.is_set() else 0  # 1 aborts synthesis

    def speak(self, text: str, preset: Preset, wpm: int, cancel: threading.Event) -> bytes:
        """PCM of one sentence. Holds the lock for this sentence only."""
        encoded = text.encode("utf-8")
        with self.lock:
            self._samples, self._cancel = [], cancel
            if self.lib.espeak_SetVoiceByName(preset.espeak_name.encode()) != 0:
                raise VoiceError("speech.backend_failed", backend="espeak", detail=f"voice {preset.espeak_name}")
            for parameter, value in ((RATE, wpm), (PITCH, preset.pitch), (RANGE, preset.range)):
                self.lib.espeak_SetParameter(parameter, value, 0)
            self.lib.espeak_Synth(encoded, len(encoded) + 1, 0, 0, 0, CHARS_UTF8, None, None)
            pcm, self._samples, self._cancel = b"".join(self._samples), [], None
        return pcm


    def phonemes(self, text: str, voice: str) -> str:
        """IPA phonemes of `text` (what Piper voices take), clause by clause as espeak-ng returns them."""
        buffer = ctypes.create_string_buffer(text.encode("utf-8"))
        pointer = ctypes.c_char_p(ctypes.addressof(buffer))  # espeak advances it, then sets it to NULL
        parts = []
        with self.lock:
            if self.lib.espeak_SetVoiceByName(voice.encode()) != 0:
                raise VoiceError("speech.backend_failed", backend="espeak", detail=f"voice {voice}")
            while pointer.value:
                parts.append((self.lib.espeak_TextToPhonemes(ctypes.byref(pointer), CHARS_UTF8, PHONEMES_IPA)
                              or b"").decode("utf-8", errors="replace"))
        return " ".join(part for part in parts if part)


def _locate() -> tuple[str, bytes | None]:
    """(library path, data path): the pinned PyPI wheel first, else the system library and its own data."""
    try:
        import espeakng_loader
    except ImportError:
        found = ctypes.util.find_library("espeak-ng")
        if not found:
            raise VoiceError("speech.backend_missing", backend="espeak", package="espeakng-loader") from None
        return found, None
    return espeakng_loader.get_library_path(), espeakng_loader.get_data_path().encode()


_loaded: _Library | None = None
_load_lock = threading.Lock()


def library() -> _Library:
    global _loaded
    with _load_lock:
        if _loaded is None:
            _loaded = _Library()
        return _loaded


def silence(milliseconds: int, sample_rate: int) -> bytes:
    return b"\x00\x00" * (sample_rate * max(0, milliseconds) // 1000)


class EspeakVoice(Voice):
    kind = "espeak"
    capabilities = VoiceCapabilities(streaming=True, speed=True, pitch=True, ssml=False,
                                     languages=("fr", "en"), sample_rate=SAMPLE_RATE)

    def __init__(self) -> None:
        self.presets = {preset.info.name: preset for preset in PRESETS}

    def voices(self) -> list[VoiceInfo]:
        return [preset.info for preset in PRESETS]

    def synthesize(self, request: SynthesisRequest) -> Iterator[AudioChunk]:
        espeak = library()
        preset = self.presets[request.voice.name]
        wpm = max(MIN_WPM, min(MAX_WPM, round(preset.wpm * request.speed)))
        for index, sentence in enumerate(request.sentences):
            if request.cancel.is_set():
                return
            pcm = espeak.speak(sentence, preset, wpm, request.cancel)
            pause = request.pause_after[index] if index < len(request.pause_after) else 0
            # Pauses shrink with speed, so a fast reading keeps its rhythm.
            yield AudioChunk(pcm + silence(round(pause / request.speed), espeak.sample_rate), espeak.sample_rate)
