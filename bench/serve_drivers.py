"""The two sides of bench/serve_vs_raw.py: the requests both send, and a driver each (xllamacpp in
process, `causerie serve` over HTTP), with the streamed completion each returns, timed on the client."""

from __future__ import annotations

import gc
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil
from rich.console import Console

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
