"""Remote pools (docs/remote-pools.md): a remote model served by several upstream servers. Real HTTP on
127.0.0.1 only: small scripted upstreams and causerie apps with a FakeEngine, served by uvicorn in threads;
ports where nothing listens stand for dead servers. Every wait is bounded."""

from __future__ import annotations

import asyncio
import json
import re
import socket
import threading
import time
import tomllib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest
import uvicorn
from pydantic import ValidationError

from causerie.api import create_app
from causerie.engines import upstreams as upstreams_module
from causerie.engines.base import Chunk, GenerationRequest
from causerie.engines.fake import FakeEngine, fake_card
from causerie.engines.pool import EnginePool
from causerie.engines.remote import RemoteEngine
from causerie.engines.upstreams import PoolUnavailable, Upstreams, probe_delay
from causerie.errors import UpstreamError
from causerie.models.card import ModelCard
from causerie.models.catalog import Catalog
from causerie.settings import RemoteModel, Settings
from unit.helpers import api_client

DOCS = Path(__file__).resolve().parents[2] / "docs" / "remote-pools.md"
WAIT = 5.0  # the longest any test waits for a server or a state


def wait_for(condition: Callable[[], bool], timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.01)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def dead_url() -> str:
    return f"http://127.0.0.1:{free_port()}/v1"  # nothing listens there


class Served:
    """An ASGI app served by uvicorn on 127.0.0.1 in a thread. `stop()` shuts it down gracefully; `kill()`
    makes it die at once: it stops listening and resets every open connection, mid-stream or not."""

    def __init__(self, app: Any, port: int = 0, lifespan: str = "off"):
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a revived server takes the same port
        sock.bind(("127.0.0.1", port))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(app, lifespan=lifespan, log_level="critical", access_log=False,
                                timeout_graceful_shutdown=1)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [sock]}, daemon=True)
        self.thread.start()
        wait_for(lambda: self.server.started)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(WAIT)
        assert not self.thread.is_alive()

    def kill(self) -> None:
        dead = threading.Event()

        def die() -> None:  # in the server's loop: asyncio objects are not thread-safe
            for listener in self.server.servers:
                listener.close()
            for connection in list(self.server.server_state.connections):
                connection.transport.abort()
            dead.set()

        self.server.servers[0].get_loop().call_soon_threadsafe(die)
        assert dead.wait(WAIT)
        self.stop()


class Scripted:
    """A minimal OpenAI-style upstream: streams `words` as chat chunks. `hold` keeps each stream open after
    its first chunk until set; `break_after` drops the connection after that many chunks; `status` answers
    every POST with that error instead."""

    def __init__(self, words: tuple[str, ...] = ("Bon", "jour"), *, hold: threading.Event | None = None,
                 break_after: int | None = None, status: int = 200):
        self.words, self.hold, self.break_after, self.status = words, hold, break_after, status
        self.posts = self.active = self.probes = 0

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["method"] == "GET" and scope["path"].endswith("/models"):
            self.probes += 1
            return await self._json(send, 200, {"object": "list", "data": []})
        while (await receive()).get("more_body"):
            pass
        self.posts += 1
        if self.status != 200:
            return await self._json(send, self.status, {"error": {"message": f"scripted {self.status}"}})
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/event-stream")]})
        self.active += 1
        try:
            for position, word in enumerate(self.words):
                if position == self.break_after:
                    raise RuntimeError("scripted crash")  # uvicorn drops the connection
                await send({"type": "http.response.body", "body": event(word), "more_body": True})
                if position == 0 and self.hold is not None:
                    await asyncio.to_thread(self.hold.wait, WAIT)
            await send({"type": "http.response.body", "body": b"data: [DONE]\n\n"})
        finally:
            self.active -= 1

    @staticmethod
    async def _json(send: Callable, status: int, body: dict) -> None:
        headers = [(b"content-type", b"application/json")]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": json.dumps(body).encode()})


def event(word: str) -> bytes:
    chunk = {"choices": [{"index": 0, "delta": {"content": word}, "finish_reason": None}]}
    return b"data: " + json.dumps(chunk).encode() + b"\n\n"


@pytest.fixture
def serve() -> Iterator[Callable[..., Served]]:
    """Start servers; whatever is still running at the end is stopped."""
    started: list[Served] = []

    def start(app: Any, **options: Any) -> Served:
        started.append(Served(app, **options))
        return started[-1]

    yield start
    for served in started:
        if served.thread.is_alive():
            served.stop()


