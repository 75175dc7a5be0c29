"""Audio in and out: streaming encoders for every response format, and decoding of uploaded audio.

Everything goes through PyAV (FFmpeg's libraries in a wheel, already needed by faster-whisper): it resamples
the voice's PCM to the output rate, and encodes MP3 (LAME), Opus (in Ogg), FLAC and AAC as bytes arrive, so
an HTTP response can send each sentence as soon as it is spoken. WAV and raw PCM are written by hand.
"""

from __future__ import annotations

import io
import struct
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass

import av
import numpy as np

from causerie.errors import InvalidRequest, PayloadTooLarge

WHISPER_RATE = 16000


@dataclass(frozen=True)
class AudioFormat:
    name: str
    media_type: str
    container: str | None = None  # FFmpeg muxer; None for wav/pcm, written by hand
    codec: str | None = None
    sample_format: str = "s16"  # what the codec wants
    bit_rate: int | None = None
    options: dict[str, str] | None = None  # the muxer's
    codec_options: dict[str, str] | None = None


FORMATS: dict[str, AudioFormat] = {
    f.name: f for f in (
        # LAME's quality 7 instead of 3: 1.7x faster here, no audible loss on a 64 kbit/s voice.
        AudioFormat("mp3", "audio/mpeg", "mp3", "libmp3lame", "s16p", 64_000, codec_options={"compression_level": "7"}),
        # Ogg pages of 0.2 s at most (default 1 s, and it holds them longer): each sentence leaves at once.
        AudioFormat("opus", "audio/ogg", "ogg", "libopus", "s16", 32_000, {"page_duration": "200000"}),
        AudioFormat("aac", "audio/aac", "adts", "aac", "fltp", 64_000),
        AudioFormat("flac", "audio/flac", "flac", "flac", "s16"),
        AudioFormat("wav", "audio/wav"),
        AudioFormat("pcm", "audio/pcm"),
    )
}


def audio_format(name: str) -> AudioFormat:
    if name not in FORMATS:
        raise InvalidRequest("speech.unknown_format", param="response_format", code="unsupported_format",
                             given=name, supported=", ".join(FORMATS))
    return FORMATS[name]


def wav_header(sample_rate: int, data_bytes: int = 0xFFFFFFFF) -> bytes:
    """A 16-bit mono WAV header. Streamed, the length is unknown: 0xFFFFFFFF, as OpenAI and FFmpeg do."""
    riff = 0xFFFFFFFF if data_bytes == 0xFFFFFFFF else 36 + data_bytes
    return (b"RIFF" + struct.pack("<I", riff) + b"WAVEfmt " + struct.pack("<IHHIIHH", 16, 1, 1, sample_rate,
            sample_rate * 2, 2, 16) + b"data" + struct.pack("<I", data_bytes))


