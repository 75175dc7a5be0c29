"""Scorecards from run summaries: a Markdown table (headline metric per task, naive versus skill) with a
detailed table of every run, a table of the document-search runs (one line per search method), and a PNG
bar chart of the headline figures."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from causerie.eval.runner import SUMMARY
from causerie.i18n import t

Summary = dict[str, Any]


def load_summaries(folder: Path) -> list[Summary]:
    """Every run summary under `folder` (runs are sub-folders), in a stable order."""
    summaries = []
    for path in sorted(folder.glob(f"**/{SUMMARY}")):
        try:
            summary = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            continue
        if summary.get("metrics"):
            summaries.append(summary | {"_folder": path.parent.name})
    return summaries


def variant(summary: Summary) -> str:
    """naive, skill, or skill-3x for the fix loop."""
    attempts = summary.get("attempts")
    return f"{summary['mode']}-{attempts}x" if attempts else summary["mode"]


def variants(summaries: list[Summary]) -> list[str]:
    found = {variant(s) for s in summaries}
    ordered = sorted(found, key=lambda v: (v != "naive", v))
    return ordered


def headline(summary: Summary) -> float:
    return float(summary["metrics"][summary["headline"]])


def grid(summaries: list[Summary]) -> dict[tuple[str, str], dict[str, Summary]]:
    """(task, model) -> variant -> summary (the latest one when a variant ran twice)."""
    table: dict[tuple[str, str], dict[str, Summary]] = defaultdict(dict)
    for summary in sorted(summaries, key=lambda s: s.get("finished", "")):
        table[(summary["task"], summary["model"]["name"])][variant(summary)] = summary
    return table


def markdown(summaries: list[Summary], lang: str) -> str:
    if not summaries:
        return t("eval.report_empty", lang) + "\n"
    names = variants(summaries)
    head = [t("eval.col_task", lang), t("eval.col_metric", lang), t("eval.col_model", lang), *names,
            t("eval.col_rows", lang)]
    lines = [_row(head), _row(["---"] * len(head))]
    for (task, model), by_variant in grid(summaries).items():
        any_run = next(iter(by_variant.values()))
        cells = [f"{headline(by_variant[v]):.1f}" if v in by_variant else "–" for v in names]
        rows = "/".join(sorted({str(s["rows"]) for s in by_variant.values()}))
        lines.append(_row([task, any_run["headline"], model, *cells, f"{rows} ({any_run['split']})"]))
    searches = retrieval(summaries, lang)
    return "\n".join(lines + ["", details(summaries, lang)] + (["", searches] if searches else [])) + "\n"


def details(summaries: list[Summary], lang: str) -> str:
    head = [t("eval.col_task", lang), t("eval.col_variant", lang), t("eval.col_model", lang),
            t("eval.col_metrics", lang), t("eval.col_rows", lang), "tok/s", t("eval.col_duration", lang),
            t("eval.col_errors", lang)]
    lines = [_row(head), _row(["---"] * len(head))]
    for s in sorted(summaries, key=lambda s: (s["task"], s["model"]["name"], variant(s))):
        metrics = ", ".join(f"{k} {v:.1f}" for k, v in s["metrics"].items())
        model = f"{s['model']['name']} ({s['model']['quantization']}, {str(s['model']['sha256'])[:12]})"
        lines.append(_row([s["task"], variant(s), model, metrics, f"{s['rows']} {s['split']}",
                           str(s.get("tokens_per_s") or "–"), f"{s['duration_s'] / 60:.1f} min", str(s["errors"])]))
    return "\n".join(lines)


def retrieval(summaries: list[Summary], lang: str) -> str:
    """Runs that compare search methods (their details list `methods`): recall@1, recall@5 and MRR of each,
    with what the figures depend on (embedder, chunk size, corpus) and the time they took."""
    runs = [s for s in summaries if s.get("details", {}).get("methods")]
    if not runs:
        return ""
    head = [t("eval.col_method", lang), "recall@1", "recall@5", "MRR", t("eval.col_rows", lang),
            t("eval.col_embedder", lang), t("eval.col_chunk_tokens", lang), t("eval.col_corpus", lang),
            t("eval.col_index_time", lang), t("eval.col_search_ms", lang)]
    lines = [f"**{t('eval.retrieval_title', lang)}**", "", _row(head), _row(["---"] * len(head))]
    for s in sorted(runs, key=lambda s: (s["task"], s.get("finished", ""))):
        facts, metrics = s["details"], s["metrics"]
        for method in facts["methods"]:
            lines.append(_row([
                method, f"{metrics[f'{method}_recall@1']:.1f}", f"{metrics[f'{method}_recall@5']:.1f}",
                f"{metrics[f'{method}_mrr']:.1f}", f"{s['rows']} {s['split']}",
                f"{facts.get('embedder', '?')} ({str(facts.get('embedder_sha256'))[:12]})",
                str(facts.get("chunk_tokens", "?")), f"{facts.get('documents', '?')} / {facts.get('chunks', '?')}",
                f"{facts.get('index_s', '?')} s", str(facts.get("search_ms_p50", {}).get(method, "–"))]))
    return "\n".join(lines)


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def plot(summaries: list[Summary], path: Path, lang: str) -> Path:
    """One panel per model: tasks side by side, a bar per variant, the headline metric (0-100) on top."""
    import matplotlib

    matplotlib.use("Agg")  # files only: no display, no GUI toolkit
    import matplotlib.pyplot as plt

    table, names = grid(summaries), variants(summaries)
    models = sorted({model for _, model in table})
    figure, axes = plt.subplots(len(models), 1, figsize=(11, 4.2 * len(models)), squeeze=False)
    for axis, model in zip(axes[:, 0], models, strict=True):
        _panel(axis, {task: runs for (task, m), runs in table.items() if m == model}, names, model, lang)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


def _panel(axis, runs: dict[str, dict[str, Summary]], names: list[str], model: str, lang: str) -> None:
    tasks = list(runs)
    width = 0.8 / max(1, len(names))
    for index, name in enumerate(names):
        values = [headline(runs[task][name]) if name in runs[task] else 0.0 for task in tasks]
        positions = [x + (index - (len(names) - 1) / 2) * width for x in range(len(tasks))]
        bars = axis.bar(positions, values, width, label=name)
        axis.bar_label(bars, labels=[f"{v:.0f}" if name in runs[t_] else "" for v, t_ in zip(values, tasks,
                                                                                                   strict=True)],
                       fontsize=8, padding=2)
    labels = [f"{task}\n({next(iter(runs[task].values()))['headline']})" for task in tasks]
    axis.set_xticks(range(len(tasks)), labels, fontsize=8)
    axis.set_ylim(0, 105)
    axis.set_ylabel(t("eval.plot_score", lang))
    axis.set_title(t("eval.plot_title", lang, model=model))
    axis.legend(fontsize=8)
    axis.grid(axis="y", alpha=0.3)