def pool_engine(urls: list[str], weights: list[int] | None = None, **options: Any) -> RemoteEngine:
    config = RemoteModel(name="gpu-pool", base_urls=urls, weights=weights, connect_timeout=1.0, timeout=10.0,
                         **options)
    return RemoteEngine(ModelCard(name="gpu-pool", engine="remote", base_url=urls[0]), config)


def ask() -> GenerationRequest:
    return GenerationRequest(messages=[{"role": "user", "content": "Salut"}])


def text_of(engine: RemoteEngine) -> str:
    return "".join(chunk.text for chunk in engine.generate(ask()))


def states(engine: RemoteEngine) -> dict[str, str]:
    return {item["url"]: item["state"] for item in engine.upstreams_status() or []}


# --- choice ----------------------------------------------------------------------------------------------


def test_least_busy_choice_follows_the_weights():
    pool = Upstreams("p", ["a", "b"], [2, 1])
    taken = [pool.acquire() for _ in range(6)]
    # 0/2 = 0/1: the heavier; then b (0 < 1/2); a (1/2 < 1/1); a (2/2 = 1/1, heavier); b (1/1 < 3/2); a.
    assert [u.url for u in taken] == ["a", "b", "a", "a", "b", "a"]
    for upstream in taken:
        pool.release(upstream)
    assert [item["in_flight"] for item in pool.status()] == [0, 0]
    assert pool.acquire(exclude={"a"}).url == "b"


def test_equal_servers_take_turns_and_the_down_ones_are_skipped():
    pool = Upstreams("p", ["a", "b", "c"])
    turns = []
    for _ in range(6):
        upstream = pool.acquire()
        turns.append(upstream.url)
        pool.release(upstream)
    assert sorted(turns) == ["a", "a", "b", "b", "c", "c"]
    pool.failed(pool._upstreams[1], "refused")  # no probe given: stays down
    assert {pool.acquire().url for _ in range(4)} == {"a", "c"}
    assert pool.acquire(exclude={"a", "c"}) is None and not pool.all_down()


def test_probe_backoff_doubles_from_one_second_up_to_thirty():
    assert [probe_delay(n) for n in range(1, 9)] == [1, 2, 4, 8, 16, 30, 30, 30]


def test_weights_split_concurrent_streams_between_real_servers(serve):
    hold = threading.Event()
    heavy, light = Scripted(hold=hold), Scripted(hold=hold)
    engine = pool_engine([serve(heavy).url, serve(light).url], weights=[2, 1])
    with engine, ThreadPoolExecutor(6) as workers:
        answers = [workers.submit(text_of, engine) for _ in range(6)]
        wait_for(lambda: heavy.active + light.active == 6)
        assert (heavy.active, light.active) == (4, 2)
        assert [item["in_flight"] for item in engine.upstreams_status()] == [4, 2]
        hold.set()
        assert [answer.result(WAIT) for answer in answers] == ["Bonjour"] * 6


def test_a_pool_has_slots_for_each_server():
    assert pool_engine([dead_url(), dead_url(), dead_url()]).capabilities.parallel_slots == 48
    single = RemoteEngine(ModelCard(name="one", engine="remote"), RemoteModel(name="one", base_url=dead_url()))
    assert single.capabilities.parallel_slots == 16 and single.upstreams_status() is None


# --- failover --------------------------------------------------------------------------------------------


def test_dead_server_is_skipped_with_no_failed_request(serve):
    live = Scripted()
    dead = dead_url()
    with pool_engine([dead, serve(live).url], weights=[2, 1]) as engine:  # the dead one is tried first
        assert [text_of(engine) for _ in range(10)] == ["Bonjour"] * 10
        status = {item["url"]: item for item in engine.upstreams_status()}
    assert live.posts == 10
    assert status[dead]["state"] == "down" and status[dead]["failures"] == 1  # met once, then skipped
    assert "refused" in status[dead]["last_error"].lower()


def test_server_that_stops_is_taken_out_and_the_others_serve(serve):
    first, second = Scripted(), Scripted()
    dying = serve(first)
    with pool_engine([dying.url, serve(second).url]) as engine:
        assert [text_of(engine) for _ in range(4)] == ["Bonjour"] * 4
        assert first.posts == 2 and second.posts == 2
        dying.stop()
        assert [text_of(engine) for _ in range(6)] == ["Bonjour"] * 6
        assert second.posts == 8
        assert states(engine)[dying.url] == "down"


