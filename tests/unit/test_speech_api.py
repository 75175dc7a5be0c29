"""The audio endpoints through the real app in process: POST /v1/audio/speech (real espeak-ng), GET
/api/voices, and POST /v1/audio/transcriptions up to Whisper (a fake transcriber stands in for it here; the
real one runs in tests/integration/test_speech_roundtrip.py). Every bad input is a clean 4xx in OpenAI's
error shape, never a 500."""

from __future__ import annotations

import asyncio
import io
import json
import time
from collections.abc import Iterator

import av
import httpx
import pytest

from causerie.api import create_app
from causerie.engines.fake import FakeEngine
from causerie.engines.pool import EnginePool
from causerie.models.card import ModelCard
from causerie.settings import Settings
from causerie.speech.base import AudioChunk, SynthesisRequest, Voice, VoiceInfo
from causerie.speech.transcribe import Segment, Transcriber, Transcript
from causerie.speech.voices import VoiceBook
from unit.helpers import BASE_URL, StreamingASGITransport, api_client, openai_error

SPEECH = "/v1/audio/speech"
TRANSCRIBE = "/v1/audio/transcriptions"
STORY = "Il était une fois un petit renard. Il vivait dans la forêt. Un jour, il trouva une pomme."
MEDIA = {"mp3": "audio/mpeg", "opus": "audio/ogg", "aac": "audio/aac", "flac": "audio/flac", "wav": "audio/wav",
         "pcm": "audio/pcm"}


def speech(**fields: object) -> dict:
    return {"model": "tts-1", "input": STORY, "voice": "alloy"} | fields


async def spoken_wav(client, text: str = "Hello world, this is a test.") -> bytes:
    response = await client.post(SPEECH, json=speech(input=text, response_format="wav"))
    assert response.status_code == 200
    return response.content


# --- synthesis ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", list(MEDIA))
async def test_speech_in_every_format(client, fmt: str) -> None:
    response = await client.post(SPEECH, json=speech(response_format=fmt))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == MEDIA[fmt]
    assert response.headers["x-causerie-ai-generated"] == "true"
    assert response.headers["x-causerie-voice"] == "camille"  # alloy + French text
    if fmt != "pcm":
        with av.open(io.BytesIO(response.content)) as container:
            assert container.streams.audio[0].duration or container.streams.audio
    assert len(response.content) > 2000


async def test_speech_defaults_to_mp3_and_to_the_texts_language(client) -> None:
    response = await client.post(SPEECH, json={"input": "The fox sleeps under the old tree tonight."})
    assert response.status_code == 200
    assert response.headers["content-type"] == "audio/mpeg"
    assert response.headers["x-causerie-voice"] == "ava"


async def test_unknown_openai_options_are_ignored(client) -> None:
    response = await client.post(SPEECH, json=speech(instructions="Speak like a pirate", stream_format="audio"))
    assert response.status_code == 200


@pytest.mark.parametrize(("fields", "status", "param", "code"), [
    ({"input": ""}, 400, "input", "empty_input"),
    ({"input": "🎉🎉"}, 400, "input", "empty_input"),
    ({"input": "x" * 20_001}, 400, "input", "input_too_long"),
    ({"voice": "zorglub"}, 400, "voice", "unknown_voice"),
    ({"response_format": "ogg"}, 400, "response_format", "unsupported_format"),
    ({"speed": 0}, 400, "speed", "invalid_speed"),
    ({"speed": 4.5}, 400, "speed", "invalid_speed"),
    ({"model": "eleven"}, 404, "model", "model_not_found"),
])
async def test_speech_errors(client, fields: dict, status: int, param: str, code: str) -> None:
    error = openai_error(await client.post(SPEECH, json=speech(**fields)), status)
    assert (error["param"], error["code"]) == (param, code)


async def test_too_long_names_the_limit_in_the_callers_language(client) -> None:
    response = await client.post(SPEECH, json=speech(input="x" * 20_001), headers={"Accept-Language": "en"})
    message = openai_error(response, 400)["message"]
    assert "20001 characters" in message and "20000" in message and "tts_max_chars" in message


@pytest.mark.parametrize("body", [{}, {"voice": "alloy"}, {"input": 5}, {"input": STORY, "speed": "fast"}])
async def test_malformed_speech_bodies_name_the_field(client, body: dict) -> None:
    error = openai_error(await client.post(SPEECH, json=body), 400)
    assert error["param"] in {"input", "speed"}


async def test_voices_lists_ours_with_language_gender_and_defaults(client) -> None:
    response = await client.get("/api/voices")
    assert response.status_code == 200
    body = response.json()
    voices = {voice["name"]: voice for voice in body["data"]}
    assert {"camille", "louis", "ava", "jack", "emma", "oliver"} <= set(voices)
    assert voices["camille"] | {"description": ""} == {"name": "camille", "language": "fr", "locale": "fr-FR",
                                                      "gender": "female", "backend": "espeak", "description": "",
                                                      "default": True}
    assert voices["louis"]["gender"] == "male" and not voices["louis"]["default"]
    assert body["openai_aliases"]["alloy"] == "female" and body["openai_aliases"]["onyx"] == "male"


