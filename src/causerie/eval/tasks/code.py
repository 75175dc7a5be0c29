"""Python code: generation (HumanEval, MBPP: pass@1) and bug fixing (HumanEvalFix, QuixBugs: fix rate).

Every program is judged by the benchmark's own tests, run in the skills' sandbox (never in this process).
Fixing: the model sees the buggy code and the tests (HumanEvalFix's "with tests" setting). The naive mode
asks once with a plain prompt; the skill mode runs the `fix` skill, whose loop runs the same tests and feeds
failures back (`--attempts 1` makes it one-shot)."""

from __future__ import annotations

import re
import textwrap

from causerie.eval.data import Row, task_number_dev, trailing_number
from causerie.eval.metrics import rate
from causerie.eval.tasks.base import Record, RunContext, Task, complete, make_skill
from causerie.sandbox.checks import run_tests
from causerie.skills.code_tools import extract_code, functions

IMPORT = re.compile(r"^(?:from\s+\S+\s+)?import\s.+$", re.M)


def assemble(prompt: str, code: str | None, entry: str) -> str:
    """A runnable program: the model's code with the prompt's imports; a bare body is completed from the
    prompt (HumanEval prompts end inside the function)."""
    code = code or ""
    try:
        defined = functions(code)
    except SyntaxError:  # broken code is judged as it is: the tests will say so
        defined = []
    if entry not in defined and prompt:
        indented = code.startswith((" ", "\t")) or not code.strip()
        return prompt + (code if indented else textwrap.indent(code, "    "))
    imports = "\n".join(IMPORT.findall(prompt))
    return f"{imports}\n\n{code}" if imports else code


def judge(ctx: RunContext, program: str, tests: str) -> Record:
    assert ctx.sandbox is not None
    run = run_tests(ctx.sandbox, program, tests, ctx.lang)
    return {"program": program, "passed": run.ok, "status": run.status, "failures": run.failures[:2],
            "error": run.error}


class CodeTask(Task):
    metrics = ("pass@1",)
    needs_sandbox = True

    def is_dev(self, index: int, row: Row) -> bool:
        return task_number_dev(lambda i, r: trailing_number(r["task_id"]))(index, row)

    def row_id(self, index: int, row: Row) -> str:
        return str(row["task_id"])

    def empty(self, row: Row) -> Record:
        return {"passed": False, "status": "no_answer"}

    def summarize(self, records: list[Record]) -> dict[str, float]:
        return {self.metrics[0]: rate([r["passed"] for r in records])}

    def generate(self, description: str, entry: str, ctx: RunContext) -> str | None:
        if ctx.mode == "naive":
            prompt = f"{description}\n\nWrite the Python code in a ```python block."
            return extract_code(complete(ctx, [{"role": "user", "content": prompt}]), prefer=entry)
        output = make_skill("code", ctx).run({"description": description, "language": "python"})
        return output.code or None


class HumanEval(CodeTask):
    name = "humaneval"
    description = "HumanEval, Python functions from docstrings (pass@1)"
    default_file = "humaneval/HumanEval.jsonl.gz"
    fields = ("task_id", "prompt", "test", "entry_point")

    def run(self, row: Row, ctx: RunContext) -> Record:
        description = f"Complete this Python function:\n\n```python\n{row['prompt']}```"
        code = self.generate(description, row["entry_point"], ctx)
        program = assemble(row["prompt"], code, row["entry_point"])
        return judge(ctx, program, f"{row['test']}\n\ncheck({row['entry_point']})\n")


class Mbpp(CodeTask):
    name = "mbpp"
    description = "MBPP (sanitized), Python from a one-line description and one test (pass@1)"
    default_file = "mbpp/sanitized-mbpp.json"
    fields = ("task_id", "prompt", "test_list")

    def run(self, row: Row, ctx: RunContext) -> Record:
        description = f"{row['prompt']}\nYour code should pass this test:\n{row['test_list'][0]}"
        entry = (re.findall(r"(\w+)\(", row["test_list"][0]) or [""])[0]
        if entry == "set":  # assert set(f(...)) == ...
            entry = (re.findall(r"(\w+)\(", row["test_list"][0]) or ["", ""])[1]
        code = self.generate(description, entry, ctx)
        tests = "\n".join([*row.get("test_imports", []), *row["test_list"]]) + "\n"
        return judge(ctx, code or "", tests)


class FixTask(CodeTask):
    metrics = ("fix rate",)
    uses_attempts = True

    def buggy(self, row: Row) -> tuple[str, str, str]:
        """(code, tests, entry)"""
        raise NotImplementedError

    def run(self, row: Row, ctx: RunContext) -> Record:
        code, tests, entry = self.buggy(row)
        if ctx.mode == "naive":
            prompt = (f"Fix the bug in this Python code.\n\n```python\n{code}```\n\nIt must pass these tests:\n\n"
                      f"```python\n{tests}```\n\nGive the complete fixed code in a ```python block.")
            fixed = extract_code(complete(ctx, [{"role": "user", "content": prompt}]), prefer=entry) or code
            record = {"attempts": 1}
        else:
            output = make_skill("fix", ctx).run({"code": code, "tests": tests, "max_attempts": ctx.attempts})
            fixed, record = output.code, {"attempts": len(output.attempts), "verdict": output.status}
        return record | judge(ctx, fixed, tests)


class HumanEvalFix(FixTask):
    name = "humanevalfix"
    description = "HumanEvalFix (HumanEvalPack Python), fix a buggy function with its tests (fix rate)"
    default_file = "humanevalfix/humanevalpack_python.jsonl"
    fields = ("task_id", "declaration", "buggy_solution", "test", "entry_point")

    def buggy(self, row: Row) -> tuple[str, str, str]:
        return (row["declaration"] + row["buggy_solution"], f"{row['test']}\n\ncheck({row['entry_point']})\n",
                row["entry_point"])


class QuixBugs(FixTask):
    name = "quixbugs"
    description = "QuixBugs (Python), fix a one-line bug with its tests (fix rate)"
    default_file = "quixbugs/quixbugs_python_octopack.jsonl"
    fields = ("name", "buggy_program", "tests")

    def is_dev(self, index: int, row: Row) -> bool:
        return index % 10 < 5  # no task numbers: the 0-based row number stands for one

    def row_id(self, index: int, row: Row) -> str:
        return str(row["name"])

    def buggy(self, row: Row) -> tuple[str, str, str]:
        return row["buggy_program"].rstrip() + "\n", row["tests"].rstrip() + "\n", row["name"]