def test_failure_before_the_first_chunk_moves_to_another_server(serve):
    broken, good = Scripted(break_after=0), Scripted()
    with pool_engine([serve(broken).url, serve(good).url], weights=[2, 1]) as engine:
        assert text_of(engine) == "Bonjour"
        assert (broken.posts, good.posts) == (1, 1)


def test_stream_failing_after_its_first_chunk_is_not_replayed(serve):
    broken, good = Scripted(("Bon", "jour", "!"), break_after=1), Scripted()
    breaking = serve(broken)
    with pool_engine([breaking.url, serve(good).url], weights=[2, 1]) as engine:
        received: list[Chunk] = []
        with pytest.raises(UpstreamError) as caught:
            for chunk in engine.generate(ask()):
                received.append(chunk)
        assert received == [Chunk(text="Bon")]
        assert good.posts == 0  # never replayed elsewhere
        assert states(engine)[breaking.url] == "down"
    error = caught.value
    assert error.key == "pool.stream_broken" and error.status == 502
    assert "gpu-pool" in error.message("fr") and "rejouée" in error.message("fr")
    assert "not replayed" in error.message("en")


def test_busy_server_is_skipped_but_kept_and_a_500_is_passed_through(serve):
    busy, good = Scripted(status=429), Scripted()
    with pool_engine([serve(busy).url, serve(good).url], weights=[2, 1]) as engine:
        assert text_of(engine) == "Bonjour"
        assert set(states(engine).values()) == {"up"}  # 429 means busy, not dead
    crashing, other = Scripted(status=500), Scripted()
    with pool_engine([serve(crashing).url, serve(other).url], weights=[2, 1]) as engine:
        with pytest.raises(UpstreamError) as caught:
            text_of(engine)
        assert other.posts == 0 and set(states(engine).values()) == {"up"}
    assert caught.value.status == 502 and "500" in caught.value.message("en")


def test_probe_brings_a_revived_server_back(serve, monkeypatch):
    monkeypatch.setattr(upstreams_module, "FIRST_PROBE_DELAY", 0.05)
    first, second = Scripted(), Scripted()
    dying = serve(first)
    port = dying.port
    with pool_engine([dying.url, serve(second).url], weights=[2, 1]) as engine:
        dying.stop()
        assert text_of(engine) == "Bonjour" and second.posts == 1
        assert states(engine)[dying.url] == "down"
        revived = Scripted()
        serve(revived, port=port)
        wait_for(lambda: states(engine)[dying.url] == "up")
        assert revived.probes >= 1
        assert text_of(engine) == "Bonjour" and revived.posts == 1  # the heavier server, idle again


def test_all_down_is_a_clear_503_at_once(tmp_path):
    urls = [dead_url(), dead_url()]
    with pool_engine(urls) as engine:
        with pytest.raises(PoolUnavailable) as caught:
            text_of(engine)
        started = time.monotonic()
        with pytest.raises(PoolUnavailable):
            text_of(engine)  # refused without trying the servers again
        assert time.monotonic() - started < 0.5
        assert [item["failures"] for item in engine.upstreams_status()] == [1, 1]
        problem = engine.health_problem()
        assert problem is not None and "gpu-pool" in problem and urls[0] in problem
    error = caught.value
    assert error.status == 503 and error.code == "upstream_unavailable" and int(error.headers["Retry-After"]) >= 1
    for lang, words in (("fr", "Aucun serveur"), ("en", "No server")):
        message = error.message(lang)
        assert words in message and "gpu-pool" in message and all(url in message for url in urls)


def test_credentials_in_a_url_are_never_shown():
    secret_url = f"http://user:s3cret@127.0.0.1:{free_port()}/v1"
    with pool_engine([secret_url]) as engine:
        with pytest.raises(PoolUnavailable) as caught:
            text_of(engine)
        shown = json.dumps(engine.upstreams_status()) + caught.value.message("fr") + str(engine.health_problem())
    assert "s3cret" not in shown and "user@" not in shown
    assert secret_url.replace("user:s3cret@", "") in shown


def test_close_stops_the_prober():
    engine = pool_engine([dead_url(), dead_url()])
    with pytest.raises(PoolUnavailable):
        text_of(engine)
    assert any(thread.name == "causerie-pool-gpu-pool" for thread in threading.enumerate())
    engine.close()
    wait_for(lambda: not any(thread.name == "causerie-pool-gpu-pool" for thread in threading.enumerate()))


# --- through causerie: /health, /v1/models, and the scenario with the OpenAI SDK ----------------