async def test_audio_routes_need_the_key_when_one_is_set(tmp_path) -> None:
    app = create_app(Settings(home=tmp_path, api_keys=["k1"]), EnginePool([FakeEngine()]))
    async with api_client(app) as client:
        openai_error(await client.post(SPEECH, json=speech()), 401)
        openai_error(await client.get("/api/voices"), 401)
        openai_error(await client.post(TRANSCRIBE, files={"file": ("a.wav", b"RIFF")}), 401)
        ok = await client.post(SPEECH, json=speech(), headers={"Authorization": "Bearer k1"})
        assert ok.status_code == 200


# --- transcription -------------------------------------------------------------------------------------------


class FakeTranscriber(Transcriber):
    """Whisper's place in the service: a fixed transcript, the audio it was given recorded."""

    def __init__(self, settings: Settings):
        super().__init__(settings)
        self.calls: list[dict] = []

    def card(self) -> ModelCard:
        return ModelCard(name="whisper-base", license="MIT", quantization="F16", engine="whisper",
                         sha256="d01c3014881c", verified=True)

    def transcribe(self, audio, *, language=None, prompt=None, temperature=0.0) -> Transcript:
        self.calls.append({"seconds": len(audio) / 16000, "language": language, "prompt": prompt})
        segments = [Segment(id=0, start=0.0, end=1.5, text="Hello world,"),
                    Segment(id=1, start=1.5, end=3725.25, text="this is a test.")]
        return Transcript(text="Hello world, this is a test.", language=language or "en", duration=3.0,
                          segments=segments)


@pytest.fixture
def transcriber(app, settings: Settings) -> FakeTranscriber:
    fake = FakeTranscriber(settings)
    app.state.services.transcriptions.transcriber = fake
    return fake


async def transcribe(client, audio: bytes, **fields: str):
    return await client.post(TRANSCRIBE, files={"file": ("speech.wav", audio, "audio/wav")},
                             data={"model": "whisper-1"} | fields)


async def test_transcription_json(client, transcriber) -> None:
    audio = await spoken_wav(client)
    response = await transcribe(client, audio, language="en", prompt="test")
    assert response.status_code == 200
    body = response.json()
    assert body["text"] == "Hello world, this is a test."
    assert body["causerie"]["ai_generated"] is True and body["causerie"]["model"] == "whisper-base"
    assert transcriber.calls[0]["language"] == "en" and transcriber.calls[0]["prompt"] == "test"
    assert 1.0 < transcriber.calls[0]["seconds"] < 5.0  # the WAV was decoded to 16 kHz samples


@pytest.mark.parametrize(("fmt", "media", "expected"), [
    ("text", "text/plain", "Hello world, this is a test.\n"),
    ("srt", "application/x-subrip", "1\n00:00:00,000 --> 00:00:01,500\nHello world,\n\n"
                                    "2\n00:00:01,500 --> 01:02:05,250\nthis is a test.\n"),
    ("vtt", "text/vtt", "WEBVTT\n\n00:00:00.000 --> 00:00:01.500\nHello world,\n\n"
                        "00:00:01.500 --> 01:02:05.250\nthis is a test.\n"),
])
async def test_transcription_text_formats(client, transcriber, fmt: str, media: str, expected: str) -> None:
    response = await transcribe(client, await spoken_wav(client), response_format=fmt)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)
    assert response.text == expected


async def test_transcription_verbose_json(client, transcriber) -> None:
    response = await transcribe(client, await spoken_wav(client), response_format="verbose_json", language="en")
    body = json.loads(response.text)
    assert body["task"] == "transcribe" and body["language"] == "en"
    assert [segment["text"] for segment in body["segments"]] == ["Hello world,", "this is a test."]
    assert {"start", "end", "avg_logprob", "no_speech_prob", "tokens"} <= set(body["segments"][0])


@pytest.mark.parametrize(("files", "fields", "status", "param", "code"), [
    ({"file": ("a.wav", b"this is not audio at all", "audio/wav")}, {}, 400, "file", "invalid_audio_file"),
    ({"file": ("a.png", b"\x89PNG\r\n\x1a\n" + bytes(2000), "image/png")}, {}, 400, "file", "invalid_audio_file"),
    ({"file": ("a.wav", b"", "audio/wav")}, {}, 400, "file", "invalid_audio_file"),
    ({}, {"model": "whisper-1"}, 400, "file", "missing_file"),
    ({"file": ("a.wav", b"RIFF", "audio/wav")}, {"model": "whisper-large"}, 404, "model", "model_not_found"),
    ({"file": ("a.wav", b"RIFF", "audio/wav")}, {"language": "klingon"}, 400, "language", "unsupported_language"),
    ({"file": ("a.wav", b"RIFF", "audio/wav")}, {"response_format": "docx"}, 400, "response_format",
     "unsupported_format"),
    ({"file": ("a.wav", b"RIFF", "audio/wav")}, {"temperature": "hot"}, 400, "temperature", "invalid_value"),
])
async def test_transcription_errors(client, transcriber, files, fields, status, param, code) -> None:
    response = await client.post(TRANSCRIBE, files=files or None, data=fields)
    error = openai_error(response, status)
    assert (error["param"], error["code"]) == (param, code)
    assert transcriber.calls == []


