"""Compares two versions of a function and times them, INSIDE the sandbox (standalone: no causerie imports).

Files: original.py, candidate.py, inputs.txt (a Python literal: a list of argument tuples).
argv: [entry function name, repeats, timing budget in seconds, per-call seconds].
1. Equivalence: both versions are called on every input (on fresh copies); results, the arguments after the
   call (in-place changes count) and exception types must match.
   Then each input whose lists, tuples or strings are short is grown to about SCALED_LENGTH items (copies
   of a list get values of their own: see disjoint_copies) and compared again: the given inputs are often
   tiny (a test's examples), where a better algorithm cannot show. Grown inputs that break equivalence are
   dropped rather than counted as mismatches, since growing may break a precondition (sorted, unique);
   those that hold are checked and timed with the rest.
2. Timing, only if equivalent: the same inputs, `number` passes per sample so a sample lasts ~50 ms,
   samples of the two versions interleaved (so machine noise hits both alike), `repeats` samples each.
The report is one JSON line on stdout, after MARK.
"""

import ast
import copy
import json
import math
import os
import signal
import sys
import time
import types

MARK = "@@causerie-bench@@"
SAMPLE_SECONDS = 0.05
SCALED_LENGTH = 2000
MAX_SCALED = 5
IMMUTABLE = (int, float, complex, str, bytes, bool, type(None), range)


class CallTimeout(BaseException):
    pass


def on_alarm(signum, frame):
    raise CallTimeout()


def emit(report):
    os.write(1, ("\n" + MARK + json.dumps(report) + "\n").encode())


def short(value, limit=200):
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


def load(path):
    module = types.ModuleType(path[:-3])
    with open(path, encoding="utf-8") as handle:
        exec(compile(handle.read(), path, "exec"), module.__dict__)
    return module


def same(a, b):
    """Equal, strictly by type, with a float tolerance (a faster formula may round differently)."""
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12) or (a != a and b != b)
    if type(a) is not type(b):
        return False
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=False))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 - values that refuse comparison are not provably equal
        return False


def outcome(function, args, per_call):
    args = copy.deepcopy(args)
    signal.setitimer(signal.ITIMER_REAL, per_call)
    try:
        result = function(*args)
        if isinstance(result, types.GeneratorType):
            result = list(result)
        return ("returned", result, args)
    except CallTimeout:
        return ("raised", "timeout", args)
    except BaseException as exc:  # noqa: BLE001 - raising the same exception is equivalent behaviour
        return ("raised", type(exc).__name__, args)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def compare(original, candidate, inputs, per_call):
    """Mismatches (at most 3); the inputs compared, which are also those timed (the original must not
    time out on them); and how many the original returned on (inputs it only raises on prove little)."""
    mismatches, timeable, returned = [], [], 0
    for args in inputs:
        before = outcome(original, args, per_call)
        if before[:2] == ("raised", "timeout"):  # too slow to compare or time: skipped, not counted
            continue
        after = outcome(candidate, args, per_call)
        returned += before[0] == "returned"
        timeable.append(args)
        if not (before[0] == after[0] and same(before[1], after[1]) and same(before[2], after[2])):
            mismatches.append({"args": short(args), "original": f"{before[0]} {short(before[1])}",
                               "candidate": f"{after[0]} {short(after[1])}"})
            if len(mismatches) >= 3:
                break
    return mismatches, timeable, returned


def disjoint_copies(items, copies):
    """`items` followed by copies whose values differ from every earlier one (ints shifted past the
    range, strings suffixed): a structure repeated, not the same values, so lookups cannot all hit early."""
    if items and all(type(item) is int for item in items):
        span = max(items) - min(items) + 1
        return [item + copy_number * span for copy_number in range(copies) for item in items]
    if items and all(isinstance(item, str) for item in items):
        return [item + (str(copy_number) if copy_number else "") for copy_number in range(copies) for item in items]
    return list(items) * copies


def scaled(args):
    """`args` with every short list, tuple or string grown to about SCALED_LENGTH items; None if none can
    grow."""
    grown, changed = [], False
    for value in args:
        if isinstance(value, (list, tuple, str)) and 0 < len(value) < SCALED_LENGTH:
            copies = -(-SCALED_LENGTH // len(value))
            value = value * copies if isinstance(value, str) else type(value)(disjoint_copies(value, copies))
            changed = True
        grown.append(value)
    return tuple(grown) if changed else None


def grown_inputs(original, candidate, inputs, per_call):
    """The grown inputs on which both versions still agree (none if any disagrees: see the docstring)."""
    bigger = [big for big in (scaled(args) for args in inputs) if big is not None][:MAX_SCALED]
    mismatches, timeable, _ = compare(original, candidate, bigger, per_call)
    return [] if mismatches else timeable


def mutable(value):
    if isinstance(value, IMMUTABLE):
        return False
    if isinstance(value, (tuple, frozenset)):
        return any(mutable(item) for item in value)
    return True


def sample(function, inputs, number):
    """Seconds for one pass over all inputs, averaged over `number` passes (copies made untimed)."""
    batches = [copy.deepcopy(inputs) for _ in range(number)] if mutable(inputs) else [inputs] * number
    start = time.perf_counter()
    for batch in batches:
        for args in batch:
            try:
                function(*args)
            except Exception:  # noqa: BLE001 - both versions raise alike (checked): the cost still counts
                pass
    return (time.perf_counter() - start) / number


def timings(original, candidate, inputs, repeats, budget):
    first = [sample(original, inputs, 1), sample(candidate, inputs, 1)]
    number = max(1, min(10_000, int(SAMPLE_SECONDS / max(first[0], 1e-7))))
    per_repeat = (first[0] + first[1]) * number
    repeats = max(1, min(repeats, int(budget / max(per_repeat, 1e-9))))
    if per_repeat * repeats > budget:  # too slow for another pass: the first, single pass is all we have
        return {"original": [first[0]], "candidate": [first[1]], "number": 1}
    samples = {"original": [], "candidate": [], "number": number}
    for _ in range(repeats):
        samples["original"].append(sample(original, inputs, number))
        samples["candidate"].append(sample(candidate, inputs, number))
    return samples


def main():
    entry, repeats, budget, per_call = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
    signal.signal(signal.SIGALRM, on_alarm)
    report = {"phase": "ran"}
    functions = []
    for path in ("original.py", "candidate.py"):
        try:
            function = getattr(load(path), entry)
        except BaseException as exc:  # noqa: BLE001 - a version that does not load is reported as such
            report.update(phase=path[:-3], error=f"{type(exc).__name__}: {str(exc)[:300]}")
            return emit(report)
        functions.append(function)
    with open("inputs.txt", encoding="utf-8") as handle:
        inputs = [tuple(args) for args in ast.literal_eval(handle.read())]
    report["mismatches"], timeable, report["returned"] = compare(*functions, inputs, per_call)
    if not report["mismatches"] and timeable:
        report["scaled"] = len(grown := grown_inputs(*functions, timeable, per_call))
        timeable += grown
    report["checked"] = len(timeable)
    if not report["mismatches"] and timeable:
        report["timings"] = timings(*functions, timeable, repeats, budget)
    emit(report)


if __name__ == "__main__":
    main()