async def test_health_shows_the_upstreams_and_all_down_is_503(tmp_path):
    urls = [dead_url(), dead_url()]
    single = RemoteEngine(ModelCard(name="one", engine="remote"), RemoteModel(name="one", base_url=dead_url()))
    pool = EnginePool([pool_engine(urls), single])
    async with api_client(create_app(Settings(home=tmp_path), pool)) as client:
        health = (await client.get("/health")).json()
        assert [item["state"] for item in health["models"]["gpu-pool"]["upstreams"]] == ["up", "up"]
        assert "upstreams" not in health["models"]["one"]
        answer = await client.post("/v1/chat/completions", json={"model": "gpu-pool", "messages": [
            {"role": "user", "content": "x"}]})
        assert answer.status_code == 503 and int(answer.headers["retry-after"]) >= 1
        assert "gpu-pool" in answer.json()["error"]["message"]
        health = await client.get("/health")
    pool.close()
    assert health.status_code == 503
    model = health.json()["models"]["gpu-pool"]
    assert model["state"] == "unhealthy" and "gpu-pool" in model["problem"]
    assert [(item["url"], item["state"], item["weight"], item["in_flight"], item["failures"])
            for item in model["upstreams"]] == [(urls[0], "down", 1, 0, 1), (urls[1], "down", 1, 0, 1)]


def test_model_card_shows_the_pool(tmp_path):
    urls = ["http://gpu-a:8000/v1", "http://gpu-b:8000/v1", "http://gpu-c:8000/v1"]
    settings = Settings(home=tmp_path, remotes=[{"name": "gpu-pool", "model": "qwen", "base_urls": urls},
                                                {"name": "one", "base_url": "http://box:8000/v1"}])
    catalog = Catalog(settings)
    card = catalog.get("gpu-pool")
    assert card.base_url == urls[0]
    assert card.description == "qwen @ http://gpu-a:8000/v1 (+2: http://gpu-b:8000/v1, http://gpu-c:8000/v1)"
    assert catalog.get("one").description == "one @ http://box:8000/v1"


@dataclass
class Outcome:
    started: bool  # received output before it ended
    text: str
    error: str | None = None


def reply(prefix: str) -> str:
    return " ".join(f"{prefix}{i}" for i in range(20))  # tells which server wrote each word


def stream_once(sdk: openai.OpenAI, firsts: list[str]) -> Outcome:
    started, text = False, ""
    try:
        stream = sdk.chat.completions.create(model="gpu-pool", messages=[{"role": "user", "content": "Salut"}],
                                             stream=True)
        for chunk in stream:
            if chunk.choices and chunk.choices[0].delta.content:
                if not started:
                    firsts.append(chunk.choices[0].delta.content)
                started, text = True, text + chunk.choices[0].delta.content
    except openai.APIError as exc:
        return Outcome(started, text, str(exc))
    return Outcome(started, text)


def causerie_app(settings: Settings, pool: EnginePool | None = None) -> Any:
    app = create_app(settings, pool)
    # Open (and migrate) its store now, one app at a time: Alembic's migration context is process-global, and
    # three apps of one process opening their stores at once in worker threads crash SQLite.
    app.state.store.get()
    return app


def causerie_upstream(serve: Callable[..., Served], home: Path, prefix: str, delay: float) -> tuple[Served,
                                                                                                   FakeEngine]:
    fake = FakeEngine(fake_card("qwen"), replies=[reply(prefix)] * 100, delay=delay, slots=16)
    return serve(causerie_app(Settings(home=home), EnginePool([fake])), lifespan="on"), fake


