"""Stored API keys on /v1 and /api: users, scopes, expiry, revocation, isolation, rate limits, quotas;
settings keys and single-user mode alongside them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from causerie.api import create_app
from causerie.engines.fake import FakeEngine
from causerie.engines.pool import EnginePool
from causerie.settings import Settings
from causerie.store import Store
from causerie.store.records import now
from unit.helpers import BASE_URL, api_client, openai_error

CHAT = "/v1/chat/completions"
HELLO = {"messages": [{"role": "user", "content": "Bonjour"}]}
CONVERSATIONS = "/api/conversations"


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    opened = Store.open(database_url)
    for name in ("alice", "bob"):
        opened.add_user(name)
    yield opened
    opened.close()


def make_app(database_url: str, home: Path, fake: FakeEngine, **settings: object) -> FastAPI:
    return create_app(Settings(home=home, database_url=database_url, **settings), EnginePool([fake]))


@pytest.fixture
async def client(database_url, tmp_path, fake, store) -> AsyncIterator[httpx.AsyncClient]:
    app = make_app(database_url, tmp_path, fake)
    async with api_client(app) as http:
        yield http
    app.state.store.close()


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


async def test_a_stored_key_opens_v1_and_history(client, store):
    _, token = store.create_key("alice")
    assert (await client.post(CHAT, json=HELLO, headers=bearer(token))).status_code == 200
    assert (await client.get(CONVERSATIONS, headers=bearer(token))).status_code == 200


@pytest.mark.parametrize("headers", [{}, bearer("csk_00000000_nope"), bearer("unused"), {"authorization": "Basic x"}])
async def test_once_keys_exist_every_request_needs_one(client, store, headers):
    store.create_key("alice")
    for method, path in (("POST", CHAT), ("GET", CONVERSATIONS), ("GET", "/api/search?q=a"), ("GET", "/v1/models")):
        response = await client.request(method, path, json=HELLO if method == "POST" else None, headers=headers)
        assert openai_error(response, 401)["code"] == "invalid_api_key"
    assert (await client.get("/health")).status_code == 200


async def test_revoked_and_expired_keys_get_a_401_that_says_why(client, store):
    revoked, revoked_token = store.create_key("alice")
    store.revoke_key(revoked.prefix)
    _, expired_token = store.create_key("alice", expires_at=now() - timedelta(minutes=1))
    for token, code in ((revoked_token, "revoked_api_key"), (expired_token, "expired_api_key")):
        error = openai_error(await client.post(CHAT, json=HELLO, headers=bearer(token)), 401)
        assert error["code"] == code


async def test_scopes_limit_what_a_key_reaches(client, store):
    _, chat_only = store.create_key("alice", scopes=("chat",))
    _, history_only = store.create_key("alice", scopes=("history",))
    assert (await client.post(CHAT, json=HELLO, headers=bearer(chat_only))).status_code == 200
    assert openai_error(await client.get(CONVERSATIONS, headers=bearer(chat_only)), 403)["code"] == "insufficient_scope"
    assert openai_error(await client.post(CHAT, json=HELLO, headers=bearer(history_only)), 403)
    assert (await client.get(CONVERSATIONS, headers=bearer(history_only))).status_code == 200


async def test_a_user_never_sees_another_users_data(client, store):
    _, alice = store.create_key("alice")
    _, bob = store.create_key("bob")
    created = await client.post(CONVERSATIONS, json={"title": "Journal intime"}, headers=bearer(alice))
    conversation = created.json()["id"]
    await client.post(f"{CONVERSATIONS}/{conversation}/messages", json={"content": "mon secret"},
                      headers=bearer(alice))
    missing = openai_error(await client.get(f"{CONVERSATIONS}/does-not-exist", headers=bearer(bob)), 404)
    for method, path, body in (
        ("GET", f"{CONVERSATIONS}/{conversation}", None),
        ("PATCH", f"{CONVERSATIONS}/{conversation}", {"title": "à moi"}),
        ("DELETE", f"{CONVERSATIONS}/{conversation}", None),
        ("POST", f"{CONVERSATIONS}/{conversation}/messages", {"content": "coucou"}),
        ("GET", f"{CONVERSATIONS}/{conversation}/export", None),
        ("PUT", f"{CONVERSATIONS}/{conversation}/messages/2/feedback", {"rating": "down"}),
    ):
        response = await client.request(method, path, json=body, headers=bearer(bob))
        error = openai_error(response, 404)
        assert error["code"] in ("conversation_not_found", "message_not_found")
        assert error["message"].replace(conversation, "X") == missing["message"].replace("does-not-exist", "X") \
            or error["code"] == "message_not_found"
    assert (await client.get(CONVERSATIONS, headers=bearer(bob))).json()["total"] == 0
    assert (await client.get("/api/search", params={"q": "secret"}, headers=bearer(bob))).json()["data"] == []
    assert "secret" not in (await client.get("/api/me/export", headers=bearer(bob))).text
    mine = await client.get(f"{CONVERSATIONS}/{conversation}", headers=bearer(alice))
    assert mine.json()["title"] == "Journal intime"


async def test_the_rate_limit_answers_429_with_retry_after(client, store):
    _, token = store.create_key("alice", rate_limit_per_minute=2)
    for _ in range(2):
        assert (await client.post(CHAT, json=HELLO, headers=bearer(token))).status_code == 200
    response = await client.post(CHAT, json=HELLO, headers=bearer(token))
    assert openai_error(response, 429)["code"] == "rate_limit_exceeded"
    assert 1 <= int(response.headers["retry-after"]) <= 30
    _, other = store.create_key("bob", rate_limit_per_minute=2)  # per key, not global
    assert (await client.post(CHAT, json=HELLO, headers=bearer(other))).status_code == 200


async def test_the_token_quota_is_charged_and_enforced(client, store, fake):
    record, token = store.create_key("alice", token_quota_per_day=10)
    fake.queue("un deux trois quatre cinq six sept huit neuf dix onze")
    assert (await client.post(CHAT, json=HELLO, headers=bearer(token))).status_code == 200
    assert store.list_keys("alice")[0].tokens_used == 12  # 1 prompt + 11 completion tokens
    response = await client.post(CHAT, json=HELLO, headers=bearer(token))
    error = openai_error(response, 429)
    assert error["code"] == "quota_exceeded" and "12" in error["message"] and "10" in error["message"]
    assert 1 <= int(response.headers["retry-after"]) <= 86400


async def test_streamed_and_history_answers_are_charged_too(client, store, fake):
    _, token = store.create_key("alice")
    await client.post(CHAT, json={**HELLO, "stream": True}, headers=bearer(token))
    conversation = (await client.post(CONVERSATIONS, json={}, headers=bearer(token))).json()["id"]
    await client.post(f"{CONVERSATIONS}/{conversation}/messages", json={"content": "salut"}, headers=bearer(token))
    per_answer = 1 + len(fake_reply_words())
    assert store.list_keys("alice")[0].tokens_used == 2 * per_answer


def fake_reply_words() -> list[str]:
    from causerie.engines.fake import DEFAULT_REPLY

    return DEFAULT_REPLY.split()


async def test_settings_keys_still_work_and_are_the_local_user(database_url, tmp_path, fake, store):
    store.create_key("alice")
    app = make_app(database_url, tmp_path, fake, api_keys=["static-key"])
    async with api_client(app) as client:
        assert (await client.post(CHAT, json=HELLO, headers=bearer("static-key"))).status_code == 200
        created = await client.post(CONVERSATIONS, json={"title": "locale"}, headers=bearer("static-key"))
        assert created.status_code == 201
        openai_error(await client.post(CHAT, json=HELLO), 401)
    app.state.store.close()
    assert [c.title for c in store.list_conversations(store.get_user("local").id)[0]] == ["locale"]


async def test_single_user_mode_without_keys_is_for_loopback_only(database_url, tmp_path, fake):
    app = make_app(database_url, tmp_path, fake)
    async with api_client(app) as local:
        assert (await local.post(CONVERSATIONS, json={})).status_code == 201
        assert (await local.post(CHAT, json=HELLO, headers=bearer("unused"))).status_code == 200
    transport = httpx.ASGITransport(app=app, client=("192.0.2.7", 5000))
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as remote:
        error = openai_error(await remote.get(CONVERSATIONS), 401)
        assert "loopback" in error["message"]
    app.state.store.close()
