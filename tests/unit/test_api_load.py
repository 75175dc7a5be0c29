"""The server under load, in process on FakeEngines: a queued client gets its headers and a sign of life
at once, a full queue is a 503 with Retry-After naming the limit, a client that leaves the queue frees its
place, /health turns 503 when the engine is wedged or dead, /metrics shows the queue, streams never fall
silent, a skill never runs past its time limit, and /metrics and the docs can require a key."""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections.abc import AsyncIterator

import httpx
import pytest

from causerie.api import create_app
from causerie.engines.fake import FakeEngine
from causerie.engines.pool import EnginePool
from causerie.settings import Settings
from unit.helpers import BASE_URL, StreamingASGITransport, api_client, openai_error

CHAT = "/v1/chat/completions"
LONG = " ".join(f"mot{i}" for i in range(400))


def chat(stream: bool = True, **extra: object) -> dict:
    return {"messages": [{"role": "user", "content": "Bonjour"}], "stream": stream, **extra}


def served(tmp_path, engine: FakeEngine, **settings: object):
    return create_app(Settings(home=tmp_path, **settings), EnginePool([engine]))


@contextlib.asynccontextmanager
async def live(app) -> AsyncIterator[httpx.AsyncClient]:
    """A client whose streamed answers arrive as the app sends them, and that hangs up when closed."""
    async with httpx.AsyncClient(transport=StreamingASGITransport(app), base_url=BASE_URL, timeout=10) as http:
        yield http


async def first_line(response: httpx.Response, lines: AsyncIterator[str]) -> str:
    async for line in lines:
        if line:
            return line
    raise AssertionError("the stream ended without a line")


def health_of(body: dict) -> dict:
    return body["models"]["fake"]


async def wait_for(predicate, timeout: float = 3.0) -> None:
    deadline = time.monotonic() + timeout
    while not await predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.02)


async def test_a_queued_stream_starts_at_once_and_runs_when_a_slot_frees(tmp_path):
    engine = FakeEngine(replies=[LONG, "seconde réponse"], delay=0.01, slots=1)
    app = served(tmp_path, engine)
    async with live(app) as http, api_client(app) as plain:
        async with http.stream("POST", CHAT, json=chat()) as running:
            lines = running.aiter_lines()
            assert (await first_line(running, lines)).startswith("data:")
            started = time.monotonic()
            async with http.stream("POST", CHAT, json=chat()) as queued:
                queued_lines = queued.aiter_lines()
                assert queued.status_code == 200 and queued.headers["content-type"].startswith("text/event-stream")
                assert (await first_line(queued, queued_lines)).startswith("data:")  # the role chunk
                assert await first_line(queued, queued_lines) == ": queued, position 1"
                assert time.monotonic() - started < 1.0
                assert health_of((await plain.get("/health")).json())["queued"] == 1
                await running.aclose()  # the running client leaves: its slot goes to the queued one
                text = "".join([line async for line in queued_lines])
        assert "seconde" in text and text.rstrip().endswith("data: [DONE]")
        load = health_of((await plain.get("/health")).json())
        assert (load["in_flight"], load["queued"], load["busy_slots"]) == (0, 0, 0)


@pytest.mark.parametrize("stream", [True, False])
async def test_past_the_queue_limit_a_503_with_retry_after_names_the_limit(tmp_path, stream):
    engine = FakeEngine(replies=[LONG, LONG], delay=0.02, slots=1)
    app = served(tmp_path, engine, max_queue=1)
    async with live(app) as http, api_client(app) as plain:
        async with http.stream("POST", CHAT, json=chat()) as running, \
                http.stream("POST", CHAT, json=chat()) as queued:
            await first_line(running, running.aiter_lines())
            await first_line(queued, queued.aiter_lines())
            for lang in ("fr", "en"):
                response = await plain.post(CHAT, json=chat(stream=stream), headers={"Accept-Language": lang})
                error = openai_error(response, 503)
                assert error["code"] == "server_busy" and error["type"] == "server_error"
                assert "max_queue = 1" in error["message"] and "CAUSERIE_MAX_QUEUE" in error["message"]
                assert int(response.headers["retry-after"]) >= 1
        metrics = (await plain.get("/metrics")).text
        assert re.search(r'causerie_queue_refused_total\{model="fake",reason="queue_full"\} 2\.0', metrics)


async def test_a_client_that_leaves_the_queue_frees_its_place_at_once(tmp_path):
    engine = FakeEngine(replies=[LONG], delay=0.02, slots=1)
    app = served(tmp_path, engine)
    async with live(app) as http, api_client(app) as plain:
        async with http.stream("POST", CHAT, json=chat()) as running:
            await first_line(running, running.aiter_lines())
            async with http.stream("POST", CHAT, json=chat()) as queued:
                await first_line(queued, queued.aiter_lines())

            async def queue_empty() -> bool:
                return health_of((await plain.get("/health")).json())["queued"] == 0

            await wait_for(queue_empty, timeout=1.0)
            assert len(engine.requests) == 1  # the one that left never reached the engine


