"""The cost of the Ray hop, and what replicas buy: `causerie serve` on one process against the same model
served by Ray Serve replicas (`--replicas`), one configuration after the other, nothing else running.

For each configuration: a single stream at a time (`--single` requests: time to first token and the
generation rate, medians), then `--concurrent` streams at once for `--seconds` (aggregate tokens/s).

    .venv/bin/python bench/cluster_bench.py --out docs/benchmarks.md          # SmolLM2, about 4 minutes
    .venv/bin/python bench/cluster_bench.py --model qwen2.5-coder-1.5b-instruct --out docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
from report_section import publish  # bench/ is on sys.path when a script here runs
from servers import running_server

# (label, extra `causerie serve` arguments, config.toml)
CONFIGS = [
    ("one process, 2 threads", (), ""),
    ("Ray: 1 replica, 2 threads", ("--replicas", "1"), "replica_cpus = 1\nreplica_threads = 2\n"),
    ("Ray: 1 replica, 1 thread", ("--replicas", "1"), "replica_cpus = 1\nreplica_threads = 1\n"),
    ("Ray: 2 replicas, 1 thread each", ("--replicas", "2"), "replica_cpus = 1\nreplica_threads = 1\n"),
]


async def one_stream(http: httpx.AsyncClient, model: str, max_tokens: int, seed: int) -> dict[str, float]:
    body = {"model": model, "messages": [{"role": "user", "content": f"Raconte une histoire ({seed})."}],
            "max_tokens": max_tokens, "temperature": 0, "seed": seed, "stream": True,
            "stream_options": {"include_usage": True}}
    start = time.perf_counter()
    first = last = None
    tokens = 0
    async with http.stream("POST", "/v1/chat/completions", json=body) as response:
        response.raise_for_status()
        async for line in response.aiter_lines():
            if not line.startswith("data: {"):
                continue
            event = json.loads(line[6:])
            if event.get("usage"):
                tokens = event["usage"]["completion_tokens"]
            if any(c["delta"].get("content") for c in event.get("choices", [])):
                first = first or time.perf_counter()
                last = time.perf_counter()
    gen_s = (last - first) if first and last and last > first else float("nan")
    return {"ttft_ms": ((first or time.perf_counter()) - start) * 1000,
            "tps": (tokens - 1) / gen_s if tokens > 1 else float("nan"), "tokens": tokens}


async def measure(url: str, model: str, args: argparse.Namespace) -> dict[str, float]:
    async with httpx.AsyncClient(base_url=url, timeout=300, trust_env=False) as http:
        await one_stream(http, model, 8, 0)  # warm-up
        singles = [await one_stream(http, model, args.max_tokens, seed) for seed in range(1, args.single + 1)]
        deadline = time.monotonic() + args.seconds
        total = 0

        async def loop(index: int) -> None:
            nonlocal total
            seed = 1000 + index
            while time.monotonic() < deadline:
                # Awaited first, then added: `total += await …` reads `total` before the await, and the
                # concurrent loops' additions would overwrite each other.
                tokens = (await one_stream(http, model, args.max_tokens, seed))["tokens"]
                total += tokens
                seed += args.concurrent

        started = time.monotonic()
        await asyncio.gather(*(loop(i) for i in range(args.concurrent)))
        elapsed = time.monotonic() - started
    return {"ttft_ms": statistics.median(s["ttft_ms"] for s in singles),
            "tps": statistics.median(s["tps"] for s in singles), "aggregate_tps": total / elapsed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="smollm2-135m-instruct")
    parser.add_argument("--single", type=int, default=8)
    parser.add_argument("--concurrent", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--max-tokens", type=int, default=128)
    parser.add_argument("--home", type=Path, help="a CAUSERIE_HOME holding the model already (default: a temporary "
                        "one per configuration, where the model is assembled again)")
    parser.add_argument("--section", default="cluster-bench")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    results = {}
    for label, extra, config in CONFIGS:
        with tempfile.TemporaryDirectory(prefix="causerie-cluster-bench-") as scratch:
            home = args.home or Path(scratch)
            with running_server(home, args.model, config, extra, startup_timeout=300) as url:
                results[label] = asyncio.run(measure(url, args.model, args))
        print(label, results[label], flush=True)
    base = results[CONFIGS[0][0]]
    rows = ["| configuration | first token, median (ms) | single-stream tok/s, median | ratio to one process | "
            f"aggregate tok/s, {args.concurrent} streams |", "|---|---|---|---|---|"]
    for label, r in results.items():
        rows.append(f"| {label} | {r['ttft_ms']:.0f} ({r['ttft_ms'] - base['ttft_ms']:+.0f}) | {r['tps']:.1f} | "
                    f"{r['tps'] / base['tps']:.2f} | {r['aggregate_tps']:.1f} |")
    text = "\n".join([f"### Ray Serve replicas against one process ({args.model})", "",
                      f"{args.single} single streams of {args.max_tokens} tokens (medians), then {args.concurrent} "
                      f"streams at once for {args.seconds:.0f} s; 2 CPUs, one configuration at a time. Command: "
                      f"`{' '.join(['python', *sys.argv])}`", "", *rows])
    publish(text, args.out, args.section)


if __name__ == "__main__":
    main()
