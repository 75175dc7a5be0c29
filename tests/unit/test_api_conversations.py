"""/api/conversations, /api/search and /api/me on a FakeEngine, against SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from causerie.api import create_app
from causerie.engines.fake import FakeEngine
from causerie.engines.pool import EnginePool
from causerie.errors import ContextOverflow
from causerie.settings import Settings
from unit.helpers import BASE_URL, StreamingASGITransport, api_client, openai_error, sse_json

CONVERSATIONS = "/api/conversations"
REPLY = "Le chat dort sur le canapé du salon."


@pytest.fixture
def app(database_url: str, tmp_path: Path, fake: FakeEngine) -> FastAPI:
    settings = Settings(home=tmp_path, database_url=database_url, store_flush_ms=0, max_message_chars=5000)
    return create_app(settings, EnginePool([fake]))


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with api_client(app) as http:
        yield http
    app.state.store.close()


async def new_conversation(client: httpx.AsyncClient, **fields: object) -> str:
    response = await client.post(CONVERSATIONS, json=fields)
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def say(client: httpx.AsyncClient, conversation_id: str, content: str, **fields: object) -> list[dict]:
    response = await client.post(f"{CONVERSATIONS}/{conversation_id}/messages",
                                 json={"content": content, **fields})
    assert response.status_code == 200, response.text
    return sse_json(response.text)


async def messages_of(client: httpx.AsyncClient, conversation_id: str) -> list[dict]:
    response = await client.get(f"{CONVERSATIONS}/{conversation_id}")
    assert response.status_code == 200, response.text
    return response.json()["messages"]


async def test_create_list_get_rename_delete(client):
    first = await new_conversation(client, title="Cuisine", system_prompt="Tu es chef.")
    second = await new_conversation(client)
    listing = (await client.get(CONVERSATIONS)).json()
    assert (listing["total"], listing["has_more"]) == (2, False)
    assert [c["id"] for c in listing["data"]] == [second, first]
    page = (await client.get(CONVERSATIONS, params={"limit": 1, "offset": 1})).json()
    assert [c["id"] for c in page["data"]] == [first] and page["has_more"] is False
    renamed = await client.patch(f"{CONVERSATIONS}/{first}", json={"title": "Recettes"})
    assert renamed.json()["title"] == "Recettes"
    detail = (await client.get(f"{CONVERSATIONS}/{first}")).json()
    assert (detail["title"], detail["system_prompt"], detail["messages"]) == ("Recettes", "Tu es chef.", [])
    deleted = await client.delete(f"{CONVERSATIONS}/{first}")
    assert deleted.json() == {"id": first, "object": "conversation.deleted", "deleted": True}
    openai_error(await client.get(f"{CONVERSATIONS}/{first}"), 404)
    openai_error(await client.delete(f"{CONVERSATIONS}/{first}"), 404)


async def test_a_streamed_answer_is_stored_with_its_facts(client, fake):
    fake.queue(REPLY)
    conversation = await new_conversation(client)
    events = await say(client, conversation, "Où dort le chat ?\nSuite", temperature=0.3, seed=7)
    assert [e["type"] for e in events] == ["start"] + ["delta"] * len(REPLY.split()) + ["end"]
    assert "".join(e["content"] for e in events if e["type"] == "delta") == REPLY
    assert events[0]["user_message"]["content"] == "Où dort le chat ?\nSuite"
    assert events[0]["causerie"]["ai_generated"] is True
    end = events[-1]["message"]
    assert (end["status"], end["content"], end["model"]) == ("complete", REPLY, "fake")
    assert end["usage"]["completion_tokens"] == len(REPLY.split())
    assert end["decoding"] == {"temperature": 0.3, "seed": 7}
    assert end["timings"]["ttft_ms"] >= 0 and end["model_sha256"] == "0" * 64
    stored = await messages_of(client, conversation)
    assert [(m["role"], m["status"]) for m in stored] == [("user", "complete"), ("assistant", "complete")]
    assert stored[1]["content"] == REPLY
    detail = (await client.get(f"{CONVERSATIONS}/{conversation}")).json()
    assert detail["title"] == "Où dort le chat ?"


async def test_a_plain_answer_and_the_history_sent_to_the_engine(client, fake):
    fake.queue("Réponse un", "Réponse deux")
    conversation = await new_conversation(client, system_prompt="Sois bref.")
    first = await client.post(f"{CONVERSATIONS}/{conversation}/messages", json={"content": "Un", "stream": False})
    assert first.status_code == 200, first.text
    assert first.json()["assistant_message"]["content"] == "Réponse un"
    await client.post(f"{CONVERSATIONS}/{conversation}/messages", json={"content": "Deux", "stream": False})
    assert fake.requests[-1].messages == [
        {"role": "system", "content": "Sois bref."}, {"role": "user", "content": "Un"},
        {"role": "assistant", "content": "Réponse un"}, {"role": "user", "content": "Deux"}]


async def test_a_client_that_leaves_mid_answer_leaves_it_interrupted(app, client):
    slow = app.state.services.pool.get(None)
    slow.delay = 0.05
    slow.queue(" ".join(f"mot{i}" for i in range(200)))
    conversation = await new_conversation(client)
    async with httpx.AsyncClient(transport=StreamingASGITransport(app), base_url=BASE_URL) as streaming:
        async with streaming.stream("POST", f"{CONVERSATIONS}/{conversation}/messages",
                                    json={"content": "Longue histoire"}) as response:
            seen = 0
            async for line in response.aiter_lines():
                seen += line.startswith("data: ")
                if seen == 6:
                    break
    for _ in range(100):
        stored = await messages_of(client, conversation)
        if slow.active == 0 and stored[1]["content"]:
            break
        await asyncio.sleep(0.05)
    assert stored[0]["content"] == "Longue histoire"
    assert stored[1]["status"] == "interrupted"
    assert stored[1]["content"].startswith("mot0 mot1 mot2") and "mot199" not in stored[1]["content"]
    slow.delay = 0
    fake_reply = await say(client, conversation, "encore ?")  # the conversation is usable again
    assert fake_reply[-1]["type"] == "end"


async def test_an_engine_refusal_keeps_the_question(client, fake):
    fake.queue(ContextOverflow(requested=9000, limit=4096))
    conversation = await new_conversation(client)
    response = await client.post(f"{CONVERSATIONS}/{conversation}/messages", json={"content": "trop long"})
    assert openai_error(response, 400)["code"] == "context_length_exceeded"
    stored = await messages_of(client, conversation)
    assert [(m["role"], m["status"]) for m in stored] == [("user", "complete"), ("assistant", "error")]
    assert "9000" in stored[1]["error"]


async def test_concurrent_messages_in_one_conversation_take_turns(app, client):
    engine = app.state.services.pool.get(None)
    engine.delay = 0.01
    engine.queue("première réponse longue", "seconde réponse")
    conversation = await new_conversation(client)
    await asyncio.gather(say(client, conversation, "A"), say(client, conversation, "B"))
    stored = await messages_of(client, conversation)
    assert [m["seq"] for m in stored] == [1, 2, 3, 4]
    assert [m["role"] for m in stored] == ["user", "assistant", "user", "assistant"]
    assert all(m["status"] == "complete" for m in stored)
    # The second question was asked with the first answer in its history.
    assert engine.requests[1].messages[1]["content"] == stored[1]["content"]


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 101}, {"offset": -1}, {"limit": "x"}])
async def test_bad_paging_is_a_400(client, params):
    assert openai_error(await client.get(CONVERSATIONS, params=params), 400)["param"] in ("limit", "offset")


async def test_paging_beyond_the_end_is_an_empty_page_that_says_how_many_there_are(client):
    await new_conversation(client)
    page = await client.get(CONVERSATIONS, params={"offset": 5})
    assert page.status_code == 200
    assert page.json()["data"] == [] and page.json()["total"] == 1 and page.json()["offset"] == 5


async def test_a_huge_message_is_a_413_and_nothing_is_stored(client):
    conversation = await new_conversation(client)
    response = await client.post(f"{CONVERSATIONS}/{conversation}/messages", json={"content": "x" * 6000})
    assert openai_error(response, 413)["param"] == "content"
    assert await messages_of(client, conversation) == []


@pytest.mark.parametrize("content,code", [("a\x00b", "nul"), ("\ud800", "utf8")])
async def test_text_the_databases_cannot_hold_is_a_400(client, content, code):
    conversation = await new_conversation(client)
    body = json.dumps({"content": content})  # \ud800 stays escaped: valid JSON, invalid Unicode
    response = await client.post(f"{CONVERSATIONS}/{conversation}/messages", content=body,
                                 headers={"content-type": "application/json"})
    assert openai_error(response, 400)["param"] == "content"
    assert await messages_of(client, conversation) == []


async def test_invalid_utf8_bytes_are_a_400(client):
    conversation = await new_conversation(client)
    response = await client.post(f"{CONVERSATIONS}/{conversation}/messages", content=b'{"content": "\xff\xfe"}',
                                 headers={"content-type": "application/json"})
    openai_error(response, 400)


async def test_unknown_ids_and_models(client):
    openai_error(await client.get(f"{CONVERSATIONS}/nope"), 404)
    openai_error(await client.post(f"{CONVERSATIONS}/nope/messages", json={"content": "hi"}), 404)
    assert openai_error(await client.post(CONVERSATIONS, json={"model": "nope"}), 404)["param"] == "model"


async def test_search_export_and_feedback(client, fake):
    fake.queue("Les girafes mangent des feuilles d'acacia.")
    conversation = await new_conversation(client, title="Savane")
    events = await say(client, conversation, "Que mangent les girafes ?")
    answer_id = events[-1]["message"]["id"]
    hits = (await client.get("/api/search", params={"q": "girafes"})).json()["data"]
    assert {h["role"] for h in hits} == {"user", "assistant"} and hits[0]["conversation_title"] == "Savane"
    assert (await client.get("/api/search", params={"q": "?!"})).json()["data"] == []  # no word: no match
    openai_error(await client.get("/api/search", params={"q": ""}), 400)
    put = await client.put(f"{CONVERSATIONS}/{conversation}/messages/{answer_id}/feedback",
                           json={"rating": "up", "comment": "précis"})
    assert put.json()["rating"] == "up"
    openai_error(await client.put(f"{CONVERSATIONS}/{conversation}/messages/{answer_id}/feedback",
                                  json={"rating": "meh"}), 400)
    exported = await client.get(f"{CONVERSATIONS}/{conversation}/export")
    document = exported.json()
    assert document["conversations"][0]["messages"][1]["feedback"]["comment"] == "précis"
    assert "attachment" in exported.headers["content-disposition"]
    markdown = await client.get("/api/me/export", params={"format": "markdown"}, headers={"accept-language": "fr"})
    assert markdown.headers["content-type"].startswith("text/markdown")
    assert "# Savane" in markdown.text and "acacia" in markdown.text and "👍 précis" in markdown.text
    openai_error(await client.get("/api/me/export", params={"format": "pdf"}), 400)


async def test_erasing_my_data(client, fake):
    conversation = await new_conversation(client)
    await say(client, conversation, "oubliez-moi")
    gone = (await client.delete("/api/me")).json()
    assert (gone["conversations"], gone["account_deleted"]) == (1, False)
    assert (await client.get(CONVERSATIONS)).json()["total"] == 0
    assert (await client.get("/api/search", params={"q": "oubliez"})).json()["data"] == []


async def test_an_unreachable_database_is_a_503_while_v1_keeps_serving(tmp_path, fake):
    settings = Settings(home=tmp_path, database_url="postgresql+psycopg://u:pw@127.0.0.1:1/db")
    app = create_app(settings, EnginePool([fake]))
    async with api_client(app) as client:
        response = await client.get(CONVERSATIONS)
        error = openai_error(response, 503)
        assert error["code"] == "service_unavailable" and "pw" not in error["message"]
        assert response.headers["retry-after"] == "5"
        chat = await client.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": "hi"}]})
        assert chat.status_code == 200, chat.text


async def test_the_server_applies_the_retention_policy(database_url, tmp_path, fake):
    from datetime import timedelta

    from sqlalchemy import text

    from causerie.store import Store
    from causerie.store.records import now

    store = Store.open(database_url)
    user = store.ensure_user("local", admin=True)
    old, recent = store.create_conversation(user.id), store.create_conversation(user.id)
    with store.engine.begin() as connection:
        connection.execute(text("UPDATE conversations SET updated_at = :at WHERE id = :id"),
                           {"at": now() - timedelta(days=31), "id": old.id})
    app = create_app(Settings(home=tmp_path, database_url=database_url, retention_days=30), EnginePool([fake]))
    async with app.router.lifespan_context(app):
        for _ in range(100):
            if store.list_conversations(user.id)[1] == 1:
                break
            await asyncio.sleep(0.05)
    assert [c.id for c in store.list_conversations(user.id)[0]] == [recent.id]
    store.close()


# --- DELETE …/messages?from=ID: what regenerate and edit-and-resend stand on ---------------------------
async def test_regenerate_drops_the_last_answer_and_the_history_follows(client, fake):
    fake.queue("Premier.", "Deuxième.", "Troisième.")
    conversation = await new_conversation(client)
    await say(client, conversation, "Un")
    await say(client, conversation, "Deux")
    messages = await messages_of(client, conversation)
    second_question = messages[2]
    response = await client.delete(f"{CONVERSATIONS}/{conversation}/messages", params={"from": second_question["id"]})
    assert response.status_code == 200, response.text
    assert response.json() == {"object": "conversation.messages.deleted", "conversation_id": conversation,
                               "deleted": 2}
    assert [m["content"] for m in await messages_of(client, conversation)] == ["Un", "Premier."]
    await say(client, conversation, "Deux, autrement")  # edit-and-resend: the engine sees the shorter history
    assert [m["content"] for m in fake.requests[-1].messages] == ["Un", "Premier.", "Deux, autrement"]
    assert [m["seq"] for m in await messages_of(client, conversation)] == [1, 2, 3, 4]


async def test_deleted_messages_leave_the_search_index(client, fake):
    fake.queue("Une réponse sur les ratatouilles.")
    conversation = await new_conversation(client)
    await say(client, conversation, "Parle-moi de ratatouille")
    first = (await messages_of(client, conversation))[0]
    await client.delete(f"{CONVERSATIONS}/{conversation}/messages", params={"from": first["id"]})
    assert (await client.get("/api/search", params={"q": "ratatouille"})).json()["data"] == []


async def test_unknown_messages_and_conversations_are_404s(client, fake):
    conversation = await new_conversation(client)
    error = openai_error(await client.delete(f"{CONVERSATIONS}/{conversation}/messages", params={"from": 999}), 404)
    assert error["code"] == "message_not_found" and error["param"] == "from"
    error = openai_error(await client.delete(f"{CONVERSATIONS}/nope/messages", params={"from": 1}), 404)
    assert error["code"] == "conversation_not_found"
    openai_error(await client.delete(f"{CONVERSATIONS}/{conversation}/messages"), 400)  # `from` is required


async def test_another_conversations_message_is_not_found(client, fake):
    fake.queue("A.")
    first, second = await new_conversation(client), await new_conversation(client)
    await say(client, first, "question")
    message = (await messages_of(client, first))[0]
    openai_error(await client.delete(f"{CONVERSATIONS}/{second}/messages", params={"from": message["id"]}), 404)
    assert len(await messages_of(client, first)) == 2
