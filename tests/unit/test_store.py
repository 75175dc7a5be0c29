"""The store, on SQLite and on a real PostgreSQL (the `database_url` fixture runs each test on both)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import text

from causerie.errors import AuthError, CauserieError, Conflict, InvalidRequest, NotFound
from causerie.store import Store, StoreHandle, StoreUnavailable
from causerie.store.records import now

DOWN_URL = "postgresql+psycopg://nobody:secret@127.0.0.1:1/none"


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    opened = Store.open(database_url)
    yield opened
    opened.close()


@pytest.fixture
def alice(store: Store):
    return store.add_user("alice")


@pytest.fixture
def bob(store: Store):
    return store.add_user("bob")


def exchange(store: Store, user_id: int, conversation_id: str, question: str, answer: str) -> int:
    _, reply = store.begin_exchange(user_id, conversation_id, question, model="fake")
    store.finish_answer(reply.id, answer, "complete", prompt_tokens=3, completion_tokens=len(answer.split()))
    return reply.id


# --- opening and migrations ---
def test_opening_twice_keeps_the_schema_at_head(database_url):
    first = Store.open(database_url)
    first.add_user("alice")
    first.close()
    again = Store.open(database_url)
    info = again.info()
    assert info["revision"] == info["head"] == "0004"
    assert info["users"] == 1
    again.close()


def test_a_message_id_is_never_handed_out_twice(store, alice):
    conversation = store.create_conversation(alice.id)
    exchange(store, alice.id, conversation.id, "first", "one")
    last = exchange(store, alice.id, conversation.id, "second", "two")
    assert store.truncate_conversation(alice.id, conversation.id, last - 1) == 2
    question, _ = store.begin_exchange(alice.id, conversation.id, "again", model="fake")
    assert question.id > last  # SQLite without AUTOINCREMENT gave back the deleted ids


def test_upgrading_an_existing_sqlite_database_keeps_messages_feedback_and_search(tmp_path):
    from alembic import command

    from causerie.store.db import alembic_config, make_engine

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    with engine.begin() as connection:  # a database as the first release left it
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    engine.dispose()
    with make_engine(url).begin() as connection:
        stamp = "2026-01-01 00:00:00"
        connection.exec_driver_sql(f"INSERT INTO users VALUES (1, 'alice', 0, '{stamp}')")
        connection.exec_driver_sql(f"INSERT INTO conversations VALUES ('c1', 1, 'T', NULL, NULL, '{stamp}', '{stamp}')")
        for seq, (role, content) in enumerate([("user", "ratatouille niçoise"), ("assistant", "une recette")]):
            connection.exec_driver_sql(
                "INSERT INTO messages (id, conversation_id, user_id, seq, role, content, status, created_at, "
                f"updated_at) VALUES ({seq + 1}, 'c1', 1, {seq}, '{role}', '{content}', 'complete', '{stamp}', "
                f"'{stamp}')")
        connection.exec_driver_sql(f"INSERT INTO feedback VALUES (1, 2, 1, 1, 'bien', '{stamp}')")
    store = Store.open(url)  # runs 0002 and 0003
    assert store.info()["revision"] == "0004"
    with store.engine.connect() as connection:
        assert "AUTOINCREMENT" in connection.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE name = 'messages'").scalar()
        assert connection.exec_driver_sql("SELECT comment FROM feedback").scalar() == "bien"
    assert [hit.message_id for hit in store.search(1, "ratatouille")] == [1]
    exchange(store, 1, "c1", "et le dessert ?", "une tarte")
    assert [hit.message_id for hit in store.search(1, "dessert")] == [3]  # the rebuilt triggers index it
    store.close()


def test_sqlite_runs_in_wal_mode(tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 'c.db'}")
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    store.close()


def test_an_unreachable_database_is_a_503_with_the_password_hidden():
    with pytest.raises(StoreUnavailable) as caught:
        Store.open(DOWN_URL)
    assert caught.value.status == 503
    assert "secret" not in caught.value.message("en") and "127.0.0.1:1" in caught.value.message("en")


def test_the_handle_remembers_a_failure_then_retries():
    handle = StoreHandle(DOWN_URL, retry_after=60)
    with pytest.raises(StoreUnavailable):
        handle.get()
    with pytest.raises(StoreUnavailable):  # at once, from memory
        handle.get()
    handle.retry_after = 0
    with pytest.raises(StoreUnavailable):
        handle.get()


def test_a_bad_url_is_a_clear_error():
    with pytest.raises(CauserieError) as caught:
        Store.open("nosuchdb://x")
    assert caught.value.key == "store.bad_url"


def test_handle_does_not_create_a_sqlite_file_to_look_for_keys(tmp_path):
    handle = StoreHandle(f"sqlite:///{tmp_path / 'c.db'}")
    assert handle.may_hold_keys() is False
    assert not (tmp_path / "c.db").exists()


# --- users ---
def test_users_add_list_and_refuse_duplicates_and_bad_names(store, alice):
    with pytest.raises(Conflict):
        store.add_user("alice")
    with pytest.raises(InvalidRequest):
        store.add_user("no spaces please")
    store.add_user("root", admin=True)
    assert [(u.name, u.is_admin) for u in store.list_users()] == [("alice", False), ("root", True)]
    assert store.ensure_user("alice").id == alice.id
    assert store.ensure_user("local", admin=True).is_admin


def test_deleting_a_user_deletes_everything_they_own(store, alice, bob):
    conversation = store.create_conversation(alice.id)
    answer = exchange(store, alice.id, conversation.id, "Parle-moi des girafes", "Les girafes sont grandes")
    store.set_feedback(alice.id, conversation.id, answer, 1, "bien")
    store.create_key("alice")
    kept = store.create_conversation(bob.id)
    exchange(store, bob.id, kept.id, "girafes aussi", "oui")
    store.delete_user("alice")
    info = store.info()
    assert (info["users"], info["api_keys"], info["conversations"], info["messages"]) == (1, 0, 1, 2)
    with store.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM feedback")).scalar() == 0
    assert store.search(bob.id, "girafes")
    with pytest.raises(NotFound):
        store.get_user("alice")


# --- API keys ---
def test_keys_are_stored_hashed_and_authenticate(store, alice):
    record, token = store.create_key("alice", name="laptop", scopes=("chat",))
    assert token.startswith(record.prefix + "_") and record.scopes == {"chat"}
    with store.engine.connect() as connection:
        stored = connection.execute(text("SELECT secret_hash FROM api_keys")).scalar()
    assert token not in stored and len(stored) == 64
    found = store.authenticate(token)
    assert (found.user_name, found.prefix, found.state()) == ("alice", record.prefix, "active")
    assert store.has_active_keys()


@pytest.mark.parametrize("token", ["", "csk_", "csk_12345678_wrong", "sk-something", "csk_zzzzzzzz_x" * 3])
def test_wrong_keys_are_refused(store, alice, token):
    store.create_key("alice")
    with pytest.raises(AuthError):
        store.authenticate(token)


def test_a_wrong_secret_with_a_real_prefix_is_refused(store, alice):
    record, token = store.create_key("alice")
    with pytest.raises(AuthError) as caught:
        store.authenticate(record.prefix + "_" + "x" * 43)
    assert caught.value.key == "api.invalid_key"


def test_revoked_and_expired_keys_are_refused_with_their_reason(store, alice):
    revoked, revoked_token = store.create_key("alice")
    store.revoke_key(revoked.prefix)
    _, expired_token = store.create_key("alice", expires_at=now() - timedelta(seconds=1))
    for token, code in ((revoked_token, "revoked_api_key"), (expired_token, "expired_api_key")):
        with pytest.raises(AuthError) as caught:
            store.authenticate(token)
        assert caught.value.code == code
    assert not store.has_active_keys()
    assert [key.state() for key in store.list_keys("alice")] == ["revoked", "expired"]


def test_unknown_scopes_and_unknown_keys(store, alice):
    with pytest.raises(InvalidRequest):
        store.create_key("alice", scopes=("root",))
    with pytest.raises(NotFound):
        store.revoke_key("csk_00000000")
    with pytest.raises(NotFound):
        store.create_key("nobody")


def test_token_use_adds_up_within_a_day_and_restarts_the_next(store, alice):
    record, _ = store.create_key("alice", token_quota_per_day=100)
    store.charge_tokens(record.id, 30, "2026-01-01")
    store.charge_tokens(record.id, 12, "2026-01-01")
    assert store.list_keys("alice")[0].tokens_used_on("2026-01-01") == 42
    store.charge_tokens(record.id, 5, "2026-01-02")
    key = store.list_keys("alice")[0]
    assert (key.tokens_used_on("2026-01-02"), key.tokens_used_on("2026-01-01")) == (5, 0)


# --- conversations ---
def test_conversations_page_newest_first(store, alice):
    made = [store.create_conversation(alice.id, title=f"c{i}").id for i in range(5)]
    exchange(store, alice.id, made[0], "q", "a")  # now the most recently updated
    page, total = store.list_conversations(alice.id, limit=2, offset=0)
    assert total == 5 and [c.id for c in page] == [made[0], made[4]]
    assert page[0].message_count == 2
    last, _ = store.list_conversations(alice.id, limit=2, offset=4)
    assert [c.id for c in last] == [made[1]]
    assert store.list_conversations(alice.id, limit=2, offset=5) == ([], 5)  # past the end: empty, with the total
    assert store.list_conversations(store.add_user("carol").id) == ([], 0)


def test_rename_get_and_delete(store, alice):
    conversation = store.create_conversation(alice.id, model="fake", system_prompt="Sois bref.")
    exchange(store, alice.id, conversation.id, "Bonjour", "Salut")
    assert store.rename_conversation(alice.id, conversation.id, "Salutations").title == "Salutations"
    detail = store.get_conversation(alice.id, conversation.id)
    assert detail.conversation.system_prompt == "Sois bref."
    assert [(m.seq, m.role, m.content, m.status) for m in detail.messages] == [
        (1, "user", "Bonjour", "complete"), (2, "assistant", "Salut", "complete")]
    store.delete_conversation(alice.id, conversation.id)
    with pytest.raises(NotFound):
        store.get_conversation(alice.id, conversation.id)
    assert store.info()["messages"] == 0


def test_another_users_conversation_does_not_exist_for_them(store, alice, bob):
    conversation = store.create_conversation(alice.id)
    answer = exchange(store, alice.id, conversation.id, "secret", "réponse")
    attempts = [
        lambda: store.get_conversation(bob.id, conversation.id),
        lambda: store.rename_conversation(bob.id, conversation.id, "mine"),
        lambda: store.delete_conversation(bob.id, conversation.id),
        lambda: store.begin_exchange(bob.id, conversation.id, "hello"),
        lambda: store.set_feedback(bob.id, conversation.id, answer, -1),
        lambda: store.export(bob.id, conversation.id),
    ]
    for attempt in attempts:
        with pytest.raises(NotFound):
            attempt()
    assert store.search(bob.id, "secret") == []
    assert store.get_conversation(alice.id, conversation.id).conversation.title == ""


def test_an_answer_starts_interrupted_and_is_completed_when_its_stream_ends(store, alice):
    conversation = store.create_conversation(alice.id)
    question, answer = store.begin_exchange(alice.id, conversation.id, "Raconte", model="fake",
                                            model_sha256="0" * 64, decoding={"temperature": 0.2})
    store.update_answer(answer.id, "Il était")
    partial = store.get_conversation(alice.id, conversation.id).messages[1]
    assert (partial.status, partial.content) == ("interrupted", "Il était")
    done = store.finish_answer(answer.id, "Il était une fois.", "complete", prompt_tokens=1, completion_tokens=4,
                               ttft_ms=12.5, duration_ms=40.0)
    assert (done.status, done.completion_tokens, done.ttft_ms, done.decoding) == ("complete", 4, 12.5,
                                                                                  {"temperature": 0.2})
    assert question.seq == 1 and done.model_sha256 == "0" * 64


def test_concurrent_exchanges_never_interleave(store, alice):
    conversation = store.create_conversation(alice.id)
    errors: list[BaseException] = []

    def talk(index: int) -> None:
        try:
            for turn in range(3):
                exchange(store, alice.id, conversation.id, f"q{index}-{turn}", f"a{index}-{turn}")
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=talk, args=(index,)) for index in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    messages = store.get_conversation(alice.id, conversation.id).messages
    assert [m.seq for m in messages] == list(range(1, 37))
    for question, answer in zip(messages[::2], messages[1::2], strict=True):
        assert (question.role, answer.role) == ("user", "assistant")
        assert answer.content == "a" + question.content[1:]


def test_finishing_an_answer_of_a_deleted_conversation_is_harmless(store, alice):
    conversation = store.create_conversation(alice.id)
    _, answer = store.begin_exchange(alice.id, conversation.id, "q")
    store.delete_conversation(alice.id, conversation.id)
    store.update_answer(answer.id, "late")
    assert store.finish_answer(answer.id, "late", "complete") is None


def test_titles_are_set_once(store, alice):
    conversation = store.create_conversation(alice.id)
    store.set_title_if_empty(conversation.id, "Premier")
    store.set_title_if_empty(conversation.id, "Second")
    assert store.get_conversation(alice.id, conversation.id).conversation.title == "Premier"


# --- feedback ---
def test_feedback_on_answers_only_and_updatable(store, alice):
    conversation = store.create_conversation(alice.id)
    answer = exchange(store, alice.id, conversation.id, "q", "a")
    assert store.set_feedback(alice.id, conversation.id, answer, 1, "merci").rating == 1
    assert store.set_feedback(alice.id, conversation.id, answer, -1, "en fait non").comment == "en fait non"
    assert store.get_conversation(alice.id, conversation.id).messages[1].feedback.rating == -1
    with pytest.raises(InvalidRequest):
        store.set_feedback(alice.id, conversation.id, answer - 1, 1)
    with pytest.raises(NotFound):
        store.set_feedback(alice.id, conversation.id, answer + 100, 1)


# --- search ---
def test_search_finds_words_in_the_users_own_history(store, alice, bob):
    mine = store.create_conversation(alice.id, title="Animaux")
    exchange(store, alice.id, mine.id, "Où dorment les chats en été ?", "Les chats dorment à l'ombre.")
    exchange(store, alice.id, mine.id, "Et les chiens ?", "Dans leur niche.")
    theirs = store.create_conversation(bob.id)
    exchange(store, bob.id, theirs.id, "Mon chat est roux", "Joli chat")
    hits = store.search(alice.id, "chats")
    assert {hit.conversation_id for hit in hits} == {mine.id} and len(hits) == 2
    assert all("[" in hit.snippet and "]" in hit.snippet for hit in hits)
    assert hits[0].conversation_title == "Animaux"
    assert [hit.role for hit in store.search(alice.id, "niche")] == ["assistant"]
    assert store.search(alice.id, "girafe") == []


def test_search_handles_french_forms(store, alice):
    conversation = store.create_conversation(alice.id)
    exchange(store, alice.id, conversation.id, "Le chat mange en été", "ok")
    assert store.search(alice.id, "chat")  # both backends
    assert store.search(alice.id, "mange")
    if store.backend == "sqlite":
        assert store.search(alice.id, "ete")  # diacritics removed by the FTS5 tokenizer
    else:
        assert store.search(alice.id, "chats")  # French stemming


@pytest.mark.parametrize("query", ['"chat', "AND OR NOT", "NEAR(chat", "chat*", "c'est-à-dire", "a:b", "'; DROP TABLE"])
def test_search_never_fails_on_odd_input(store, alice, query):
    conversation = store.create_conversation(alice.id)
    exchange(store, alice.id, conversation.id, "c'est-à-dire le chat", "ok")
    assert isinstance(store.search(alice.id, query), list)


@pytest.mark.parametrize("query", ["", "   ", "?!"])
def test_a_search_without_words_finds_nothing(store, alice, query):
    conversation = store.create_conversation(alice.id)
    exchange(store, alice.id, conversation.id, "?! quoi ?!", "ok")
    assert store.search(alice.id, query) == []


# --- export and retention ---
def test_export_one_or_all(store, alice):
    first = store.create_conversation(alice.id, title="Un")
    exchange(store, alice.id, first.id, "q1", "a1")
    second = store.create_conversation(alice.id, title="Deux")
    assert [d.conversation.title for d in store.export(alice.id)] == ["Un", "Deux"]
    assert [len(d.messages) for d in store.export(alice.id, second.id)] == [0]


def test_purge_deletes_only_old_conversations(store, alice):
    old = store.create_conversation(alice.id, title="vieille")
    exchange(store, alice.id, old.id, "souvenir ancien", "oui")
    recent = store.create_conversation(alice.id, title="récente")
    with store.engine.begin() as connection:  # age one conversation by 40 days
        connection.execute(text("UPDATE conversations SET updated_at = :at WHERE id = :id"),
                           {"at": now() - timedelta(days=40), "id": old.id})
    assert store.purge(30) == 1
    assert [c.id for c in store.list_conversations(alice.id)[0]] == [recent.id]
    assert store.search(alice.id, "souvenir") == []
    assert store.purge(30) == 0


def test_sqlite_deleted_text_is_gone_from_the_files(tmp_path):
    path = tmp_path / "c.db"
    store = Store.open(f"sqlite:///{path}")
    user = store.add_user("alice")
    conversation = store.create_conversation(user.id)
    marker = "zorglubmarqueur"
    exchange(store, user.id, conversation.id, f"mon secret est {marker}", f"noté : {marker}")
    store.delete_user("alice")
    store.close()
    for file in tmp_path.iterdir():
        assert marker.encode() not in file.read_bytes(), file.name


@pytest.mark.parametrize("name", ["database_url", "retention_days", "rate_limit_per_minute", "token_quota_per_day",
                                  "max_message_chars", "store_flush_ms"])
def test_the_store_settings_are_documented(name):
    from pathlib import Path

    from causerie.settings import Settings

    assert Settings.model_fields[name].description
    docs = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"
    assert f"`{name}`" in docs.read_text(encoding="utf-8")
