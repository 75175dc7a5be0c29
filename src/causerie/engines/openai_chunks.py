"""Reading OpenAI-style stream chunks (llama.cpp's server and every /v1 server speak them) into `Chunk`s."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from causerie.engines.base import Chunk, Usage


def usage_from(data: dict[str, Any] | None) -> Usage | None:
    if not data:
        return None
    details = data.get("prompt_tokens_details") or {}
    return Usage(
        prompt_tokens=data.get("prompt_tokens", 0) or 0,
        completion_tokens=data.get("completion_tokens", 0) or 0,
        cached_tokens=details.get("cached_tokens", 0) or 0,
    )


def chunks_from(payload: dict[str, Any]) -> Iterator[Chunk]:
    """Text deltas and finish reasons of every choice, then usage if the payload carries it."""
    for choice in payload.get("choices") or []:
        delta = choice.get("delta")
        text = (delta.get("content") if delta is not None else choice.get("text")) or ""
        finish = choice.get("finish_reason")
        if text or finish:
            yield Chunk(text=text, index=choice.get("index", 0), finish_reason=finish)
    usage = usage_from(payload.get("usage"))
    if usage is not None:
        yield Chunk(usage=usage, timings=payload.get("timings"))


def request_body(request: Any, model: str | None = None) -> dict[str, Any]:
    """The OpenAI-style body for a `GenerationRequest`, streaming with usage."""
    body: dict[str, Any] = {"stream": True, "stream_options": {"include_usage": True}}
    if model:
        body["model"] = model
    if request.is_chat:
        body["messages"] = request.messages
    else:
        body["prompt"] = request.prompt
    for key in ("max_tokens", "temperature", "top_p", "top_k", "min_p", "frequency_penalty", "presence_penalty",
                "seed", "response_format", "grammar"):
        value = getattr(request, key)
        if value is not None:
            body[key] = value
    if request.stop:
        body["stop"] = request.stop
    if request.n != 1:
        body["n"] = request.n
    return body
