"""The code skills (code, fix, optimize, explain) and their tools, on FakeEngine's queued replies.

Tests that run code use the real sandbox and skip, with its reason, where bubblewrap cannot run.
"""

from __future__ import annotations

import ast

import pytest

from causerie.engines.fake import FakeEngine
from causerie.errors import InvalidRequest
from causerie.sandbox import Sandbox, SandboxUnavailable
from causerie.skills import code_tools as tools
from causerie.skills.base import Delta, Progress, Result
from causerie.skills.code import Code
from causerie.skills.explain import Explain
from causerie.skills.fix import Fix
from causerie.skills.optimize import Optimize
from causerie.skills.registry import skill_classes

SLOW_SUM = "def total(n):\n    s = 0\n    for i in range(n):\n        s += i\n    return s\n"
FAST_SUM = "def total(n):\n    return n * (n - 1) // 2 if n > 0 else 0\n"
BUGGY = "def add(a, b):\n    return a - b\n"
ADD_TESTS = "assert add(1, 2) == 3\nassert add(0, 0) == 0\nassert add(-1, 1) == 0\n"


def block(code: str, before: str = "", after: str = "") -> str:
    return f"{before}\n```python\n{code}\n```\n{after}".strip()


class NoSandbox(Sandbox):
    def problem(self) -> str | None:
        return "bubblewrap (bwrap) is not installed: apt-get install bubblewrap"


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    box = Sandbox()
    if reason := box.problem():
        pytest.skip(f"the sandbox cannot run on this machine: {reason}")
    return box


def skill(cls, *replies: str, lang: str = "en", sandbox: Sandbox | None = None):
    engine = FakeEngine().queue(*replies)
    instance = cls(engine, lang)
    instance.sandbox = sandbox
    return instance, engine


def events(instance, data: dict) -> tuple[list[Progress], object]:
    seen = list(instance.stream(data))
    assert isinstance(seen[-1], Result)
    return [e for e in seen if isinstance(e, Progress)], seen[-1].output


# --- extraction and parsing ------------------------------------------------------------------------
def test_extract_takes_only_the_code_out_of_a_chatty_reply():
    reply = block("def f():\n    return 1", "Sure! Here is the code:", "This works because…")
    assert tools.extract_code(reply) == "def f():\n    return 1\n"


def test_extract_prefers_the_block_defining_the_function_then_the_longest():
    reply = "```python\nprint(f(2))\n```\ntext\n```python\ndef f(x):\n    return x\n```\n```bash\nls -la /\n```"
    assert tools.extract_code(reply, prefer="f") == "def f(x):\n    return x\n"
    assert tools.extract_code("```\nx = 1\n```\n```py\ny = 22222\n```") == "y = 22222\n"


def test_extract_handles_a_reply_cut_before_its_closing_fence_and_indented_fences():
    assert tools.extract_code("Here:\n```python\ndef f():\n    return 1\n") == "def f():\n    return 1\n"
    assert tools.extract_code("  ```python\n  x = 1\n  ```") == "x = 1\n"


def test_extract_finds_a_fence_opened_at_the_end_of_a_sentence():
    reply = "The bug was the sign. The fixed code is ```python\ndef f():\n    return 1\n```"
    assert tools.extract_code(reply) == "def f():\n    return 1\n"
    assert tools.extract_code("Use ```x``` here.\nx = 1") == "x = 1\n"  # inline code is not a block


def test_extract_without_fences():
    assert tools.extract_code("def f():\n    return 1") == "def f():\n    return 1\n"
    assert tools.extract_code("Voici la fonction :\ndef f():\n    return 1") == "def f():\n    return 1\n"
    assert tools.extract_code("Je ne sais pas écrire ça.") is None
    assert tools.extract_code("no fences", language="rust") is None
    assert tools.extract_code("```rust\nfn main() {}\n```", language="rust") == "fn main() {}\n"


def test_syntax_errors_give_the_line_in_both_languages():
    problem = tools.syntax_error("x = 1\ndef f(:\n    pass\n")
    assert problem.line == 2
    assert "line 2" in problem.describe("en") and "ligne 2" in problem.describe("fr")
    assert tools.syntax_error("x = 1") is None


