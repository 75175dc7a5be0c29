"""The audio endpoints seen through the official `openai` SDK, against a live `causerie serve` on SmolLM2:
speech (whole and streamed), transcription in every format, and the errors an SDK user meets."""

from __future__ import annotations

import io
import time

import av
import openai
import pytest

from causerie.speech.wer import word_error_rate

from .causerie_it import ServerProcess, sdk_client
from .speech_it import ENGLISH, needs_whisper

pytestmark = pytest.mark.integration

STORY_WORDS = 500


@pytest.fixture(scope="module")
def speech_server(start_server) -> ServerProcess:
    # One Whisper thread: the machine has two, shared with the LLM and the test itself.
    return start_server("speech", config_toml="whisper_threads = 1\n")


@pytest.fixture(scope="module")
def audio_client(speech_server: ServerProcess):
    with sdk_client(speech_server).with_options(timeout=180.0) as sdk:
        yield sdk


def story(words: int) -> str:
    sentences = [sentence for _ in range(words // 80 + 1) for sentence in ENGLISH]
    text, count = [], 0
    for sentence in sentences:
        if count >= words:
            break
        text.append(sentence)
        count += len(sentence.split())
    return " ".join(text)


def test_speech_create(audio_client: openai.OpenAI) -> None:
    response = audio_client.audio.speech.create(model="tts-1", voice="alloy", input=ENGLISH[0],
                                                response_format="wav")
    data = response.read()
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.audio[0]
        assert stream.rate == 24000 and stream.codec_context.name == "pcm_s16le"
    assert response.response.headers["x-causerie-voice"] == "ava"


def test_speech_streams_a_long_story(audio_client: openai.OpenAI) -> None:
    """A 500-word story starts to arrive long before it is all synthesized and encoded."""
    start = time.perf_counter()
    with audio_client.audio.speech.with_streaming_response.create(
            model="tts-1-hd", voice="nova", input=story(STORY_WORDS), response_format="mp3") as response:
        chunks = response.iter_bytes()
        first = next(chunks)
        first_byte = time.perf_counter() - start
        total = len(first) + sum(len(chunk) for chunk in chunks)
    elapsed = time.perf_counter() - start
    print(f"story_first_byte_s={round(first_byte, 3)}")
    assert first and total > 500_000  # about 3 minutes of 64 kbit/s MP3
    assert first_byte < 1.0 and first_byte < elapsed / 3


@pytest.mark.parametrize(("fields", "error"), [
    ({"input": ""}, openai.BadRequestError),
    ({"voice": "zorglub"}, openai.BadRequestError),
    ({"response_format": "ogg"}, openai.BadRequestError),
    ({"model": "eleven"}, openai.NotFoundError),
])
def test_speech_errors_reach_the_sdk(audio_client: openai.OpenAI, fields: dict, error: type) -> None:
    request = {"model": "tts-1", "voice": "alloy", "input": ENGLISH[0]} | fields
    with pytest.raises(error) as caught:
        audio_client.audio.speech.create(**request)
    assert caught.value.body["message"]


@needs_whisper
def test_transcriptions_create(audio_client: openai.OpenAI) -> None:
    text = " ".join(ENGLISH[:3])
    wav = audio_client.audio.speech.create(model="tts-1", voice="echo", input=text, response_format="wav").read()
    transcript = audio_client.audio.transcriptions.create(model="whisper-1", file=("story.wav", wav),
                                                          language="en")
    assert word_error_rate(text, transcript.text) < 0.25, transcript.text
    verbose = audio_client.audio.transcriptions.create(model="whisper-1", file=("story.wav", wav),
                                                       response_format="verbose_json")
    assert verbose.language in {"en", "english"} and verbose.duration > 5 and verbose.segments
    srt = audio_client.audio.transcriptions.create(model="whisper-1", file=("story.wav", wav),
                                                   response_format="srt", language="en")
    assert "-->" in srt and srt.lstrip().startswith("1")
    vtt = audio_client.audio.transcriptions.create(model="whisper-1", file=("story.wav", wav),
                                                   response_format="vtt", language="en")
    assert vtt.startswith("WEBVTT")


def test_transcribing_what_is_not_audio_is_a_400(audio_client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        audio_client.audio.transcriptions.create(model="whisper-1", file=("notes.mp3", b"not audio at all"))
    assert caught.value.body["code"] == "invalid_audio_file"
