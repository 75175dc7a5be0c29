"""Parallel slots, and a client that goes away mid-stream: its slot must be freed at once."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Callable

import httpx
import openai
import psutil
import pytest

from .causerie_it import MODEL, ServerProcess, async_sdk_client

pytestmark = pytest.mark.integration

PROMPTS = [
    "Name a color.",
    "Say hello to Paris.",
    "What is two plus two?",
    "Give me a fruit.",
]
# At temperature 0 SmolLM2 writes this essay well past 200 tokens: the generation cannot end by itself
# while the tests below look at it.
LONG_REQUEST = {
    "model": MODEL,
    "messages": [{"role": "user", "content": "Write a long essay about the history of France."}],
    "max_tokens": 2000,
    "temperature": 0,
    "stream": True,
}
COUNTING = "1, 2, 3, 4, 5, 6, 7, 8, 9, 10,"


async def stream_one(sdk: openai.AsyncOpenAI, prompt: str, max_tokens: int = 16) -> tuple[str, object]:
    stream = await sdk.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": prompt}], max_tokens=max_tokens, stream=True,
        stream_options={"include_usage": True},
    )
    texts, usage = [], None
    async for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            texts.append(chunk.choices[0].delta.content)
        usage = chunk.usage or usage
    return "".join(texts), usage


async def four_at_once(server: ServerProcess, timeout: float) -> list[tuple[str, object]]:
    async with async_sdk_client(server) as sdk:
        return await asyncio.wait_for(asyncio.gather(*(stream_one(sdk, p) for p in PROMPTS)), timeout)


async def timed_count(sdk: openai.AsyncOpenAI, start: float, offset: int) -> tuple[float, float, str]:
    """A raw completion that keeps counting until max_tokens: (first-token time, end time, text)."""
    stream = await sdk.completions.create(model=MODEL, prompt=f"{COUNTING} {offset},", max_tokens=24, stream=True,
                                          temperature=0)
    first, texts = None, []
    async for chunk in stream:
        if chunk.choices and chunk.choices[0].text:
            first = first or time.monotonic() - start
            texts.append(chunk.choices[0].text)
    return first, time.monotonic() - start, "".join(texts)


async def test_four_concurrent_streams_complete(server: ServerProcess) -> None:
    results = await four_at_once(server, timeout=60)
    assert len(results) == 4
    for text, usage in results:
        assert text.strip()
        assert usage is not None and 0 < usage.completion_tokens <= 16
    assert server.in_flight() == 0


def test_in_flight_counts_a_running_generation(server: ServerProcess) -> None:
    with server.http() as http, http.stream("POST", "/v1/chat/completions", json=LONG_REQUEST) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        lines = response.iter_lines()  # keep a reference: a collected iterator would close the connection
        assert next(lines).startswith("data:")
        assert server.in_flight() == 1
        assert next(lines) == ""  # the end of the first event
        assert next(lines).startswith("data:")
        assert server.in_flight() == 1
    server.wait_idle(timeout=2.0)


async def test_disconnect_mid_stream_frees_the_slot(server: ServerProcess) -> None:
    server_process = psutil.Process(server.pid)
    with server.http() as http, http.stream("POST", "/v1/chat/completions", json=LONG_REQUEST) as response:
        assert response.status_code == 200
        events = []
        lines = response.iter_lines()  # keep a reference: a collected iterator closes the connection
        for line in lines:
            if line.startswith("data:"):
                events.append(json.loads(line[5:]))
                if len(events) >= 6:
                    break
        assert not any(choice.get("finish_reason") for e in events for choice in e["choices"]), (
            "the generation ended by itself: the test would prove nothing"
        )
        assert server.in_flight() == 1
    # The client is gone: the server must notice at once, not after 2000 tokens.
    assert server.wait_idle(timeout=2.0) < 2.0

    # llama.cpp itself stopped computing (it stops at its next token): the server process goes idle.
    # (Measured on the server process only, so other load on the machine does not matter.)
    server_process.cpu_percent(None)
    deadline = time.monotonic() + 8.0
    while True:
        await asyncio.sleep(0.5)
        busy = server_process.cpu_percent(None)
        if busy < 50.0:
            break
        assert time.monotonic() < deadline, f"the server still computes ({busy:.0f}% CPU) after the client left"

    # All 4 slots are free: 4 new requests are batched together, so each gets its first token before any of
    # them completes. With a leaked slot, one would wait in llama.cpp's queue until another finished.
    async with async_sdk_client(server) as sdk:
        start = time.monotonic()
        results = await asyncio.wait_for(
            asyncio.gather(*(timed_count(sdk, start, 20 + 10 * i) for i in range(4))), timeout=60
        )
    assert all(text.strip() for _, _, text in results)
    firsts, ends = [first for first, _, _ in results], [end for _, end, _ in results]
    assert max(firsts) < min(ends), f"a request waited for a slot: first tokens {firsts}, ends {ends}"
    assert server.in_flight() == 0


def test_disconnect_from_legacy_completions_frees_the_slot(server: ServerProcess) -> None:
    request = {"model": MODEL, "prompt": COUNTING, "max_tokens": 2000, "temperature": 0, "stream": True}
    with server.http() as http, http.stream("POST", "/v1/completions", json=request) as response:
        assert response.status_code == 200
        seen = 0
        lines = response.iter_lines()  # keep a reference: a collected iterator closes the connection
        for line in lines:
            seen += line.startswith("data:")
            if seen >= 5:
                break
        assert server.in_flight() == 1
    server.wait_idle(timeout=2.0)


def test_disconnect_from_a_non_streaming_request_frees_the_slot(start_server: Callable[..., ServerProcess]) -> None:
    # A server of its own: should the generation outlive its client, it dies with this server instead of
    # slowing down the tests that follow.
    own = start_server("non-streaming-disconnect")
    request = {"model": MODEL, "prompt": COUNTING, "max_tokens": 400, "temperature": 0}
    try:
        with own.http(timeout=0.5) as http, pytest.raises(httpx.ReadTimeout):
            http.post("/v1/completions", json=request)  # the client gives up (and hangs up) after 0.5 s
        assert own.wait_idle(timeout=1.5) < 1.5
    finally:
        own.process.kill()  # a throwaway server: no graceful shutdown to wait for
        own.process.wait(timeout=10)


def _metric(text: str, name: str, **labels: str) -> float:
    """The value of one sample of the Prometheus exposition `text`."""
    for line in text.splitlines():
        match = re.match(rf"^{re.escape(name)}\{{(.*)\}} (\S+)$", line)
        if match and all(f'{key}="{value}"' in match.group(1) for key, value in labels.items()):
            return float(match.group(2))
    raise AssertionError(f"no sample {name}{labels} in /metrics")


def test_metrics(server: ServerProcess) -> None:
    with server.http() as http:
        response = http.post("/v1/chat/completions", json={
            "model": MODEL, "messages": [{"role": "user", "content": "Hi"}], "max_tokens": 4,
        })
        assert response.status_code == 200
        usage = response.json()["usage"]
        metrics = http.get("/metrics")
    assert metrics.status_code == 200
    assert metrics.headers["content-type"].startswith("text/plain")
    text = metrics.text
    assert "causerie_time_to_first_token_seconds" in text
    assert "causerie_tokens_total" in text
    assert _metric(text, "causerie_time_to_first_token_seconds_count", model=MODEL) >= 1
    assert _metric(text, "causerie_tokens_total", model=MODEL, kind="prompt") >= usage["prompt_tokens"]
    assert _metric(text, "causerie_tokens_total", model=MODEL, kind="completion") >= usage["completion_tokens"]
    assert _metric(text, "causerie_requests_total", route="/v1/chat/completions", status="200") >= 1
    assert _metric(text, "causerie_generations_in_flight", model=MODEL) >= 0
