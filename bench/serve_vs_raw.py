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
import os
import platform
import shlex
import signal
import sys
import time
from pathlib import Path

import psutil
from report_section import write_section  # bench/ is on sys.path when a script here runs
from rich.console import Console
from serve_drivers import CPUS, MB, CauserieDriver, RawDriver, rss_of
from serve_phases import (
    PhaseResult,
    Workload,
    busy_cpu_seconds,
    calibrate_histories,
    cpu_model,
    git_revision,
    own_cpu_seconds,
    run_phase,
    wait_until_quiet,
)
from serve_report import build_rows, markdown, print_table

console = Console(stderr=True)


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
