"""`causerie chat` keeps its conversations in the store, as the server does: the same trimmed prompt, the
answer stored as it streams and marked as it ended, a title; `--continue` and `--conversation` resume one,
and the web chat's API lists what the terminal said."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from causerie.api import create_app
from causerie.cli import build_app
from causerie.cli import chat as chat_cli
from causerie.cli.chat import ChatSession
from causerie.conversations import LOCAL_USER
from causerie.conversations.stored import StoredChat
from causerie.engines.base import Chunk
from causerie.engines.fake import FakeEngine
from causerie.engines.pool import EnginePool
from causerie.settings import Settings
from causerie.store import Store
from causerie.store.models import COMPLETE, INTERRUPTED
from unit.helpers import api_client


@pytest.fixture
def store(tmp_path) -> Iterator[Store]:
    opened = Store.open(Settings(home=tmp_path).store_url)
    yield opened
    opened.close()


def session(tmp_path, store: Store, engine: FakeEngine, stored: StoredChat | None = None) -> ChatSession:
    stored = stored or StoredChat.new(store, model=engine.name, system="Sois bref.")
    return ChatSession(engine, Settings(home=tmp_path), "fr", "Sois bref.", stored=stored)


def test_a_terminal_chat_is_stored_titled_and_trimmed_like_the_servers(tmp_path, store):
    engine = FakeEngine(replies=["La Bastille.", "En 1789."])
    chat = session(tmp_path, store, engine)
    chat.reply("Que s'est-il passé le 14 juillet ?")
    chat.reply("Quand ?")
    user = store.get_user(LOCAL_USER)
    page, total = store.list_conversations(user.id)
    assert total == 1 and page[0].title == "Que s'est-il passé le 14 juillet ?"
    messages = store.get_conversation(user.id, page[0].id).messages
    assert [(m.role, m.content, m.status) for m in messages] == [
        ("user", "Que s'est-il passé le 14 juillet ?", COMPLETE), ("assistant", "La Bastille.", COMPLETE),
        ("user", "Quand ?", COMPLETE), ("assistant", "En 1789.", COMPLETE)]
    second = engine.requests[-1].messages
    assert second[0] == {"role": "system", "content": "Sois bref."} and second[-1]["content"] == "Quand ?"
    assert {"role": "assistant", "content": "La Bastille."} in second


def test_an_empty_chat_leaves_nothing(tmp_path, store):
    session(tmp_path, store, FakeEngine())
    assert store.list_conversations(store.get_user(LOCAL_USER).id)[1] == 0


def test_an_answer_stopped_by_ctrl_c_is_kept_as_far_as_it_went(tmp_path, store):
    class Interrupted(FakeEngine):
        def stream(self, request):
            yield Chunk(text="La prise ")
            raise KeyboardInterrupt

    chat = session(tmp_path, store, Interrupted())
    chat.reply("Que s'est-il passé ?")
    user = store.get_user(LOCAL_USER)
    conversation = store.list_conversations(user.id)[0][0]
    answer = store.get_conversation(user.id, conversation.id).messages[-1]
    assert answer.status == INTERRUPTED and answer.content == "La prise "


def test_continue_resumes_the_latest_with_its_history(tmp_path, store):
    first = session(tmp_path, store, FakeEngine(replies=["Bonjour !"]))
    first.reply("Salut")
    engine = FakeEngine(replies=["Toujours là."])
    resumed = session(tmp_path, store, engine, StoredChat.resume(store, None))
    resumed.reply("Tu es là ?")
    prompt = engine.requests[-1].messages
    assert [m["content"] for m in prompt[1:]] == ["Salut", "Bonjour !", "Tu es là ?"]
    assert store.list_conversations(store.get_user(LOCAL_USER).id)[1] == 1


async def test_the_web_chat_lists_what_the_terminal_said(tmp_path, store):
    session(tmp_path, store, FakeEngine(replies=["Oui."])).reply("Tu m'entends ?")
    app = create_app(Settings(home=tmp_path), EnginePool([FakeEngine()]))
    async with api_client(app) as http:
        listed = (await http.get("/api/conversations")).json()
    assert [c["title"] for c in listed["data"]] == ["Tu m'entends ?"]


def test_continue_with_nothing_to_continue_says_so(tmp_path, monkeypatch):
    monkeypatch.setattr(chat_cli, "load_engine", lambda *args: FakeEngine())
    result = CliRunner().invoke(build_app("fr"), ["--lang", "fr", "--home", str(tmp_path), "chat", "--continue"],
                                input="/quit\n")
    assert result.exit_code != 0 and "Aucune conversation à reprendre" in result.output


def test_no_save_stores_nothing_and_a_saved_chat_says_how_to_resume(tmp_path, monkeypatch):
    monkeypatch.setattr(chat_cli, "load_engine", lambda *args: FakeEngine(replies=["Oui."]))
    runner = CliRunner()
    unsaved = runner.invoke(build_app("fr"), ["--lang", "fr", "--home", str(tmp_path), "chat", "--no-save"],
                            input="Bonjour\n/quit\n")
    assert unsaved.exit_code == 0 and "--conversation" not in unsaved.output
    saved = runner.invoke(build_app("fr"), ["--lang", "fr", "--home", str(tmp_path), "chat"], input="Bonjour\n/quit\n")
    assert saved.exit_code == 0 and "causerie chat --conversation" in saved.output
    reopened = Store.open(Settings(home=tmp_path).store_url)
    try:
        assert reopened.list_conversations(reopened.get_user(LOCAL_USER).id)[1] == 1  # the --no-save one is not there
    finally:
        reopened.close()
