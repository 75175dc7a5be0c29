"""`causerie eval`: metrics on known answers, dataset checks, splits, the runner's cache and resume, reports,
and the CLI's errors. A FakeEngine stands in for the model; code is judged in the real sandbox."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from causerie.cli import build_app
from causerie.engines.fake import FakeEngine
from causerie.eval.data import EvalDataError, read_rows, select
from causerie.eval.metrics import FrenchTokenizer, final_number, rouge_scores, same_number, translation_scores
from causerie.eval.report import load_summaries, markdown, plot
from causerie.eval.runner import ITEMS, Runner, RunSpec, read_cache
from causerie.eval.tasks import TASKS, get_task
from causerie.eval.tasks.base import RunContext
from causerie.sandbox.runner import Sandbox
from unit.helpers import write_jsonl

SHARED = Path(__file__).resolve().parents[3] / "shared" / "eval-data"


def translation_rows(count: int) -> list[dict]:
    return [{"id": f"r{i}", "en": f"Sentence number {i}.", "fr": f"Phrase numéro {i}."} for i in range(1, count + 1)]


# --- metrics ---------------------------------------------------------------------------------------------
def test_a_perfect_translation_scores_100() -> None:
    refs = ["Le chat dort sur le canapé depuis ce matin.", "Il pleut à Paris."]
    scores = translation_scores(refs, refs)
    assert scores["chrf++"] == 100.0 and scores["bleu"] == 100.0


def test_a_wrong_translation_scores_low() -> None:
    assert translation_scores(["xyz"], ["Le chat dort sur le canapé."])["chrf++"] < 10


def test_rouge_keeps_french_accents() -> None:
    assert FrenchTokenizer().tokenize("L'été à Noël") == ["l", "été", "à", "noël"]
    assert rouge_scores("été chaud", "été chaud") == {"rouge1": 100.0, "rouge2": 100.0, "rougeL": 100.0}
    # rouge-score's default tokenizer would turn both into "t" and call these identical
    assert rouge_scores("été", "thé")["rouge1"] == 0.0


@pytest.mark.parametrize(("answer", "expected"), [
    ("16 - 3 - 4 = 9 ; 9 × 2 = 18.\nRéponse : 18", "18"),
    ("Le bénéfice est de 70 000 $.", "70000"),
    ("Answer: 1,5", "1.5"),
    ("Il reste 3 pommes, puis 4, donc 7 au total.", "7"),
    ("Réponse finale : 1 234,5 €", "1234.5"),
])
def test_final_number(answer: str, expected: str) -> None:
    assert same_number(final_number(answer), expected)


def test_no_number_is_never_right() -> None:
    assert final_number("Je ne sais pas.") is None
    assert not same_number(None, "3")


# --- datasets ----------------------------------------------------------------------------------------------
def test_missing_field_names_the_line(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "d.jsonl", [{"id": "1", "en": "a", "fr": "b"}, {"id": "2", "en": "a"}])
    with pytest.raises(EvalDataError) as caught:
        get_task("flores-en-fr").load(path, "all")
    assert "line 2" in caught.value.message("en") and "'fr'" in caught.value.message("en")
    assert "ligne 2" in caught.value.message("fr")


def test_empty_and_broken_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / "empty.jsonl").write_text("\n\n", encoding="utf-8")
    with pytest.raises(EvalDataError, match="no data rows"):
        read_rows(tmp_path / "empty.jsonl")
    (tmp_path / "bad.jsonl").write_text('{"en": "a", "fr": "b"}\n{oops\n', encoding="utf-8")
    with pytest.raises(EvalDataError, match="line 2: invalid JSON"):
        read_rows(tmp_path / "bad.jsonl")
    (tmp_path / "bin.jsonl").write_bytes(b"\xff\xfe\x00binary")
    with pytest.raises(EvalDataError, match="not UTF-8"):
        read_rows(tmp_path / "bin.jsonl")
    with pytest.raises(EvalDataError, match="not found"):
        read_rows(tmp_path / "missing.jsonl")


def test_splits_follow_the_eval_data_readme(tmp_path: Path) -> None:
    rows = [{"_line": i, "task_id": f"HumanEval/{i - 1}"} for i in range(1, 21)]
    flores = get_task("flores-en-fr")
    assert [r["_line"] for r in select(rows, "dev", flores.is_dev)] == list(range(1, 21, 2))  # odd rows
    humaneval = get_task("humaneval")
    dev = [r["task_id"] for r in select(rows, "dev", humaneval.is_dev)]
    assert dev == [f"HumanEval/{n}" for n in (0, 1, 2, 3, 4, 10, 11, 12, 13, 14)]
    mgsm = get_task("mgsm-fr")
    assert len(select(rows, "dev", None, mgsm.first_half_dev)) == 10
    assert select(rows, "test", None, True)[0]["_line"] == 11


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/eval-data is not here (a user's clone)")
@pytest.mark.parametrize("name", list(TASKS))
def test_every_task_reads_its_shared_file(name: str) -> None:
    task = get_task(name)
    dev, test = task.load(SHARED / task.default_file, "dev"), task.load(SHARED / task.default_file, "test")
    assert dev and test and not {i for i, _ in dev} & {i for i, _ in test}


# --- runner: cache, resume, summary ---------------------------------------------------------------------------
def spec_for(path: Path, **options: object) -> RunSpec:
    return RunSpec(task="flores-en-fr", data=path, model="fake", split="all", concurrency=1, **options)


def test_a_run_writes_records_and_a_summary(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "d.jsonl", translation_rows(3))
    engine = FakeEngine(replies=["Phrase numéro 1.", "Phrase numéro 2.", "Phrase numéro 3."])
    runner = Runner(get_task("flores-en-fr"), spec_for(path, mode="naive"), engine, tmp_path / "out")
    summary = runner.run()
    assert summary["metrics"]["chrf++"] == 100.0 and summary["rows"] == 3 and summary["complete"]
    assert summary["model"]["name"] == "fake" and summary["model"]["sha256"] == "0" * 64
    assert summary["decoding"] == {"temperature": 0.0, "seed": 0, "max_tokens": 768}
    assert summary["data"]["sha256"] and summary["completion_tokens"] > 0
    assert "English to French" in engine.requests[0].messages[0]["content"]
    assert all(request.temperature == 0.0 and request.seed == 0 for request in engine.requests)
    assert json.loads((runner.folder / "summary.json").read_text())["rows"] == 3


def test_an_interrupted_run_resumes_where_it_stopped(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "d.jsonl", translation_rows(5))
    task, out = get_task("flores-en-fr"), tmp_path / "out"
    first = FakeEngine(replies=[f"Phrase numéro {i}." for i in range(1, 6)])

    def interrupt_after_two(state) -> None:
        if len(state.records) == 2:
            raise KeyboardInterrupt

    runner = Runner(task, spec_for(path, mode="naive"), first, out)
    with pytest.raises(KeyboardInterrupt):
        runner.run(on_record=interrupt_after_two)
    kept = set(read_cache(runner.folder / ITEMS))
    assert len(kept) == 2
    partial = json.loads((runner.folder / "summary.json").read_text())
    assert partial["rows"] == 2 and not partial["complete"]
    # a line cut short by the interruption is ignored, and its row runs again
    missing = sorted({f"r{i}" for i in range(1, 6)} - kept)
    with (runner.folder / ITEMS).open("a") as handle:
        handle.write(f'{{"id": "{missing[0]}", "hypo')
    second = FakeEngine(replies=[f"Phrase numéro {row_id[1:]}." for row_id in missing])
    summary = Runner(task, spec_for(path, mode="naive"), second, out).run()
    assert len(second.requests) == 3 and summary["rows"] == 5 and summary["complete"]
    assert summary["metrics"]["chrf++"] == 100.0
    assert sorted(read_cache(runner.folder / ITEMS)) == [f"r{i}" for i in range(1, 6)]


def test_runs_differing_in_results_get_their_own_folder(tmp_path: Path) -> None:
    task, path = get_task("humanevalfix"), tmp_path / "d.jsonl"
    ids = {RunSpec(task="humanevalfix", data=path, model="m", mode=mode, attempts=attempts).run_id(task)
           for mode, attempts in [("naive", 1), ("naive", 3), ("skill", 1), ("skill", 3)]}
    assert len(ids) == 3  # attempts only matter to the skill
    same = RunSpec(task="humanevalfix", data=path, model="m", limit=5).run_id(task)
    assert same == RunSpec(task="humanevalfix", data=path, model="m", limit=50).run_id(task)


def test_a_row_the_engine_refuses_is_a_counted_failure(tmp_path: Path) -> None:
    from causerie.errors import ContextOverflow

    path = write_jsonl(tmp_path / "d.jsonl", translation_rows(2))
    engine = FakeEngine(replies=[ContextOverflow(9000, 8192), "Phrase numéro 2."])
    summary = Runner(get_task("flores-en-fr"), spec_for(path, mode="naive"), engine, tmp_path / "out").run()
    assert summary["rows"] == 2 and summary["errors"] == 1


# --- code: judged by the benchmark's tests in the sandbox ---------------------------------------------------
needs_sandbox = pytest.mark.skipif(Sandbox().problem() is not None, reason="no sandbox (bubblewrap) here")

HUMANEVAL_ROW = {"task_id": "HumanEval/0", "entry_point": "add",
                 "prompt": 'def add(a: int, b: int) -> int:\n    """Sum of a and b."""\n',
                 "test": "def check(candidate):\n    assert candidate(1, 2) == 3\n    assert candidate(-1, 1) == 0\n"}


@needs_sandbox
@pytest.mark.parametrize(("reply", "passed"), [
    ("```python\ndef add(a: int, b: int) -> int:\n    return a + b\n```", True),
    ("```python\ndef add(a: int, b: int) -> int:\n    return a - b\n```", False),
    ("```python\n    return a + b\n```", True),  # a bare body completes the prompt
])
def test_known_pass_and_known_fail(reply: str, passed: bool) -> None:
    ctx = RunContext(engine=FakeEngine(replies=[reply]), mode="naive", sandbox=Sandbox())
    record = get_task("humaneval").run(HUMANEVAL_ROW, ctx)
    assert record["passed"] is passed


@needs_sandbox
def test_fix_one_shot_and_loop(tmp_path: Path) -> None:
    row = {"name": "inc", "buggy_program": "def inc(x):\n    return x - 1\n",
           "tests": "assert inc(*[1]) == 2\nassert inc(*[5]) == 6"}
    wrong = "```python\ndef inc(x):\n    return x + 2\n```"
    right = "```python\ndef inc(x):\n    return x + 1\n```"
    one_shot = RunContext(engine=FakeEngine(replies=[wrong]), mode="naive", sandbox=Sandbox())
    assert get_task("quixbugs").run(row, one_shot)["passed"] is False
    loop = RunContext(engine=FakeEngine(replies=[wrong, right]), mode="skill", attempts=3, sandbox=Sandbox())
    record = get_task("quixbugs").run(row, loop)
    assert record["passed"] is True and record["attempts"] == 2 and record["verdict"] == "verified"


# --- reports ---------------------------------------------------------------------------------------------------
def test_report_table_and_plot(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "d.jsonl", translation_rows(2))
    for mode, replies in (("naive", ["x", "y"]), ("skill", ["Phrase numéro 1.", "Phrase numéro 2."])):
        engine = FakeEngine(replies=replies)  # the translate skill asks once per one-sentence row
        Runner(get_task("flores-en-fr"), spec_for(path, mode=mode), engine, tmp_path / "runs").run()
    summaries = load_summaries(tmp_path / "runs")
    table = markdown(summaries, "en")
    assert "| task | metric | model | naive | skill | rows |" in table
    assert "| flores-en-fr | chrf++ | fake |" in table
    image = plot(summaries, tmp_path / "plot.png", "fr")
    assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# --- CLI -----------------------------------------------------------------------------------------------------
def test_cli_names_the_bad_line(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "d.jsonl", [{"id": "1", "en": "a", "fr": "b"}, {"id": "2", "fr": "b"}])
    result = CliRunner().invoke(build_app("en"), ["--lang", "en", "eval", "run", "flores-en-fr", "--data",
                                                  str(path), "--split", "all", "--model", "fake"])
    assert result.exit_code == 2
    assert "line 2" in result.output and "'en'" in result.output


def test_cli_unknown_task_and_missing_data(tmp_path: Path) -> None:
    app = build_app("fr")
    unknown = CliRunner().invoke(app, ["--lang", "fr", "eval", "run", "nope", "--data", str(tmp_path)])
    assert unknown.exit_code != 0 and "Tâche inconnue" in unknown.output
    no_data = CliRunner().invoke(app, ["--lang", "fr", "eval", "run", "humaneval"])
    assert no_data.exit_code == 2 and "--data" in no_data.output


def test_cli_lists_tasks() -> None:
    result = CliRunner().invoke(build_app("en"), ["--lang", "en", "eval", "tasks"])
    assert result.exit_code == 0 and "humanevalfix" in result.output


def test_one_row_ending_does_not_stop_the_others(tmp_path: Path) -> None:
    """Engines raise a request's cancel flag when it ends: each row must have its own."""
    from causerie.eval.tasks.base import complete

    class LikeLocalEngine(FakeEngine):  # the local engine raises the flag when a generation ends
        def generate(self, request):
            try:
                yield from super().generate(request)
            finally:
                request.cancel.set()

    ctx = RunContext(engine=LikeLocalEngine(replies=["un deux trois", "quatre cinq six"]), mode="naive")
    assert complete(ctx, [{"role": "user", "content": "a"}]) == "un deux trois"
    assert not ctx.cancel.is_set()
    assert complete(ctx, [{"role": "user", "content": "b"}]) == "quatre cinq six"
    ctx.engine.requests[-1].cancel.clear()
    ctx.cancel.set()  # the run's flag still reaches every request
    assert ctx.engine.requests[-1].cancel.is_set()


@needs_sandbox
def test_code_that_does_not_parse_is_a_failed_row_not_a_crash(tmp_path: Path) -> None:
    ctx = RunContext(engine=FakeEngine(replies=['```python\ndef add(a, b):\n    """unterminated\n```']),
                     mode="naive", sandbox=Sandbox())
    assert get_task("humaneval").run(HUMANEVAL_ROW, ctx)["passed"] is False


def test_an_unexpected_error_in_a_row_is_recorded(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "d.jsonl", translation_rows(2))
    task = get_task("flores-en-fr")
    task.run = lambda row, ctx: (_ for _ in ()).throw(RuntimeError("boom"))  # type: ignore[method-assign]
    summary = Runner(task, spec_for(path, mode="naive"), FakeEngine(), tmp_path / "out").run()
    assert summary["rows"] == 2 and summary["errors"] == 2
