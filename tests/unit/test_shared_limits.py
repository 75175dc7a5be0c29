"""Several front ends on one database: two `create_app` apps (two stores, two connection pools, two
FakeEngines) share a SQLite file or a PostgreSQL database, as several `causerie serve` processes behind a load
balancer would. Rate limits, token quotas and conversations hold across them."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from causerie.api import create_app
from causerie.api.limits import RateLimiter, check_rate
from causerie.engines.fake import DEFAULT_REPLY, FakeEngine
from causerie.engines.pool import EnginePool
from causerie.errors import RateLimited
from causerie.settings import Settings
from causerie.store import Store, StoreUnavailable
from unit.helpers import BASE_URL, api_client, openai_error, sse_json

openai = pytest.importorskip("openai")

CHAT = "/v1/chat/completions"
HELLO = [{"role": "user", "content": "Bonjour"}]
CONVERSATIONS = "/api/conversations"
PER_ANSWER = 1 + len(DEFAULT_REPLY.split())  # tokens charged for HELLO answered by the default reply


@dataclass
class FrontEnd:
    name: str
    fake: FakeEngine
    http: httpx.AsyncClient

    def sdk(self, token: str):  # noqa: ANN201 - openai.AsyncOpenAI
        return openai.AsyncOpenAI(api_key=token, base_url=f"{BASE_URL}/v1", http_client=self.http, max_retries=0)


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    """The operator's view of the shared database (`causerie keys create` and friends)."""
    opened = Store.open(database_url)
    opened.add_user("alice")
    yield opened
    opened.close()


@pytest.fixture
async def front_ends(database_url: str, tmp_path: Path, store: Store) -> AsyncIterator[tuple[FrontEnd, FrontEnd]]:
    apps, clients = [], []
    for name in ("a", "b"):
        fake = FakeEngine()
        settings = Settings(home=tmp_path / name, database_url=database_url, store_flush_ms=0)
        app = create_app(settings, EnginePool([fake]))
        apps.append(app)
        clients.append(FrontEnd(name, fake, api_client(app)))
    try:
        yield clients[0], clients[1]
    finally:
        for client, app in zip(clients, apps, strict=True):
            await client.http.aclose()
            app.state.store.close()


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


async def chat(front: FrontEnd, token: str) -> str:
    reply = await front.sdk(token).chat.completions.create(model="fake", messages=HELLO)
    return reply.choices[0].message.content


async def refused(front: FrontEnd, token: str) -> openai.RateLimitError:
    with pytest.raises(openai.RateLimitError) as caught:
        await chat(front, token)
    return caught.value


# --- rate limits ---
async def test_a_rate_limit_holds_across_front_ends(front_ends, store):
    a, b = front_ends
    _, token = store.create_key("alice", rate_limit_per_minute=4)
    for front in (a, b, a, b):  # the burst of 4, split across the two
        assert await chat(front, token) == DEFAULT_REPLY
    for front in (a, b):
        error = await refused(front, token)
        assert error.code == "rate_limit_exceeded" and "4" in error.message
        assert 1 <= int(error.response.headers["retry-after"]) <= 15  # one request every 15 s
    _, other = store.create_key("alice", rate_limit_per_minute=4)  # per key
    assert await chat(b, other) == DEFAULT_REPLY


async def test_the_rate_limit_counts_history_routes_too(front_ends, store):
    a, b = front_ends
    _, token = store.create_key("alice", rate_limit_per_minute=3)
    assert (await a.http.get(CONVERSATIONS, headers=bearer(token))).status_code == 200
    assert (await b.http.post(CONVERSATIONS, json={}, headers=bearer(token))).status_code == 201
    assert await chat(a, token) == DEFAULT_REPLY
    response = await b.http.get(CONVERSATIONS, headers=bearer(token))
    assert openai_error(response, 429)["code"] == "rate_limit_exceeded" and response.headers["retry-after"]