def test_bad_user_code_is_refused_with_the_line_and_empty_code_with_a_clear_message():
    with pytest.raises(InvalidRequest) as caught:
        tools.require_code("def f(:\n", "code", "fr")
    assert "ligne 1" in caught.value.message("fr") and caught.value.param == "code"
    with pytest.raises(InvalidRequest) as caught:
        tools.require_code("  \n ", "code", "en")
    assert "empty" in caught.value.message("en") and "vide" in caught.value.message("fr")


def test_split_tests_separates_asserts_and_test_functions_from_the_code():
    source = "import pytest\nimport math\n\ndef f(x):\n    return x\n\nassert f(1) == 1\n\n" \
             "@pytest.mark.parametrize('x', [1])\ndef test_f(x):\n    assert f(x) == x\n"
    code, tests = tools.split_tests(source)
    assert "assert" not in code and "import math" in code and "def f" in code
    assert "assert f(1) == 1" in tests and "@pytest.mark" in tests and "import pytest" in tests
    code, tests = tools.split_tests("def f():\n    return 1\n\nif __name__ == '__main__':\n    assert f() == 1\n")
    assert code == "def f():\n    return 1\n" and tests == "assert f() == 1\n"


def test_literal_inputs_are_checked_without_ever_evaluating_code():
    assert ast.literal_eval(tools.literal_inputs("[(1, 2), (3, 4)]", 2)) == [(1, 2), (3, 4)]
    assert ast.literal_eval(tools.literal_inputs("[5, (6,), [1, 2]]", 1)) == [(5,), (6,), ([1, 2],)]
    assert tools.literal_inputs("[(1, 2)]", 3) is None
    assert tools.literal_inputs("[__import__('os').system('id')]", 1) is None
    assert tools.literal_inputs("[f(1)]", 1) is None
    assert tools.literal_inputs("[]", 1) is None


def test_inputs_written_as_several_lists_or_cut_short_are_still_read():
    split = "# typical\n[(range(3), 1), (range(3), 1)]\n# edge\n[([], 0)]\n"
    assert ast.literal_eval(tools.literal_inputs(split, 2)) == [([0, 1, 2], 1), ([], 0)]
    assert ast.literal_eval(tools.literal_inputs("[(1, 2), (3, 4), (5, ", 2)) == [(1, 2), (3, 4)]
    sloppy = "[\n    (1, 2),  # small\n    ([list(range(3)), 4),\n    (list(range(3)), 5),\n]"
    assert ast.literal_eval(tools.literal_inputs(sloppy, 2)) == [(1, 2), ([0, 1, 2], 5)]


def test_large_inputs_may_be_built_from_a_few_whitelisted_forms_only():
    built = ast.literal_eval(tools.literal_inputs("[(list(range(3)), [0] * 2 + [1], 'ab' * 2, -4)]", 4))
    assert built == [([0, 1, 2], [0, 0, 1], "abab", -4)]
    for refused in ("[([0] * 10**9,)]", "[(list(range(10**9)),)]", "[([[0] * 1000] * 1000,)]", "[(9**9**9,)]",
                    "[(open('/etc/passwd'),)]", "[(().__class__,)]", "[(x,)]", "[(lambda: 1,)]"):
        assert tools.literal_inputs(refused, 1) is None, refused


def test_merge_keeps_the_helpers_a_partial_answer_dropped():
    original = "import math\nK = 2\n\ndef helper(x):\n    return x * K\n\ndef main(x):\n    return helper(x) - 1\n"
    merged = tools.merge_missing(original, "def main(x):\n    return helper(x) + 1\n")
    assert "import math" in merged and "def helper" in merged and "K = 2" in merged
    assert merged.count("def main") == 1 and merged.endswith("return helper(x) + 1\n")


def test_tests_copied_into_a_fix_are_dropped_but_the_codes_own_helpers_stay():
    candidate = "def add(a, b):\n    return a + b\n\n# Tests\ncheck(add)\nassert add(1, 1) == 2\n"
    assert tools.drop_tests(candidate, BUGGY) == "def add(a, b):\n    return a + b\n"
    original = "def check(x):\n    return x > 0\n"
    assert tools.drop_tests("def check(x):\n    return x >= 0\n", original) == "def check(x):\n    return x >= 0\n"