async def test_a_video_without_sound_is_not_audio(client, transcriber) -> None:
    error = openai_error(await transcribe(client, _silent_video()), 400)
    assert error["code"] == "invalid_audio_file"


def _silent_video() -> bytes:
    """A few frames of MPEG-4 video with no audio stream."""
    import numpy as np

    buffer = io.BytesIO()
    with av.open(buffer, "w", format="matroska") as container:
        stream = container.add_stream("mpeg4", rate=5)
        stream.width, stream.height, stream.pix_fmt = 32, 32, "yuv420p"
        for _ in range(3):
            frame = av.VideoFrame.from_ndarray(np.zeros((32, 32, 3), dtype=np.uint8), format="rgb24")
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return buffer.getvalue()


async def test_a_file_over_the_audio_limit_is_a_413(tmp_path) -> None:
    app = create_app(Settings(home=tmp_path, max_audio_bytes=50_000), EnginePool([FakeEngine()]))
    async with api_client(app) as client:
        response = await client.post(TRANSCRIBE, files={"file": ("big.wav", bytes(60_000), "audio/wav")})
        assert openai_error(response, 413)["code"] == "request_too_large"


async def test_uploads_may_exceed_the_json_body_limit_up_to_the_audio_limit(tmp_path) -> None:
    settings = Settings(home=tmp_path, max_body_bytes=10_000, max_audio_bytes=100_000)
    app = create_app(settings, EnginePool([FakeEngine()]))
    async with api_client(app) as client:
        response = await client.post(TRANSCRIBE, files={"file": ("noise.wav", bytes(50_000), "audio/wav")})
        assert openai_error(response, 400)["code"] == "invalid_audio_file"  # read, then refused as not audio
        openai_error(await client.post(SPEECH, json=speech(input="x " * 6000)), 413)  # JSON keeps its limit


# --- a client that leaves -----------------------------------------------------------------------------------


class SlowTone(Voice):
    """A plugin voice that takes 50 ms a sentence and counts the sentences it was asked for."""

    kind = "slow"

    def __init__(self) -> None:
        self.spoken = 0
        self.requests: list[SynthesisRequest] = []

    def voices(self) -> list[VoiceInfo]:
        return [VoiceInfo(name="lent", language="fr", gender="neutral", backend="slow")]

    def synthesize(self, request: SynthesisRequest) -> Iterator[AudioChunk]:
        self.requests.append(request)
        for _ in request.sentences:
            if request.cancel.is_set():
                return
            time.sleep(0.05)
            self.spoken += 1
            yield AudioChunk(bytes(16000), 16000)


async def test_synthesis_stops_when_the_client_leaves(app) -> None:
    voice = SlowTone()
    app.state.services.speech.synthesizer.book._book = VoiceBook([voice], {"fr": "lent", "en": "lent"})
    story = " ".join(f"Phrase numéro {n}." for n in range(100))
    async with httpx.AsyncClient(transport=StreamingASGITransport(app), base_url=BASE_URL) as client:
        async with client.stream("POST", SPEECH, json=speech(input=story, voice="lent", response_format="pcm")) as r:
            assert r.status_code == 200
            async for _chunk in r.aiter_bytes():
                break
    for _ in range(250):
        if voice.requests[0].cancel.is_set():
            break
        await asyncio.sleep(0.02)
    assert voice.requests[0].cancel.is_set(), "the voice was not told the client left"
    spoken = voice.spoken
    await asyncio.sleep(0.3)
    assert voice.spoken == spoken < 20, "synthesis went on after the client left"


async def test_audio_longer_than_the_limit_is_a_413_found_while_decoding(tmp_path, settings) -> None:
    app = create_app(Settings(home=tmp_path, max_audio_seconds=1), EnginePool([FakeEngine()]))
    fake = FakeTranscriber(settings)
    app.state.services.transcriptions.transcriber = fake
    async with api_client(app) as client:
        audio = await spoken_wav(client, "A sentence that lasts more than one second when it is spoken.")
        error = openai_error(await transcribe(client, audio), 413)
        assert error["code"] == "audio_too_long" and "max_audio_seconds" in error["message"]
        assert fake.calls == []
