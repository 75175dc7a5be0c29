"""Running a task: rows in parallel on one engine, each row's record appended to a cache as it finishes
(an interrupted run resumes where it stopped), and a summary JSON with everything needed to reproduce it."""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from causerie import __version__
from causerie.engines.base import Capabilities, Chunk, Engine, GenerationRequest
from causerie.errors import CauserieError
from causerie.eval.data import Row, Split
from causerie.eval.tasks import Record, RunContext, Task
from causerie.skills.base import SkillCancelled

if TYPE_CHECKING:
    from causerie.documents.embedders.base import Embedder
    from causerie.documents.ingest import Limits

ITEMS, SUMMARY, CONFIG = "items.jsonl", "summary.json", "config.json"


@dataclass
class RunSpec:
    """What a run is: the options that change results are part of its identity (and its folder)."""

    task: str
    data: Path
    model: str
    mode: str = "skill"
    split: Split = "dev"
    limit: int | None = None
    seed: int = 0
    temperature: float = 0.0
    max_tokens: int = 768
    attempts: int = 3
    concurrency: int = 4
    command: str = ""
    engine_settings: dict[str, Any] = field(default_factory=dict)  # threads, context, slots: for the record
    options: dict[str, Any] = field(default_factory=dict)  # task settings that change results (chunk size)

    def identity(self, task: Task) -> dict[str, Any]:
        keys = {"task": self.task, "model": self.model, "mode": self.mode, "split": self.split, "seed": self.seed,
                "temperature": self.temperature, "max_tokens": self.max_tokens}
        if task.uses_attempts and self.mode == "skill":
            keys["attempts"] = self.attempts
        if task.pooled:
            keys["limit"] = self.limit
        if self.options:
            keys["options"] = self.options
        return keys

    def run_id(self, task: Task) -> str:
        identity = self.identity(task)
        digest = hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:8]
        mode = self.mode + (f"-{self.attempts}x" if "attempts" in identity else "")
        slug = re.sub(r"[^\w.-]+", "_", f"{self.task}__{Path(self.model).name}__{mode}__{self.split}")
        return f"{slug}__{digest}"


class MeteredEngine(Engine):
    """The run's engine, counting the tokens it generates (for tokens per second)."""

    kind = "metered"

    def __init__(self, inner: Engine):
        super().__init__(inner.card)
        self.inner = inner
        self.capabilities = inner.capabilities
        self.completion_tokens = 0
        self._lock = threading.Lock()

    @property
    def context_length(self) -> int | None:
        return self.inner.context_length

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def generate(self, request: GenerationRequest) -> Iterator[Chunk]:
        for chunk in self.inner.generate(request):
            if chunk.usage:
                with self._lock:
                    self.completion_tokens += chunk.usage.completion_tokens
            yield chunk


class NoModel(Engine):
    """Where a chat model would be, for a task that needs none (retrieval): it carries the card of what the
    figures depend on (the embedder's), for the summary. Generating with it is a bug, so it refuses."""

    kind = "none"
    capabilities = Capabilities(streaming=False, chat=False, completion=False)

    def generate(self, request: GenerationRequest) -> Iterator[Chunk]:
        raise RuntimeError("this task runs without a chat model")


@dataclass
class RunState:
    """Records so far, in row order, and this invocation's counters."""

    ids: list[str]
    records: dict[str, Record] = field(default_factory=dict)
    errors: int = 0

    def ordered(self) -> list[Record]:
        return [self.records[row_id] for row_id in self.ids if row_id in self.records]


def planned_rows(task: Task, spec: RunSpec) -> list[tuple[str, Row]]:
    """The (id, row) pairs a run covers: the split's rows, the first `limit` of them."""
    rows = task.load(spec.data, spec.split)
    return rows[: spec.limit] if spec.limit else rows


def read_cache(path: Path) -> dict[str, Record]:
    """Cached records by id; a last line cut short by an interruption is ignored (its row runs again)."""
    records: dict[str, Record] = {}
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue
            records[record["id"]] = record
    return records