def test_prose_is_what_the_reply_says_around_its_code():
    reply = "The bug was the sign.\n\nHere is the fixed code:\n```python\nx = 1\n```\n\n\n\nIt works now."
    assert tools.prose(reply) == "The bug was the sign.\n\nHere is the fixed code:\n\nIt works now."
    assert tools.prose("The bug was the sign.\nThe fixed code is:\n```python\nx = 1\n```") == "The bug was the sign."


def test_entry_function_and_diff():
    assert tools.entry_function("def helper():\n    pass\n\ndef main():\n    helper()\n") == "main"
    assert tools.entry_function("x = 1") is None
    diff = tools.unified_diff("a\nb\n", "a\nc\n")
    assert diff.startswith("--- original.py\n+++ proposed.py") and "-b\n+c\n" in diff


# --- running tests in the sandbox ------------------------------------------------------------------
def test_run_tests_counts_cases_and_explains_failures(sandbox):
    tests = "assert add(1, 2) == 3\n\ndef check(candidate):\n    assert candidate(2, 2) == 4\n\ncheck(add)\n" \
            "def test_zero():\n    assert add(0, 0) == 0\n"
    run = tools.run_tests(sandbox, BUGGY, tests, "en")
    assert (run.status, run.passed, run.total) == ("failed", 1, 3)
    assert run.failures[0] == "line 1: assert add(1, 2) == 3 → add(1, 2) gave -1, but the test expects 3"
    assert "candidate(2, 2) gave 0, but the test expects 4" in run.failures[1]
    other = tools.run_tests(sandbox, BUGGY, "x = 5\nassert add(1, 2) > x\n", "fr")
    assert other.failures == ["ligne 2 : assert add(1, 2) > x → AssertionError (add(1, 2) = -1 ; x = 5)"]
    assert tools.run_tests(sandbox, BUGGY.replace("-", "+"), tests, "en").ok


@pytest.mark.parametrize(
    ("tests", "words"),
    [
        ("assert add(1, 2) == 3\nassert (\n", "line 2"),
        ("from missing_module import thing\nassert add(1, 2) == 3\n", "missing_module"),
        ("x = 1\n", "no test case"),
    ],
)
def test_tests_that_cannot_run_are_reported_not_raised(sandbox, tests, words):
    run = tools.run_tests(sandbox, BUGGY, tests, "en")
    assert run.status == "tests_error" and words in run.error
    assert run.summary.startswith("The tests could not run")


def test_a_hanging_or_crashing_case_is_one_failure_and_pytest_helpers_work(sandbox):
    tests = ("import pytest\n\ndef test_hang():\n    while True:\n        pass\n\n"
             "def test_raises():\n    with pytest.raises(ZeroDivisionError):\n        1 / 0\n\n"
             "assert add(0.1, 0.2) == pytest.approx(0.3)\n")
    run = tools.run_tests(sandbox, BUGGY.replace("-", "+"), tests, "en", per_test=0.5)
    assert (run.passed, run.failed) == (2, 1) and "timeout" in run.failures[0]


def test_code_that_crashes_on_import_is_a_code_error(sandbox):
    run = tools.run_tests(sandbox, "raise RuntimeError('boom')\n", "assert True\n", "en")
    assert run.status == "code_error" and "boom" in run.error


# --- code ------------------------------------------------------------------------------------------
def test_code_returns_clean_code_and_runs_its_tests(sandbox):
    reply = block("def add(a, b):\n    return a + b\n\nassert add(1, 2) == 3\nassert add(2, 2) == 5",
                  "Here you go:", "Hope it helps!")
    code, _ = skill(Code, reply, sandbox=sandbox)
    progress, out = events(code, {"description": "add two numbers", "with_tests": True})
    assert out.code == "def add(a, b):\n    return a + b\n" and out.parses
    assert "assert add(2, 2) == 5" in out.tests
    assert (out.test_run.passed, out.test_run.total) == (1, 2)
    assert "add(2, 2) gave 4, but the test expects 5" in out.text and [p.step for p in progress] == [1, 2, 2]
    assert progress[-1].message == out.test_run.summary


