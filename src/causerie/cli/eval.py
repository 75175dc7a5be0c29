"""`causerie eval`: run a task on a benchmark file (`run`), list tasks (`tasks`), and publish a scorecard
(`report`: a Markdown table and a PNG plot)."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import cast

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from causerie.cli.common import Commands, add_group, fail, load_engine, session, state
from causerie.documents.embedders.base import Embedder, embedding_card
from causerie.documents.embedders.registry import load_embedder
from causerie.documents.ingest import Limits
from causerie.errors import CauserieError, InvalidRequest
from causerie.eval.data import Split
from causerie.eval.runner import NoModel, Runner, RunSpec, RunState, planned_rows, read_cache
from causerie.eval.tasks import TASKS, Task, get_task
from causerie.i18n import t
from causerie.models.card import ModelCard
from causerie.settings import Settings

console = Console(highlight=False)


def data_file(task: Task, data: Path | None, settings: Settings) -> Path:
    """--data (a file, or the eval-data folder) else the `eval_data` setting, joined with the task's file;
    a task whose file ships with causerie (an absolute default) needs neither."""
    if data is None and Path(task.default_file).is_absolute():
        return Path(task.default_file)
    folder_or_file = data or settings.eval_data
    if folder_or_file is None:
        raise InvalidRequest("eval.no_data", param="data", task=task.name)
    return folder_or_file / task.default_file if folder_or_file.is_dir() else folder_or_file


def require_extra(*modules: str) -> None:
    """The eval extra's libraries, or a clear way to get them."""
    import importlib.util

    for module in modules:
        if importlib.util.find_spec(module) is None:
            raise InvalidRequest("eval.missing_extra", package=module.replace("_", "-"))


def results_folder(out: Path | None, settings: Settings) -> Path:
    return out or settings.home / "eval"


def progress_bar() -> Progress:
    return Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TextColumn("{task.fields[metric]}"), TimeElapsedColumn(), TextColumn("ETA"),
                    TimeRemainingColumn(), console=Console(stderr=True))


def run_with_progress(runner: Runner, lang: str) -> dict:
    rows = runner.rows
    if not rows:
        raise InvalidRequest("eval.no_rows", param="split", path=runner.spec.data, split=runner.spec.split)
    cached = len({row_id for row_id, _ in rows} & set(read_cache(runner.folder / "items.jsonl")))
    variant = runner.spec.mode + (f" ×{runner.spec.attempts}" if runner.task.uses_attempts and
                                  runner.spec.mode == "skill" else "")
    console.print(t("eval.starting", lang, task=runner.task.name, variant=variant, model=runner.engine.card.name,
                    rows=len(rows), split=runner.spec.split, cached=cached))
    headline = runner.task.metrics[0]
    with progress_bar() as progress:
        indexing: list = []

        def indexed(done: int, total: int) -> None:  # the documents a task ingests before its rows
            if not indexing:
                indexing.append(progress.add_task(t("eval.indexing", lang), total=total, metric=""))
            progress.update(indexing[0], completed=done)

        runner.ctx.on_prepare = indexed
        bar = progress.add_task(runner.task.name, total=len(rows), completed=cached, metric="")

        def update(state_: RunState) -> None:
            done = state_.ordered()
            progress.update(bar, completed=len(done),
                            metric=f"{headline} {runner.task.headline(done):.1f}" if done else "")

        return runner.run(on_record=update)


def show_summary(summary: dict, folder: Path, lang: str) -> None:
    table = Table(title=f"{summary['task']} · {summary['mode']}", title_justify="left")
    for name in ("metric", "value"):
        table.add_column(name)
    for name, value in summary["metrics"].items():
        table.add_row(name, f"{value:.2f}")
    table.add_row("rows", f"{summary['rows']} ({summary['split']})")
    for name, value in summary.get("details", {}).items():
        if isinstance(value, dict):
            value = ", ".join(f"{key} {item}" for key, item in value.items())
        table.add_row(name, str(value))
    table.add_row("tok/s", str(summary["tokens_per_s"] or "–"))
    console.print(table)
    console.print(t("eval.saved", lang, path=folder))