async def test_concurrent_requests_on_two_front_ends_never_exceed_the_limit(front_ends, store):
    a, b = front_ends
    limit, requests = 10, 40
    _, token = store.create_key("alice", rate_limit_per_minute=limit)
    started = time.monotonic()
    responses = await asyncio.gather(*[
        (a if i % 2 else b).http.post(CHAT, json={"messages": HELLO}, headers=bearer(token)) for i in range(requests)])
    elapsed = time.monotonic() - started
    statuses = [r.status_code for r in responses]
    refills = int(elapsed * limit / 60)  # the bucket refills one request every 6 s meanwhile
    assert limit <= statuses.count(200) <= limit + refills, (statuses, elapsed)
    assert statuses.count(429) == requests - statuses.count(200)
    assert all(int(r.headers["retry-after"]) >= 1 for r in responses if r.status_code == 429)
    assert len(a.fake.requests) + len(b.fake.requests) == statuses.count(200)


def test_the_stored_bucket_refills_at_the_rate_and_caps_at_the_limit(store):
    key, _ = store.create_key("alice")
    t = 2_000_000_000.0  # the database's clock is overridden here, to be exact
    assert [store.take_request(key.id, 3, at=t)[0] for _ in range(4)] == [True, True, True, False]
    granted, wait = store.take_request(key.id, 3, at=t + 5)  # a third of the way to the next one
    assert not granted and wait == pytest.approx(15.0)
    assert store.take_request(key.id, 3, at=t + 20) == (True, 0.0)
    assert store.take_request(key.id, 3, at=t + 10)[0] is False  # an older reading refills nothing
    assert [store.take_request(key.id, 3, at=t + 3600)[0] for _ in range(4)] == [True, True, True, False]  # cap
    assert store.take_request(key.id, 6, at=t + 3610)[0] is True  # a changed limit applies at once: 6/min
    assert [store.take_request(key.id, 2, at=t + 7200)[0] for _ in range(3)] == [True, True, False]  # 2 at most


def test_concurrent_takes_through_two_stores_grant_exactly_the_limit(store, database_url):
    key, _ = store.create_key("alice")
    other = Store.open(database_url)  # a second front end: its own engine and pool
    limit, threads, each = 30, 8, 10
    granted: list[bool] = []
    lock = threading.Lock()
    barrier = threading.Barrier(threads)

    def work(index: int) -> None:
        mine = store if index % 2 else other
        barrier.wait()
        for _ in range(each):
            result = mine.take_request(key.id, limit, at=2_000_000_000.0)[0]  # a frozen clock: no refill
            with lock:
                granted.append(result)

    workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    other.close()
    assert len(granted) == threads * each
    assert granted.count(True) == limit


def test_a_bucket_goes_with_its_key(store):
    key, _ = store.create_key("alice")
    store.take_request(key.id, 5)
    store.delete_user("alice")
    with store.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM rate_buckets")).scalar() == 0


def test_while_the_store_is_unreachable_this_process_counts():
    class Down:
        def take_request(self, key_id: int, per_minute: int) -> tuple[bool, float]:
            raise StoreUnavailable("sqlite://", "gone")

    fallback = RateLimiter()
    for _ in range(2):
        check_rate(7, 2, Down(), fallback)
    with pytest.raises(RateLimited) as caught:
        check_rate(7, 2, Down(), fallback)
    assert caught.value.key == "auth.rate_limited"
    check_rate(7, 0, Down(), fallback)  # 0: no limit


# --- token quotas ---
async def test_a_quota_charged_on_one_front_end_stops_the_other_at_once(front_ends, store):
    a, b = front_ends
    _, token = store.create_key("alice", token_quota_per_day=10, rate_limit_per_minute=0)
    a.fake.queue("un deux trois quatre cinq six sept huit neuf dix onze")
    await chat(a, token)  # 1 prompt + 11 completion tokens: past the quota
    error = await refused(b, token)
    assert error.code == "quota_exceeded" and "12" in error.message and "10" in error.message
    assert 1 <= int(error.response.headers["retry-after"]) <= 86400
    openai_error(await a.http.post(CHAT, json={"messages": HELLO}, headers=bearer(token)), 429)


