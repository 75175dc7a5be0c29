"""Tests and benchmarks run in the sandbox, and what they found, as reports for people and models.

The scripts that run inside (`harness_tests.py`, `harness_bench.py`, standalone) are shipped there as files
next to the code; only the JSON line they print after their mark comes back, read here.
"""

from __future__ import annotations

import json
import statistics
from importlib import resources
from typing import Literal

from pydantic import BaseModel, Field

from causerie.i18n import t
from causerie.sandbox.reasons import run_reason
from causerie.sandbox.runner import Limits, RunResult, Sandbox

TEST_LIMITS = Limits(cpu_seconds=10, wall_seconds=20)
BENCH_LIMITS = Limits(cpu_seconds=30, wall_seconds=45)


def harness(name: str) -> str:
    return resources.files("causerie.sandbox").joinpath(name).read_text(encoding="utf-8")


def _report(result: RunResult, mark: str) -> dict | None:
    for line in reversed(result.stdout.splitlines()):
        if line.startswith(mark):
            try:
                return json.loads(line[len(mark):])
            except ValueError:
                return None
    return None


class TestRun(BaseModel):
    """What running tests in the sandbox found."""

    __test__ = False  # not a pytest test class, despite its name

    status: Literal["passed", "failed", "code_error", "tests_error", "limit"]
    passed: int = 0
    failed: int = 0
    total: int = 0
    failures: list[str] = Field(default_factory=list, description="First failing cases, for people.")
    error: str | None = Field(None, description="Why the tests did not run to the end.")
    summary: str = ""
    calls: list[str] = Field(default_factory=list, exclude=True)  # literal arguments of the entry function

    @property
    def ok(self) -> bool:
        return self.status == "passed"


def run_tests(sandbox: Sandbox, code: str, tests: str, lang: str, *, record: str | None = None,
              per_test: float = 5.0, limits: Limits = TEST_LIMITS) -> TestRun:
    """Run `tests` against `code` (imported as module `solution`) in a fresh sandbox."""
    files = {"solution.py": code, "test_solution.py": tests, "harness.py": harness("harness_tests.py")}
    result = sandbox.run(files, [sandbox.python, "-I", "-B", "harness.py", str(per_test), record or ""],
                         limits=limits)
    report = _report(result, "@@causerie-tests@@")
    if report is None:
        run = TestRun(status="limit" if result.limit_hit else "tests_error", error=run_reason(result, lang, limits))
    elif report["phase"] == "code":
        run = TestRun(status="code_error", error=report["error"], failures=[report.get("traceback", "")])
    elif report["phase"] == "tests":
        run = TestRun(status="tests_error", error=t("code.tests_broken", lang, line=report.get("line") or "?",
                                                    error=report["error"]))
    else:
        run = _cases_run(report["cases"], lang)
    run.calls = (report or {}).get("calls", [])
    run.summary = summarize_tests(run, lang)
    return run


def _cases_run(cases: list[dict], lang: str) -> TestRun:
    failed = [case for case in cases if not case["ok"]]
    failures = [_failure(case, lang) for case in failed[:5]]
    if not cases:
        return TestRun(status="tests_error", error=t("code.no_test_cases", lang))
    return TestRun(status="failed" if failed else "passed", passed=len(cases) - len(failed), failed=len(failed),
                   total=len(cases), failures=failures)


def _failure(case: dict, lang: str) -> str:
    source, detail = case.get("failing") or case["source"], case.get("detail")
    if isinstance(detail, dict):  # assert f(x) == literal: "gave ..., expected ..."
        return t("code.case_wrong_value", lang, line=case["line"], source=source, **detail)
    return t("code.case_failed", lang, line=case["line"], source=source, error=case.get("error", "?"),
             detail=f" ({detail})" if detail else "")


def summarize_tests(run: TestRun, lang: str) -> str:
    if run.status in ("passed", "failed"):
        return t(f"code.tests_{run.status}", lang, passed=run.passed, total=run.total, failed=run.failed)
    return t(f"code.tests_{run.status}", lang, error=run.error or "-")


class Timing(BaseModel):
    best: float = Field(description="Fastest sample: seconds for one pass over all inputs.")
    median: float
    samples: list[float]


class BenchRun(BaseModel):
    status: Literal["equivalent", "different", "error"]
    checked: int = 0
    mismatches: list[str] = Field(default_factory=list)
    error: str | None = None
    returned: int = 0  # inputs on which the original returned (rather than raised)
    timings: dict[str, Timing] = Field(default_factory=dict)  # "original", "optimized"
    passes_per_sample: int = 0
    scaled: int = 0  # of the `checked` inputs, those grown from the given ones (long enough to time)


def compare_versions(sandbox: Sandbox, original: str, candidate: str, entry: str, inputs: str, lang: str, *,
                     repeats: int = 5, budget: float = 8.0, per_call: float = 1.0) -> BenchRun:
    """Run both versions on every input, compare, and time them (interleaved) in one sandbox run."""
    files = {"original.py": original, "candidate.py": candidate, "inputs.txt": inputs,
             "bench.py": harness("harness_bench.py")}
    argv = [sandbox.python, "-I", "-B", "bench.py", entry, str(repeats), str(budget), str(per_call)]
    result = sandbox.run(files, argv, limits=BENCH_LIMITS)
    report = _report(result, "@@causerie-bench@@")
    if report is None:
        return BenchRun(status="error", error=run_reason(result, lang, BENCH_LIMITS))
    if report["phase"] != "ran":
        which = t(f"code.version_{report['phase']}", lang)
        return BenchRun(status="error", error=t("code.version_broken", lang, version=which, error=report["error"]))
    mismatches = [t("code.mismatch", lang, **m) for m in report["mismatches"]]
    run = BenchRun(status="different" if mismatches else "equivalent", checked=report["checked"],
                   mismatches=mismatches, returned=report.get("returned", 0), scaled=report.get("scaled", 0))
    if samples := report.get("timings"):
        run.passes_per_sample = samples["number"]
        for name, key in (("original", "original"), ("optimized", "candidate")):
            run.timings[name] = Timing(best=min(samples[key]), median=statistics.median(samples[key]),
                                       samples=samples[key])
    return run
