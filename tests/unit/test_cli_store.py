"""`causerie users | keys | history | store`, run in process on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from causerie.cli import build_app
from causerie.store import Store


@pytest.fixture
def run(database_url, monkeypatch):
    monkeypatch.setenv("CAUSERIE_DATABASE_URL", database_url)
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None, code: int = 0):
        result = runner.invoke(build_app("en"), ["--lang", "en", *args], input=input, catch_exceptions=False)
        assert result.exit_code == code, result.output
        return result

    return invoke


@pytest.fixture
def store(database_url):
    opened = Store.open(database_url)
    yield opened
    opened.close()


def test_users_add_list_delete(run, store):
    assert "alice" in run("users", "add", "alice").output
    run("users", "add", "root", "--admin")
    assert "already exists" in run("users", "add", "alice", code=1).output
    listed = json.loads(run("users", "list", "--json").output)
    assert [(u["name"], u["admin"]) for u in listed] == [("alice", False), ("root", True)]
    assert "alice" in run("users", "list").output
    run("users", "delete", "alice", input="n\n", code=1)  # not confirmed: kept
    run("users", "delete", "alice", "--yes")
    assert [u["name"] for u in json.loads(run("users", "list", "--json").output)] == ["root"]
    assert "Unknown user" in run("users", "delete", "alice", "--yes", code=1).output


def test_keys_create_list_revoke(run, store):
    run("users", "add", "alice")
    created = run("keys", "create", "--user", "alice", "--name", "laptop", "--scopes", "chat",
                  "--expires-days", "30", "--rate-limit", "10", "--quota", "5000")
    token = created.stdout.strip().splitlines()[-1]
    assert token.startswith("csk_")
    assert store.authenticate(token).scopes == {"chat"}
    listed = json.loads(run("keys", "list", "--json").output)
    assert listed[0]["name"] == "laptop" and listed[0]["state"] == "active"
    assert listed[0]["rate_limit_per_minute"] == 10 and listed[0]["token_quota_per_day"] == 5000
    assert token not in run("keys", "list").output
    run("keys", "revoke", listed[0]["prefix"])
    assert json.loads(run("keys", "list", "--json").output)[0]["state"] == "revoked"
    assert "Unknown or missing scopes" in run("keys", "create", "--user", "alice", "--scopes", "root", code=1).output


def test_history_list_show_search_export_delete(run, store, tmp_path):
    user = store.ensure_user("local")
    conversation = store.create_conversation(user.id, title="Recettes")
    _, answer = store.begin_exchange(user.id, conversation.id, "Une recette de ratatouille ?", model="fake")
    store.finish_answer(answer.id, "Courgettes, aubergines, poivrons.", "complete")
    listed = json.loads(run("history", "list", "--json").output)
    assert listed["total"] == 1 and listed["data"][0]["messages"] == 2
    assert "Recettes" in run("history", "list").output
    shown = run("history", "show", conversation.id).output
    assert "# Recettes" in shown and "aubergines" in shown
    hits = json.loads(run("history", "search", "ratatouille", "--json").output)
    assert [h["role"] for h in hits] == ["user"]
    out = tmp_path / "export.md"
    run("history", "export", "--format", "markdown", "--output", str(out))
    assert "Courgettes" in out.read_text(encoding="utf-8")
    document = json.loads(run("history", "export").output)
    assert document["user"] == "local" and len(document["conversations"]) == 1
    assert "not found" in run("history", "show", "nope", code=1).output
    run("history", "delete", conversation.id)
    assert json.loads(run("history", "list", "--json").output)["total"] == 0
    run("history", "delete", code=2)  # neither an id nor --all


def test_history_of_another_user_and_delete_all(run, store):
    alice = store.add_user("alice")
    for title in ("a", "b"):
        store.create_conversation(alice.id, title=title)
    assert json.loads(run("history", "list", "--user", "alice", "--json").output)["total"] == 2
    run("history", "delete", "--all", "--user", "alice", "--yes")
    assert json.loads(run("history", "list", "--user", "alice", "--json").output)["total"] == 0


def test_store_info_and_purge(run, store, monkeypatch):
    facts = json.loads(run("store", "info", "--json").output)
    assert facts["revision"] == facts["head"]
    assert "retention" in run("store", "purge", code=2).output.lower()
    assert "0 conversation" in run("store", "purge", "--days", "30").output
    monkeypatch.setenv("CAUSERIE_RETENTION_DAYS", "7")
    assert "7 days" in run("store", "purge").output


def test_an_unreachable_database_is_a_clear_cli_error(monkeypatch):
    monkeypatch.setenv("CAUSERIE_DATABASE_URL", "postgresql+psycopg://u:pw@127.0.0.1:1/db")
    result = CliRunner().invoke(build_app("en"), ["--lang", "en", "history", "list"])
    assert result.exit_code == 1 and "Database unreachable" in result.output and "pw" not in result.output
