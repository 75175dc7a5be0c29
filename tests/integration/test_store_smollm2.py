"""The conversation store behind a real `causerie serve` on SmolLM2, on SQLite and on PostgreSQL:
crash safety (SIGKILL mid-answer, restart, nothing lost or corrupted) and stored API keys through the
official openai SDK."""

from __future__ import annotations

import json
import signal
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import openai
import pytest

from causerie.store import Store

from .causerie_it import MODEL, ServerProcess, launch_server, run_cli, sdk_client

pytestmark = pytest.mark.integration
COUNTING = "Compte de 1 à 500 en chiffres, un nombre par ligne, sans rien d'autre."


def store_config(database_url: str, **extra: object) -> str:
    lines = [f'database_url = "{database_url}"', "store_flush_ms = 100"]
    lines += [f"{key} = {value}" for key, value in extra.items()]
    return "\n".join(lines) + "\n"


@pytest.fixture
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("home-store")


@pytest.fixture
def servers() -> Iterator[list[ServerProcess]]:
    started: list[ServerProcess] = []
    yield started
    for server in started:
        server.stop()


def start(servers: list[ServerProcess], home: Path, database_url: str, **extra: object) -> ServerProcess:
    server = launch_server(f"store-{len(servers)}", home, config_toml=store_config(database_url, **extra))
    servers.append(server)
    return server


def stream_until_killed(server: ServerProcess, conversation: str, min_deltas: int = 20) -> str:
    """Stream an answer, SIGKILL the server once `min_deltas` pieces arrived (and a flush had time to
    happen), and return the text the client saw."""
    seen: list[str] = []
    started = time.monotonic()
    with server.http() as client, client.stream(
            "POST", f"/api/conversations/{conversation}/messages",
            json={"content": COUNTING, "max_tokens": 1500, "temperature": 0}) as response:
        assert response.status_code == 200
        for line in response.iter_lines():
            if not line.startswith("data: {"):
                continue
            event = json.loads(line[6:])
            assert event.get("type") != "end", "the answer ended before the kill: make it longer"
            if event.get("type") == "delta":
                seen.append(event["content"])
            if len(seen) >= min_deltas and time.monotonic() - started > 1.0:
                server.process.send_signal(signal.SIGKILL)
                server.process.wait(timeout=10)
                break
    assert server.process.returncode == -signal.SIGKILL
    return "".join(seen)


def assert_database_intact(database_url: str) -> None:
    if database_url.startswith("sqlite"):
        path = database_url.removeprefix("sqlite:///")
        with sqlite3.connect(path) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            connection.execute("INSERT INTO messages_fts(messages_fts) VALUES ('integrity-check')")
    store = Store.open(database_url)
    try:
        info = store.info()
        assert info["revision"] == info["head"]
        assert store.search(store.get_user("local").id, "Compte")
    finally:
        store.close()


def test_sigkill_during_a_streamed_answer_loses_nothing(database_url, home, servers):
    server = start(servers, home, database_url)
    with server.http() as client:
        conversation = client.post("/api/conversations", json={"title": "crash"}).json()["id"]
    seen = stream_until_killed(server, conversation)
    assert seen.strip()

    assert_database_intact(database_url)
    restarted = start(servers, home, database_url)
    with restarted.http() as client:
        messages = client.get(f"/api/conversations/{conversation}").json()["messages"]
        assert [(m["role"], m["status"]) for m in messages] == [("user", "complete"), ("assistant", "interrupted")]
        assert messages[0]["content"] == COUNTING
        partial = messages[1]["content"]
        assert partial.strip() and seen.startswith(partial), (partial[:80], seen[:80])
        # The conversation goes on after the crash.
        after = client.post(f"/api/conversations/{conversation}/messages",
                            json={"content": "Merci, c'est tout.", "max_tokens": 8, "stream": False})
        assert after.status_code == 200, after.text
        assert after.json()["assistant_message"]["status"] == "complete"
        assert after.json()["user_message"]["seq"] == 3


def test_stored_keys_on_v1_with_the_openai_sdk(database_url, home, servers):
    env = {"CAUSERIE_DATABASE_URL": database_url}
    assert run_cli(["users", "add", "alice"], home, **env).returncode == 0
    created = run_cli(["keys", "create", "--user", "alice", "--rate-limit", "3"], home, **env)
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip()
    server = start(servers, home, database_url)
    with sdk_client(server, api_key=token) as sdk:
        reply = sdk.chat.completions.create(model=MODEL, max_tokens=8,
                                            messages=[{"role": "user", "content": "Bonjour !"}])
        assert reply.choices[0].message.content
        with httpx.Client(base_url=server.url, trust_env=False,
                          headers={"authorization": f"Bearer {token}"}) as client:
            assert client.get("/api/conversations").json()["total"] == 0  # /v1 stays stateless
        with pytest.raises(openai.RateLimitError) as limited:
            for _ in range(3):
                sdk.models.list()
        assert int(limited.value.response.headers["retry-after"]) >= 1
    with sdk_client(server, api_key="csk_00000000_wrong") as sdk, pytest.raises(openai.AuthenticationError):
        sdk.models.list()
    with sdk_client(server, api_key="unused") as sdk, pytest.raises(openai.AuthenticationError):
        sdk.models.list()
