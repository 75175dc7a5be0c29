"""optimize: a faster version of some code, kept only if it is verified equivalent AND measured faster.

Steps: check the original (and run its tests, recording the arguments they call the entry function with)
-> ask for a faster version -> inputs: the user's, else those recorded from the tests, else the model's
(literals, plus list(range(n)) and [x] * n expanded by a tiny whitelist, then checked with
ast.literal_eval; never eval) -> run the user's tests on the new version -> run both
versions on every input and time them, interleaved, in one sandbox run. Anything short of "equivalent and
faster" keeps the original, and the reason says why.
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from causerie.errors import InvalidRequest
from causerie.i18n import t
from causerie.skills import code_tools as tools
from causerie.skills.auto_imports import add_missing_imports
from causerie.skills.base import Event, Progress, Result, Skill, SkillInput, SkillOutput, Text
from causerie.skills.code_tools import TESTS_HELP
from causerie.skills.face import FieldFace, SkillFace, Verdict, View

MIN_SPEEDUP = 1.1  # below this, timing noise on a shared machine could be the whole "gain"
PROMPTS = {
    "fr": {"ask": "Rends cette fonction Python plus rapide (meilleur algorithme, structures de données "
           "adaptées), sans changer son nom, ses paramètres ni son résultat, y compris sur les cas limites. "
           "Réponds par une phrase qui dit ce que tu changes, puis le code complet dans un seul bloc ```python.",
           "inputs": "Donne 8 à 12 appels variés de `{entry}` pour comparer deux versions : cas typiques, cas "
           "limites (vides, zéro, négatifs…) et 2 ou 3 grandes entrées, écrites avec list(range(n)) ou "
           "[valeur] * n (n jusqu'à 1000). Réponds uniquement par une liste Python, un tuple de {count} "
           "argument(s) par ligne, sous cette forme, avec des valeurs à la place des noms :\n{example}\n"
           "Pas d'autre appel de fonction, pas de variable."},
    "en": {"ask": "Make this Python function faster (a better algorithm, suitable data structures) without "
           "changing its name, its parameters or its result, edge cases included. Answer with one sentence "
           "saying what you change, then the complete code in a single ```python block.",
           "inputs": "Give 8 to 12 varied calls of `{entry}` to compare two versions: typical cases, edge "
           "cases (empty, zero, negative…) and 2 or 3 large inputs, written with list(range(n)) or [value] * n "
           "(n up to 1000). Answer only with a Python list, one tuple of {count} argument(s) per line, in this "
           "form, with values in place of the names:\n{example}\nNo other function call, no variables."},
}


class OptimizeInput(SkillInput):
    code: Text = Field(max_length=100_000, description="The Python code to speed up.")
    entry: str | None = Field(None, max_length=200, description="The function to optimize (default: found).")
    tests: str | None = Field(None, max_length=50_000, description="Tests both versions must pass "
                              "(the code is importable as `solution`).")
    inputs: str | None = Field(None, max_length=200_000, description="Python list of argument tuples to "
                               "compare and time on, in literals plus list(range(n)) and [x] * n, e.g. "
                               "[(10,), (list(range(1000)),)].")
    repeats: int = Field(5, ge=3, le=20, description="Timing samples per version (best-of is reported).")


class OptimizeOutput(SkillOutput):
    code: str = Field(description="The faster code if verified and faster; otherwise the original.")
    verified: bool = Field(description="The new version behaved exactly like the original on every check.")
    faster: bool = Field(False, description=f"Measured at least {MIN_SPEEDUP}x faster.")
    speedup: float | None = Field(None, description="Best original time / best new time.")
    timings: dict[str, tools.Timing] = Field(default_factory=dict, description="Seconds per pass over the "
                                             "inputs: 'original' and 'optimized'.")
    diff: str = Field(description="Unified diff from the original to the returned code (empty when kept).")
    proposed_diff: str = Field("", description="Unified diff from the original to the proposal, kept or not.")
    reason: str = Field(description="Why the new version was kept or rejected.")
    proposed: str | None = Field(None, description="The model's version, kept or not.")
    explanation: str = ""
    inputs_source: str | None = Field(None, description="'user', 'tests' or 'generated'.")
    checked_inputs: int = 0
    test_run: tools.TestRun | None = Field(None, description="The user's tests on the new version.")
    text: str

    def view(self, lang: str) -> View:
        message = t("skill.optimize.speedup", lang, speedup=f"{self.speedup:.1f}") if self.faster and self.speedup \
            else self.reason
        return View(text=self.explanation or self.reason, code=self.code, language="python",
                    diff=self.diff or self.proposed_diff, verdict=Verdict(ok=self.verified, message=message))

class Optimize(tools.SandboxedSkill, Skill):
    name = "optimize"
    title = {"fr": "Optimiser du code", "en": "Optimize code"}
    Input = OptimizeInput
    Output = OptimizeOutput
    face = SkillFace(
        order=80,
        label={"fr": "Optimiser", "en": "Optimize"},
        help={"fr": "Accélérer du code, vérifié équivalent et mesuré.",
              "en": "Speed up code, verified equivalent and measured."},
        hint={"fr": "Collez le code à accélérer…", "en": "Paste the code to speed up…"},
        slash={"fr": ("optimiser",), "en": ("optimize",)},
        text_field="code",
        fields={
            "entry": FieldFace(help={"fr": "La fonction à optimiser.", "en": "Function to optimize."}),
            "tests": FieldFace(help=TESTS_HELP, file=True),
            "inputs": FieldFace(help={"fr": "Les arguments sur lesquels comparer et chronométrer (liste Python "
                                            "de tuples).",
                                      "en": "The arguments to compare and time on (a Python list of tuples)."}),
            "repeats": FieldFace(help={"fr": "Mesures par version (la meilleure est retenue).",
                                       "en": "Timing samples per version (the best is reported)."}),
        },
    )
    temperature = 0.2
    max_tokens = 1536
    needs_sandbox = True
    system = {
        "fr": "Tu es un expert en performance Python. Tu rends le code plus rapide sans jamais changer ce "
        "qu'il calcule.",
        "en": "You are a Python performance expert. You make code faster without ever changing what it "
        "computes.",
    }

    def render(self, data: OptimizeInput, entry: str = "") -> list[dict[str, str]]:
        target = f"`{entry}` : " if entry and self.lang == "fr" else f"`{entry}`: " if entry else ""
        content = f"```python\n{data.code.rstrip()}\n```\n\n{target}{PROMPTS[self.lang]['ask']}"
        return [self.system_prompt(), {"role": "user", "content": content}]

    def steps(self, data: OptimizeInput) -> Iterator[Event]:
        tools.require_code(data.code, "code", self.lang)
        entry = self._entry(data)
        arity = tools.arity(data.code, entry)
        if data.inputs and tools.literal_inputs(data.inputs, arity) is None:  # before any generation
            raise InvalidRequest("code.bad_inputs", param="inputs")
        sandbox = self.require_sandbox()
        tests = (data.tests or "").strip()
        baseline = None
        if tests:
            baseline = tools.run_tests(sandbox, data.code, tests + "\n", self.lang, record=entry)
            if not baseline.ok:  # tests that fail on the original cannot tell equivalent from not
                reason = baseline.summary.rstrip(".") if baseline.status == "tests_error" else self.text(
                    "original_fails", summary=baseline.summary.rstrip("."))
                yield from self._done(self._keep(data, reason))
                return
        yield Progress(1, 3, self.text("proposing"))
        messages = self.render(data, entry)
        reply = yield from self.generate(messages)
        proposed, problem = self._proposal(reply, entry)
        if problem:  # no code, not parsing, or the function renamed: once more, saying so
            messages += [{"role": "assistant", "content": reply},
                         {"role": "user", "content": self.text("fix_parse", error=problem)}]
            reply = yield from self.generate(messages)
            proposed, problem = self._proposal(reply, entry)
        if problem:
            yield from self._done(self._keep(data, problem, proposed))
            return
        proposed = add_missing_imports(tools.merge_missing(data.code, tools.drop_tests(proposed, data.code)))[0]
        if tools.same_code(proposed, data.code):
            yield from self._done(self._keep(data, self.text("unchanged")))
            return
        self.stop_if_cancelled()
        yield Progress(2, 3, self.text("checking"))
        inputs, source = self._inputs(data, entry, baseline)
        yield from self._done(self._verify(data, entry, proposed, tools.prose(reply), tests, inputs, source))

    @staticmethod
    def _done(output: OptimizeOutput) -> Iterator[Event]:
        yield Progress(3, 3, output.reason, {"verified": output.verified, "faster": output.faster})  # the verdict
        yield Result(output)

    def _entry(self, data: OptimizeInput) -> str:
        names = tools.functions(data.code)
        entry = data.entry or tools.entry_function(data.code)
        if not entry or entry not in names:
            raise InvalidRequest("code.no_function", param="entry", name=data.entry or "-",
                                 available=", ".join(names) or "-")
        return entry

    def _proposal(self, reply: str, entry: str) -> tuple[str | None, str | None]:
        code = tools.extract_code(reply, prefer=entry)
        if code is None:
            return None, self.text("no_code")
        if problem := tools.syntax_error(code):
            return code, problem.describe(self.lang)
        if entry not in tools.functions(code):
            return None, self.text("entry_missing", entry=entry)
        return code, None

    def _inputs(self, data: OptimizeInput, entry: str, baseline: tools.TestRun | None) -> tuple[str | None, str]:
        """Inputs to compare and time on: the user's, those the tests used, or the model's."""
        arity = tools.arity(data.code, entry)
        if data.inputs:
            return tools.literal_inputs(data.inputs, arity), "user"  # checked in `steps`
        if baseline and baseline.calls:
            unique = list(dict.fromkeys(baseline.calls))
            return tools.literal_inputs("[" + ", ".join(unique) + "]", None), "tests"
        # The form, spelt with the function's own parameters: a generic example gets copied as it is.
        params = tools.parameters(data.code, entry)
        one = f"({params[0]},)" if len(params) == 1 else f"({', '.join(params)})"
        example = f"```python\n[\n    {one},\n    {one},\n]\n```"  # one per line: a bad line can be dropped
        ask = PROMPTS[self.lang]["inputs"].format(entry=entry, count=len(params), example=example)
        messages = [{"role": "user", "content": f"```python\n{data.code.rstrip()}\n```\n\n{ask}"}]
        for _ in range(2):  # one retry: small models sometimes write a call, a variable, or the wrong shape
            reply = self.complete(messages, max_tokens=600, temperature=0.3)
            if inputs := tools.literal_inputs(tools.extract_code(reply) or reply, arity):
                return inputs, "generated"
            messages += [{"role": "assistant", "content": reply},
                         {"role": "user", "content": self.text("inputs_invalid", count=len(params), example=example)}]
        return None, "generated"

    def _verify(self, data: OptimizeInput, entry: str, proposed: str, explanation: str, tests: str,
                inputs: str | None, source: str) -> OptimizeOutput:
        sandbox = self.require_sandbox()
        run = tools.run_tests(sandbox, proposed, tests + "\n", self.lang) if tests else None
        base = {"proposed": proposed, "explanation": explanation, "test_run": run, "inputs_source": source}
        if run and not run.ok:
            return self._keep(data, self.text("tests_fail", summary=run.summary.rstrip(".")), **base)
        if inputs is None:
            return self._keep(data, self.text("no_inputs"), **base)
        bench = tools.compare_versions(sandbox, data.code, proposed, entry, inputs, self.lang, repeats=data.repeats)
        base.update(checked_inputs=bench.checked, timings=bench.timings)
        if bench.status == "error":
            return self._keep(data, bench.error or "-", **base)
        if bench.status == "different":
            return self._keep(data, self.text("different", count=len(bench.mismatches),
                                              first=bench.mismatches[0]), **base)
        if bench.returned == 0:
            return self._keep(data, self.text("inputs_all_raise"), **base)
        if not bench.timings:
            return self._keep(data, self.text("not_timed"), **base)
        original, optimized = bench.timings["original"].best, bench.timings["optimized"].best
        speedup = round(original / optimized, 2) if optimized > 0 else None
        base.update(verified=True, speedup=speedup)
        if not speedup or speedup < MIN_SPEEDUP:
            return self._keep(data, self.text("not_faster", speedup=speedup or 0, min=MIN_SPEEDUP), **base)
        reason = self.text("accepted", speedup=speedup, checked=bench.checked, source=self.text(f"source_{source}"))
        return self._finish(data, proposed, reason, faster=True, **base)

    def _keep(self, data: OptimizeInput, reason: str, proposed: str | None = None, **facts) -> OptimizeOutput:
        return self._finish(data, data.code, self.text("kept", reason=reason), proposed=proposed, **facts)

    def _finish(self, data: OptimizeInput, code: str, reason: str, proposed: str | None = None,
                **facts) -> OptimizeOutput:
        proposed_diff = tools.unified_diff(data.code, proposed, "original.py", "optimized.py") if proposed else ""
        output = OptimizeOutput(code=code, verified=facts.pop("verified", False), reason=reason,
                                diff=proposed_diff if code == proposed else "", proposed_diff=proposed_diff,
                                proposed=proposed, text="", **facts)
        output.text = self._report(output)
        return output

    def _report(self, output: OptimizeOutput) -> str:
        lines = [f"**{output.reason}**"]
        if output.explanation:
            lines.append(output.explanation)
        if output.timings:
            lines.append(self.text("timings", original=_ms(output.timings["original"].best),
                                   optimized=_ms(output.timings["optimized"].best),
                                   speedup=output.speedup or 0, checked=output.checked_inputs))
        if output.test_run:
            lines.append("\n".join([output.test_run.summary, *(f"- {f}" for f in output.test_run.failures)]))
        if output.proposed_diff:
            lines.append(f"```diff\n{output.proposed_diff}```")
        return "\n\n".join(lines)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.3g}"