def run(
    ctx: typer.Context,
    task_name: str = typer.Argument(..., metavar="TASK", help=", ".join(TASKS)),
    data: Path = typer.Option(None, "--data", help="cli.opt.eval_data"),
    split: str = typer.Option("dev", "--split", help="dev | test | all"),
    limit: int = typer.Option(None, "--limit", min=1, help="cli.opt.eval_limit"),
    model: str = typer.Option(None, "--model", "-m", help="cli.opt.model"),
    naive: bool = typer.Option(False, "--naive/--skill", help="eval.help.naive"),
    seed: int = typer.Option(0, "--seed", help="cli.opt.seed"),
    temperature: float = typer.Option(0.0, "--temperature", min=0.0, max=2.0,
                                      help="cli.opt.eval_temperature"),
    max_tokens: int = typer.Option(768, "--max-tokens", min=16, help="cli.opt.eval_max_tokens"),
    attempts: int = typer.Option(3, "--attempts", min=1, max=6, help="eval.help.attempts"),
    concurrency: int = typer.Option(4, "--concurrency", min=1, max=64, help="cli.opt.eval_concurrency"),
    out: Path = typer.Option(None, "--out", help="eval.help.out"),
) -> None:
    settings, lang_ = session(ctx, model=model)
    try:
        if split not in ("dev", "test", "all"):
            raise InvalidRequest("eval.bad_option", param="split", detail=f"--split {split} (dev | test | all)")
        require_extra("sacrebleu", "rouge_score")
        task = get_task(task_name)
        embedder = load_embedder(settings) if task.needs_embedder else None
        options = {"embedder": embedder.name, "chunk_tokens": settings.chunk_tokens} if embedder else {}
        model_name = settings.model if task.needs_engine or embedder is None else embedder.name
        spec = RunSpec(task=task.name, data=data_file(task, data, settings), model=model_name,
                       mode="naive" if naive else "skill", split=cast(Split, split), limit=limit, seed=seed,
                       temperature=temperature, max_tokens=max_tokens, attempts=attempts,
                       concurrency=concurrency, command=shlex.join(["causerie", *sys.argv[1:]]),
                       engine_settings=settings.model_dump(include={"threads", "context_size", "parallel",
                                                                     "kv_unified", "gpu_layers",
                                                                     "embedder_threads"}),
                       options=options)
        rows = planned_rows(task, spec)  # a bad file is refused before the model loads
        engine = load_engine(settings, settings.model, lang_) if task.needs_engine else NoModel(
            embedder_card(embedder))
        runner = Runner(task, spec, engine, results_folder(out, settings), rows, embedder=embedder,
                        limits=Limits.of(settings) if embedder else None)
        try:
            summary = run_with_progress(runner, lang_)
        except KeyboardInterrupt:
            done = len(read_cache(runner.folder / "items.jsonl"))
            console.print(t("eval.interrupted", lang_, done=done, total=len(runner.rows)))
            raise typer.Exit(130) from None
        finally:
            engine.close()
            if embedder is not None:
                embedder.close()
    except CauserieError as error:
        fail(error, lang_, code=2 if isinstance(error, InvalidRequest) else 1)
    show_summary(summary, runner.folder, lang_)


def embedder_card(embedder: Embedder | None) -> ModelCard:
    """The card a run without a chat model is recorded under: the embedder's, verified by loading it."""
    assert embedder is not None, "a task without a chat model searches documents"
    embedder.embed_queries(["causerie"])  # loads (and checks the hash of) the model now, not mid-run
    return embedder.card() or embedding_card(name=embedder.name)


def tasks(ctx: typer.Context) -> None:
    lang_ = state(ctx).language()
    table = Table()
    for column in ("col_task", "col_metrics", "col_description", "col_file"):
        table.add_column(t(f"eval.{column}", lang_))
    for name, task in TASKS.items():
        table.add_row(name, ", ".join(task.metrics), task.description, task.default_file)
    console.print(table)


def report(
    ctx: typer.Context,
    runs: Path = typer.Option(None, "--runs", help="eval.help.out"),
    out: Path = typer.Option(None, "--out", help="cli.opt.eval_report_out"),
    plot_path: Path = typer.Option(None, "--plot", help="cli.opt.eval_plot"),
) -> None:
    from causerie.eval.report import load_summaries, markdown, plot

    settings, lang_ = session(ctx)
    try:
        require_extra("matplotlib")
    except CauserieError as error:
        fail(error, lang_, code=2)
    summaries = load_summaries(results_folder(runs, settings))
    text = markdown(summaries, lang_)
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        console.print(t("eval.report_written", lang_, path=out))
    else:
        console.print(text, markup=False)
    if plot_path and summaries:
        console.print(t("eval.report_written", lang_, path=plot(summaries, plot_path, lang_)))


COMMANDS: Commands = {
    "run": (run, "eval.help.run"), "tasks": (tasks, "eval.help.tasks"), "report": (report, "eval.help.report"),
}


def register(app: typer.Typer, lang: str) -> None:
    add_group(app, "eval", "eval.help.group", COMMANDS, lang)
