"""Runs tests against code, INSIDE the sandbox (a standalone script: it imports nothing from causerie).

Files: solution.py (the code), test_solution.py (the tests). argv: [per-test seconds, entry name to record].
The code is imported as the module `solution`, and the tests run in a namespace that already holds its
names, so plain asserts (`assert add(1, 2) == 3`), HumanEval's `check(candidate)` and `from solution import
x` all work. Each top-level assert, top-level call and `test_*` function is one case, run on its own under
an alarm; other statements are setup. The report is one JSON line on stdout, after MARK.
"""

import ast
import builtins
import json
import os
import signal
import sys
import traceback
import types

MARK = "@@causerie-tests@@"
TESTS = "test_solution.py"
MAX_CASES = 200


class CaseTimeout(BaseException):  # BaseException: a bare `except Exception` in user code can't swallow it
    pass


def on_alarm(signum, frame):
    raise CaseTimeout()


def emit(report):
    os.write(1, ("\n" + MARK + json.dumps(report) + "\n").encode())


def short(text, limit=400):
    text = str(text)
    return text if len(text) <= limit else text[:limit] + "…"


def error_line(exc):
    name = type(exc).__name__
    return name + (": " + short(exc) if str(exc) else "")


def pytest_shim():
    """The sandbox's Python has no pytest: a small stand-in for what generated tests use most."""
    shim = types.ModuleType("pytest")

    class raises:
        def __init__(self, expected, match=None):
            self.expected, self.match = expected, match

        def __enter__(self):
            return self

        def __exit__(self, kind, exc, tb):
            if kind is None:
                raise AssertionError(f"DID NOT RAISE {self.expected}")
            if not issubclass(kind, self.expected):
                return False
            if self.match is not None:
                import re
                assert re.search(self.match, str(exc)), f"{str(exc)!r} does not match {self.match!r}"
            self.value = exc
            return True

    def approx(expected, rel=1e-6, abs=1e-12):  # noqa: A002 - pytest's own parameter name
        tolerance = max(rel * builtins.abs(expected), abs)

        class Approx:
            def __eq__(self, other):
                return other == expected or builtins.abs(other - expected) <= tolerance

            def __repr__(self):
                return f"approx({expected!r})"
        return Approx()

    def parametrize(names, values):
        def mark(function):
            function.causerie_params = ([n.strip() for n in names.split(",")] if isinstance(names, str)
                                        else list(names), list(values))
            return function
        return mark

    def fail(message=""):
        raise AssertionError(message)

    shim.raises, shim.approx, shim.fail = raises, approx, fail
    shim.mark = types.SimpleNamespace(parametrize=parametrize)
    return shim


def load_solution(report, record):
    module = types.ModuleType("solution")
    module.__file__ = "/work/solution.py"
    sys.modules["solution"] = module
    try:
        with open("solution.py", encoding="utf-8") as handle:
            exec(compile(handle.read(), "solution.py", "exec"), module.__dict__)
    except BaseException as exc:  # noqa: BLE001 - anything the code does at import is its failure
        report["phase"] = "code"
        report["error"] = error_line(exc)
        report["traceback"] = short("".join(traceback.format_exception(exc)), 2000)
        return None
    if record and callable(module.__dict__.get(record)):
        module.__dict__[record] = recorder(module.__dict__[record], report.setdefault("calls", []))
    return module


def recorder(function, calls):
    """Wraps the entry function to keep the literal arguments the tests call it with (optimize times them)."""
    def wrapper(*args, **kwargs):
        if not kwargs and len(calls) < 500:
            try:
                text = repr(args)
                if len(text) < 20_000 and ast.literal_eval(text) == args:
                    calls.append(text)
            except Exception:  # noqa: BLE001 - arguments that are not literals are simply not recorded
                pass
        return function(*args, **kwargs)
    wrapper.__wrapped__ = function
    return wrapper


def is_case(node):
    if isinstance(node, ast.Assert):
        return True
    call = isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
    return call and not (isinstance(node.value.func, ast.Name) and node.value.func.id == "print")


def is_literal(node):
    try:
        ast.literal_eval(node)
        return True
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False


