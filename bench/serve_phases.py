"""The workload of bench/serve_vs_raw.py and how one phase runs it, plus what the machine was doing."""

from __future__ import annotations

import os
import platform
import resource
import statistics
import subprocess
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from serve_drivers import (
    CLIENT_PROMPT,
    CLIENT_TOPICS,
    CPUS,
    LONG_PROMPT,
    MB,
    PARAGRAPH_A,
    PARAGRAPH_B,
    SYSTEM,
    TTFT_PROMPTS,
    TURN1_USER,
    TURN2_USER,
    WARMUP_PROMPT,
    RawDriver,
    Stream,
    body,
    chat,
    check,
)

console = Console(stderr=True)


# --------------------------------------------------------------------------------------- workload


@dataclass
class Workload:
    max_tokens: int
    seed: int
    gen_runs: int
    ttft_runs: int
    clients: list[int]
    history: list[dict[str, str]] = field(default_factory=list)  # ~N tokens, seen by turn 1
    cold_history: list[dict[str, str]] = field(default_factory=list)  # same shape, never seen
    history_tokens: int = 0
    cold_tokens: int = 0


def build_history(paragraph: str, repeats: int, tag: str) -> list[dict[str, str]]:
    messages = [{"role": "system", "content": f"{SYSTEM} ({tag})"}]
    for i in range(repeats):
        role = "user" if i % 2 == 0 else "assistant"
        messages.append({"role": role, "content": f"{i + 1}. {paragraph}"})
    if messages[-1]["role"] == "user":  # end on an assistant turn; the next user turn comes after
        messages.append({"role": "assistant", "content": "D'accord, je note."})
    return messages


def calibrate_histories(driver: RawDriver, target_tokens: int) -> tuple[list, list, int, int]:
    """Histories of about `target_tokens` tokens (counted with the model's tokenizer)."""
    histories, sizes = [], []
    for paragraph, tag in ((PARAGRAPH_A, "conversation A"), (PARAGRAPH_B, "conversation B")):
        per = driver.count_tokens(f"1. {paragraph}") + 5  # + chat-template tokens of a message
        repeats = max(2, round((target_tokens - 40) / per))
        histories.append(build_history(paragraph, repeats, tag))
        sizes.append(sum(driver.count_tokens(m["content"]) + 5 for m in histories[-1]))
    return histories[0], histories[1], sizes[0], sizes[1]


def turn2_messages(history: list[dict[str, str]], answer: str) -> list[dict[str, str]]:
    return [
        *history,
        {"role": "user", "content": TURN1_USER},
        {"role": "assistant", "content": answer},
        {"role": "user", "content": TURN2_USER},
    ]


@dataclass
class PhaseResult:
    name: str
    load_s: float = 0.0
    ttft_ms: list[float] = field(default_factory=list)
    gen: list[Stream] = field(default_factory=list)
    aggregate: dict[int, list[tuple[float, int, float]]] = field(default_factory=dict)  # clients -> [(tok/s, tok, s)]
    cache_turn1_ms: float = 0.0
    cache_cached_ms: float = 0.0
    cache_cold_ms: float = 0.0
    cache_cached_tokens: int = 0
    cache_prompt_tokens: int = 0
    rss_idle: int = 0
    rss_idle_model: int = 0
    rss_after: int = 0
    rss_after_model: int = 0
    rss_base: int = 0  # raw only: this process before the engine was loaded
    phases: int = 0
    client_cpu_s: float = 0.0  # causerie only: this process (the HTTP client) during the single-stream runs
    client_tokens: int = 0
    wall_s: float = 0.0
    foreign_cpu_s: float = 0.0  # CPU used by other processes during this side's phases

    @property
    def gen_tps(self) -> float:
        return statistics.median(s.gen_tps for s in self.gen)

    @property
    def ttft(self) -> float:
        return statistics.median(self.ttft_ms)

    def agg_tps(self, clients: int) -> float:
        return statistics.mean(tps for tps, _, _ in self.aggregate[clients])

    @property
    def foreign_share(self) -> float:
        return self.foreign_cpu_s / (self.wall_s * CPUS) if self.wall_s else 0.0

    @property
    def client_cpu_per_token_us(self) -> float:
        return self.client_cpu_s / self.client_tokens * 1e6 if self.client_tokens else 0.0


