"""What schemathesis may ask of a real model, shared by tests/integration/test_openapi_fuzz_engine.py and
bench/fuzz.sh: few tokens (an absent or null max_tokens, or a valid one above the cap), and `n` within the server's
slots (like the context length, that limit is the engine's; the document gives the wire's). Invalid values
stay as generated, so the negative cases still test the server's refusals."""

from __future__ import annotations

from typing import Any

MAX_TOKENS = 16
GENERATING = ("/v1/chat/completions", "/v1/completions", "/api/conversations/{conversation_id}/messages")


def cap(case: Any, slots: int) -> Any:
    if isinstance(case.body, dict) and case.path in GENERATING:
        for key, limit in (("max_tokens", MAX_TOKENS), ("max_completion_tokens", MAX_TOKENS), ("n", slots)):
            value = case.body.get(key)
            if isinstance(value, int | float) and not isinstance(value, bool) and value > limit:
                case.body[key] = limit
        if case.body.get("max_tokens") is None:  # absent or null: the server's default, hundreds of tokens
            case.body["max_tokens"] = MAX_TOKENS
    return case
