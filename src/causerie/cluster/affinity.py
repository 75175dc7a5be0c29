"""Conversation affinity: the turns of one conversation go to the replica that already holds its prompt.

llama.cpp keeps each slot's last prompt in its KV cache and reuses the longest common prefix, so turn 2 of
a conversation costs only its new tokens on the replica that served turn 1, and the whole history
elsewhere (once that replica's slots have moved on to other conversations). Serve's default router (power
of two choices) spreads turns at random. This router remembers where each conversation (keyed by its
opening: the system message and first user message, or the start of a raw prompt) was last sent, and
sends its next turn there. A new conversation gets the power of two choices, so conversations spread by
load. When the remembered replica has no free slot, Serve tries the next rank, two others, the less
loaded first: affinity never makes a request wait for a busy replica while another is free. Each front end
remembers its own conversations; one continued through another front end costs a cache miss there, once.
(Rendezvous hashing, which needs no memory, was tried first: with few conversations it piled them onto
one replica, and turn 1 waited 50 s instead of 32; docs/benchmarks.md#affinity-bench.)"""

from __future__ import annotations

import random
from collections import OrderedDict
from typing import Any

from ray.serve.request_router import PendingRequest, ReplicaID, RequestRouter, RunningReplica

OPENING_CHARS = 2000  # enough of a raw prompt to tell conversations apart, little enough to hash each time
ROUTER_PATH = "causerie.cluster.affinity:ConversationAffinityRouter"


def conversation_key(wire: dict[str, Any]) -> str | None:
    """What stays the same across the turns of one conversation: its system message and first user turn."""
    messages = wire.get("messages")
    if messages:
        opening = []
        for message in messages:
            opening.append(f"{message.get('role')}:{message.get('content')}")
            if message.get("role") == "user":
                break
        return "\n".join(opening)[:OPENING_CHARS]
    prompt = wire.get("prompt")
    return prompt[:OPENING_CHARS] if prompt else None


class ConversationMap:
    """Conversation key -> the replica it was last sent to, the most recent `capacity` conversations."""

    def __init__(self, capacity: int = 10_000):
        self.capacity = capacity
        self._where: OrderedDict[str, str] = OrderedDict()

    def get(self, key: str) -> str | None:
        replica_id = self._where.get(key)
        if replica_id is not None:
            self._where.move_to_end(key)
        return replica_id

    def put(self, key: str, replica_id: str) -> None:
        self._where[key] = replica_id
        self._where.move_to_end(key)
        while len(self._where) > self.capacity:
            self._where.popitem(last=False)

    def __len__(self) -> int:
        return len(self._where)


def request_key(pending_request: PendingRequest | None) -> str | None:
    if pending_request is None or not pending_request.args or not isinstance(pending_request.args[0], dict):
        return None
    return conversation_key(pending_request.args[0])


class ConversationAffinityRouter(RequestRouter):
    """Rank 1: the replica that served this conversation last. Rank 2: two others at random (Serve takes
    the less loaded). A new conversation, or a request with none (a token count), gets the power of two
    choices among all replicas."""

    def initialize_state(self, capacity: int = 10_000) -> None:
        self.conversations = ConversationMap(capacity)

    async def choose_replicas(self, candidate_replicas: list[RunningReplica],
                              pending_request: PendingRequest | None = None) -> list[list[RunningReplica]]:
        if not candidate_replicas:
            return []
        key = request_key(pending_request)
        last = self.conversations.get(key) if key is not None else None
        preferred = [r for r in candidate_replicas if r.replica_id.unique_id == last]
        if not preferred:
            return [two_at_random(candidate_replicas)]
        others = [r for r in candidate_replicas if r.replica_id.unique_id != last]
        return [preferred, two_at_random(others)] if others else [preferred]

    def on_request_routed(self, pending_request: PendingRequest, replica_id: ReplicaID, result: Any) -> None:
        key = request_key(pending_request)
        if key is not None:
            self.conversations.put(key, replica_id.unique_id)


def two_at_random(replicas: list[RunningReplica]) -> list[RunningReplica]:
    return random.sample(replicas, min(2, len(replicas)))
