#!/usr/bin/env python
"""causerie serve vs raw llama.cpp (xllamacpp in process): what does the HTTP layer cost?

One run, one model, one thread count, two kinds of phase that never overlap (the target machine has 2 cores),
in alternating order over `--rounds` rounds (raw, causerie, then causerie, raw) so that a drift of the
machine's speed favours neither side:

  RAW       xllamacpp.Server in this process, built with causerie's own `_server_params` (so parallel
            slots, context, kv_unified, batch size and threads are exactly the LocalEngine's), driven
            from Python threads through the streaming callback.
  CAUSERIE  a `causerie serve` subprocess on a random loopback port, driven by httpx over HTTP/1.1
            (keep-alive), reading the SSE stream line by line.

Both phases send byte-identical request bodies (fixed prompts, temperature 0, fixed seed, fixed
max_tokens, stream_options.include_usage) in the same order, so both engines see the same prompt-cache
history. `ignore_eos` is *not* sent: causerie's API drops unknown fields, so sending it would give the two
sides different work. Prompts ask for long answers instead, and the token counts of both sides are shown.

    python bench/serve_vs_raw.py --model qwen2.5-coder-1.5b-instruct --threads 2 --out docs/benchmarks.md

Develop on smollm2-135m-instruct (fast); see bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import resource
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil
from report_section import write_section  # bench/ is on sys.path when a script here runs
from rich.console import Console
from rich.table import Table

console = Console(stderr=True)
MB = 1024 * 1024
CPUS = os.cpu_count() or 1

SYSTEM = "Tu es Causerie, un assistant francophone précis et bienveillant."
LONG_PROMPT = (
    "Écris un texte long et détaillé, d'au moins 400 mots, sur l'histoire de Paris, du Moyen Âge "
    "à nos jours. Write it in French, in several paragraphs."
)
WARMUP_PROMPT = "Bonjour ! Présente-toi en une phrase."
TTFT_PROMPTS = [
    "Quelle est la capitale de la France ?",
    "Donne un synonyme de « rapide ».",
    "Combien font 12 fois 7 ?",
    "Traduis « good morning » en français.",
    "Cite une couleur primaire.",
    "Quel jour vient après lundi ?",
    "Écris le mot « chat » au pluriel.",
]
CLIENT_PROMPT = "Écris un texte long et détaillé, d'au moins 400 mots, sur {topic}."
CLIENT_TOPICS = [
    "la Loire",
    "le fromage",
    "la Révolution française",
    "les Alpes",
    "le TGV",
    "Victor Hugo",
    "la Bretagne",
    "le cinéma français",
    "la Provence",
    "Marie Curie",
    "le jazz",
    "Lyon",
]
# The history of the prompt-cache test is this paragraph repeated (A) and, for the cold request,
# a different paragraph (B) so that no prefix beyond the chat template's first tokens can be reused.
PARAGRAPH_A = (
    "La Seine traverse Paris d'est en ouest et ses quais, classés au patrimoine mondial, accueillent "
    "chaque jour des promeneurs, des bouquinistes et des péniches. The river has shaped the city's "
    "history: bridges, markets and palaces were all built along its banks, and floods such as the "
    "great one of 1910 left marks that can still be seen today."
)
PARAGRAPH_B = (
    "Les volcans d'Auvergne forment une chaîne de plus de quatre-vingts sommets endormis, couverts "
    "de prairies où paissent des vaches salers. Geologists study these domes and craters to "
    "understand how the Massif Central was formed, and hikers climb the Puy de Dôme to look across "
    "the whole range on clear mornings in late spring."
)
TURN1_USER = "Résume en une phrase ce dont nous avons parlé."
TURN2_USER = "Merci. Et maintenant, donne un titre à cette conversation."


# --------------------------------------------------------------------------------------- results


@dataclass
class Stream:
    """One streamed completion, timed on the client side (perf_counter seconds)."""

    start: float
    first: float | None = None  # first non-empty content delta
    last: float | None = None  # last non-empty content delta
    end: float | None = None
    deltas: int = 0
    text: list[str] = field(default_factory=list)
    usage: dict[str, Any] | None = None
    error: str | None = None

    @property
    def ttft_ms(self) -> float:
        return ((self.first or self.end or self.start) - self.start) * 1000

    @property
    def completion_tokens(self) -> int:
        return int((self.usage or {}).get("completion_tokens") or self.deltas)

    @property
    def cached_tokens(self) -> int:
        return int(((self.usage or {}).get("prompt_tokens_details") or {}).get("cached_tokens") or 0)

    @property
    def prompt_tokens(self) -> int:
        return int((self.usage or {}).get("prompt_tokens") or 0)

    @property
    def gen_tps(self) -> float:
        """Decode rate: tokens after the first one over the time from first to last token."""
        if self.first is None or self.last is None or self.last <= self.first or self.completion_tokens < 2:
            return float("nan")
        return (self.completion_tokens - 1) / (self.last - self.first)

    def content(self) -> str:
        return "".join(self.text)

    def on_payload(self, payload: dict[str, Any], now: float) -> None:
        if "error" in payload:
            self.error = json.dumps(payload["error"])[:300]
            return
        for choice in payload.get("choices") or []:
            piece = (choice.get("delta") or {}).get("content")
            if piece:
                if self.first is None:
                    self.first = now
                self.last = now
                self.deltas += 1
                self.text.append(piece)
        if payload.get("usage"):
            self.usage = payload["usage"]


def body(messages: list[dict[str, str]], max_tokens: int, seed: int) -> dict[str, Any]:
    return {
        "messages": messages,
        "max_tokens": max_tokens,
        "temperature": 0,
        "seed": seed,
        "stream": True,
        "stream_options": {"include_usage": True},
    }


def chat(user: str) -> list[dict[str, str]]:
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]


def check(stream: Stream, what: str) -> Stream:
    if stream.error:
        raise RuntimeError(f"{what}: {stream.error}")
    if stream.first is None:
        raise RuntimeError(f"{what}: no content was generated")
    return stream


# --------------------------------------------------------------------------------------- drivers


class RawDriver:
    """xllamacpp.Server in this process, with causerie's LocalEngine parameters."""

    name = "raw"

    def __init__(self, model_path: str, options: Any):
        import secrets

        import xllamacpp

        from causerie.engines.local import _server_params

        self.key = secrets.token_urlsafe(16)
        started = time.perf_counter()
        self.server = xllamacpp.Server(_server_params(model_path, options, self.key))
        self.load_s = time.perf_counter() - started

    def stream(self, payload: dict[str, Any]) -> Stream:
        result = Stream(start=time.perf_counter())

        def on_chunk(chunk: dict[str, Any]) -> bool:
            result.on_payload(chunk, time.perf_counter())
            return False

        returned = self.server.handle_chat_completions(payload, on_chunk)
        if isinstance(returned, dict) and "error" in returned:
            result.error = json.dumps(returned["error"])[:300]
        result.end = time.perf_counter()
        return result

    def count_tokens(self, text: str) -> int:
        with httpx.Client(
            base_url=self.server.listening_address,
            trust_env=False,
            timeout=30,
            headers={"Authorization": f"Bearer {self.key}"},
        ) as client:
            response = client.post("/tokenize", json={"content": text})
            response.raise_for_status()
            return len(response.json()["tokens"])

    def close(self) -> None:
        del self.server
        gc.collect()