def test_pool_of_three_one_dead_one_dying_loses_no_request_that_had_not_started(serve, tmp_path):
    """The issue's test: three upstreams, one dead and one that dies mid-test, behind a causerie front end
    driven by the OpenAI SDK (no SDK retries): zero failed requests among those that had not started
    streaming; those cut mid-stream end with an error, and nothing is replayed."""
    steady, steady_engine = causerie_upstream(serve, tmp_path / "b", "b", delay=0.005)
    dying, dying_engine = causerie_upstream(serve, tmp_path / "c", "c", delay=0.05)  # answers last 1 s
    dead = dead_url()
    remote = {"name": "gpu-pool", "model": "qwen", "base_urls": [dead, steady.url, dying.url],
              "connect_timeout": 1.0, "timeout": 10.0}
    front = serve(causerie_app(Settings(home=tmp_path / "front", model="gpu-pool", remotes=[remote])), lifespan="on")
    sdk = openai.OpenAI(base_url=f"http://127.0.0.1:{front.port}/v1", api_key="unused", max_retries=0, timeout=10)
    firsts: list[str] = []
    with sdk, ThreadPoolExecutor(12) as workers:
        before = [workers.submit(stream_once, sdk, firsts) for _ in range(12)]
        wait_for(lambda: sum(word.startswith("c") for word in firsts) >= 2)  # it streams answers: now it dies
        dying.kill()
        after = [workers.submit(stream_once, sdk, firsts) for _ in range(12)]
        outcomes = [future.result(WAIT * 2) for future in before + after]
        with httpx.Client(base_url=f"http://127.0.0.1:{front.port}", trust_env=False) as http:
            health = http.get("/health").json()["models"]["gpu-pool"]
    failed = [outcome for outcome in outcomes if outcome.error is not None]
    assert not [outcome for outcome in failed if not outcome.started], failed
    assert len(failed) >= 2  # the answers the dying server was streaming were cut
    for outcome in failed:  # a clean beginning of the dying server's answer: never replayed elsewhere
        assert reply("c").startswith(outcome.text) and outcome.text != reply("c")
        assert "gpu-pool" in outcome.error
    assert all(outcome.text in (reply("b"), reply("c")) for outcome in outcomes if outcome.error is None)
    assert [outcome.text for outcome in outcomes[12:]] == [reply("b")] * 12  # after the death: all served
    assert {item["url"]: item["state"] for item in health["upstreams"]} == {
        dead: "down", steady.url: "up", dying.url: "down"}
    assert len(steady_engine.requests) >= 12


# --- configuration, and the documented example ----------------------------------------------------------


@pytest.mark.parametrize(("fields", "mentions"), [
    ({"base_url": "http://a/v1", "base_urls": ["http://b/v1"]}, "base_urls"),
    ({}, "base_url"),
    ({"base_urls": []}, "base_urls"),
    ({"base_urls": ["http://a/v1", "http://b/v1"], "weights": [1]}, "weights"),
    ({"base_urls": ["http://a/v1", "http://b/v1"], "weights": [1, 0]}, "http://b/v1"),
    ({"base_urls": ["http://a/v1"], "weights": [-2]}, "-2"),
    ({"base_url": "http://a/v1", "weights": [1]}, "weights"),
    ({"base_urls": ["http://a/v1", "http://a/v1/"]}, "http://a/v1"),
    ({"base_urls": ["gpu-a:8000/v1"]}, "gpu-a:8000/v1"),
], ids=["both", "neither", "empty", "weights-length", "zero-weight", "negative-weight", "weights-alone",
        "duplicate", "no-scheme"])
def test_invalid_pool_configurations_are_refused_clearly(fields, mentions, monkeypatch):
    monkeypatch.setenv("LC_ALL", "fr_FR.UTF-8")
    with pytest.raises(ValidationError) as caught:
        RemoteModel(name="gpu-pool", **fields)
    message = str(caught.value)
    assert "« gpu-pool »" in message and mentions in message


def test_pool_configuration_defaults():
    config = RemoteModel(name="p", base_urls=["http://a/v1", "http://b/v1"])
    assert config.urls == ["http://a/v1", "http://b/v1"] and config.upstream_weights == [1, 1] and config.is_pool
    single = RemoteModel(name="s", base_url="http://a/v1")
    assert single.urls == ["http://a/v1"] and single.upstream_weights == [1] and not single.is_pool


def documented_example() -> str:
    text = DOCS.read_text(encoding="utf-8")
    block = re.search(r"<!-- pool-example:begin -->\s*```toml\n(.*?)```\s*<!-- pool-example:end -->", text, re.S)
    assert block, "docs/remote-pools.md lost its tested example"
    return block.group(1)


def test_the_documented_vllm_pool_is_a_valid_config(causerie_home):
    example = documented_example()
    (causerie_home / "config.toml").write_text(example, encoding="utf-8")
    settings = Settings()  # read from config.toml, as `causerie serve` does
    [remote] = settings.remotes
    assert remote.urls == tomllib.loads(example)["remotes"][0]["base_urls"] and len(remote.urls) == 3
    assert remote.upstream_weights == [2, 1, 1] and remote.model == "Qwen/Qwen2.5-7B-Instruct"
    with RemoteEngine.from_settings(Catalog(settings).get(remote.name), settings) as engine:
        assert engine.capabilities.parallel_slots == 48
        assert [item["url"] for item in engine.upstreams_status()] == remote.urls
