"""Fixtures of the unit suite: a FakeEngine served by the real app, reached in process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from causerie.api import create_app
from causerie.engines.fake import FakeEngine
from causerie.engines.pool import EnginePool
from causerie.settings import Settings
from unit.helpers import api_client


@pytest.fixture
def fake() -> FakeEngine:
    """The engine behind `app`: queue replies on it, read `fake.requests` after a call."""
    return FakeEngine()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path)


@pytest.fixture
def app(settings: Settings, fake: FakeEngine) -> FastAPI:
    return create_app(settings, EnginePool([fake]))


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with api_client(app) as http:
        yield http
