"""ClusterEngine on FakeEngine replicas in a real (local) Ray Serve: streaming, cancellation reaching the
replica, a replica killed under load, the 503 past the queue limit, /health's replica list, a replica lost
mid-answer leaving the stored answer `interrupted`, and nothing listening off loopback."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import openai
import pytest

from causerie.api import create_app
from causerie.cluster.engine import ClusterEngine
from causerie.engines.base import GenerationRequest
from causerie.engines.fake import fake_card
from causerie.engines.pool import EnginePool
from causerie.errors import ClusterError, ReplicaLost, ServerBusy
from causerie.settings import Settings

from .conftest import listening_off_loopback, ray_pids, served

pytestmark = pytest.mark.usefixtures("ray_cluster")
LONG_REPLY = " ".join(f"mot{i}" for i in range(400))
HELLO = [{"role": "user", "content": "Bonjour"}]


def settings_for(tmp: Path, **values: object) -> Settings:
    return Settings(home=tmp, replica_cpus=0.25, **values)


def start(tmp: Path, name: str, replicas: int, **engine_kwargs: object) -> ClusterEngine:
    return ClusterEngine.start(fake_card(name), settings_for(tmp, replicas=replicas), engine_kwargs=engine_kwargs)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cluster-home")


@pytest.fixture(scope="module")
def pair(home: Path) -> Iterator[ClusterEngine]:
    """Two replicas that stream a short reply, a word every 10 ms."""
    engine = start(home, "fake-pair", 2, delay=0.01)
    yield engine
    engine.close()


@pytest.fixture(scope="module")
def hanging(home: Path) -> Iterator[ClusterEngine]:
    """One replica that sends two words, then nothing until it is cancelled (4 slots)."""
    engine = start(home, "fake-hang", 1, hang_after=2, replies=[LONG_REPLY] * 64)
    yield engine
    engine.close()


def app_client(engine: ClusterEngine, home: Path) -> httpx.AsyncClient:
    app = create_app(Settings(home=home), EnginePool([engine]))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


async def test_a_stream_through_replicas_has_the_role_first_and_usage_last(pair: ClusterEngine, home: Path):
    async with app_client(pair, home) as http:
        sdk = openai.AsyncOpenAI(base_url="http://test/v1", api_key="unused", http_client=http)
        stream = await sdk.chat.completions.create(model="fake-pair", messages=HELLO, stream=True,
                                                   stream_options={"include_usage": True})
        chunks = [chunk async for chunk in stream]
    assert chunks[0].choices[0].delta.role == "assistant"
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "Bonjour ! Je suis un moteur factice."
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens == 7
    assert pair.capabilities.parallel_slots == 8  # 2 replicas x 4 slots, for the front end's queue


async def test_health_lists_the_replicas_with_id_node_and_state(pair: ClusterEngine, home: Path):
    async with app_client(pair, home) as http:
        health = (await http.get("/health")).json()
    model = health["models"]["fake-pair"]
    assert health["status"] == "ok" and model["engine"] == "cluster" and model["slots"] == 8
    assert len(model["replicas"]) == 2
    assert all(r["id"] and r["node"] and r["state"] == "RUNNING" for r in model["replicas"])
    assert {r["node"] for r in model["replicas"]} <= {n["id"] for n in model["nodes"] if n["alive"]}


def test_a_cancel_reaches_the_replica_and_frees_its_slot(hanging: ClusterEngine):
    request = GenerationRequest(messages=HELLO, max_tokens=1000)
    stream = hanging.stream(request)
    words = [next(stream).text for _ in range(2)]
    assert words[0]
    request.cancel.set()  # the client left, while the replica sends nothing
    stream.close()
    deadline = time.monotonic() + 5
    while (load := hanging._handle.load.remote().result(timeout_s=10))["running"]:
        assert time.monotonic() < deadline, f"the replica still runs the cancelled request: {load}"
        time.sleep(0.1)


def test_past_the_queue_limit_a_request_gets_a_503(hanging: ClusterEngine):
    hanging.admission.configure(max_queue=1, queue_timeout=30)
    requests = [GenerationRequest(messages=HELLO, max_tokens=1000) for _ in range(5)]
    streams = [hanging.stream(r) for r in requests]
    try:
        for stream in streams[:4]:  # the four slots of the one replica: each sends its first words
            assert next(stream).text
        assert next(streams[4]).waiting is not None  # the fifth waits in the front end's queue
        with pytest.raises(ServerBusy) as refused:
            next(hanging.stream(GenerationRequest(messages=HELLO)))
        assert refused.value.headers["Retry-After"]
    finally:
        for request, stream in zip(requests, streams, strict=True):
            request.cancel.set()
            stream.close()
        hanging.admission.configure(max_queue=None, queue_timeout=None)


def test_a_replica_killed_under_load(home: Path):
    """In-flight requests on the killed replica end with a clean error; the requests after it succeed."""
    import ray

    engine = start(home, "fake-kill", 2, delay=0.05, replies=[LONG_REPLY] * 64)
    try:
        outcomes: list[str] = []

        def one() -> None:
            try:
                for _ in engine.stream(GenerationRequest(messages=HELLO, max_tokens=60)):
                    pass
                outcomes.append("ok")
            except ReplicaLost:
                outcomes.append("lost")

        threads = [threading.Thread(target=one) for _ in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(0.5)
        victim = engine.replicas()[0]
        ray.kill(ray.get_actor(victim["actor_name"], namespace="serve"), no_restart=True)
        for thread in threads:
            thread.join(timeout=30)
        assert "lost" in outcomes and set(outcomes) <= {"ok", "lost"}, outcomes
        after = [list(engine.stream(GenerationRequest(messages=HELLO, max_tokens=3))) for _ in range(6)]
        assert all(any(c.text for c in chunks) for chunks in after)
    finally:
        engine.close()


def test_a_replica_lost_mid_answer_leaves_the_stored_answer_interrupted(home: Path, tmp_path: Path):
    import ray

    engine = start(home, "fake-crash", 1, hang_after=3, replies=[LONG_REPLY] * 8)
    try:
        app = create_app(Settings(home=tmp_path), EnginePool([engine]))
        with served(app) as url, httpx.Client(base_url=url, timeout=30, trust_env=False) as http:
            conversation = http.post("/api/conversations", json={}).json()["id"]
            with http.stream("POST", f"/api/conversations/{conversation}/messages",
                             json={"content": "Raconte", "stream": True}) as response:
                lines = response.iter_lines()
                for line in lines:
                    if '"delta"' in line:
                        break
                victim = engine.replicas()[0]
                ray.kill(ray.get_actor(victim["actor_name"], namespace="serve"), no_restart=True)
                rest = list(lines)
            assert any('"error"' in line for line in rest), rest
            stored = http.get(f"/api/conversations/{conversation}").json()["messages"]
        assert [m["role"] for m in stored] == ["user", "assistant"]
        assert stored[1]["status"] == "interrupted" and stored[1]["content"].startswith("mot0")
    finally:
        engine.close()


def test_too_few_cpus_says_how_many_the_replicas_need(home: Path):
    with pytest.raises(ClusterError) as caught:
        ClusterEngine.start(fake_card("fake-big"), Settings(home=home, replicas=9, replica_cpus=1))
    assert caught.value.key == "cluster.not_enough_cpus"
    assert "9" in caught.value.message("en") and "2" in caught.value.message("fr")


def test_nothing_ray_runs_listens_off_loopback(pair: ClusterEngine):
    assert listening_off_loopback(ray_pids()) == []


def test_a_wrong_ray_address_names_it_and_says_how_to_start_a_head(home: Path):
    started = time.monotonic()
    with pytest.raises(ClusterError) as caught:
        ClusterEngine.start(fake_card("fake-nowhere"), Settings(home=home, replicas=1, ray_address="127.0.0.1:9"))
    assert time.monotonic() - started < 10  # Ray alone would retry for minutes
    assert caught.value.key == "cluster.unreachable"
    assert "127.0.0.1:9" in caught.value.message("en") and "ray start --head" in caught.value.message("fr")


def test_cluster_status_shows_the_replicas(pair: ClusterEngine, home: Path):
    app = create_app(Settings(home=home), EnginePool([pair]))
    with served(app) as url:
        run = [sys.executable, "-m", "causerie", "--lang", "en", "cluster", "status", "--url", url]
        as_json = subprocess.run([*run, "--json"], capture_output=True, text=True, timeout=60, check=True)
        table = subprocess.run(run, capture_output=True, text=True, timeout=60, check=True)
    model = json.loads(as_json.stdout)["models"]["fake-pair"]
    assert len(model["replicas"]) == 2 and model["nodes"]
    assert "2 of 2 replica(s) running" in table.stdout and model["replicas"][0]["id"] in table.stdout
    gone = subprocess.run([*run[:-1], "http://127.0.0.1:9"], capture_output=True, text=True, timeout=60)
    assert gone.returncode == 1 and "http://127.0.0.1:9" in gone.stderr


def served_by_replica(engine: ClusterEngine, total: int) -> dict[str, int]:
    """Requests each replica has taken, from the loads they publish each second (bounded wait)."""
    deadline = time.monotonic() + 10
    while True:
        engine._replicas_seen = (-1.0, [])  # past the one-second cache: fresh loads
        served = {r["id"]: r["load"].get("served", 0) for r in engine.replicas()}
        if sum(served.values()) >= total or time.monotonic() > deadline:
            return served
        time.sleep(0.3)


def test_the_turns_of_a_conversation_go_to_one_replica_and_loads_are_shown(home: Path):
    engine = start(home, "fake-affinity", 2)
    try:
        before = served_by_replica(engine, 0)
        conversation = [{"role": "system", "content": "Tu es causerie."}, *HELLO]
        for turn in range(6):
            list(engine.stream(GenerationRequest(messages=conversation, max_tokens=3)))
            conversation = [*conversation, {"role": "assistant", "content": "Bien."},
                            {"role": "user", "content": f"Question {turn}"}]
        after = served_by_replica(engine, sum(before.values()) + 6)
        taken = sorted(after[r] - before.get(r, 0) for r in after)
        assert taken == [0, 6], after  # all six turns on one replica
        others = [[{"role": "user", "content": f"Conversation {i}"}] for i in range(16)]
        for messages in others:
            list(engine.stream(GenerationRequest(messages=messages, max_tokens=3)))
        spread = served_by_replica(engine, sum(after.values()) + 16)
        assert all(spread[r] > after[r] for r in spread), spread  # other conversations use both replicas
        load = engine.replicas()[0]["load"]
        assert load["slots"] == 4 and load["running"] == 0
    finally:
        engine.close()