class CauserieDriver:
    """A `causerie serve` subprocess on loopback, spoken to over HTTP with httpx."""

    name = "causerie"

    def __init__(self, model: str, settings: Any, home: str, timeout: float):
        self.port = free_port()
        self.command = [
            sys.executable,
            "-m",
            "causerie",
            "--lang",
            "en",
            "serve",
            "--model",
            model,
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--threads",
            str(settings.threads),
            "--parallel",
            str(settings.parallel),
            "--context-size",
            str(settings.context_size),
        ]
        env = {k: v for k, v in os.environ.items() if not k.startswith("CAUSERIE_")}
        env.update(
            {
                "CAUSERIE_HOME": home,
                "CAUSERIE_BATCH_SIZE": str(settings.batch_size),
                "CAUSERIE_KV_UNIFIED": str(settings.kv_unified).lower(),
                "CAUSERIE_GPU_LAYERS": str(settings.gpu_layers),
            }
        )
        self.log = tempfile.NamedTemporaryFile("w+b", prefix="causerie-serve-", suffix=".log", delete=False)
        started = time.perf_counter()
        self.proc = subprocess.Popen(
            self.command,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            preexec_fn=_die_with_parent,
        )
        self.base = f"http://127.0.0.1:{self.port}"
        self.client = httpx.Client(
            base_url=self.base,
            trust_env=False,
            timeout=httpx.Timeout(900.0),
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=64),
        )
        self._wait_ready(timeout)
        self.load_s = time.perf_counter() - started

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"causerie serve exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                if self.client.get("/health", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        self.close()
        raise RuntimeError(f"causerie serve not ready after {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, size: int = 3000) -> str:
        self.log.flush()
        return Path(self.log.name).read_bytes()[-size:].decode(errors="replace")

    def stream(self, payload: dict[str, Any]) -> Stream:
        result = Stream(start=time.perf_counter())
        with self.client.stream("POST", "/v1/chat/completions", json=payload) as response:
            if response.status_code != 200:
                result.error = f"HTTP {response.status_code}: {response.read()[:300]!r}"
                result.end = time.perf_counter()
                return result
            for line in response.iter_lines():
                if not line.startswith("data:"):
                    continue
                data = line[5:].strip()
                if data == "[DONE]":
                    break
                result.on_payload(json.loads(data), time.perf_counter())
        result.end = time.perf_counter()
        return result

    def processes(self) -> list[psutil.Process]:
        main = psutil.Process(self.proc.pid)
        return [main, *main.children(recursive=True)]

    def cpu_seconds(self) -> float:
        total = 0.0
        for proc in self.processes():
            with _ignore_gone():
                times = proc.cpu_times()
                total += times.user + times.system
        return total

    def close(self) -> None:
        self.client.close()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # uvicorn's graceful shutdown, then pool.close()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.terminate()
                try:
                    self.proc.wait(10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
        self.log.close()


class _ignore_gone:
    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type | None, *rest: object) -> bool:
        return kind is not None and issubclass(kind, psutil.Error)


def _die_with_parent() -> None:
    """In the server's process, before exec: on Linux, be sent SIGTERM if this benchmark dies."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --------------------------------------------------------------------------------------- memory


def rss_of(procs: list[psutil.Process], model_path: str) -> tuple[int, int]:
    """(total RSS, RSS of the model file's mappings) summed over `procs`."""
    total = mapped = 0
    real = os.path.realpath(model_path)
    for proc in procs:
        with _ignore_gone():
            total += proc.memory_info().rss
            for region in proc.memory_maps(grouped=True):
                if region.path and os.path.realpath(region.path) == real:
                    mapped += region.rss
    return total, mapped


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


# --------------------------------------------------------------------------------------- report


@dataclass
class Row:
    metric: str
    raw: str
    causerie: str
    compare: str
    target: str
    verdict: str  # "pass", "FAIL" or ""


def ratio(a: float, b: float) -> float:
    return a / b if b else float("nan")


def build_rows(raw: PhaseResult, cau: PhaseResult, work: Workload, model_size: int) -> list[Row]:
    ok = lambda cond: "pass" if cond else "FAIL"  # noqa: E731
    rows = []
    r_gen, c_gen = raw.gen_tps, cau.gen_tps
    rows.append(
        Row(
            f"Single-stream generation, tok/s (median of {len(raw.gen)}, max_tokens {work.max_tokens})",
            f"{r_gen:.1f}",
            f"{c_gen:.1f}",
            f"{ratio(c_gen, r_gen):.1%}",
            "≥ 97 % of raw",
            ok(ratio(c_gen, r_gen) >= 0.97),
        )
    )
    delta = cau.ttft - raw.ttft
    rows.append(
        Row(
            f"TTFT, short prompt, ms (median of {len(raw.ttft_ms)})",
            f"{raw.ttft:.1f}",
            f"{cau.ttft:.1f}",
            f"{delta:+.1f} ms",
            "≤ +10 ms",
            ok(delta <= 10),
        )
    )
    for clients in work.clients:
        r, c = raw.agg_tps(clients), cau.agg_tps(clients)
        target, verdict = ("≥ raw", ok(c >= r)) if clients == 4 else ("(info)", "")
        rows.append(
            Row(
                f"Aggregate tok/s, {clients} concurrent client{'s' if clients > 1 else ''}",
                f"{r:.1f}",
                f"{c:.1f}",
                f"{ratio(c, r):.1%}",
                target,
                verdict,
            )
        )
    rows.append(
        Row(
            f"Turn-2 TTFT, ~{work.history_tokens}-token history cached, ms",
            f"{raw.cache_cached_ms:.0f}",
            f"{cau.cache_cached_ms:.0f}",
            f"{cau.cache_cached_ms - raw.cache_cached_ms:+.0f} ms",
            "(info)",
            "",
        )
    )
    rows.append(
        Row(
            "Turn-2 TTFT, same length, cold, ms",
            f"{raw.cache_cold_ms:.0f}",
            f"{cau.cache_cold_ms:.0f}",
            f"{cau.cache_cold_ms - raw.cache_cold_ms:+.0f} ms",
            "(info)",
            "",
        )
    )
    r_cache, c_cache = ratio(raw.cache_cached_ms, raw.cache_cold_ms), ratio(cau.cache_cached_ms, cau.cache_cold_ms)
    rows.append(Row("Cached / cold turn-2 TTFT", f"{r_cache:.1%}", f"{c_cache:.1%}", "", "≤ 25 %", ok(c_cache <= 0.25)))
    rows.append(
        Row(
            "Idle RSS after load + warm-up, MB",
            f"{raw.rss_idle / MB:.0f} ¹",
            f"{cau.rss_idle / MB:.0f}",
            "",
            "(info)",
            "",
        )
    )
    beyond = cau.rss_idle - model_size
    rows.append(
        Row(
            "Idle RSS − model file size, MB",
            f"{(raw.rss_idle - model_size) / MB:.0f} ¹",
            f"{beyond / MB:.0f}",
            "",
            "≤ 150 MB",
            ok(beyond <= 150 * MB),
        )
    )
    # What llama.cpp itself allocates (KV cache, compute and output buffers): the raw process's growth on load,
    # less the resident model pages. The rest of the server's memory is Python, FastAPI and causerie.
    engine_own = raw.rss_idle - raw.rss_base - raw.rss_idle_model
    outside = cau.rss_idle - cau.rss_idle_model
    rows.append(
        Row(
            "… of which llama.cpp's own buffers (KV cache, compute), MB ²",
            f"{engine_own / MB:.0f}",
            f"≈ {engine_own / MB:.0f}",
            "",
            "(info)",
            "",
        )
    )
    rows.append(
        Row(
            "… of which the rest of the process (Python, FastAPI, causerie), MB ²",
            f"{raw.rss_base / MB:.0f} ¹",
            f"{(outside - engine_own) / MB:.0f}",
            "",
            "(info)",
            "",
        )
    )
    rows.append(
        Row(
            "Idle RSS after the whole run, MB",
            f"{raw.rss_after / MB:.0f} ¹",
            f"{cau.rss_after / MB:.0f}",
            "",
            "(info)",
            "",
        )
    )
    return rows


def print_table(rows: list[Row]) -> None:
    table = Table(title="causerie serve vs raw xllamacpp")
    for column in ("Metric", "Raw", "Causerie", "Causerie vs raw", "Target", "Result"):
        table.add_column(column, justify="left" if column in ("Metric", "Target") else "right")
    for row in rows:
        verdict = {"pass": "[green]pass[/]", "FAIL": "[bold red]FAIL[/]"}.get(row.verdict, "")
        table.add_row(row.metric, row.raw, row.causerie, row.compare, row.target, verdict)
    Console(width=max(140, Console().width)).print(table)


def markdown(rows: list[Row], raw: PhaseResult, cau: PhaseResult, work: Workload, info: dict[str, Any]) -> str:
    lines = ["# Benchmarks: `causerie serve` vs raw llama.cpp", ""]
    if info["preliminary"]:
        lines += [
            f"> **Preliminary run.** {info['preliminary']} The numbers below are indicative only; the "
            "official figures come from the same command run on a quiet machine.",
            "",
        ]
    lines += [
        "This page is written by `bench/serve_vs_raw.py`. It measures what causerie's HTTP layer (FastAPI, "
        "SSE, the engine's thread hand-offs) costs on top of llama.cpp, by sending the same requests to the "
        "same model, once in process through xllamacpp (*raw*) and once to `causerie serve` over loopback "
        "HTTP (*causerie*). The two phases never run at the same time.",
        "",
        "## Run",
        "",
        f"- Date: {info['date']}, {info['elapsed_s']:.0f} s in all",
        f"- Command: `{info['command']}`",
        f"- Machine: {info['cpu']}, {info['cores']} cores available, {info['ram_gb']:.1f} GiB RAM, {info['os']}",
        f"- Load average at start: {info['load_start']} (at the end, including this benchmark: {info['load_end']})",
        f"- CPU used by other processes: {raw.foreign_share:.0%} of the machine during the raw phase, "
        f"{cau.foreign_share:.0%} during the causerie phase (from `/proc/stat`, less this benchmark's and the "
        "server's own CPU time)",
        f"- Software: causerie {info['causerie']} (git {info['git']}), xllamacpp {info['xllamacpp']}, "
        f"Python {platform.python_version()}",
        f"- Model: `{info['model']}`, {info['quant']}, {info['size'] / MB:.0f} MiB ({info['size']:,} bytes), "
        f"sha256 `{info['sha256']}`",
        f"- Engine settings, identical on both sides: threads {info['threads']}, parallel slots {info['parallel']}, "
        f"context {info['context']} tokens (kv_unified={info['kv_unified']}), batch {info['batch']}, "
        f"GPU layers {info['gpu_layers']}",
        f"- Load time: raw {raw.load_s:.1f} s (in process), causerie {cau.load_s:.1f} s (process start to "
        "`/health` answering)",
        "",
        "## Results",
        "",
        "| Metric | Raw | Causerie | Causerie vs raw | Target | Result |",
        "|---|---:|---:|---:|---|:---:|",
    ]
    for row in rows:
        verdict = {"pass": "✅ pass", "FAIL": "❌ **FAIL**"}.get(row.verdict, "")
        lines.append(f"| {row.metric} | {row.raw} | {row.causerie} | {row.compare} | {row.target} | {verdict} |")
    mean = lambda streams: statistics.mean(s.completion_tokens for s in streams)  # noqa: E731
    same = all(a.content() == b.content() for a, b in zip(raw.gen, cau.gen, strict=True))
    lines += [
        "",
        "MB = MiB. ¹ The raw column's memory is this benchmark's own process (Python, httpx, rich and causerie's "
        f"modules: {raw.rss_base / MB:.0f} MiB before the engine was loaded), for comparison only. "
        "² llama.cpp's own buffers are measured on the raw side (RSS growth on load and warm-up, less the "
        "resident model pages) and assumed equal in the server, whose remainder is then Python and causerie.",
        "",
        "Details:",
        "",
        f"- Single-stream runs: raw {', '.join(f'{s.gen_tps:.1f}' for s in raw.gen)} tok/s, causerie "
        f"{', '.join(f'{s.gen_tps:.1f}' for s in cau.gen)} tok/s; completion tokens per run: raw {mean(raw.gen):.0f}, "
        f"causerie {mean(cau.gen):.0f}; identical text on both sides: {'yes' if same else 'no'}. "
        f"The HTTP client (this process) used {cau.client_cpu_per_token_us:.0f} µs of CPU per streamed token.",
        f"- TTFT runs (ms): raw {', '.join(f'{x:.1f}' for x in raw.ttft_ms)}; causerie "
        f"{', '.join(f'{x:.1f}' for x in cau.ttft_ms)}.",
        "- Aggregate runs (completion tokens / wall time): "
        + "; ".join(
            f"{n} client{'s' if n > 1 else ''}: raw "
            + ", ".join(f"{tokens} / {wall:.2f} s" for _, tokens, wall in raw.aggregate[n])
            + ", causerie "
            + ", ".join(f"{tokens} / {wall:.2f} s" for _, tokens, wall in cau.aggregate[n])
            for n in work.clients
        )
        + ".",
        f"- Prompt cache: history of ~{work.history_tokens} tokens (cold one ~{work.cold_tokens}); turn-1 TTFT "
        f"raw {raw.cache_turn1_ms:.0f} ms, causerie {cau.cache_turn1_ms:.0f} ms; turn 2 reused "
        f"{raw.cache_cached_tokens}/{raw.cache_prompt_tokens} prompt tokens on the raw side and "
        f"{cau.cache_cached_tokens}/{cau.cache_prompt_tokens} through causerie (`usage.prompt_tokens_details`).",
        f"- causerie server RSS: {cau.rss_idle / MB:.0f} MiB idle after warm-up, of which "
        f"{cau.rss_idle_model / MB:.0f} MiB are resident pages of the model file; {cau.rss_after / MB:.0f} MiB "
        f"after the whole run ({cau.rss_after_model / MB:.0f} MiB model pages).",
        "",
        "## Method",
        "",
        "- Same llama.cpp parameters on both sides: the raw side builds them with causerie's own "
        "`causerie.engines.local._server_params`; the server gets them from `--threads`, `--parallel`, "
        "`--context-size` and `CAUSERIE_BATCH_SIZE`, `CAUSERIE_KV_UNIFIED`, `CAUSERIE_GPU_LAYERS`.",
        "- Order: the raw engine is loaded, measured and freed (`del` + `gc`), then `causerie serve` is started "
        f"on a free loopback port, measured and stopped; {info['rounds']} round(s), the order alternating from one "
        "round to the next (raw, causerie, causerie, raw, …) so that a drift of the machine's speed favours "
        "neither side. Memory and the prompt-cache test are measured in the first phase of each side only. Each "
        "phase starts with one short warm-up request. Both sides receive byte-identical request bodies in the "
        "same order, so their prompt caches see the same history.",
        f"- Requests: streamed chat completions, `temperature: 0`, `seed: {work.seed}`, "
        "`stream_options.include_usage`. `ignore_eos` is not sent: causerie's API ignores unknown fields, so it "
        "would only apply to the raw side. The prompts ask for long answers, and the token counts of both "
        "sides are listed above.",
        "- Raw: `xllamacpp.Server.handle_chat_completions` with a streaming callback, from Python threads (the "
        "call releases the GIL, so concurrent threads are batched by llama.cpp). Causerie: `httpx` (HTTP/1.1, "
        "keep-alive) streaming, parsing the `data:` lines of the SSE stream.",
        "- TTFT: client-side time from just before the call (raw) or the HTTP request (causerie) to the first "
        f"non-empty content delta; {work.ttft_runs} different short questions per phase, `max_tokens: 4`, median "
        "over all phases.",
        "- Single-stream generation: (completion tokens − 1) / (time of the last content delta − time of the "
        f"first), completion tokens from the final `usage`; `max_tokens: {work.max_tokens}`, {work.gen_runs} runs "
        "of the same prompt per phase, median over all phases.",
        "- Aggregate: N clients (threads on the raw side, concurrent httpx streams for causerie) released "
        f"together, each asking for a long text on its own topic (`max_tokens: {work.max_tokens}`); total "
        f"completion tokens / wall time from the release to the end of the last stream, mean over the phases. "
        f"With {info['parallel']} slots, clients beyond {info['parallel']} wait in llama.cpp's queue.",
        "- Prompt cache: turn 1 sends the history and a question (16 tokens generated); turn 2 sends history, "
        "question, turn 1's answer and a new question, so llama.cpp can reuse the slot that holds the history "
        "(*cached*). *Cold* is the same turn-2 request built on another history of the same length, never sent "
        "before. One measurement each.",
        "- Memory: RSS of the `causerie serve` process and its children (psutil), idle after load and warm-up. "
        "The weights are mmap'd, so the model file's pages that were read count in RSS: *RSS − model file size* "
        "is the issue's measure; the two \"of which\" rows split what is outside the model file's mapping "
        "(read from `/proc/PID/smaps`).",
        "- The script exits with status 1 when a target is missed.",
        "",
    ]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------- main


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter
    )
    parser.add_argument("--model", default="qwen2.5-coder-1.5b-instruct", help="causerie model name (or .gguf path)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--parallel", type=int, default=4, help="llama.cpp slots (causerie's default)")
    parser.add_argument("--context-size", type=int, default=8192, help="total context (causerie's default)")
    parser.add_argument("--batch-size", type=int, default=512, help="prompt batch (causerie's default)")
    parser.add_argument("--max-tokens", type=int, default=64, help="max_tokens of the throughput runs")
    parser.add_argument("--gen-runs", type=int, default=3)
    parser.add_argument("--ttft-runs", type=int, default=5)
    parser.add_argument("--clients", default="1,4,8", help="concurrency levels of the aggregate test")
    parser.add_argument("--history-tokens", type=int, default=1500, help="size of the prompt-cache history")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--rounds",
        type=int,
        default=2,
        help="raw/causerie phase pairs, in alternating order (memory and cache: first pair only)",
    )
    parser.add_argument("--home", default=os.environ.get("CAUSERIE_HOME"), help="CAUSERIE_HOME (data directory)")
    parser.add_argument("--startup-timeout", type=float, default=300.0)
    parser.add_argument("--out", type=Path, help="write the Markdown report here (e.g. docs/benchmarks.md)")
    parser.add_argument(
        "--busy-load",
        type=float,
        default=1.0,
        help="mark the report preliminary if the 1-minute load average at start exceeds this",
    )
    parser.add_argument("--preliminary", action="store_true", help="mark the report preliminary regardless")
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="before each phase, wait up to this long for other processes to use < 10%% of the CPU",
    )
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    # SIGTERM (e.g. from `timeout`): leave at once, without waiting for generations in flight; the server, if
    # one is running, gets SIGTERM from the kernel when this process dies (see _die_with_parent).
    signal.signal(signal.SIGTERM, lambda *_: os._exit(143))
    from causerie import __version__
    from causerie.engines.local import LocalOptions
    from causerie.models.catalog import Catalog
    from causerie.settings import Settings

    if args.home:
        os.environ["CAUSERIE_HOME"] = args.home
    settings = Settings(
        threads=args.threads,
        parallel=args.parallel,
        context_size=args.context_size,
        batch_size=args.batch_size,
        kv_unified=True,
        gpu_layers=0,
        verbose_engine=False,
    )
    home = str(settings.home)
    catalog = Catalog(settings)
    card = catalog.prepare(catalog.get(args.model), quiet=True)
    if card.engine != "local" or not card.path:
        console.print(f"[red]{args.model} is not a local model[/]")
        return 2
    model_size = os.path.getsize(card.path)
    clients = [int(x) for x in args.clients.split(",") if x.strip()]
    work = Workload(
        max_tokens=args.max_tokens, seed=args.seed, gen_runs=args.gen_runs, ttft_runs=args.ttft_runs, clients=clients
    )

    load_start = os.getloadavg()
    wall_start = time.monotonic()
    me = psutil.Process()
    own_cpu = own_cpu_seconds
    console.print(
        f"[bold]{card.name}[/] ({card.quantization}, {model_size / MB:.0f} MB) — threads {args.threads}, "
        f"parallel {args.parallel}, context {args.context_size}; load average "
        f"{', '.join(f'{x:.2f}' for x in load_start)}"
    )

    raw, cau = PhaseResult("raw"), PhaseResult("causerie")
    gc.collect()
    raw.rss_base = me.memory_info().rss

    def raw_phase() -> None:
        """Load the engine in this process, measure, free it."""
        first = raw.phases == 0
        console.print(f"[bold]RAW[/] ({'first' if first else 'again'}): xllamacpp.Server in process")
        busy0, cpu0, t0 = busy_cpu_seconds(), own_cpu(), time.monotonic()
        driver = RawDriver(card.path, LocalOptions.from_settings(settings))
        try:
            if first:
                raw.load_s = driver.load_s
                work.history, work.cold_history, work.history_tokens, work.cold_tokens = calibrate_histories(
                    driver, args.history_tokens
                )
            run_phase(driver, work, raw, lambda: rss_of([me], card.path), first)
        finally:
            driver.close()
            del driver
            gc.collect()
        wall = time.monotonic() - t0
        raw.wall_s += wall
        raw.foreign_cpu_s += max(0.0, busy_cpu_seconds() - busy0 - (own_cpu() - cpu0))
        raw.phases += 1
        time.sleep(2.0)  # let llama.cpp's threads wind down before the next phase

    def causerie_phase() -> None:
        """Start `causerie serve`, measure over HTTP, stop it."""
        first = cau.phases == 0
        console.print(f"[bold]CAUSERIE[/] ({'first' if first else 'again'}): `causerie serve` over loopback HTTP")
        busy0, cpu0, t0 = busy_cpu_seconds(), own_cpu(), time.monotonic()
        server = CauserieDriver(args.model, settings, home, args.startup_timeout)
        server_cpu = 0.0
        try:
            if first:
                cau.load_s = server.load_s
            run_phase(server, work, cau, lambda: rss_of(server.processes(), card.path), first)
            server_cpu = server.cpu_seconds()
        finally:
            server.close()
        cau.wall_s += time.monotonic() - t0
        cau.foreign_cpu_s += max(0.0, busy_cpu_seconds() - busy0 - (own_cpu() - cpu0) - server_cpu)
        cau.phases += 1
        time.sleep(2.0)

    # Never both at once. Rounds alternate the order (raw, causerie, then causerie, raw, ...) so that a slow
    # drift of the machine's speed does not favour either side.
    for round_ in range(args.rounds):
        for phase in (raw_phase, causerie_phase) if round_ % 2 == 0 else (causerie_phase, raw_phase):
            if args.wait_quiet:
                wait_until_quiet(args.wait_quiet)
            phase()

    elapsed = time.monotonic() - wall_start
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else CPUS
    reasons = []
    if load_start[0] > args.busy_load:
        reasons.append(f"The machine was busy at start (1-minute load average {load_start[0]:.2f}).")
    for phase in (raw, cau):
        if phase.foreign_share > 0.05:
            reasons.append(f"Other processes used {phase.foreign_share:.0%} of the CPU during the {phase.name} phase.")
    if args.preliminary and not reasons:
        reasons.append("Marked preliminary by the operator.")

    rows = build_rows(raw, cau, work, model_size)
    print_table(rows)
    import xllamacpp

    command = "python bench/serve_vs_raw.py " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    if os.environ.get("CAUSERIE_HOME") and not any(a.startswith("--home") for a in sys.argv[1:]):
        command = f"CAUSERIE_HOME={shlex.quote(os.environ['CAUSERIE_HOME'])} {command}"
    info = {
        "preliminary": " ".join(reasons),
        "date": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "command": command,
        "cpu": cpu_model(),
        "cores": cores,
        "ram_gb": psutil.virtual_memory().total / 1024**3,
        "os": f"{platform.system()} {platform.release()}",
        "load_start": ", ".join(f"{x:.2f}" for x in load_start),
        "load_end": ", ".join(f"{x:.2f}" for x in os.getloadavg()),
        "elapsed_s": elapsed,
        "causerie": __version__,
        "git": git_revision(Path(__file__).resolve().parents[1]),
        "xllamacpp": xllamacpp.__version__,
        "model": card.name,
        "quant": card.quantization,
        "size": model_size,
        "sha256": card.sha256,
        "threads": args.threads,
        "parallel": args.parallel,
        "context": args.context_size,
        "kv_unified": settings.kv_unified,
        "batch": args.batch_size,
        "gpu_layers": settings.gpu_layers,
        "rounds": args.rounds,
    }
    console.print(
        f"done in {elapsed:.0f} s; other processes used {raw.foreign_share:.0%} (raw phase) and "
        f"{cau.foreign_share:.0%} (causerie phase) of the CPU"
        + (f" — [yellow]preliminary: {' '.join(reasons)}[/]" if reasons else "")
    )
    if args.out:
        write_section(args.out, "serve-bench", markdown(rows, raw, cau, work, info))
        console.print(f"report written to {args.out}")
    return 1 if any(row.verdict == "FAIL" for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