class _Sink(io.RawIOBase):
    """A write-only, non-seekable file for FFmpeg: what it writes is taken away after each sentence."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data, self.parts = b"".join(self.parts), []
        return data


class Encoder(ABC):
    """PCM (s16 mono at `source_rate`) in, bytes of `fmt` at `rate` out, chunk by chunk."""

    def __init__(self, fmt: AudioFormat, source_rate: int, rate: int):
        self.fmt, self.source_rate, self.rate = fmt, source_rate, rate

    @abstractmethod
    def encode(self, pcm: bytes) -> bytes: ...

    @abstractmethod
    def finish(self) -> bytes: ...


class _Resampler:
    def __init__(self, source_rate: int, rate: int, sample_format: str):
        self.source_rate = source_rate
        self.resampler = av.AudioResampler(format=sample_format, layout="mono", rate=rate)

    def frames(self, pcm: bytes | None) -> list[av.AudioFrame]:
        if pcm is None:  # flush what the filter still holds
            return self.resampler.resample(None)
        samples = np.frombuffer(pcm, dtype="<i2").reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(samples, format="s16", layout="mono")
        frame.sample_rate = self.source_rate
        return self.resampler.resample(frame)


class RawEncoder(Encoder):
    """wav and pcm: resampled s16 samples, behind a streaming header for wav."""

    def __init__(self, fmt: AudioFormat, source_rate: int, rate: int):
        super().__init__(fmt, source_rate, rate)
        self.resampler = _Resampler(source_rate, rate, "s16")
        self.started = False

    def _bytes(self, frames: list[av.AudioFrame]) -> bytes:
        data = b"".join(frame.to_ndarray().astype("<i2").tobytes() for frame in frames)
        if not self.started and self.fmt.name == "wav":
            data = wav_header(self.rate) + data
        self.started = True
        return data

    def encode(self, pcm: bytes) -> bytes:
        return self._bytes(self.resampler.frames(pcm)) if pcm else b""

    def finish(self) -> bytes:
        return self._bytes(self.resampler.frames(None))


class CodecEncoder(Encoder):
    """mp3, opus, aac, flac through FFmpeg, muxed into a non-seekable stream."""

    def __init__(self, fmt: AudioFormat, source_rate: int, rate: int):
        super().__init__(fmt, source_rate, rate)
        self.sink = _Sink()
        # flush_packets: hand each packet over at once instead of filling a 32 KiB buffer first.
        options = {"flush_packets": "1", **(fmt.options or {})}
        self.container = av.open(self.sink, "w", format=fmt.container, options=options)
        self.stream = self.container.add_stream(fmt.codec, rate=rate, layout="mono", options=fmt.codec_options or {})
        if fmt.bit_rate:
            self.stream.bit_rate = fmt.bit_rate
        self.resampler = _Resampler(source_rate, rate, fmt.sample_format)

    def _mux(self, frames: list[av.AudioFrame | None]) -> bytes:
        for frame in frames:
            for packet in self.stream.encode(frame):
                self.container.mux(packet)
        return self.sink.take()

    def encode(self, pcm: bytes) -> bytes:
        return self._mux(self.resampler.frames(pcm)) if pcm else b""

    def finish(self) -> bytes:
        data = self._mux([*self.resampler.frames(None), None])  # None drains the codec
        self.container.close()
        return data + self.sink.take()


def encoder(fmt: AudioFormat, source_rate: int, rate: int) -> Encoder:
    return (CodecEncoder if fmt.container else RawEncoder)(fmt, source_rate, rate)


def decode(data: bytes, rate: int = WHISPER_RATE, max_seconds: float | None = None) -> np.ndarray:
    """Any audio file FFmpeg reads, as mono float32 at `rate` (what Whisper wants).

    Raises InvalidRequest (400) when `data` holds no decodable audio stream, and PayloadTooLarge (413) as soon
    as it passes `max_seconds`: a few MB of low-bitrate Opus can hold hours, i.e. GBs of samples."""
    limit = None if max_seconds is None else max_seconds * rate
    chunks: list[np.ndarray] = []
    samples = 0
    try:
        with av.open(io.BytesIO(data), "r") as container:
            if not container.streams.audio:
                raise InvalidRequest("speech.not_audio", param="file", code="invalid_audio_file")
            resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
            for decoded in _frames(container):
                for frame in resampler.resample(decoded):
                    chunks.append(frame.to_ndarray().reshape(-1))
                    samples += len(chunks[-1])
                if limit is not None and samples > limit:
                    raise PayloadTooLarge("speech.audio_too_long", param="file", code="audio_too_long",
                                          limit=round(max_seconds or 0))
    except (av.FFmpegError, ValueError, IndexError) as error:
        raise InvalidRequest("speech.not_audio", param="file", code="invalid_audio_file") from error
    if not chunks:
        raise InvalidRequest("speech.not_audio", param="file", code="invalid_audio_file")
    return np.concatenate(chunks).astype(np.float32)


def _frames(container: av.container.InputContainer) -> Iterator[av.AudioFrame | None]:
    yield from container.decode(audio=0)
    yield None  # flushes the resampler