def test_code_retries_once_with_the_parse_error(sandbox):
    code, engine = skill(Code, block("def f(:\n    pass"), block("def f():\n    return 1"))
    out = code.run({"description": "a function"})
    assert out.parses and out.attempts == 2 and out.code == "def f():\n    return 1\n"
    assert engine.requests[0].frequency_penalty is None  # code repeats tokens by nature
    assert "line 1" in engine.requests[1].messages[-1]["content"]


def test_a_reply_that_loops_to_the_token_limit_keeps_its_finished_part_and_each_test_once(sandbox):
    looping = "assert is_even(2)\n" * 30 + "assert is_even(4"  # cut mid-line by max_tokens, no closing fence
    reply = "```python\ndef is_even(n):\n    return n % 2 == 0\n\nassert not is_even(3)\n" + looping
    code, engine = skill(Code, reply, sandbox=sandbox)
    out = code.run({"description": "even?", "with_tests": True})
    assert out.parses and out.trimmed and out.attempts == 1 and len(engine.requests) == 1
    assert out.tests == "assert not is_even(3)\nassert is_even(2)\n" and out.test_run.ok
    assert out.warnings == [code.text("trimmed")]


def test_only_a_looping_reply_is_trimmed_a_plain_syntax_error_is_retried():
    assert tools.trim_runaway_tail("def f():\n    return 1\n\nprint(f(") is None
    assert tools.trim_runaway_tail("x = 1\n" * 3 + "y = (") == "x = 1\nx = 1\nx = 1\n"
    assert tools.trim_runaway_tail("x = 1\n" * 3 + "y = (\n" * 6) is None  # too much to cut: not a tail


def test_repeated_top_level_asserts_are_kept_once_and_capped():
    tests = "assert f(1)\nassert f(1)\ndef test_a():\n    assert f(2)\n\ndef test_b():\n    assert f(2)\n"
    assert tools.dedupe_tests(tests) == tests.replace("assert f(1)\n", "", 1)  # the second copy of f(1) goes
    many = "".join(f"assert f({i})\n" for i in range(20))
    assert tools.dedupe_tests(many, limit=3) == "assert f(0)\nassert f(1)\nassert f(2)\n"


def test_code_reports_a_clear_failure_when_nothing_parses():
    code, _ = skill(Code, "```python\ndef f(:\n```", "I cannot.", lang="fr")
    out = code.run({"description": "une fonction"})
    assert not out.parses and out.attempts == 2 and "ne contient pas de code" in out.error
    assert out.code == ""


def test_code_asks_for_tests_when_the_model_wrote_none(sandbox):
    code, engine = skill(Code, block("def double(x):\n    return 2 * x"), block("assert double(2) == 4"),
                         sandbox=sandbox)
    out = code.run({"description": "double a number", "with_tests": True})
    assert out.test_run.ok and out.tests.strip() == "assert double(2) == 4" and len(engine.requests) == 2


def test_code_in_another_language_is_not_parsed_as_python():
    code, _ = skill(Code, "```javascript\nconst f = () => 1;\n```")
    out = code.run({"description": "f", "language": "JavaScript", "with_tests": True})
    assert out.code == "const f = () => 1;\n" and out.parses is None and out.test_run is None


def test_code_refuses_without_sandbox_before_asking_the_model():
    code, engine = skill(Code, block("def f():\n    return 1"), sandbox=NoSandbox())
    with pytest.raises(SandboxUnavailable):
        code.run({"description": "f", "with_tests": True})
    assert engine.requests == []


def test_code_refuses_an_empty_description():
    with pytest.raises(InvalidRequest):
        skill(Code)[0].run({"description": "   "})


# --- fix -------------------------------------------------------------------------------------------
def test_fix_first_reply_wrong_second_right_is_verified_after_two_attempts(sandbox):
    wrong = block("def add(a, b):\n    return a * b", "Use a product.")
    right = block("def add(a, b):\n    return a + b", "The bug was the minus sign.")
    fix, engine = skill(Fix, wrong, right, sandbox=sandbox, lang="fr")
    progress, out = events(fix, {"code": BUGGY, "tests": ADD_TESTS})
    assert out.verified and out.status == "verified" and len(out.attempts) == 2
    assert [a.status for a in out.attempts] == ["failed", "passed"]
    assert out.code == "def add(a, b):\n    return a + b\n" and "+    return a + b" in out.diff
    assert "Vérifié" in out.verdict and out.explanation == "The bug was the minus sign."
    assert [p.detail.get("attempt") for p in progress] == [1, 1, 2, 2, None]
    assert progress[-1].detail == {"verdict": "verified"} and progress[-1].message == out.verdict
    retry_prompt = engine.requests[1].messages[-1]["content"]
    assert "return a * b" in retry_prompt and "add(1, 2) a donné 2" in retry_prompt  # the failure, fed back
    assert "add(1, 2) a donné -1" in engine.requests[0].messages[-1]["content"]  # and the original's, first


