"""Does conversation affinity help? Multi-turn conversations through two Ray Serve replicas, with the
affinity router (`replica_affinity = true`, the default) and with Serve's power of two choices (false).

Each of `--conversations` clients holds one conversation with a long system message (a few hundred tokens
of prompt that llama.cpp can keep in a slot's cache) and sends `--turns` turns, each carrying the whole
history, as a chat client does. Reported: time to first token of turn 1 (nothing cached anywhere) and of the
later turns (cached, when the turn lands where the previous one ran), medians and p95, and how many prompt
tokens the replicas took from their cache (`usage.prompt_tokens_details.cached_tokens`, summed over the
later turns).

    .venv/bin/python bench/affinity_bench.py --out docs/benchmarks.md          # SmolLM2, about 4 minutes
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shlex
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
from report_section import publish  # bench/ is on sys.path when a script here runs
from servers import running_server

SYSTEM = ("Tu es causerie, un assistant francophone. Tu réponds brièvement, en français clair, et tu rappelles "
          "les règles suivantes quand on te le demande. ") + " ".join(
    f"Règle {i} : vérifier les faits, citer ses sources, rester poli et ne jamais inventer de chiffres." for i in
    range(1, 21))
QUESTIONS = ("Bonjour, qui es-tu ?", "Quelle est la règle 3 ?", "Et la règle 12 ?", "Résume les règles.",
             "Merci, une dernière chose ?", "Au revoir.")


async def turn(http: httpx.AsyncClient, model: str, messages: list[dict], max_tokens: int) -> dict:
    body = {"model": model, "messages": messages, "max_tokens": max_tokens, "temperature": 0, "stream": True,
            "stream_options": {"include_usage": True}}
    start = time.perf_counter()
    first, text, cached = None, [], 0
    async with http.stream("POST", "/v1/chat/completions", json=body) as response:
        response.raise_for_status()
        async for line in response.aiter_lines():
            if not line.startswith("data: {"):
                continue
            event = json.loads(line[6:])
            if event.get("usage"):
                cached = (event["usage"].get("prompt_tokens_details") or {}).get("cached_tokens", 0)
            for choice in event.get("choices", []):
                if choice["delta"].get("content"):
                    first = first or time.perf_counter()
                    text.append(choice["delta"]["content"])
    return {"ttft_ms": ((first or time.perf_counter()) - start) * 1000, "text": "".join(text), "cached": cached}


async def conversation(http: httpx.AsyncClient, model: str, index: int, args: argparse.Namespace) -> list[dict]:
    # The conversation's own words first: with a shared opening, every slot of every replica would hold the
    # same prefix and routing could not matter.
    messages = [{"role": "system", "content": f"Conversation {index} : {SYSTEM}"}]
    results = []
    for number in range(args.turns):
        messages.append({"role": "user", "content": QUESTIONS[number % len(QUESTIONS)]})
        result = await turn(http, model, messages, args.max_tokens)
        messages.append({"role": "assistant", "content": result["text"]})
        results.append(result)
    return results


async def measure(url: str, model: str, args: argparse.Namespace) -> dict[str, float]:
    async with httpx.AsyncClient(base_url=url, timeout=300, trust_env=False) as http:
        await turn(http, model, [{"role": "user", "content": "Bonjour"}], 4)  # warm-up
        runs = await asyncio.gather(*(conversation(http, model, i, args) for i in range(args.conversations)))
    firsts = [run[0]["ttft_ms"] for run in runs]
    later = [result for run in runs for result in run[1:]]
    later_ms = sorted(r["ttft_ms"] for r in later)
    return {"first_ms": statistics.median(firsts), "later_ms": statistics.median(later_ms),
            "later_p95_ms": later_ms[min(len(later_ms) - 1, round(0.95 * (len(later_ms) - 1)))],
            "cached": sum(r["cached"] for r in later)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="smollm2-135m-instruct")
    parser.add_argument("--conversations", type=int, default=8, help="as many as the slots of two replicas: "
                        "a turn sent to the other replica finds its slots holding other conversations")
    parser.add_argument("--turns", type=int, default=4)
    parser.add_argument("--max-tokens", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=1, help="each setting this many times, alternating")
    parser.add_argument("--home", type=Path, help="a CAUSERIE_HOME holding the model already")
    parser.add_argument("--section", default="affinity-bench")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    results: dict[str, list[dict[str, float]]] = {"affinity (default)": [], "power of two choices": []}
    for _ in range(args.rounds):
        for label, flag in (("affinity (default)", "true"), ("power of two choices", "false")):
            with tempfile.TemporaryDirectory(prefix="causerie-affinity-") as scratch:
                home = args.home or Path(scratch)
                config = f"replica_cpus = 1\nreplica_threads = 1\nreplica_affinity = {flag}\n"
                with running_server(home, args.model, config, ("--replicas", "2"), startup_timeout=300) as url:
                    results[label].append(asyncio.run(measure(url, args.model, args)))
            print(label, results[label][-1], flush=True)
    rows = ["| routing | turn 1, first token (ms) | later turns, first token median / p95 (ms) | "
            "prompt tokens from cache, later turns |", "|---|---|---|---|"]
    for label, runs in results.items():
        def med(key: str, runs: list[dict[str, float]] = runs) -> float:
            return statistics.median(run[key] for run in runs)
        rows.append(f"| {label} | {med('first_ms'):.0f} | {med('later_ms'):.0f} / {med('later_p95_ms'):.0f} | "
                    f"{med('cached'):.0f} |")
    text = "\n".join([f"### Conversation affinity through 2 replicas ({args.model})", "",
                      f"{args.conversations} conversations at once, {args.turns} turns each (a system message of "
                      f"about {len(SYSTEM.split())} words, {args.max_tokens}-token answers); 2 replicas, 1 thread "
                      f"each; medians of {args.rounds} alternating runs. Command: "
                      f"`{shlex.join(['python', *sys.argv])}`", "", *rows])
    publish(text, args.out, args.section)


if __name__ == "__main__":
    main()
