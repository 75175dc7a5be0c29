"""Document retrieval on OrangeSum (abstract file): every article of the run is a document, ingested through
the real path (a .txt file: parser, chunker, embedder, store) into a throwaway SQLite store, and every
summary is a query that must find its own article among all of them. Vector, full-text and hybrid search
are scored side by side, without a chat model.

Ranks are those of the passages a search returns (what grounding hands the model): a passage is right when
it is any chunk of the right article. recall@k: the right article has a chunk in the first k passages;
MRR: 1 / the rank of its first chunk within the first 10, 0 when none is there. All three ×100."""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from causerie.documents.embedders.base import Embedder
from causerie.documents.ingest import Ingested, Limits
from causerie.documents.library import DocumentLibrary
from causerie.documents.search import METHODS, Method
from causerie.errors import CauserieError
from causerie.eval.data import Row, odd_rows_dev
from causerie.eval.tasks.base import Record, RunContext, Task

DEPTH = 10  # passages a query looks at: MRR's cutoff, and the most a grounded answer would ever see
CUTOFFS = (1, 5)
COLLECTION = "eval"


# --- the metrics ----------------------------------------------------------------------------------------
def first_rank(documents: Sequence[int], wanted: int, depth: int = DEPTH) -> int | None:
    """1-based rank of the first passage of document `wanted` among the first `depth`, else None."""
    return next((rank for rank, document in enumerate(documents[:depth], start=1) if document == wanted), None)


def percent(values: Sequence[float]) -> float:
    return round(100 * sum(values) / len(values), 2) if values else 0.0


def recall_at(ranks: Sequence[int | None], k: int) -> float:
    """Share (×100) of queries whose right document is in the first k."""
    return percent([1.0 if rank is not None and rank <= k else 0.0 for rank in ranks])


def mrr(ranks: Sequence[int | None]) -> float:
    """Mean reciprocal rank (×100), a query whose document is not in the first DEPTH counting 0."""
    return percent([1.0 / rank if rank is not None and rank <= DEPTH else 0.0 for rank in ranks])


def method_metrics(method: str, ranks: Sequence[int | None]) -> dict[str, float]:
    return {f"{method}_mrr": mrr(ranks), **{f"{method}_recall@{k}": recall_at(ranks, k) for k in CUTOFFS}}


# --- a library that lives for one run ---------------------------------------------------------------------
class ScratchLibrary:
    """A document library in a temporary SQLite store (sqlite-vec, FTS5), with one user: the same code paths
    as a user's collections, deleted by `close`."""

    def __init__(self, embedder: Embedder, limits: Limits):
        from causerie.store import Store  # the store (SQLAlchemy, Alembic) loads only for document tasks

        self.folder = Path(tempfile.mkdtemp(prefix="causerie-eval-"))
        self.store = Store.open(f"sqlite:///{self.folder / 'documents.db'}")
        self.user_id = self.store.add_user("eval").id
        self.library = DocumentLibrary(self.store, embedder, limits)

    def add(self, filename: str, data: bytes) -> Ingested:
        return self.library.add(self.user_id, COLLECTION, filename, data, lang="fr")

    def chunks(self) -> int:
        return self.store.get_collection(self.user_id, COLLECTION).chunks

    def close(self) -> None:
        self.store.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def embedder_facts(embedder: Embedder, limits: Limits) -> dict[str, Any]:
    card = embedder.card()
    return {"embedder": embedder.name, "embedder_sha256": card.sha256 if card else None,
            "chunk_tokens": limits.chunk_tokens}


# --- the task ---------------------------------------------------------------------------------------------
class Retrieval(Task):
    name = "retrieval"
    description = "OrangeSum abstract, summary → its article among the run's (MRR, recall@1/5, ×100)"
    default_file = "orangesum/orangesum_abstract_test.jsonl"
    fields = ("text", "summary")
    metrics = tuple(name for method in METHODS for name in method_metrics(method, []))  # hybrid_mrr first
    needs_engine = False
    needs_embedder = True
    pooled = True

    def __init__(self) -> None:
        self.scratch: ScratchLibrary | None = None
        self.documents: dict[int, int] = {}  # the row's line in the file -> its document's id
        self.refused: dict[int, str] = {}  # the row's line -> why its article could not be ingested
        self.facts: dict[str, Any] = {}

    def is_dev(self, index: int, row: Row) -> bool:
        return odd_rows_dev(index, row)

    def row_id(self, index: int, row: Row) -> str:
        return str(row.get("id") or index + 1)

    def prepare(self, rows: list[Row], ctx: RunContext) -> None:
        """Ingest every article of the run, one .txt file each, as a user would add them."""
        assert ctx.embedder is not None and ctx.limits is not None, "the runner gives document tasks these"
        self.scratch = ScratchLibrary(ctx.embedder, ctx.limits)
        started = time.perf_counter()
        for done, row in enumerate(rows, start=1):
            try:
                ingested = self.scratch.add(f"article-{row['_line']}.txt", row["text"].encode("utf-8"))
            except CauserieError as error:  # that row fails (counted); the others still search all the rest
                self.refused[row["_line"]] = error.message("en")
            else:
                self.documents[row["_line"]] = ingested.document.id  # the same text twice: one document
            if ctx.on_prepare:
                ctx.on_prepare(done, len(rows))
        self.facts = {**embedder_facts(ctx.embedder, ctx.limits), "documents": len(set(self.documents.values())),
                      "chunks": self.scratch.chunks(), "index_s": round(time.perf_counter() - started, 1),
                      "refused": len(self.refused), "depth": DEPTH}

    def run(self, row: Row, ctx: RunContext) -> Record:
        assert self.scratch is not None, "prepare() runs before the rows"
        if row["_line"] in self.refused:
            raise RuntimeError(f"its article was not ingested: {self.refused[row['_line']]}")
        wanted = self.documents[row["_line"]]
        ranks: dict[str, int | None] = {}
        ms: dict[str, float] = {}
        for method in METHODS:
            started = time.perf_counter()
            hits = self.scratch.library.search(self.scratch.user_id, [COLLECTION], row["summary"], limit=DEPTH,
                                               method=method)
            ms[method] = round((time.perf_counter() - started) * 1000, 2)
            ranks[method] = first_rank([hit.passage.document_id for hit in hits], wanted)
        return {"ranks": ranks, "ms": ms}

    def empty(self, row: Row) -> Record:
        return {"ranks": dict.fromkeys(METHODS), "ms": {}}

    def summarize(self, records: list[Record]) -> dict[str, float]:
        metrics: dict[str, float] = {}
        for method in METHODS:
            metrics |= method_metrics(method, [record["ranks"][method] for record in records])
        return metrics

    def details(self, records: list[Record]) -> dict[str, Any]:
        timed: dict[Method, list[float]] = {m: [r["ms"][m] for r in records if m in r.get("ms", {})] for m in METHODS}
        search_ms = {method: round(statistics.median(values), 1) for method, values in timed.items() if values}
        return {**self.facts, "methods": list(METHODS), "search_ms_p50": search_ms}

    def release(self) -> None:
        if self.scratch is not None:
            self.scratch.close()
            self.scratch = None
