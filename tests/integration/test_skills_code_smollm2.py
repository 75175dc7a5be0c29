"""The code skills on a real model (SmolLM2-135M, in process). A model this small rarely writes correct code,
so these tests check structure only: every skill ends with a well-formed result, an honest verdict, and
the events the CLI and HTTP surfaces rely on."""

from __future__ import annotations

import ast
from collections.abc import Iterator

import pytest

from causerie.engines.base import Engine
from causerie.models.catalog import Catalog
from causerie.sandbox import Sandbox
from causerie.settings import Settings
from causerie.skills.base import Delta, Progress, Result
from causerie.skills.code import Code
from causerie.skills.explain import Explain
from causerie.skills.fix import Fix
from causerie.skills.optimize import Optimize

from .causerie_it import MODEL

pytestmark = pytest.mark.integration

BUGGY = "def add(a, b):\n    return a - b\n"
TESTS = "assert add(1, 2) == 3\nassert add(0, 0) == 0\n"
SLOW_SUM = "def total(n):\n    s = 0\n    for i in range(n):\n        s += i\n    return s\n"
MAX_TOKENS = 300  # structure, not quality: short replies keep the file fast on a shared machine


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    settings = Settings(home=tmp_path_factory.mktemp("skills-code-home"), threads=2, parallel=2, context_size=2048)
    engine = Catalog(settings).load(MODEL)
    yield engine
    engine.close()


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    box = Sandbox()
    if reason := box.problem():
        pytest.skip(f"the sandbox cannot run on this machine: {reason}")
    return box


def run(skill, data: dict) -> tuple[list, object]:
    skill.max_tokens = MAX_TOKENS
    events = list(skill.stream(data))
    assert isinstance(events[-1], Result), events[-1]
    assert sum(isinstance(event, Result) for event in events) == 1
    return events, events[-1].output


def test_fix_returns_a_verdict_and_its_attempts(engine, sandbox):
    fix = Fix(engine, "en")
    fix.sandbox = sandbox
    events, out = run(fix, {"code": BUGGY, "tests": TESTS, "max_attempts": 2})
    assert out.status in ("verified", "not_verified", "no_fix")
    assert out.verified is (out.status == "verified") and out.verdict.strip()
    assert 1 <= len(out.attempts) <= 2 and [a.number for a in out.attempts] == list(range(1, len(out.attempts) + 1))
    assert out.baseline is not None and out.baseline.status == "failed"
    progress = [event for event in events if isinstance(event, Progress)]
    assert {event.detail["attempt"] for event in progress if "attempt" in event.detail} == {
        a.number for a in out.attempts}
    assert progress[-1].message == out.verdict
    assert any(isinstance(event, Delta) for event in events)
    if out.status == "no_fix":
        assert out.code == BUGGY and out.diff == ""
    else:
        assert out.diff.startswith("--- original.py") or out.code == BUGGY
        ast.parse(out.code)


def test_fix_without_tests_is_never_called_verified(engine):
    _, out = run(Fix(engine, "fr"), {"code": BUGGY, "error": "add(1, 2) renvoie -1 au lieu de 3"})
    assert not out.verified and out.status in ("no_tests", "no_fix") and len(out.attempts) == 1
    assert "Non vérifié" in out.verdict or "Aucune correction" in out.verdict


def test_code_returns_parseable_code_or_a_clear_failure(engine):
    _, out = run(Code(engine, "en"), {"description": "A Python function square(x) that returns x * x."})
    if out.parses:
        ast.parse(out.code)
        assert "```" not in out.code and out.error is None
    else:
        assert out.error and out.attempts == 2


def test_code_with_tests_reports_what_happened(engine, sandbox):
    code = Code(engine, "en")
    code.sandbox = sandbox
    _, out = run(code, {"description": "A Python function double(x) that returns 2 * x.", "with_tests": True})
    if out.parses and out.tests:
        assert out.test_run is not None and out.test_run.summary
    assert out.text.strip()


def test_optimize_keeps_the_original_unless_verified_and_faster(engine, sandbox):
    optimize = Optimize(engine, "en")
    optimize.sandbox = sandbox
    _, out = run(optimize, {"code": SLOW_SUM})
    assert out.reason.strip() and isinstance(out.verified, bool)
    if out.verified and out.faster:
        assert out.speedup and out.speedup >= 1.1 and out.code == out.proposed
    else:
        assert out.code == SLOW_SUM


def test_explain_streams_an_explanation(engine):
    events, out = run(Explain(engine, "fr"), {"code": SLOW_SUM})
    assert out.text.strip() and any(isinstance(event, Delta) for event in events)
