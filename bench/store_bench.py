"""Benchmark of the conversation store, on SQLite and on PostgreSQL.

1. Write throughput: 16 conversations at once, each posting messages through the real HTTP app (in
   process, httpx ASGI transport) whose answers a FakeEngine streams at full speed; every answer is
   persisted as it streams. Reported: messages persisted per second (a question and its answer count two),
   and the store writes per second behind them. Run twice: with the default flush (every 250 ms, so a
   fast answer is written at its start and end) and with `store_flush_ms=0` (a write per streamed piece,
   the worst case).
2. Search latency: 100,000 French-looking messages of one user, then full-text queries (common word,
   rare word, two words, an inflected form), each timed 30 times after a warm-up.

PostgreSQL is a throwaway cluster started here (tests/pgcluster.py) with its durable defaults (fsync on),
unless `--pg-url` names one. Usage:

    .venv/bin/python bench/store_bench.py --out docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
from report_section import git_head, write_section  # bench/ is on sys.path when a script here runs
from sqlalchemy import insert

from causerie import __version__
from causerie.api import create_app
from causerie.engines.fake import FakeEngine
from causerie.engines.pool import EnginePool
from causerie.settings import Settings
from causerie.store import Store
from causerie.store.models import Conversation, Message
from causerie.store.records import now

ROOT = Path(__file__).resolve().parent.parent
WORDS = ("le la les un une des et ou mais donc pour avec sans dans sur sous chez vers entre maison jardin chat "
         "chien voiture train ville campagne soleil pluie neige vent mer montagne rivière forêt arbre fleur pain "
         "fromage vin café thé lait sucre sel poivre recette cuisine repas dîner déjeuner matin soir nuit jour "
         "semaine année travail école livre lettre musique film histoire question réponse idée projet code "
         "programme fonction erreur serveur réseau données fichier mot phrase texte langue français anglais "
         "traduction résumé article journal famille ami enfant parent voisin médecin marché prix argent temps "
         "mange mangeait mangeons parle parlait écrit écrivait lit lisait voit voyait pense pensait aime aimait "
         "grand petit beau vieux nouveau bon mauvais long court rapide lent chaud froid facile difficile").split()
RARE = ("ratatouille", "zeppelin", "quasar", "origami", "harfang")
QUERIES = {"common word": "maison", "rare word": "ratatouille", "two words": "jardin soleil",
           "inflected form": "mangeaient", "phrase of 4 words": "recette de pain chaud"}


def sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(8, 40))
    if rng.random() < 0.001:
        words.insert(rng.randrange(len(words)), rng.choice(RARE))
    return " ".join(words).capitalize() + "."


# --- 1. write throughput ---
async def converse(client: httpx.AsyncClient, turns: int) -> None:
    conversation = (await client.post("/api/conversations", json={})).json()["id"]
    for turn in range(turns):
        response = await client.post(f"/api/conversations/{conversation}/messages",
                                     json={"content": f"Question {turn} : raconte-moi une histoire."})
        assert response.status_code == 200 and '"type": "end"' in response.text, response.text[-300:]


async def write_phase(url: str, home: Path, conversations: int, turns: int, words: int, flush_ms: int) -> dict:
    reply = " ".join(["mot"] * words)
    engine = FakeEngine(replies=[reply] * (conversations * turns + 10))
    settings = Settings(home=home, database_url=url, store_flush_ms=flush_ms, rate_limit_per_minute=0)
    app = create_app(settings, EnginePool([engine]))
    store = app.state.store.get()
    writes = {"n": 0}
    original = store.update_answer

    def counted(message_id: int, content: str) -> None:
        writes["n"] += 1
        original(message_id, content)

    store.update_answer = counted
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=300) as client:
        await converse(client, 1)  # warm-up: the local user, the first connections
        writes["n"] = 0
        started = time.perf_counter()
        await asyncio.gather(*(converse(client, turns) for _ in range(conversations)))
        elapsed = time.perf_counter() - started
    app.state.store.close()
    exchanges = conversations * turns
    # Per exchange: one transaction for the question and the empty answer, one to finish it, one for the title
    # (the first exchange of a conversation), plus the flushes while streaming.
    transactions = exchanges * 2 + conversations + writes["n"]
    return {"elapsed": elapsed, "messages": 2 * exchanges, "messages_s": 2 * exchanges / elapsed,
            "flushes": writes["n"], "writes_s": transactions / elapsed}


def store_alone(url: str, conversations: int, turns: int, flushes: int) -> dict:
    """The same exchanges straight on `Store` from 16 threads, without HTTP or engine: the store's capacity."""
    from concurrent.futures import ThreadPoolExecutor

    store = Store.open(url)
    user = store.add_user("alone")
    ids = [store.create_conversation(user.id).id for _ in range(conversations)]

    def converse_directly(conversation_id: str) -> None:
        for turn in range(turns):
            _, answer = store.begin_exchange(user.id, conversation_id, f"Question {turn}", model="fake")
            text = ""
            for piece in range(flushes):
                text += f" mot{piece}" * 30
                store.update_answer(answer.id, text)
            store.finish_answer(answer.id, text, "complete", prompt_tokens=3, completion_tokens=120)

    started = time.perf_counter()
    with ThreadPoolExecutor(conversations) as pool:
        list(pool.map(converse_directly, ids))
    elapsed = time.perf_counter() - started
    store.close()
    exchanges = conversations * turns
    return {"elapsed": elapsed, "messages": 2 * exchanges, "messages_s": 2 * exchanges / elapsed,
            "flushes": exchanges * flushes, "writes_s": exchanges * (2 + flushes) / elapsed}


