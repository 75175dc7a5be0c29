"""DELETE /api/conversations/{id}/messages?from=ID: what regenerate and edit-and-resend stand on."""

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
from unit.helpers import api_client, openai_error
from unit.test_api_conversations import CONVERSATIONS, messages_of, new_conversation, say


@pytest.fixture
def app(database_url: str, tmp_path: Path, fake: FakeEngine) -> FastAPI:
    settings = Settings(home=tmp_path, database_url=database_url, store_flush_ms=0)
    return create_app(settings, EnginePool([fake]))


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with api_client(app) as http:
        yield http
    app.state.store.close()


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