def run_phase(
    driver: Any, work: Workload, result: PhaseResult, memory: Callable[[], tuple[int, int]], first: bool
) -> None:
    """One phase: warm-up, TTFT, single stream, aggregate; in the first phase of a side, memory and cache too."""
    log = lambda msg: console.print(f"  [dim]{driver.name}[/] {msg}")  # noqa: E731

    check(driver.stream(body(chat(WARMUP_PROMPT), 8, work.seed)), "warm-up")
    if first:
        time.sleep(1.0)
        result.rss_idle, result.rss_idle_model = memory()
        log(f"loaded in {result.load_s:.1f} s, idle RSS {result.rss_idle / MB:.0f} MB")

    ttft = []
    for i in range(work.ttft_runs):
        prompt = TTFT_PROMPTS[i % len(TTFT_PROMPTS)]
        ttft.append(check(driver.stream(body(chat(prompt), 4, work.seed)), "ttft").ttft_ms)
    result.ttft_ms += ttft
    log(f"TTFT ms {', '.join(f'{x:.1f}' for x in ttft)}")

    cpu_before = own_cpu_seconds()
    gen = [
        check(driver.stream(body(chat(LONG_PROMPT), work.max_tokens, work.seed)), "generation")
        for _ in range(work.gen_runs)
    ]
    if driver.name != "raw":  # on the raw side this process also runs llama.cpp
        result.client_cpu_s += own_cpu_seconds() - cpu_before
        result.client_tokens += sum(s.completion_tokens for s in gen)
    result.gen += gen
    log("generation tok/s " + ", ".join(f"{s.gen_tps:.1f} ({s.completion_tokens} tok)" for s in gen))

    for clients in work.clients:
        payloads = [
            body(chat(CLIENT_PROMPT.format(topic=CLIENT_TOPICS[i % len(CLIENT_TOPICS)])), work.max_tokens, work.seed)
            for i in range(clients)
        ]
        barrier = threading.Barrier(clients + 1)

        def one(payload: dict[str, Any], barrier: threading.Barrier) -> Stream:
            barrier.wait()
            return driver.stream(payload)

        with ThreadPoolExecutor(clients) as pool:
            futures = [pool.submit(one, p, barrier) for p in payloads]
            barrier.wait()
            started = time.perf_counter()
            streams = [check(f.result(), f"{clients} clients") for f in futures]
            wall = max(s.end for s in streams) - started
        tokens = sum(s.completion_tokens for s in streams)
        result.aggregate.setdefault(clients, []).append((tokens / wall, tokens, wall))
        log(f"{clients} client(s): {tokens} tokens in {wall:.2f} s = {tokens / wall:.1f} tok/s")

    if not first:
        return
    turn1 = check(
        driver.stream(body([*work.history, {"role": "user", "content": TURN1_USER}], 16, work.seed)), "cache turn 1"
    )
    result.cache_turn1_ms = turn1.ttft_ms
    cached = check(driver.stream(body(turn2_messages(work.history, turn1.content()), 4, work.seed)), "cache turn 2")
    result.cache_cached_ms = cached.ttft_ms
    result.cache_cached_tokens, result.cache_prompt_tokens = cached.cached_tokens, cached.prompt_tokens
    cold = check(driver.stream(body(turn2_messages(work.cold_history, turn1.content()), 4, work.seed)), "cold")
    result.cache_cold_ms = cold.ttft_ms
    log(
        f"cache: turn 1 {turn1.ttft_ms:.0f} ms, turn 2 cached {cached.ttft_ms:.0f} ms "
        f"({cached.cached_tokens}/{cached.prompt_tokens} cached), cold {cold.ttft_ms:.0f} ms "
        f"({cold.cached_tokens}/{cold.prompt_tokens} cached)"
    )

    time.sleep(1.0)
    result.rss_after, result.rss_after_model = memory()


# --------------------------------------------------------------------------------------- machine


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def own_cpu_seconds() -> float:
    """CPU time of this process, all threads, at microsecond resolution."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def busy_cpu_seconds() -> float:
    """Non-idle CPU time of the whole machine, from /proc/stat (0 where unavailable)."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return 0.0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def wait_until_quiet(max_wait: float, threshold: float = 0.10, window: float = 5.0) -> float:
    """Wait (at most `max_wait` s) for a `window` in which other processes use < `threshold` of the CPU.

    llama.cpp's worker threads spin on barriers, so a competing process does not just take its share:
    it can slow generation down by an order of magnitude. Returns the last share of CPU seen in use."""
    deadline = time.monotonic() + max_wait
    while True:
        before = busy_cpu_seconds()
        time.sleep(window)
        share = (busy_cpu_seconds() - before) / (window * CPUS)
        if share < threshold or time.monotonic() >= deadline:
            return share
        console.print(f"  [yellow]waiting for a quiet machine: {share:.0%} of the CPU in use[/]")


def git_revision(root: Path) -> str:
    try:
        rev = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=root, capture_output=True, text=True
        ).stdout.strip()
        return rev + (" (with uncommitted changes)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
