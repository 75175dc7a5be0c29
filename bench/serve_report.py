"""The report of bench/serve_vs_raw.py: rows raw vs causerie against the targets, as a table and Markdown."""

from __future__ import annotations

import platform
import statistics
from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.table import Table
from serve_drivers import MB
from serve_phases import PhaseResult, Workload

console = Console(stderr=True)


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