# --- 2. search latency ---
def fill(store: Store, total: int, per_conversation: int, seed: int = 7) -> float:
    rng = random.Random(seed)
    user = store.add_user("bench")
    started = time.perf_counter()
    moment = now()
    with store.engine.begin() as connection:
        for first in range(0, total, per_conversation):
            conversation_id = f"bench{first:010d}"
            connection.execute(insert(Conversation).values(id=conversation_id, user_id=user.id, title="Bench",
                                                           created_at=moment, updated_at=moment))
            rows = [{"conversation_id": conversation_id, "user_id": user.id, "seq": seq + 1,
                     "role": "user" if seq % 2 == 0 else "assistant", "content": sentence(rng),
                     "status": "complete", "created_at": moment, "updated_at": moment}
                    for seq in range(min(per_conversation, total - first))]
            connection.execute(insert(Message), rows)
    if store.backend == "postgresql":
        with store.engine.connect() as connection:
            connection.exec_driver_sql("COMMIT")  # ANALYZE cannot run inside a transaction block
            connection.exec_driver_sql("ANALYZE messages")
    return time.perf_counter() - started


def search_phase(url: str, total: int, runs: int) -> dict:
    store = Store.open(url)
    load_s = fill(store, total, per_conversation=100)
    user_id = store.get_user("bench").id
    results = {}
    for label, query in QUERIES.items():
        store.search(user_id, query, limit=20)  # warm-up
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            hits = store.search(user_id, query, limit=20)
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        results[label] = {"query": query, "hits": len(hits), "p50": statistics.median(timings),
                          "p95": timings[int(0.95 * (len(timings) - 1))]}
    store.close()
    return {"load_s": load_s, "queries": results}


# --- running and reporting ---
def postgres(args: argparse.Namespace) -> tuple[str | None, object]:
    if args.pg_url:
        return args.pg_url, None
    sys.path.insert(0, str(ROOT / "tests"))
    from pgcluster import PostgresCluster, find_binaries

    binaries = find_binaries()
    if binaries is None:
        print("PostgreSQL is not installed: its half of the benchmark is skipped", file=sys.stderr)
        return None, None
    return "", PostgresCluster(binaries, durable=True).start()