def explain_assert(tree, exc):
    """For a failed `assert a == b`, evaluated again in the failing frame: {"expr", "got", "expected"} when b
    is a literal (the clearest feedback for a model), else the values of the sides that are not literals."""
    frames = [f for f, _ in traceback.walk_tb(exc.__traceback__) if f.f_code.co_filename == TESTS]
    if not frames:
        return None
    frame = frames[-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Assert) and node.lineno == frame.f_lineno and isinstance(node.test, ast.Compare):
            try:
                sides = [node.test.left, *node.test.comparators]
                values = [eval(compile(ast.Expression(side), TESTS, "eval"), frame.f_globals, frame.f_locals)
                          for side in sides]
            except BaseException:  # noqa: BLE001 - a side that fails again says nothing more
                return None
            if len(sides) == 2 and isinstance(node.test.ops[0], ast.Eq | ast.Is) and is_literal(sides[1]):
                return {"expr": short(ast.unparse(sides[0]), 120), "got": short(repr(values[0]), 200),
                        "expected": short(repr(values[1]), 200)}
            shown = [(s, v) for s, v in zip(sides, values, strict=False) if not is_literal(s)]
            return " ; ".join(f"{short(ast.unparse(s), 80)} = {short(repr(v), 200)}" for s, v in shown) or None
    return None


def failing_line(source_lines, exc, default):
    lines = [tb_line for f, tb_line in traceback.walk_tb(exc.__traceback__) if f.f_code.co_filename == TESTS]
    number = lines[-1] if lines else default
    return number, source_lines[number - 1].strip() if 0 < number <= len(source_lines) else ""


def run_case(function, label, line, tree, source_lines, per_test):
    case = {"line": line, "source": short(label, 200), "ok": False}
    signal.setitimer(signal.ITIMER_REAL, per_test)
    try:
        function()
        case["ok"] = True
    except CaseTimeout:
        case["error"] = f"timeout ({per_test:g} s)"
        case["timeout"] = True
    except BaseException as exc:  # noqa: BLE001 - a failing case is reported, whatever it raised
        signal.setitimer(signal.ITIMER_REAL, 0)
        case["error"] = error_line(exc)
        case["line"], case["failing"] = failing_line(source_lines, exc, line)
        if isinstance(exc, AssertionError) and (detail := explain_assert(tree, exc)):
            case["detail"] = detail
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return case


def main():
    per_test = float(sys.argv[1]) if len(sys.argv) > 1 else 3.0
    record = sys.argv[2] if len(sys.argv) > 2 else ""
    signal.signal(signal.SIGALRM, on_alarm)
    try:
        import pytest  # noqa: F401 - the real one, if this Python has it
    except ImportError:
        sys.modules["pytest"] = pytest_shim()
    report = {"phase": "ran", "cases": []}
    module = load_solution(report, record)
    if module is None:
        return emit(report)
    with open(TESTS, encoding="utf-8") as handle:
        source = handle.read()
    try:
        tree = ast.parse(source, TESTS)
    except SyntaxError as exc:
        report.update(phase="tests", error=f"SyntaxError: {exc.msg}", line=exc.lineno)
        return emit(report)
    namespace = dict(module.__dict__, __name__="test_solution", __file__="/work/" + TESTS)
    lines = source.splitlines()
    for node in tree.body:
        code = compile(ast.Module([node], type_ignores=[]), TESTS, "exec")
        if is_case(node) and len(report["cases"]) < MAX_CASES:
            label = ast.get_source_segment(source, node) or ast.unparse(node)
            report["cases"].append(run_case(lambda c=code: exec(c, namespace), label.split("\n")[0],
                                            node.lineno, tree, lines, per_test))
            continue
        try:
            exec(code, namespace)
        except BaseException as exc:  # noqa: BLE001 - broken setup: the tests cannot run at all
            report.update(phase="tests", error=error_line(exc), line=node.lineno)
            return emit(report)
    for name, value in list(namespace.items()):
        code = getattr(value, "__code__", None)
        if name.startswith("test") and code and code.co_filename == TESTS:
            for label, call in test_calls(name, value, code):
                report["cases"].append(run_case(call, label, code.co_firstlineno, tree, lines, per_test))
    report["cases"] = report["cases"][:MAX_CASES]
    emit(report)


def test_calls(name, function, code):
    """A test function's runs: one, or one per parameter set of @pytest.mark.parametrize."""
    names, values = getattr(function, "causerie_params", (None, None))
    if names is None:
        return [(name + "()", function)] if code.co_argcount == 0 else []
    runs = []
    for value in values:
        args = value if len(names) > 1 else (value,)
        runs.append((f"{name}{short(tuple(args), 120)}", lambda a=args: function(**dict(zip(names, a, strict=False)))))
    return runs


if __name__ == "__main__":
    main()
