"""Speech synthesis with the real espeak-ng: every format decodes (PyAV) at the configured sample rate, the
duration grows with the text and shrinks with the speed, the audio is not silent, output streams sentence by
sentence; and how voice names resolve (ours, languages, OpenAI's), with a plugin backend."""

from __future__ import annotations

import io
import struct
import wave
from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np
import pytest

from causerie.errors import InvalidRequest, UnknownModel
from causerie.settings import Settings
from causerie.speech.audio import FORMATS, decode
from causerie.speech.base import AudioChunk, SynthesisRequest, Voice, VoiceInfo
from causerie.speech.synthesis import Synthesizer
from causerie.speech.voices import VoiceBook, voice_classes

ONE = "Il était une fois un petit renard qui vivait dans la forêt."
FOUR = " ".join([ONE, "Chaque matin, il allait boire à la rivière.", "Un jour, il rencontra un hérisson très sage.",
                 "Ils devinrent les meilleurs amis du monde."])
EN = "The little fox found a red apple under the old tree. Then he went home."


@pytest.fixture
def synthesizer(settings: Settings) -> Synthesizer:
    return Synthesizer(settings)


def speak(synthesizer: Synthesizer, text: str, **options: object) -> bytes:
    return b"".join(synthesizer.stream(synthesizer.plan(text, **options)))


def seconds_of(data: bytes) -> float:
    return len(decode(data)) / 16000


def rms(data: bytes) -> float:
    samples = decode(data)
    return float(np.sqrt(np.mean(samples**2)))


@pytest.mark.parametrize("fmt", [name for name in FORMATS if name != "pcm"])
def test_every_format_decodes_at_the_configured_rate(synthesizer: Synthesizer, fmt: str) -> None:
    data = speak(synthesizer, ONE, voice="camille", response_format=fmt)
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.audio[0]
        codec = stream.codec_context.name
        rate = stream.rate
    expected = {"mp3": "mp3", "opus": "opus", "aac": "aac", "flac": "flac", "wav": "pcm_s16le"}[fmt]
    assert codec.startswith(expected) or codec == "mp3float" and fmt == "mp3"
    # Opus always decodes at 48 kHz (its own rule); the others keep the configured rate.
    assert rate == (48000 if fmt == "opus" else 24000)
    assert 3.0 < seconds_of(data) < 7.0
    assert rms(data) > 0.02


def test_pcm_is_raw_16_bit_at_the_configured_rate(settings: Settings) -> None:
    synthesizer = Synthesizer(settings.model_copy(update={"tts_sample_rate": 16000}))
    pcm = speak(synthesizer, ONE, voice="camille", response_format="pcm")
    samples = np.frombuffer(pcm, dtype="<i2")
    assert 3.0 < len(samples) / 16000 < 7.0
    wav = speak(synthesizer, ONE, voice="camille", response_format="wav")
    with av.open(io.BytesIO(wav)) as container:
        assert container.streams.audio[0].rate == 16000
    assert abs(len(decode(wav)) - len(samples)) < 1600  # same audio, within 0.1 s of resampler edges


def test_duration_scales_with_the_text(synthesizer: Synthesizer) -> None:
    one = seconds_of(speak(synthesizer, ONE, voice="camille", response_format="wav"))
    four = seconds_of(speak(synthesizer, FOUR, voice="camille", response_format="wav"))
    assert 2.5 < four / one < 5.0


def test_speed_changes_the_duration(synthesizer: Synthesizer) -> None:
    normal = seconds_of(speak(synthesizer, FOUR, voice="camille", response_format="wav"))
    fast = seconds_of(speak(synthesizer, FOUR, voice="camille", response_format="wav", speed=2.0))
    slow = seconds_of(speak(synthesizer, FOUR, voice="camille", response_format="wav", speed=0.5))
    assert fast < 0.7 * normal < normal < 0.7 * slow


def test_audio_streams_one_piece_per_sentence(synthesizer: Synthesizer) -> None:
    plan = synthesizer.plan(FOUR, voice="camille", response_format="mp3")
    pieces = list(synthesizer.stream(plan))
    assert len(pieces) >= len(plan.sentences) == 4
    assert all(pieces[:4])
    assert plan.seconds > 5


def test_a_cancelled_stream_stops_at_the_next_sentence(synthesizer: Synthesizer) -> None:
    plan = synthesizer.plan(FOUR, voice="camille", response_format="pcm")
    stream = synthesizer.stream(plan)
    next(stream)
    plan.cancel.set()
    assert len(list(stream)) <= 2  # at most the end of the encoder, never the three remaining sentences