def test_fix_all_wrong_is_not_verified_after_n_attempts_and_shows_the_diff_from_the_original(sandbox):
    wrong = [block("def add(a, b):\n    return a * b"), block("def add(a, b):\n    return b - a"),
             "I don't know.", "Still no idea."]
    fix, engine = skill(Fix, *wrong, sandbox=sandbox)
    out = fix.run({"code": BUGGY, "tests": ADD_TESTS, "max_attempts": 3})
    assert not out.verified and out.status == "not_verified" and len(out.attempts) == 3
    assert [a.status for a in out.attempts] == ["failed", "failed", "no_code"]
    assert out.diff.startswith("--- original.py\n+++ fixed.py") and "-    return a - b" in out.diff
    assert "Not verified" in out.verdict and "3 attempts" in out.verdict
    assert len(engine.requests) == 4 and "complete fixed code" in engine.requests[3].messages[-1]["content"]


def test_fix_reply_with_only_an_explanation_gets_asked_for_the_code(sandbox):
    fix, engine = skill(Fix, "The bug is the minus sign.", block("def add(a, b):\n    return a + b"),
                        sandbox=sandbox)
    out = fix.run({"code": BUGGY, "tests": ADD_TESTS})
    assert out.verified and len(out.attempts) == 1 and len(engine.requests) == 2
    assert out.explanation.startswith("The bug is the minus sign.")


def test_fix_that_changes_nothing_or_repeats_itself_is_not_rerun_and_is_told_so(sandbox):
    replies = [block(BUGGY, "Looks fine."), block("def add(a, b):\n    return a * b"),
               block("def add(a, b):\n    # product\n    return a * b"), block("def add(a, b):\n    return b + a")]
    fix, engine = skill(Fix, *replies, sandbox=sandbox)
    out = fix.run({"code": BUGGY, "tests": ADD_TESTS, "max_attempts": 4})
    assert [a.status for a in out.attempts] == ["unchanged", "failed", "unchanged", "passed"]
    assert "changes nothing" in out.attempts[0].summary and "repeats attempt 2" in out.attempts[2].summary
    assert "changes nothing" in engine.requests[1].messages[-1]["content"]
    assert out.verified


def test_fix_whose_only_proposal_is_the_original_is_no_fix():
    fix, _ = skill(Fix, block(BUGGY.replace("return", "return  ")), sandbox=NoSandbox())
    out = fix.run({"code": BUGGY, "description": "it subtracts"})
    assert out.status == "no_fix" and out.diff == "" and out.code == BUGGY


def test_fix_without_tests_says_not_verified_and_needs_no_sandbox():
    fix, _ = skill(Fix, block("def add(a, b):\n    return a + b"), sandbox=NoSandbox())
    progress, out = events(fix, {"code": BUGGY, "error": "add(1, 2) returns -1, expected 3"})
    assert not out.verified and out.status == "no_tests" and len(out.attempts) == 1
    assert "not verified (no tests)" in out.verdict.lower() and len(progress) == 3


@pytest.mark.parametrize("tests", ["assert add(1, 2) == 3\nassert (\n", "import nothing_here\nassert add(1, 2) == 3\n"])
def test_fix_with_tests_that_cannot_run_reports_it_without_asking_the_model(sandbox, tests):
    fix, engine = skill(Fix, block("def add(a, b):\n    return a + b"), sandbox=sandbox)
    out = fix.run({"code": BUGGY, "tests": tests})
    assert out.status == "tests_broken" and not out.verified and "could not run" in out.verdict
    assert engine.requests == [] and out.code == BUGGY


def test_fix_code_that_does_not_parse(sandbox):
    fix, engine = skill(Fix, block("def add(a, b):\n    return a + b"), sandbox=sandbox)
    out = fix.run({"code": "def add(a, b)\n    return a + b\n", "tests": ADD_TESTS})
    assert out.verified and "syntax error at line 1" in engine.requests[0].messages[-1]["content"]


