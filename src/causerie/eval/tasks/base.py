"""The shape every eval task shares: rows from a file, one record per row, one summary of the records.

A task runs a row in one of two modes: `skill` (causerie's own prompt or skill, as users get it) or `naive`
(the plain prompt a person would type: the baseline). Records are plain JSON so runs can be cached."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from causerie.engines.base import Engine, GenerationRequest
from causerie.eval.data import Row, Split, read_rows, require_fields, select
from causerie.sandbox.runner import Sandbox
from causerie.skills.base import Skill
from causerie.skills.registry import skill_class

if TYPE_CHECKING:
    from causerie.documents.embedders.base import Embedder
    from causerie.documents.ingest import Limits

Mode = Literal["skill", "naive"]
Record = dict[str, Any]


@dataclass
class RunContext:
    """Everything a row's run depends on besides the row; recorded in the run's summary."""

    engine: Engine
    mode: Mode = "skill"
    temperature: float = 0.0
    seed: int = 0
    max_tokens: int = 768
    attempts: int = 3  # fix tasks, skill mode: fix-and-test rounds
    lang: str = "fr"
    sandbox: Sandbox | None = None  # code tasks: where tests run (never in this process)
    embedder: Embedder | None = None  # document tasks: the embedder and chunk limits of the real ingest path
    limits: Limits | None = None
    on_prepare: Callable[[int, int], None] | None = None  # `Task.prepare`'s progress: (done, total)
    cancel: threading.Event = field(default_factory=threading.Event)

    def decoding(self) -> dict[str, Any]:
        return {"temperature": self.temperature, "seed": self.seed, "max_tokens": self.max_tokens}


class Task:
    name: ClassVar[str]
    description: ClassVar[str]
    default_file: ClassVar[str]  # relative to the eval-data folder
    fields: ClassVar[tuple[str, ...]]
    metrics: ClassVar[tuple[str, ...]]  # the first is the headline metric
    uses_attempts: ClassVar[bool] = False
    needs_sandbox: ClassVar[bool] = False
    needs_engine: ClassVar[bool] = True  # False: no chat model is loaded (document retrieval)
    needs_embedder: ClassVar[bool] = False
    # Rows scored against each other (each query searches all the run's documents): how many rows run is then
    # part of the run's identity, so a --limit 5 run never reuses the records of a --limit 50 one.
    pooled: ClassVar[bool] = False

    # --- to implement -------------------------------------------------------------------------
    def is_dev(self, index: int, row: Row) -> bool:
        raise NotImplementedError

    def row_id(self, index: int, row: Row) -> str:
        raise NotImplementedError

    def run(self, row: Row, ctx: RunContext) -> Record:
        raise NotImplementedError

    def summarize(self, records: list[Record]) -> dict[str, float]:
        raise NotImplementedError

    def empty(self, row: Row) -> Record:
        """The record of a row that produced nothing (scored as a failure)."""
        raise NotImplementedError

    def failed(self, row: Row, message: str) -> Record:
        return {**self.empty(row), "error_message": message}

    def prepare(self, rows: list[Row], ctx: RunContext) -> None:
        """Before rows run (skipped when all are cached): e.g. index the documents they search."""

    def release(self) -> None:
        """After the run: free what `prepare` made."""

    def details(self, records: list[Record]) -> dict[str, Any]:
        """Task-specific facts for the summary besides the metrics (embedder, chunk size, timings)."""
        return {}

    # --- shared -------------------------------------------------------------------------------
    first_half_dev: ClassVar[bool] = False

    def load(self, path: Path, split: Split) -> list[tuple[str, Row]]:
        rows = read_rows(path)
        require_fields(rows, self.fields, path)
        ids = {id(row): self.row_id(index, row) for index, row in enumerate(rows)}
        chosen = select(rows, split, self.is_dev, self.first_half_dev)
        return [(ids[id(row)], row) for row in chosen]

    def headline(self, records: list[Record]) -> float:
        return self.summarize(records)[self.metrics[0]] if records else 0.0


class LinkedCancel(threading.Event):
    """A request's own cancel flag, also raised by the run's. Engines set a request's flag when its
    generation ends, so the run's flag must never be handed to one request: it would stop all the others."""

    def __init__(self, run: threading.Event):
        super().__init__()
        self.run = run

    def is_set(self) -> bool:
        return super().is_set() or self.run.is_set()


def complete(ctx: RunContext, messages: list[dict[str, str]], max_tokens: int | None = None) -> str:
    """One plain generation (the naive mode), with the run's decoding settings."""
    request = GenerationRequest(messages=messages, temperature=ctx.temperature, seed=ctx.seed,
                                max_tokens=max_tokens or ctx.max_tokens, cancel=LinkedCancel(ctx.cancel))
    return "".join(chunk.text for chunk in ctx.engine.stream(request))


def make_skill(name: str, ctx: RunContext) -> Skill:
    """A skill on the run's engine with the run's decoding settings (its own prompts and steps unchanged)."""
    skill = skill_class(name)(ctx.engine, ctx.lang)
    skill.temperature = ctx.temperature
    skill.seed = ctx.seed
    skill.cancel = ctx.cancel
    if ctx.sandbox is not None:
        skill.sandbox = ctx.sandbox  # type: ignore[attr-defined] - the code skills' sandbox
    return skill