def test_streamed_wav_says_unknown_length_and_a_saved_one_the_truth(synthesizer: Synthesizer,
                                                                     tmp_path: Path) -> None:
    streamed = speak(synthesizer, ONE, voice="ava", response_format="wav")
    assert struct.unpack("<I", streamed[40:44])[0] == 0xFFFFFFFF
    path = tmp_path / "a.wav"
    synthesizer.save(synthesizer.plan(ONE, voice="ava", response_format="wav"), path)
    with wave.open(str(path)) as saved:
        assert saved.getframerate() == 24000 and saved.getnchannels() == 1 and saved.getsampwidth() == 2
        assert saved.getnframes() * 2 == path.stat().st_size - 44


# --- checks before any audio ----------------------------------------------------------------------------


@pytest.mark.parametrize(("options", "param"), [
    ({"text": ""}, "input"), ({"text": "  \n "}, "input"), ({"text": "🎉 👍"}, "input"),
    ({"text": "x" * 20_001}, "input"), ({"voice": "zorglub"}, "voice"),
    ({"response_format": "ogg"}, "response_format"), ({"speed": 0.1}, "speed"), ({"speed": 5.0}, "speed"),
])
def test_bad_requests_are_refused_before_any_audio(synthesizer: Synthesizer, options: dict, param: str) -> None:
    text = options.pop("text", ONE)
    with pytest.raises(InvalidRequest) as caught:
        synthesizer.plan(text, **options)
    assert caught.value.param == param
    assert caught.value.status == 400


def test_too_long_names_the_limit_and_the_setting(synthesizer: Synthesizer) -> None:
    with pytest.raises(InvalidRequest) as caught:
        synthesizer.plan("a" * 20_001)
    for lang in ("fr", "en"):
        message = caught.value.message(lang)
        assert "20001" in message and "20000" in message and "CAUSERIE_TTS_MAX_CHARS" in message


def test_an_unknown_model_is_a_404(synthesizer: Synthesizer) -> None:
    with pytest.raises(UnknownModel):
        synthesizer.plan(ONE, model="eleven-labs")
    for model in ("tts-1", "tts-1-hd", "gpt-4o-mini-tts", "espeak", None):
        synthesizer.plan(ONE, model=model)


# --- voices -----------------------------------------------------------------------------------------------


def test_espeak_is_registered_as_an_entry_point() -> None:
    assert voice_classes()["espeak"].__name__ == "EspeakVoice"


@pytest.mark.parametrize(("voice", "text", "expected"), [
    ("camille", EN, "camille"),  # our speakers are taken as asked, whatever the text
    ("EMMA", ONE, "emma"),
    ("fr", EN, "camille"), ("en", ONE, "ava"),
    (None, ONE, "camille"), (None, EN, "ava"),  # no voice: the text's language decides
    ("alloy", ONE, "camille"), ("alloy", EN, "ava"),  # OpenAI's: gender from the name, language from the text
    ("onyx", ONE, "louis"), ("onyx", EN, "jack"),
])
def test_voice_resolution(synthesizer: Synthesizer, voice: str | None, text: str, expected: str) -> None:
    assert synthesizer.plan(text, voice=voice).voice.name == expected


def test_default_voices_follow_the_settings(settings: Settings) -> None:
    synthesizer = Synthesizer(settings.model_copy(update={"tts_voice_fr": "louis", "tts_voice_en": "oliver"}))
    assert synthesizer.plan(ONE).voice.name == "louis"
    assert synthesizer.plan(EN, voice="nova").voice.name == "emma"  # female, English, the default is male


class ToneVoice(Voice):
    """A plugin backend: a 440 Hz tone, half a second per sentence."""

    kind = "tone"

    def voices(self) -> list[VoiceInfo]:
        return [VoiceInfo(name="bip", language="fr", gender="neutral", backend="tone")]

    def synthesize(self, request: SynthesisRequest) -> Iterator[AudioChunk]:
        tone = (np.sin(np.arange(8000) * 2 * np.pi * 440 / 16000) * 8000).astype("<i2").tobytes()
        for _ in request.sentences:
            yield AudioChunk(tone, 16000)


def test_a_plugin_voice_plugs_into_the_same_pipeline(settings: Settings) -> None:
    from causerie.speech.voices import LazyVoiceBook

    book = LazyVoiceBook(settings)
    book._book = VoiceBook([ToneVoice()], {"fr": "bip", "en": "bip"})
    synthesizer = Synthesizer(settings, book)
    data = speak(synthesizer, FOUR, voice="bip", response_format="flac")
    assert abs(seconds_of(data) - 2.0) < 0.1
    assert synthesizer.plan(ONE, model="tone").voice.backend == "tone"
