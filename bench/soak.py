"""Soak test of `causerie serve`: many streaming clients for a fixed time, some of them hanging up early.

It starts its own server on loopback (SmolLM2 by default, one process, nothing else running beside it),
then for `--seconds` keeps `--clients` streaming clients busy: each sends a chat request, reads the stream
to the end, and starts again; every `--cancel-every`-th request is abandoned `--cancel-after` seconds after
it was sent, as a user closing a tab would. A 503 (the server's queue is full) is a refusal, not an error:
the client waits `Retry-After` (at most 30 s) and tries again, as a well-behaved client does.

When the time is up, every client still waiting or streaming hangs up at once. Right after, the server must
answer GET /health and a small chat request within 1 s: a server that still works off abandoned requests
fails that check.

Reported: requests, completed streams, refusals, errors (status, transport error, timeout, in-band error),
the time to the response headers and to the first token (p50/p95/p99), and the check afterwards.

Through Ray Serve replicas, and a replica killed under load (SIGKILL to its process, as a machine dying):

    .venv/bin/python bench/soak.py --clients 64 --serve-args="--replicas 2" \
        --config "replica_cpus = 1\nreplica_threads = 1" --kill-replica-after 20 --out docs/benchmarks.md

    .venv/bin/python bench/soak.py --out docs/benchmarks.md            # about 2 minutes
    .venv/bin/python bench/soak.py --clients 8 --seconds 10           # a quick look
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shlex
import signal
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from report_section import git_head, publish  # bench/ is on sys.path when a script here runs
from servers import running_server

from causerie import __version__

TOPICS = ("la mer", "un robot", "Paris", "les volcans", "un chat", "la pluie", "les étoiles", "un train")


@dataclass
class Tally:
    started: int = 0
    completed: int = 0
    cancelled: int = 0
    refused: int = 0  # 503 with Retry-After: the queue was full
    left_at_end: int = 0  # requests still waiting or streaming when the time was up, dropped then
    errors: Counter = field(default_factory=Counter)
    killed_at: float | None = None  # when a replica was killed (--kill-replica-after)
    killed_pid: int | None = None
    errors_after_kill: Counter = field(default_factory=Counter)  # of requests sent once it was dead
    completed_after_kill: int = 0

    def error(self, kind: str, sent_at: float) -> None:
        self.errors[kind] += 1
        if self.killed_at is not None and sent_at > self.killed_at:
            self.errors_after_kill[kind] += 1
    headers_s: list[float] = field(default_factory=list)
    first_token_s: list[float] = field(default_factory=list)


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


async def one_request(http: httpx.AsyncClient, tally: Tally, number: int, args: argparse.Namespace) -> float:
    """Send one streaming request; returns how long to wait before the next (Retry-After after a 503)."""
    body = {"messages": [{"role": "user", "content": f"Raconte une courte histoire sur {TOPICS[number % 8]}."}],
            "max_tokens": args.max_tokens, "stream": True, "temperature": 0.7, "seed": number}
    tally.started += 1
    cancel = args.cancel_every and tally.started % args.cancel_every == 0
    start = time.monotonic()
    try:
        async with asyncio.timeout(args.cancel_after if cancel else args.client_timeout):
            async with http.stream("POST", "/v1/chat/completions", json=body) as response:
                tally.headers_s.append(time.monotonic() - start)
                if response.status_code == 503:
                    tally.refused += 1
                    return min(30.0, float(response.headers.get("retry-after", "1")))
                if response.status_code != 200:
                    tally.error(f"HTTP {response.status_code}", start)
                    return 0.0
                await read_stream(response, tally, start)
    except TimeoutError:
        if cancel:
            tally.cancelled += 1
        else:
            tally.error("client timeout", start)
    except httpx.HTTPError as error:
        tally.error(type(error).__name__, start)
    return 0.0


async def read_stream(response: httpx.Response, tally: Tally, start: float) -> None:
    first = None
    async for line in response.aiter_lines():
        if not line.startswith("data: ") or line == "data: [DONE]":
            continue
        event = json.loads(line[6:])
        if "error" in event:
            tally.error("in-band error: " + str(event["error"].get("code")), start)
            return
        if first is None and any(c["delta"].get("content") for c in event.get("choices", [])):
            first = time.monotonic() - start
            tally.first_token_s.append(first)
    tally.completed += 1
    if tally.killed_at is not None and start > tally.killed_at:
        tally.completed_after_kill += 1


async def client_loop(http: httpx.AsyncClient, tally: Tally, index: int, deadline: float,
                      args: argparse.Namespace) -> None:
    number = index
    while time.monotonic() < deadline:
        pause = await one_request(http, tally, number, args)
        number += args.clients
        if pause:
            await asyncio.sleep(pause)


async def kill_a_replica(url: str, tally: Tally, after_s: float) -> None:
    """SIGKILL the first replica's process (its pid from /health), as a machine dying mid-answer."""
    await asyncio.sleep(after_s)
    async with httpx.AsyncClient(base_url=url, trust_env=False, timeout=30) as http:
        models = (await http.get("/health")).json()["models"]
    replicas = [r for model in models.values() for r in model.get("replicas", []) if r.get("pid")]
    if not replicas:
        raise SystemExit("--kill-replica-after: the server has no replicas (start it with --replicas)")
    tally.killed_pid = replicas[0]["pid"]
    os.kill(tally.killed_pid, signal.SIGKILL)
    tally.killed_at = time.monotonic()