def fresh_url(backend: str, scratch: Path, cluster: object, pg_url: str | None, tag: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{scratch / f'{tag}.db'}"
    if cluster is None:
        return pg_url
    return cluster.url(cluster.create_database())


def run(args: argparse.Namespace) -> dict:
    pg_url, cluster = postgres(args)
    backends = ["sqlite"] + (["postgresql"] if pg_url is not None else [])
    report: dict = {"backends": {}}
    try:
        with tempfile.TemporaryDirectory() as scratch_dir:
            scratch = Path(scratch_dir)
            for backend in backends:
                writes = {}
                for flush_ms in (250, 0):
                    url = fresh_url(backend, scratch, cluster, pg_url, f"w{flush_ms}")
                    writes[flush_ms] = asyncio.run(write_phase(url, scratch, args.conversations, args.turns,
                                                               args.words, flush_ms))
                    print(backend, "flush", flush_ms, writes[flush_ms], file=sys.stderr)
                writes["alone"] = store_alone(fresh_url(backend, scratch, cluster, pg_url, "alone"),
                                              args.conversations, args.turns, flushes=4)
                print(backend, "alone", writes["alone"], file=sys.stderr)
                search = search_phase(fresh_url(backend, scratch, cluster, pg_url, "s"), args.messages, args.runs)
                print(backend, search, file=sys.stderr)
                report["backends"][backend] = {"writes": writes, "search": search}
    finally:
        if cluster is not None:
            cluster.stop()
    return report


def versions() -> str:
    import sqlite3

    import psycopg
    import sqlalchemy

    parts = [f"causerie {__version__} (git {git_head()})", f"Python {platform.python_version()}",
             f"SQLAlchemy {sqlalchemy.__version__}", f"SQLite {sqlite3.sqlite_version}",
             f"psycopg {psycopg.__version__}"]
    return ", ".join(parts)


def markdown(report: dict, args: argparse.Namespace, command: str) -> str:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    lines = ["# Benchmarks: the conversation store (history, search)", "",
             f"Written by `bench/store_bench.py`. Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. "
             f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, load average at the end {load}. "
             f"Software: {versions()}. Command: `{command}`.", "",
             "## Store: write throughput while streaming", "",
             f"{args.conversations} conversations at once, {args.turns} exchanges each, through the real HTTP app "
             f"in process (httpx ASGI transport, SSE). The answers come from a **FakeEngine streaming "
             f"{args.words} words at full speed** (no model), so the numbers are the store's and the API's, not "
             "an LLM's. A message is a question or an answer; each answer is written when it starts, while it "
             "streams (flushes) and when it ends. The last row of each backend runs the same exchanges straight "
             "on `Store` from 16 threads, without HTTP or engine, with 4 flushes per answer: what the store "
             "alone sustains.", "",
             "| backend | path, flush | messages persisted/s | store writes/s | flushes | wall time |",
             "|---|---|---:|---:|---:|---:|"]
    for backend, result in report["backends"].items():
        for mode, w in result["writes"].items():
            every = {250: "HTTP, 250 ms (default)", 0: "HTTP, every piece (worst case)",
                     "alone": "`Store` alone, 4 per answer"}[mode]
            lines.append(f"| {backend} | {every} | {w['messages_s']:.0f} | {w['writes_s']:.0f} | {w['flushes']} | "
                         f"{w['elapsed']:.1f} s |")
    lines += ["", f"## Store: search latency on {args.messages:,} messages", "",
              f"One user's {args.messages:,} messages (8 to 40 words drawn from a French vocabulary, in "
              "conversations of 100), `Store.search(limit=20)` timed "
              f"{args.runs} times per query after a warm-up. SQLite: FTS5 (bm25, prefix terms, diacritics "
              "removed); PostgreSQL: `tsvector` with the `french` configuration, GIN index, `ts_rank`.", "",
              "| backend | query | hits (≤ 20) | p50 ms | p95 ms |", "|---|---|---:|---:|---:|"]
    for backend, result in report["backends"].items():
        for label, q in result["search"]["queries"].items():
            lines.append(f"| {backend} | {label}: `{q['query']}` | {q['hits']} | {q['p50']:.1f} | {q['p95']:.1f} |")
    lines += ["", "Loading the messages (one transaction, full-text indexing included): " + ", ".join(
        f"{backend} {result['search']['load_s']:.0f} s" for backend, result in report["backends"].items()) + ".", "",
        "Notes: SQLite runs in WAL mode with `synchronous=NORMAL` (a committed transaction survives a killed "
        "process; a power cut may lose the last ones). PostgreSQL is a local throwaway cluster with its "
        "durable defaults (`fsync=on`, `synchronous_commit=on`) reached over loopback TCP. Both on the same "
        "machine as the benchmark, which was shared with other work (see the load average)."]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conversations", type=int, default=16)
    parser.add_argument("--turns", type=int, default=10, help="exchanges per conversation")
    parser.add_argument("--words", type=int, default=120, help="words per streamed answer")
    parser.add_argument("--messages", type=int, default=100_000, help="messages for the search test")
    parser.add_argument("--runs", type=int, default=30, help="timed runs per search query")
    parser.add_argument("--pg-url", help="an existing PostgreSQL database (SQLAlchemy URL) instead of a fresh one")
    parser.add_argument("--out", type=Path, help="markdown file to add the report to (e.g. docs/benchmarks.md)")
    args = parser.parse_args()
    command = "python bench/store_bench.py " + " ".join(sys.argv[1:])
    report = run(args)
    text = markdown(report, args, command)
    print(text)
    if args.out:
        write_section(args.out, "store-bench", text)


if __name__ == "__main__":
    main()