async def test_one_request_at_a_time_overshoots_by_at_most_the_last_one(front_ends, store):
    a, b = front_ends
    quota = 3 * PER_ANSWER - 1
    _, token = store.create_key("alice", token_quota_per_day=quota, rate_limit_per_minute=0)
    for front in (a, b, a):  # admitted while the shared count is below the quota: 0, 1 and 2 answers
        await chat(front, token)
    for front in (b, a):
        assert (await refused(front, token)).code == "quota_exceeded"
    used = store.list_keys("alice")[0].tokens_used
    assert used == 3 * PER_ANSWER and used - quota < PER_ANSWER


async def test_concurrent_charges_on_two_front_ends_are_all_counted(front_ends, store):
    a, b = front_ends
    _, token = store.create_key("alice", rate_limit_per_minute=0)
    requests = 30
    responses = await asyncio.gather(*[
        (a if i % 2 else b).http.post(CHAT, json={"messages": HELLO}, headers=bearer(token)) for i in range(requests)])
    assert [r.status_code for r in responses] == [200] * requests
    assert store.list_keys("alice")[0].tokens_used == requests * PER_ANSWER  # no lost update


async def test_concurrent_requests_overshoot_the_quota_by_at_most_those_in_flight(front_ends, store):
    a, b = front_ends
    quota, requests = 5 * PER_ANSWER, 16
    _, token = store.create_key("alice", token_quota_per_day=quota, rate_limit_per_minute=0)
    a.fake.delay = b.fake.delay = 0.005  # answers take a while: several are in flight at once
    responses = await asyncio.gather(*[
        (a if i % 2 else b).http.post(CHAT, json={"messages": HELLO}, headers=bearer(token)) for i in range(requests)])
    served = [r.status_code for r in responses].count(200)
    assert all(r.status_code in (200, 429) for r in responses)
    used = store.list_keys("alice")[0].tokens_used
    assert used == served * PER_ANSWER  # each answer served was charged, once
    assert served >= 5 and used < quota + requests * PER_ANSWER
    for front in (a, b):  # and now both refuse
        assert openai_error(await front.http.post(CHAT, json={"messages": HELLO}, headers=bearer(token)),
                            429)["code"] == "quota_exceeded"


# --- conversations ---
async def test_a_conversation_started_on_one_front_end_goes_on_on_the_other(front_ends, store):
    a, b = front_ends
    _, token = store.create_key("alice")
    created = await a.http.post(CONVERSATIONS, json={"system_prompt": "Tu es concis."}, headers=bearer(token))
    conversation = created.json()["id"]
    a.fake.queue("Enchanté, Camille.")
    first = await a.http.post(f"{CONVERSATIONS}/{conversation}/messages",
                              json={"content": "Je m'appelle Camille et j'aime la ratatouille."},
                              headers=bearer(token))
    assert sse_json(first.text)[-1]["type"] == "end"
    b.fake.queue("Vous vous appelez Camille.")
    second = await b.http.post(f"{CONVERSATIONS}/{conversation}/messages",
                               json={"content": "Comment je m'appelle ?"}, headers=bearer(token))
    assert sse_json(second.text)[-1]["message"]["content"] == "Vous vous appelez Camille."
    assert [m["content"] for m in b.fake.requests[-1].messages] == [  # B's engine saw A's turn
        "Tu es concis.", "Je m'appelle Camille et j'aime la ratatouille.", "Enchanté, Camille.",
        "Comment je m'appelle ?"]
    for front in (b, a):
        detail = (await front.http.get(f"{CONVERSATIONS}/{conversation}", headers=bearer(token))).json()
        assert [(m["role"], m["status"]) for m in detail["messages"]] == [
            ("user", "complete"), ("assistant", "complete")] * 2
        assert [m["seq"] for m in detail["messages"]] == sorted(m["seq"] for m in detail["messages"])
    listing = (await b.http.get(CONVERSATIONS, headers=bearer(token))).json()
    assert [c["id"] for c in listing["data"]] == [conversation] and listing["total"] == 1
    hits = (await b.http.get("/api/search", params={"q": "ratatouille"}, headers=bearer(token))).json()["data"]
    assert [hit["conversation_id"] for hit in hits] == [conversation]
