"""fix: propose a fix for buggy code, verified by running the tests in the sandbox, retrying on failure.

Steps: run the tests on the original (to show the model the real failure, and to catch tests that cannot
run) -> up to `max_attempts` times: ask for a fix, take the code out, run the tests, and feed the failure
back. Without tests nothing can be verified: one attempt, reported as "not verified (no tests)".
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import Field

from causerie.skills import code_tools as tools
from causerie.skills.auto_imports import add_missing_imports
from causerie.skills.base import Delta, Event, Progress, Result, Skill, SkillInput, SkillOutput, Text
from causerie.skills.code_tools import TESTS_HELP
from causerie.skills.face import FieldFace, SkillFace, Verdict, View

PROMPTS = {
    "fr": {
        "code": "Code :", "error": "Message d'erreur :", "description": "Le bug, décrit par l'utilisateur :",
        "syntax": "Le code ne se compile pas :",
        "tests": "Tests (ils sont justes : corrige le code, pas les tests, et ne les recopie pas) :",
        "results": "Résultat des tests sur ce code :",
        "previous": "Ta correction précédente :", "still": "Elle échoue encore :",
        "again": "Corrige à nouveau le code d'origine, autrement.",
        "ask": "Corrige le bug. Réponds par une phrase qui dit quel était le bug, puis le code corrigé complet "
        "dans un seul bloc ```python.",
    },
    "en": {
        "code": "Code:", "error": "Error message:", "description": "The bug, as the user describes it:",
        "syntax": "The code does not parse:",
        "tests": "Tests (they are right: fix the code, not the tests, and do not copy them):",
        "results": "Test results on this code:",
        "previous": "Your previous fix:", "still": "It still fails:",
        "again": "Fix the original code again, differently.",
        "ask": "Fix the bug. Answer with one sentence saying what the bug was, then the complete fixed code in "
        "a single ```python block.",
    },
}


class FixInput(SkillInput):
    code: Text = Field(max_length=100_000, description="The buggy Python code.")
    error: str | None = Field(None, max_length=20_000, description="The error message or traceback seen.")
    tests: str | None = Field(None, max_length=50_000, description="Tests (asserts, test_* functions) that "
                              "must pass; the code is importable as the module `solution`.")
    description: str | None = Field(None, max_length=20_000, description="What goes wrong, in words.")
    max_attempts: int = Field(3, ge=1, le=6, description="Fix-and-test rounds before giving up.")


class FixAttempt(SkillOutput):
    number: int
    status: Literal["passed", "failed", "code_error", "tests_error", "limit", "no_code", "syntax_error",
                    "unchanged", "unverified"]
    summary: str
    failures: list[str] = Field(default_factory=list)
    passed: int = 0
    explanation: str = ""
    code: str = ""


class FixOutput(SkillOutput):
    code: str = Field(description="The proposed fix (the original code when no attempt gave one).")
    verified: bool = Field(description="True only when the tests ran and all passed on this code.")
    status: Literal["verified", "not_verified", "no_tests", "tests_broken", "no_fix"]
    verdict: str = Field(description="The verdict, plainly, for people.")
    explanation: str = Field("", description="What the model said the bug was.")
    diff: str = Field(description="Unified diff from the original code to the proposed fix.")
    attempts: list[FixAttempt]
    baseline: tools.TestRun | None = Field(None, description="The tests run on the original code.")
    text: str

    def view(self, lang: str) -> View:
        return View(text=self.explanation, code=self.code, language="python", diff=self.diff,
                    verdict=Verdict(ok=self.verified, message=self.verdict))

class Fix(tools.SandboxedSkill, Skill):
    name = "fix"
    title = {"fr": "Corriger du code", "en": "Fix code"}
    Input = FixInput
    Output = FixOutput
    face = SkillFace(
        order=70,
        label={"fr": "Corriger le code", "en": "Fix code"},
        help={"fr": "Corriger un bogue, vérifié par les tests dans le bac à sable.",
              "en": "Fix a bug, verified by the tests in the sandbox."},
        hint={"fr": "Collez le code à corriger (avec ses tests si vous en avez)…",
              "en": "Paste the code to fix (with its tests if you have some)…"},
        slash={"fr": ("réparer",), "en": ("fix",)},
        text_field="code",
        fields={
            "error": FieldFace(help={"fr": "Le message d'erreur ou la trace d'appels (traceback).",
                                     "en": "The error message or traceback."}, flags=("--error", "-e")),
            "tests": FieldFace(help=TESTS_HELP, file=True),
            "description": FieldFace(help={"fr": "Ce qui ne va pas.", "en": "What goes wrong."},
                                     flags=("--description", "-d")),
            "max_attempts": FieldFace(help={"fr": "Tours corriger-tester (de 1 à 6).",
                                            "en": "Fix-and-test rounds (1-6)."},
                                      flags=("--attempts",)),
        },
    )
    temperature = 0.2
    retry_temperature = 0.6  # a retry that repeats the failed answer is wasted: vary a little
    max_tokens = 1536
    needs_sandbox = True
    system = {
        "fr": "Tu es un expert en débogage Python. On te donne du code bogué et ce qui ne va pas. Trouve la "
        "cause et corrige-la par le plus petit changement possible. Garde les mêmes noms de fonctions et "
        "signatures. Ne modifie jamais les tests.",
        "en": "You are an expert Python debugger. You are given buggy code and what goes wrong. Find the "
        "cause and fix it with the smallest possible change. Keep the same function names and signatures. "
        "Never change the tests.",
    }

    def render(self, data: FixInput, baseline: tools.TestRun | None = None,
               previous: FixAttempt | None = None) -> list[dict[str, str]]:
        words = PROMPTS[self.lang]
        parts = [f"{words['code']}\n```python\n{data.code.rstrip()}\n```"]
        if problem := tools.syntax_error(data.code):
            parts.append(f"{words['syntax']} {problem.describe(self.lang)}")
        if data.error:
            parts.append(f"{words['error']}\n```\n{data.error.strip()}\n```")
        if data.description:
            parts.append(f"{words['description']}\n{data.description.strip()}")
        if data.tests:
            parts.append(f"{words['tests']}\n```python\n{data.tests.strip()}\n```")
        if baseline and not baseline.ok:
            parts.append("\n".join([words["results"], baseline.summary, *baseline.failures]))
        if previous and previous.code:
            parts.append(f"{words['previous']}\n```python\n{previous.code.rstrip()}\n```\n{words['still']}\n"
                         + "\n".join([previous.summary, *previous.failures]) + f"\n{words['again']}")
        parts.append(words["ask"])
        return [self.system_prompt(), {"role": "user", "content": "\n\n".join(parts)}]

    def steps(self, data: FixInput) -> Iterator[Event]:
        tools.require_code(data.code, "code", self.lang, python=False)  # not parsing may be the bug itself
        tests = (data.tests or "").strip()
        baseline = None
        if tests:
            baseline = tools.run_tests(self.require_sandbox(), data.code, tests + "\n", self.lang)
            if baseline.status == "tests_error":
                yield from self._done(self._broken(data, baseline), 1)
                return
        total = data.max_attempts if tests else 1  # without tests, a retry would have nothing to go on
        attempts: list[FixAttempt] = []
        for number in range(1, total + 1):
            self.stop_if_cancelled()
            yield Progress(number, total, self.text("attempt_start", number=number, total=total),
                           {"attempt": number})
            reply = yield from self._ask(self.render(data, baseline, attempts[-1] if attempts else None), number)
            attempt = self._evaluate(number, reply, data.code, tests, attempts, baseline)
            attempts.append(attempt)
            yield Progress(number, total, self.text("attempt_done", number=number, total=total,
                                                    summary=attempt.summary),
                           {"attempt": number, "status": attempt.status, "passed": attempt.passed})
            if attempt.status == "passed":
                break
        yield from self._done(self._output(data, baseline, attempts, bool(tests)), total)

    @staticmethod
    def _done(output: FixOutput, total: int) -> Iterator[Event]:
        yield Progress(total, total, output.verdict, {"verdict": output.status})  # shown by every surface
        yield Result(output)

    def _ask(self, messages: list[dict[str, str]], number: int) -> Iterator[Event]:
        """One attempt's reply. A reply with an explanation but no code gets one follow-up asking for it."""
        temperature = self.temperature if number == 1 else self.retry_temperature
        reply = yield from self.generate(messages, temperature=temperature)
        if tools.extract_code(reply) is None:
            messages = [*messages, {"role": "assistant", "content": reply},
                        {"role": "user", "content": self.text("code_please")}]
            yield Delta("\n\n")
            reply += "\n\n" + (yield from self.generate(messages, temperature=temperature))
        return reply

    def _evaluate(self, number: int, reply: str, original: str, tests: str, earlier: list[FixAttempt],
                  baseline: tools.TestRun | None) -> FixAttempt:
        """One attempt: the reply's code, checked, and tested when there are tests."""
        entry = tools.entry_function(original) if tools.syntax_error(original) is None else None
        code = tools.extract_code(reply, prefer=entry)
        explanation = tools.prose(reply)
        if code is None:
            return FixAttempt(number=number, status="no_code", summary=self.text("no_code"), explanation=explanation)
        if problem := tools.syntax_error(code):
            return FixAttempt(number=number, status="syntax_error", code=code, explanation=explanation,
                              summary=problem.describe(self.lang))
        code = add_missing_imports(tools.merge_missing(original, tools.drop_tests(code, original)))[0]
        if repeated := self._repeated(number, code, original, earlier, baseline):
            repeated.explanation = explanation
            return repeated
        if not tests:
            return FixAttempt(number=number, status="unverified", code=code, explanation=explanation,
                              summary=self.text("unverified_no_tests"))
        run = tools.run_tests(self.require_sandbox(), code, tests + "\n", self.lang)
        return FixAttempt(number=number, status=run.status, summary=run.summary, failures=run.failures,
                          passed=run.passed, explanation=explanation, code=code)

    def _repeated(self, number: int, code: str, original: str, earlier: list[FixAttempt],
                  baseline: tools.TestRun | None) -> FixAttempt | None:
        """A proposal that changes nothing, or repeats a failed attempt, is not run again: the next
        prompt says so (small models often hand the code back untouched)."""
        if tools.same_code(code, original):
            return FixAttempt(number=number, status="unchanged", summary=self.text("unchanged"), code=code,
                              passed=baseline.passed if baseline else 0,
                              failures=baseline.failures if baseline else [])
        for attempt in earlier:
            if attempt.code and tools.same_code(code, attempt.code):
                return FixAttempt(number=number, status="unchanged", code=code, passed=attempt.passed,
                                  summary=self.text("repeated", number=attempt.number), failures=attempt.failures)
        return None

    def _output(self, data: FixInput, baseline: tools.TestRun | None, attempts: list[FixAttempt],
                has_tests: bool) -> FixOutput:
        with_code = [attempt for attempt in attempts if attempt.code and attempt.status != "syntax_error"
                     and not tools.same_code(attempt.code, data.code)]
        # The best attempt: the passing one, else the one passing most tests (the latest on a tie).
        best = max(with_code, key=lambda a: (a.status == "passed", a.passed, a.number), default=None)
        if best is None:
            status = "no_fix"
        elif best.status == "passed":
            status = "verified"
        else:
            status = "not_verified" if has_tests else "no_tests"
        code = best.code if best else data.code
        verdict = self.text(f"verdict_{status}", count=len(attempts))
        if status == "verified" and baseline is not None and baseline.ok:
            verdict += " " + self.text("baseline_passed")
        diff = tools.unified_diff(data.code, code, "original.py", "fixed.py")
        return FixOutput(code=code, verified=status == "verified", status=status, verdict=verdict,
                         explanation=best.explanation if best else "", diff=diff, attempts=attempts,
                         baseline=baseline, text=self._report(verdict, best, diff, attempts))

    def _broken(self, data: FixInput, baseline: tools.TestRun) -> FixOutput:
        verdict = self.text("verdict_tests_broken", error=baseline.error or "-")
        return FixOutput(code=data.code, verified=False, status="tests_broken", verdict=verdict, diff="",
                         attempts=[], baseline=baseline, text=verdict)

    def _report(self, verdict: str, best: FixAttempt | None, diff: str, attempts: list[FixAttempt]) -> str:
        lines = [f"**{verdict}**"]
        if best and best.explanation:
            lines.append(best.explanation)
        if diff:
            lines.append(f"```diff\n{diff}```")
        lines.append("\n".join([self.text("attempts_header"),
                                *(f"{attempt.number}. {attempt.summary}" for attempt in attempts)]))
        return "\n\n".join(lines)