def test_fix_attempt_that_loops_forever_is_a_failure_not_a_hang(sandbox):
    looping = block("def add(a, b):\n    while True:\n        pass")
    fix, _ = skill(Fix, looping, sandbox=sandbox)
    out = fix.run({"code": BUGGY, "tests": "assert add(1, 2) == 3\n", "max_attempts": 1})
    assert out.status == "not_verified" and "timeout" in out.attempts[0].failures[0]


def test_fix_refuses_without_sandbox_when_it_has_tests():
    fix, engine = skill(Fix, block("x = 1"), sandbox=NoSandbox())
    with pytest.raises(SandboxUnavailable):
        fix.run({"code": BUGGY, "tests": ADD_TESTS})
    assert engine.requests == []


# --- optimize --------------------------------------------------------------------------------------
def test_optimize_equivalent_and_faster_is_verified_with_a_speedup(sandbox):
    opt, engine = skill(Optimize, block(FAST_SUM, "Use the formula."),
                        "Not a list: total(3)", block("[(0,), (1,), (10,), (5000,), (20000,), (-3,)]"),
                        sandbox=sandbox)
    progress, out = events(opt, {"code": SLOW_SUM})
    assert out.verified and out.faster and out.speedup > 1 and out.code == FAST_SUM
    assert out.inputs_source == "generated" and out.checked_inputs == 6 and len(engine.requests) == 3
    assert set(out.timings) == {"original", "optimized"} and len(out.timings["original"].samples) == 5
    assert out.timings["original"].best > out.timings["optimized"].best
    assert "-    for i in range(n):" in out.diff and "×" in out.reason and len(progress) == 3
    assert progress[-1].message == out.reason


def test_optimize_non_equivalent_keeps_the_original(sandbox):
    wrong = "def total(n):\n    return n * (n + 1) // 2\n"
    opt, _ = skill(Optimize, block(wrong), block("[(0,), (4,), (100,)]"), sandbox=sandbox)
    out = opt.run({"code": SLOW_SUM})
    assert not out.verified and out.code == SLOW_SUM and out.proposed == wrong
    assert out.diff == "" and "+    return n * (n + 1) // 2" in out.proposed_diff
    assert "Original code kept" in out.reason and "total" not in out.reason.split("(")[0]
    assert "for arguments (4,)" in out.reason and out.speedup is None


def test_optimize_equivalent_but_slower_keeps_the_original(sandbox):
    slower = SLOW_SUM.replace("    return s", "    sum(range(3 * n))\n    return s")
    opt, _ = skill(Optimize, block(slower), sandbox=sandbox)
    out = opt.run({"code": SLOW_SUM, "inputs": "[(100,), (2000,)]"})
    assert out.verified and not out.faster and out.code == SLOW_SUM and out.speedup < 1
    assert "not clearly faster" in out.reason and out.inputs_source == "user"


COUNT_DUPLICATES = ("def count_duplicates(words):\n    seen, duplicates = [], []\n    for word in words:\n"
                    "        if word in seen and word not in duplicates:\n            duplicates.append(word)\n"
                    "        seen.append(word)\n    return len(duplicates)\n")
COUNT_DUPLICATES_FAST = ("from collections import Counter\n\n\ndef count_duplicates(words):\n"
                         "    return sum(1 for count in Counter(words).values() if count > 1)\n")


def test_optimize_times_inputs_grown_from_tiny_test_cases(sandbox):
    """A test's examples are too small to show a better algorithm: grown copies of them are timed too."""
    tests = 'assert count_duplicates([]) == 0\nassert count_duplicates(["a", "b", "a", "c", "b", "a"]) == 2\n'
    opt, _ = skill(Optimize, block(COUNT_DUPLICATES_FAST), sandbox=sandbox)
    out = opt.run({"code": COUNT_DUPLICATES, "tests": tests})
    assert out.verified and out.faster and out.speedup > 1.1, out.reason  # on the tiny calls alone: ×0.5
    assert out.checked_inputs == 3  # the two calls of the tests, and the second one grown