class Runner:
    def __init__(self, task: Task, spec: RunSpec, engine: Engine, out: Path,
                 rows: list[tuple[str, Row]] | None = None, *, embedder: Embedder | None = None,
                 limits: Limits | None = None):
        self.task, self.spec = task, spec
        self.rows = planned_rows(task, spec) if rows is None else rows  # read from the file once
        self.engine = MeteredEngine(engine)
        self.folder = out / spec.run_id(task)
        self.ctx = RunContext(engine=self.engine, mode=spec.mode, temperature=spec.temperature,  # type: ignore[arg-type]
                              seed=spec.seed, max_tokens=spec.max_tokens, attempts=spec.attempts,
                              embedder=embedder, limits=limits)
        if task.needs_sandbox:
            from causerie.sandbox.runner import Sandbox

            self.ctx.sandbox = Sandbox()
            self.ctx.sandbox.check()  # refuse before any generation, with the reason
        self._lock = threading.Lock()

    def run(self, on_record: Callable[[RunState], None] | None = None) -> dict[str, Any]:
        """Run the rows not cached yet; returns the summary (also written to summary.json)."""
        rows = self.rows
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / CONFIG).write_text(json.dumps(self._config(), indent=2, default=str), encoding="utf-8")
        cached = read_cache(self.folder / ITEMS)
        write_cache(self.folder / ITEMS, cached.values())  # drops a line an interruption cut short
        state = RunState(ids=[row_id for row_id, _ in rows],
                         records={row_id: cached[row_id] for row_id, _ in rows if row_id in cached})
        todo = [(row_id, row) for row_id, row in rows if row_id not in state.records]
        started, interrupted = time.monotonic(), False
        try:
            if todo:
                self.task.prepare([row for _, row in rows], self.ctx)  # the whole corpus, cached rows too
            self._run_rows(todo, state, on_record)
        except KeyboardInterrupt:
            interrupted = True
            raise
        finally:
            self.task.release()
            summary = self._summary(state, time.monotonic() - started, len(todo), interrupted)
            (self.folder / SUMMARY).write_text(json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8")
        return summary

    def _run_rows(self, todo: list[tuple[str, Row]], state: RunState,
                  on_record: Callable[[RunState], None] | None) -> None:
        with ThreadPoolExecutor(max_workers=max(1, self.spec.concurrency)) as pool:
            pending: set[Future] = {pool.submit(self._run_one, row_id, row) for row_id, row in todo}
            try:
                while pending:
                    done, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
                    for future in done:
                        self._keep(future.result(), state)
                        if on_record:
                            on_record(state)
            except BaseException:
                self.ctx.cancel.set()  # running generations stop; queued rows never start
                pool.shutdown(wait=True, cancel_futures=True)
                raise

    def _run_one(self, row_id: str, row: Row) -> Record:
        started = time.monotonic()
        try:
            record = self.task.run(row, self.ctx)
        except SkillCancelled:
            raise KeyboardInterrupt from None
        except CauserieError as error:  # e.g. a row longer than the context: a failure, counted
            record = self.task.failed(row, error.message("en"))
        except Exception as error:  # noqa: BLE001 - one odd row must not end a long run; counted and shown
            record = self.task.failed(row, f"{type(error).__name__}: {error}")
        return {"id": row_id, **record, "seconds": round(time.monotonic() - started, 2)}

    def _keep(self, record: Record, state: RunState) -> None:
        with self._lock, (self.folder / ITEMS).open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        state.records[record["id"]] = record
        state.errors += "error_message" in record

    def _config(self) -> dict[str, Any]:
        return {**asdict(self.spec), "data": str(self.spec.data), "identity": self.spec.identity(self.task)}

    def _summary(self, state: RunState, seconds: float, attempted: int, interrupted: bool) -> dict[str, Any]:
        records = state.ordered()
        previous = self._previous_summary()
        total_seconds = previous.get("duration_s", 0.0) + seconds
        tokens = previous.get("completion_tokens", 0) + self.engine.completion_tokens
        card = self.engine.card
        return {
            "task": self.task.name, "description": self.task.description, "mode": self.spec.mode,
            "attempts": self.spec.attempts if self.task.uses_attempts and self.spec.mode == "skill" else None,
            "split": self.spec.split, "rows": len(records), "rows_planned": len(state.ids),
            "complete": len(records) == len(state.ids) and not interrupted,
            "metrics": self.task.summarize(records) if records else {}, "headline": self.task.metrics[0],
            # what an earlier invocation measured (a resumed run's indexing) unless this one measured it again
            "details": {**previous.get("details", {}), **self.task.details(records)} if records else {},
            "errors": sum("error_message" in r for r in records),
            "model": {"name": card.name, "quantization": card.quantization, "sha256": card.sha256,
                      "license": card.license, "verified": card.verified, "engine": card.engine},
            "decoding": self.ctx.decoding(), "concurrency": self.spec.concurrency,
            "engine_settings": self.spec.engine_settings,
            "data": {"path": str(self.spec.data), "sha256": file_sha256(self.spec.data)},
            "duration_s": round(total_seconds, 1), "completion_tokens": tokens,
            "tokens_per_s": round(tokens / total_seconds, 2) if total_seconds else None,
            "rows_this_run": attempted, "command": self.spec.command, "causerie": __version__,
            "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        }

    def _previous_summary(self) -> dict[str, Any]:
        path = self.folder / SUMMARY
        try:
            return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        except ValueError:
            return {}


def write_cache(path: Path, records: Iterable[Record]) -> None:
    text = "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
