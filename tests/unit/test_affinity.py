"""Conversation affinity (cluster/affinity.py): which part of a request names its conversation, and the
bounded memory of where each conversation was sent."""

from __future__ import annotations

import pytest

pytest.importorskip("ray.serve.request_router", reason="ray[serve] is not installed")

from causerie.cluster.affinity import OPENING_CHARS, ConversationMap, conversation_key  # noqa: E402

SYSTEM = {"role": "system", "content": "Tu es causerie."}


def turns(first: str, *later: str) -> list[dict[str, str]]:
    messages = [SYSTEM, {"role": "user", "content": first}]
    for text in later:
        messages += [{"role": "assistant", "content": "..."}, {"role": "user", "content": text}]
    return messages


def test_every_turn_of_a_conversation_has_the_same_key():
    assert conversation_key({"messages": turns("Bonjour")}) == conversation_key(
        {"messages": turns("Bonjour", "Et ensuite ?", "Merci")})


def test_two_conversations_have_different_keys():
    assert conversation_key({"messages": turns("Bonjour")}) != conversation_key({"messages": turns("Salut")})


def test_a_raw_prompt_is_keyed_by_its_opening():
    long_prompt = "x" * (OPENING_CHARS * 2)
    assert conversation_key({"prompt": long_prompt}) == conversation_key({"prompt": long_prompt + "suite"})
    assert conversation_key({"prompt": ""}) is None and conversation_key({}) is None


def test_the_map_remembers_the_last_replica_and_forgets_the_oldest_conversations():
    where = ConversationMap(capacity=2)
    where.put("a", "r1")
    where.put("b", "r2")
    where.put("a", "r2")  # turn 2 of a went elsewhere (r1 was full): r2 holds it now
    assert where.get("a") == "r2"
    where.put("c", "r1")  # over capacity: b, the least recently used, is forgotten
    assert where.get("b") is None and where.get("c") == "r1" and len(where) == 2