def test_optimize_with_tests_verifies_on_them_and_times_their_calls(sandbox):
    tests = "assert total(4) == 6\nassert total(0) == 0\nassert total(3000) == 4498500\n"
    opt, engine = skill(Optimize, block(FAST_SUM), sandbox=sandbox, lang="fr")
    out = opt.run({"code": SLOW_SUM, "tests": tests})
    assert out.verified and out.inputs_source == "tests" and out.checked_inputs == 3
    assert out.test_run.ok and len(engine.requests) == 1 and "tirées de vos tests" in out.reason


def test_optimize_keeps_the_original_when_the_new_version_fails_the_tests(sandbox):
    opt, _ = skill(Optimize, block("def total(n):\n    return 0\n"), sandbox=sandbox)
    out = opt.run({"code": SLOW_SUM, "tests": "assert total(4) == 6\n"})
    assert not out.verified and out.code == SLOW_SUM and "fails the tests" in out.reason


def test_optimize_retries_when_the_function_was_renamed(sandbox):
    opt, engine = skill(Optimize, block("def fast_total(n):\n    return 0"), block(FAST_SUM),
                        block("[(5,), (50000,)]"), sandbox=sandbox)
    out = opt.run({"code": SLOW_SUM})
    assert out.verified and "total" in engine.requests[1].messages[-1]["content"]


def test_optimize_with_tests_that_cannot_run_or_the_same_code_keeps_the_original(sandbox):
    opt, engine = skill(Optimize, block(FAST_SUM), sandbox=sandbox)
    out = opt.run({"code": SLOW_SUM, "tests": "assert total(4) == 6\nassert (\n"})
    assert out.code == SLOW_SUM and "could not run" in out.reason and "line 2" in out.reason
    assert engine.requests == []
    opt, _ = skill(Optimize, block(SLOW_SUM.replace("s = 0", "s = 0  # same")), sandbox=sandbox)
    out = opt.run({"code": SLOW_SUM})
    assert out.code == SLOW_SUM and not out.verified and "same code" in out.reason


def test_optimize_bad_input_is_refused_clearly():
    opt, _ = skill(Optimize, sandbox=NoSandbox())
    with pytest.raises(InvalidRequest) as caught:
        opt.run({"code": "def f(:\n"})
    assert "line 1" in caught.value.message("en")
    with pytest.raises(InvalidRequest):
        opt.run({"code": "x = 1\n"})
    with pytest.raises(SandboxUnavailable):
        opt.run({"code": SLOW_SUM})


@pytest.mark.parametrize("inputs", ["[total(3, 4)]", "42", "[(1, 2, 3)]", "[5]"])
def test_optimize_refuses_bad_user_inputs_before_asking_the_model(sandbox, inputs):
    opt, engine = skill(Optimize, block(FAST_SUM), sandbox=sandbox)
    with pytest.raises(InvalidRequest) as caught:
        opt.run({"code": "def total(n, k):\n    return n + k\n", "inputs": inputs})
    assert caught.value.param == "inputs" and engine.requests == []


# --- explain ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(("lang", "words"), [("fr", "Réponds en français"), ("en", "Answer in English")])
def test_explain_asks_in_the_users_language_and_streams(lang, words):
    explain, engine = skill(Explain, "Cette fonction additionne deux nombres.", lang=lang)
    seen = list(explain.stream({"code": "def add(a, b):\n    return a + b"}))
    assert any(isinstance(e, Delta) for e in seen) and seen[-1].output.text.startswith("Cette fonction")
    assert seen[-1].output.lang == lang
    user = engine.requests[0].messages[-1]["content"]
    assert words in user and "def add" in user


def test_explain_language_can_differ_from_the_interface_and_empty_code_is_refused():
    explain, engine = skill(Explain, "ok", lang="fr")
    explain.run({"code": "x = 1", "lang": "en", "level": "expert"})
    assert "Answer in English" in engine.requests[0].messages[-1]["content"]
    assert "English" in engine.requests[0].messages[0]["content"]
    with pytest.raises(InvalidRequest):
        explain.run({"code": "   "})


def test_all_four_code_skills_are_registered():
    classes = skill_classes()
    assert {name: classes[name] for name in ("code", "fix", "optimize", "explain")} == {
        "code": Code, "fix": Fix, "optimize": Optimize, "explain": Explain}