async def check_after(url: str) -> dict[str, float | int | None]:
    """How fast the server answers once the load is gone: a small chat request and GET /health."""
    async with httpx.AsyncClient(base_url=url, trust_env=False, timeout=30) as http:
        start = time.monotonic()
        health = await http.get("/health")
        health_s = time.monotonic() - start
        start = time.monotonic()
        reply = await http.post("/v1/chat/completions", json={
            "messages": [{"role": "user", "content": "Bonjour"}], "max_tokens": 8})
        chat_s = time.monotonic() - start
    return {"health_s": health_s, "health_status": health.status_code, "chat_s": chat_s,
            "chat_status": reply.status_code}


async def soak(url: str, args: argparse.Namespace) -> tuple[Tally, dict, float]:
    tally = Tally()
    limits = httpx.Limits(max_connections=args.clients + 4, max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=url, trust_env=False, timeout=args.client_timeout, limits=limits) as http:
        start = time.monotonic()
        deadline = start + args.seconds
        clients = [asyncio.ensure_future(client_loop(http, tally, i, deadline, args)) for i in range(args.clients)]
        killer = (asyncio.ensure_future(kill_a_replica(url, tally, args.kill_replica_after))
                  if args.kill_replica_after is not None else None)
        await asyncio.sleep(args.seconds)
        if killer is not None:
            await killer
        # Time is up: every client still waiting or streaming leaves at once, as users closing their tabs.
        tally.left_at_end = sum(not client.done() for client in clients)
        for client in clients:
            client.cancel()
        await asyncio.gather(*clients, return_exceptions=True)
        elapsed = time.monotonic() - start
    return tally, await check_after(url), elapsed


def fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def report(tally: Tally, after: dict, elapsed: float, args: argparse.Namespace, revision: str) -> str:
    errors = sum(tally.errors.values())
    ok = after["health_s"] < 1 and after["chat_s"] < 1 and after["chat_status"] == 200
    rows = [
        "| measure | value |", "|---|---|",
        f"| requests sent | {tally.started} in {elapsed:.0f} s |",
        f"| streams completed | {tally.completed} |",
        f"| abandoned by the client (on purpose) | {tally.cancelled}, and {tally.left_at_end} dropped when the "
        f"time was up |",
        f"| refused with 503 + Retry-After | {tally.refused} |",
        f"| errors | {errors} {dict(tally.errors) if errors else ''} |",
        f"| response headers p50 / p95 / p99 (s) | {fmt(percentile(tally.headers_s, 50))} / "
        f"{fmt(percentile(tally.headers_s, 95))} / {fmt(percentile(tally.headers_s, 99))} |",
        f"| first token p50 / p95 / p99 (s) | {fmt(percentile(tally.first_token_s, 50))} / "
        f"{fmt(percentile(tally.first_token_s, 95))} / {fmt(percentile(tally.first_token_s, 99))} |",
        f"| right after: GET /health, 8-token chat (s) | {after['health_s']:.2f}, {after['chat_s']:.2f} "
        f"(HTTP {after['chat_status']}) |",
        f"| answers within 1 s right after | {'yes' if ok else 'no'} |",
    ]
    if tally.killed_at is not None:
        after_errors = sum(tally.errors_after_kill.values())
        rows += [f"| replica killed (SIGKILL, pid {tally.killed_pid}) at | {args.kill_replica_after:.0f} s |",
                 f"| requests sent after the kill: completed, errors | {tally.completed_after_kill}, "
                 f"{after_errors} {dict(tally.errors_after_kill) if after_errors else ''} |"]
    server = f"`causerie serve {args.serve_args}`" if args.serve_args else "default settings (`--threads 2`)"
    if args.config:
        server += f", config `{args.config}`"
    return "\n".join([
        f"### Soak at {revision} ({args.model}, {args.clients} clients, {args.seconds} s)", "",
        f"causerie {__version__}, {platform.machine()}, {len(__import__('os').sched_getaffinity(0))} CPUs; "
        f"max_tokens {args.max_tokens}, every {args.cancel_every}th request abandoned after "
        f"{args.cancel_after} s, client timeout {args.client_timeout:.0f} s; server: {server}. "
        f"Command: `{shlex.join(['python', *sys.argv])}`", "", *rows])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="smollm2-135m-instruct")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--max-tokens", type=int, default=128)
    parser.add_argument("--cancel-every", type=int, default=4, help="abandon every Nth request (0: never)")
    parser.add_argument("--cancel-after", type=float, default=0.5, help="seconds before an abandoned request "
                        "is dropped")
    parser.add_argument("--client-timeout", type=float, default=120)
    parser.add_argument("--serve-args", default="", help="more `causerie serve` arguments, e.g. \"--replicas 2\"")
    parser.add_argument("--config", default="", help="the server's config.toml; \\n separates lines")
    parser.add_argument("--kill-replica-after", type=float, help="SIGKILL one replica this many seconds in")
    parser.add_argument("--home", type=Path, help="a CAUSERIE_HOME holding the model already (default: a "
                        "temporary one, where the model is assembled again)")
    parser.add_argument("--url", help="soak a server already running here instead of starting one")
    parser.add_argument("--label", help="what is soaked, for the report's title (default: this checkout's "
                        "git revision; PYTHONPATH=<old checkout>/src soaks an older server)")
    parser.add_argument("--section", default="soak", help="the report's section name in --out")
    parser.add_argument("--out", type=Path, help="write the report into this Markdown file (its own section)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="causerie-soak-") as scratch:
        if args.url is not None:
            tally, after, elapsed = asyncio.run(soak(args.url, args))
        else:
            with running_server(args.home or Path(scratch), args.model, args.config.replace("\\n", "\n"),
                                tuple(args.serve_args.split()), startup_timeout=300) as url:
                tally, after, elapsed = asyncio.run(soak(url, args))
    text = report(tally, after, elapsed, args, args.label or git_head())
    publish(text, args.out, args.section)


if __name__ == "__main__":
    main()
