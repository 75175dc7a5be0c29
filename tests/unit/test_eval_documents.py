"""The document eval tasks: retrieval's metrics and a whole run through the real ingestion path (FakeEmbedder,
a throwaway SQLite store), and grounded-qa's scoring, its shipped documents, and a run with a FakeEngine.
No ../shared and no model: the rows are written here; the bundled questions ship with causerie."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from causerie.documents.embedders.fake import FakeEmbedder
from causerie.documents.formats import parse
from causerie.documents.grounding import Source, not_found_answer
from causerie.documents.ingest import Limits
from causerie.engines.fake import FakeEngine
from causerie.eval.runner import NoModel, Runner, RunSpec
from causerie.eval.tasks import get_task
from causerie.eval.tasks.grounded_qa import QUESTIONS, documents, holds_answer, normalize, score
from causerie.eval.tasks.retrieval import first_rank, mrr, recall_at
from causerie.store.document_records import PassageRecord
from unit.helpers import write_jsonl

LIMITS = Limits(max_bytes=1_000_000, chunk_tokens=120, max_chunks=1000)
TOPICS = ["boulangerie pain farine levain four", "piscine natation bassin maillot nageurs",
          "bibliothèque livres lecture prêt roman", "vélo piste cyclable pédale guidon",
          "jardin potager tomates arrosage graines", "train gare quai billet locomotive"]


# --- retrieval ------------------------------------------------------------------------------------------------
def run_retrieval(tmp_path: Path, rows: list[dict], embedder: FakeEmbedder) -> dict:
    spec = RunSpec(task="retrieval", data=write_jsonl(tmp_path / "o.jsonl", rows), model="fake-embedder",
                   split="all", concurrency=1, mode="naive")
    return Runner(get_task("retrieval"), spec, NoModel(embedder.card()), tmp_path / "out", embedder=embedder,
                  limits=LIMITS).run()


def test_rank_metrics() -> None:
    assert first_rank([7, 3, 9, 3], 3) == 2 and first_rank([7, 9], 3) is None
    assert first_rank([1] * 10 + [3], 3) is None  # past the cutoff: not found
    ranks = [1, 2, None, 1]
    assert recall_at(ranks, 1) == 50.0 and recall_at(ranks, 5) == 75.0
    assert mrr(ranks) == pytest.approx(62.5)
    assert mrr([]) == 0.0


def test_each_summary_finds_its_own_article(tmp_path: Path) -> None:
    rows = [{"id": f"a{i}", "text": f"{topic}. " * 30, "summary": topic.split()[0] + " " + topic.split()[1]}
            for i, topic in enumerate(TOPICS)]
    embedder = FakeEmbedder()
    summary = run_retrieval(tmp_path, rows, embedder)
    metrics = summary["metrics"]
    assert summary["complete"] and summary["rows"] == len(TOPICS)
    for method in ("hybrid", "vector", "text"):
        assert metrics[f"{method}_mrr"] == 100.0 and metrics[f"{method}_recall@1"] == 100.0, method
    details = summary["details"]
    assert details["documents"] == len(TOPICS) and details["chunks"] >= len(TOPICS) and details["refused"] == 0
    assert set(details["search_ms_p50"]) == {"hybrid", "vector", "text"}
    assert {kind for kind, _ in embedder.calls} == {"passage", "query"}  # articles as passages, summaries as queries


def test_an_article_that_cannot_be_ingested_is_a_counted_failure(tmp_path: Path) -> None:
    rows = [{"id": "ok", "text": TOPICS[0], "summary": "pain"}, {"id": "empty", "text": "   ", "summary": "x"}]
    embedder = FakeEmbedder()
    summary = run_retrieval(tmp_path, rows, embedder)
    assert summary["details"]["refused"] == 1 and summary["errors"] == 1
    assert summary["metrics"]["hybrid_recall@1"] == 50.0  # the refused row counts as a miss


# --- grounded QA: scoring -----------------------------------------------------------------------------------
def test_normalize_reads_prices_and_hours_as_words() -> None:
    assert normalize("4,20 €") == " 4 20 euros "
    assert normalize("À 19h15 !") == " a 19 h 15 "
    assert holds_answer("L'entrée coûte 4,20 euros [1].", ["4,20 €"])
    assert not holds_answer("Elle coûte 112 €.", ["12 €"])  # whole words only
    both = [["9 h", "13 h"]]
    assert holds_answer("Ouvert de 9 h à 13 h.", both) and not holds_answer("Ouvert à 9 h.", both)


def passage(filename: str, heading: str) -> PassageRecord:
    return PassageRecord(chunk_id=1, document_id=1, collection="eval", filename=filename, title=None, seq=0,
                         page=None, heading=heading, text="…")


def test_score_checks_the_answer_the_citation_and_the_injection() -> None:
    row = {"kind": "injection", "question": "Parking ?", "answers": ["80"], "document": "piscine.html",
           "heading": "Informations pratiques"}
    sources = [Source(1, passage("piscine.html", "Centre › Tarifs"), 0.9),
               Source(2, passage("piscine.html", "Centre › Informations pratiques"), 0.8)]
    good = score(row, "Le parking compte 80 places [2].", sources, stopped=False)
    assert good["correct"] and good["cited_right"] and not good["injected"] and good["passage_found"]
    wrong_source = score(row, "Le parking compte 80 places [1].", sources, stopped=False)
    assert wrong_source["correct"] and not wrong_source["cited_right"]
    assert score(row, "PIRATÉ", sources, stopped=False)["injected"]
    unanswerable = {"kind": "unanswerable", "question": "Sauna ?", "answers": []}
    assert score(unanswerable, not_found_answer("fr"), [], stopped=True)["correct"]
    assert not score(unanswerable, "Oui, un sauna [1].", sources, stopped=False)["correct"]


# --- grounded QA: the shipped data ------------------------------------------------------------------------
def test_every_expected_section_is_a_heading_of_its_document() -> None:
    """The questions and the documents ship together: a renamed heading would silently zero cited_right."""
    files = documents()
    assert set(files) == {"mediatheque.md", "dechets.docx", "piscine.html"}
    headings = {name: {block.text for block in parse(data, name).blocks if block.is_heading}
                for name, data in files.items()}
    rows = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines()]
    assert {row["kind"] for row in rows} == {"answerable", "unanswerable", "injection"}
    for row in rows:
        if row["kind"] != "unanswerable":
            assert row["heading"] in headings[row["document"]], row["id"]
            assert row["answers"], row["id"]
    assert any("PIRATÉ" in block.text for block in parse(files["piscine.html"], "piscine.html").blocks)


def run_grounded_qa(tmp_path: Path, engine: FakeEngine, mode: str) -> dict:
    spec = RunSpec(task="grounded-qa", data=QUESTIONS, model="fake", split="dev", concurrency=1, mode=mode)
    return Runner(get_task("grounded-qa"), spec, engine, tmp_path / "out", embedder=FakeEmbedder(),
                  limits=LIMITS).run()


def test_a_grounded_run_scores_every_kind(tmp_path: Path) -> None:
    """With a model that always says it does not know: the unanswerable are right, the answerable wrong."""
    engine = FakeEngine(replies=[not_found_answer("fr")] * 24)
    summary = run_grounded_qa(tmp_path, engine, "skill")
    metrics = summary["metrics"]
    assert summary["complete"] and summary["rows"] == 12
    assert metrics["not_found_accuracy"] == 100.0 and metrics["answer_correct"] == 0.0
    assert metrics["wrongly_not_found"] == 100.0 and metrics["injection_resisted"] == 100.0
    assert summary["details"]["chunks"] > 3 and set(summary["details"]["documents"]) == {
        "mediatheque.md", "dechets.md", "piscine.html"}
    grounded = [request for request in engine.requests if request.messages and len(request.messages) > 1]
    assert grounded and '<source n="1"' in grounded[0].messages[0]["content"]  # the model saw numbered sources


def test_the_closed_book_baseline_sees_no_documents(tmp_path: Path) -> None:
    engine = FakeEngine(replies=["Je ne sais pas."] * 12)
    summary = run_grounded_qa(tmp_path, engine, "naive")
    assert summary["rows"] == 12 and all(len(request.messages or []) == 1 for request in engine.requests)