async def test_the_queue_wait_and_depth_are_in_the_metrics(tmp_path):
    engine = FakeEngine(replies=[LONG, "ok"], delay=0.01, slots=1)
    app = served(tmp_path, engine)
    async with live(app) as http, api_client(app) as plain:
        async with http.stream("POST", CHAT, json=chat()) as running:
            await first_line(running, running.aiter_lines())
            waiting = asyncio.ensure_future(plain.post(CHAT, json=chat(stream=False)))

            async def one_queued() -> bool:
                return health_of((await plain.get("/health")).json())["queued"] == 1

            await wait_for(one_queued)
            metrics = (await plain.get("/metrics")).text
            assert 'causerie_queue_depth{model="fake"} 1.0' in metrics
            assert 'causerie_generations_in_flight{model="fake"} 1.0' in metrics
        assert (await waiting).status_code == 200
        metrics = (await plain.get("/metrics")).text
    assert 'causerie_queue_wait_seconds_count{model="fake"} 1.0' in metrics
    assert 'causerie_queue_depth{model="fake"} 0.0' in metrics


async def test_health_is_503_while_the_engine_is_wedged_and_ok_once_it_is_freed(tmp_path):
    engine = FakeEngine(replies=[LONG], hang_after=2)
    app = served(tmp_path, engine, stall_timeout=0.3)
    async with live(app) as http, api_client(app) as plain:
        assert (await plain.get("/health")).status_code == 200
        async with http.stream("POST", CHAT, json=chat()) as stuck:
            await first_line(stuck, stuck.aiter_lines())
            await asyncio.sleep(0.5)
            for lang, word in (("fr", "rien produit"), ("en", "produced nothing")):
                response = await plain.get("/health", headers={"Accept-Language": lang})
                assert response.status_code == 503
                body = response.json()
                assert body["status"] == "unhealthy" and health_of(body)["state"] == "unhealthy"
                assert word in health_of(body)["problem"] and health_of(body)["stalled_s"] >= 0.3
        # The client left: the cancel reaches the wedged engine, which lets go; the server is healthy again.

        async def healthy() -> bool:
            return (await plain.get("/health")).status_code == 200

        await wait_for(healthy)


async def test_health_is_503_when_an_engine_is_dead(tmp_path):
    engine = FakeEngine()
    app = served(tmp_path, engine)
    async with api_client(app) as plain:
        engine.close()
        response = await plain.get("/health")
    assert response.status_code == 503 and health_of(response.json())["problem"] == "closed"


async def test_a_silent_stream_sends_keepalive_comments(tmp_path):
    engine = FakeEngine(replies=[LONG], hang_after=1)
    app = served(tmp_path, engine, sse_keepalive=0.1)
    async with live(app) as http, http.stream("POST", CHAT, json=chat()) as response:
        lines = response.aiter_lines()
        seen = [await first_line(response, lines) for _ in range(4)]
    assert seen[0].startswith("data:") and seen[1].startswith("data:")  # the role chunk, the first word
    assert seen[2:] == [": keep-alive", ": keep-alive"]


@pytest.mark.parametrize("stream", [False, True])
async def test_a_skill_past_its_time_limit_ends_with_a_clear_error_and_frees_the_engine(tmp_path, stream):
    engine = FakeEngine(replies=[LONG], hang_after=3)
    app = served(tmp_path, engine, skill_timeout=0.3)
    async with api_client(app) as plain:
        started = time.monotonic()
        response = await plain.post("/api/skills/explain", json={"code": "print(1)", "stream": stream},
                                    headers={"Accept-Language": "en"})
        assert time.monotonic() - started < 3
        if stream:
            assert response.status_code == 200
            assert '"code": "timeout"' in response.text and "0.3 s" in response.text
            assert response.text.rstrip().endswith("data: [DONE]")
        else:
            error = openai_error(response, 504)
            assert error["code"] == "timeout" and "explain" in error["message"] and "0.3 s" in error["message"]

        async def idle() -> bool:
            return health_of((await plain.get("/health")).json())["in_flight"] == 0

        await wait_for(idle)


async def test_metrics_and_docs_are_public_by_default(tmp_path):
    async with api_client(served(tmp_path, FakeEngine(), api_keys=["k"])) as plain:
        for path in ("/health", "/metrics", "/openapi.json", "/docs", "/redoc", "/api/ui/strings"):
            assert (await plain.get(path)).status_code == 200, path


async def test_the_operator_may_require_a_key_for_metrics_and_docs(tmp_path):
    app = served(tmp_path, FakeEngine(), api_keys=["k"], metrics_require_key=True, docs_require_key=True)
    async with api_client(app) as plain:
        for path in ("/metrics", "/openapi.json", "/docs", "/redoc"):
            openai_error(await plain.get(path), 401)
            assert (await plain.get(path, headers={"Authorization": "Bearer k"})).status_code == 200, path
        assert (await plain.get("/health")).status_code == 200  # probes stay open
