"""Tools shared by the code skills: take code out of a model's reply, check that Python parses, split
tests from code, read a model's test inputs safely, merge partial answers, show unified diffs; and, from
`causerie.sandbox.checks`, run tests and compare-and-time two versions in the sandbox.
"""

from __future__ import annotations

import ast
import difflib
import re
import textwrap
from collections import Counter
from dataclasses import dataclass

from causerie.errors import InvalidRequest
from causerie.i18n import t
from causerie.sandbox import Sandbox
from causerie.sandbox.checks import BenchRun, TestRun, Timing, compare_versions, run_tests  # noqa: F401 - re-exported
from causerie.skills.base import SkillCancelled

PYTHON_TAGS = {"python", "py", "python3", ""}
# An opening fence may end a line of prose ("The fixed code is ```python"); a closing one starts a line, and
# a reply cut by max_tokens may lack it (the block then runs to the end).
FENCE = re.compile(r"```[ \t]*([\w+#.-]*)[ \t]*\n(.*?)(?:^[ \t]*```[ \t]*$|\Z)", re.M | re.S)
CODE_START = re.compile(r"^(def |class |import |from |@|async def |if __name__)", re.M)

# The --tests option of the skills that verify code against the user's tests (fix, optimize).
TESTS_HELP = {"fr": "Fichier de tests (des assert ou des fonctions test_*) pour vérifier le code.",
              "en": "File of tests (asserts or test_* functions) to verify with."}


# --- extraction and parsing ----------------------------------------------------------------------
def code_blocks(text: str) -> list[tuple[str, str]]:
    """Every fenced block of a reply, as (language tag, body)."""
    return [(tag.lower(), textwrap.dedent(body).strip("\n")) for tag, body in FENCE.findall(text)]


def extract_code(text: str, language: str = "python", prefer: str | None = None) -> str | None:
    """The code of a reply, without prose, ending with one newline (like a file), or None if there is none."""
    code = _find_code(text, language, prefer)
    return code.rstrip() + "\n" if code and code.strip() else None


def _find_code(text: str, language: str, prefer: str | None) -> str | None:
    """The block that defines `prefer`, else the longest block of the language; without fences, the reply
    itself if it is code, or the code after a line of prose."""
    blocks = [body for tag, body in code_blocks(text) if body.strip()]
    tags = PYTHON_TAGS if language == "python" else {language.lower(), ""}
    tagged = [body for tag, body in code_blocks(text) if tag in tags and body.strip()]
    candidates = tagged or blocks
    if prefer:
        defining = [body for body in candidates if re.search(rf"^\s*(async\s+)?def {re.escape(prefer)}\b", body, re.M)]
        candidates = defining or candidates
    if candidates:
        return max(candidates, key=len)
    if language != "python":
        return None
    bare = text.strip()
    if bare and syntax_error(bare) is None:
        return bare
    start = CODE_START.search(text)  # prose first, then unfenced code
    if start and syntax_error(tail := text[start.start():].strip()) is None:
        return tail
    return None


@dataclass
class SyntaxProblem:
    line: int
    column: int
    message: str
    text: str

    def describe(self, lang: str) -> str:
        return t("code.syntax_error", lang, line=self.line, column=self.column, message=self.message,
                 text=self.text or "-")


def syntax_error(source: str) -> SyntaxProblem | None:
    """Why `source` is not valid Python, or None if it parses."""
    try:
        ast.parse(source)
    except SyntaxError as exc:
        return SyntaxProblem(exc.lineno or 0, exc.offset or 0, exc.msg, (exc.text or "").strip())
    except ValueError as exc:  # e.g. null bytes
        return SyntaxProblem(0, 0, str(exc), "")
    return None


def trim_runaway_tail(source: str, max_lines: int = 5) -> str | None:
    """Code that stopped mid-statement at the token limit (small models loop, e.g. the same assert again and
    again), cut before the unfinished last lines; None when more than `max_lines` would have to go, or when
    no line repeats (a plain syntax error is the model's to fix, not ours to hide)."""
    lines = source.rstrip().splitlines()
    if max(Counter(line for line in lines if line.strip()).values(), default=0) < 3:
        return None
    for cut in range(1, min(max_lines, len(lines) - 1) + 1):
        head = "\n".join(lines[:-cut])
        if head.strip() and syntax_error(head) is None:
            return head + "\n"
    return None


def dedupe_tests(tests: str, limit: int = 12) -> str:
    """The tests without repeated lines (a looping model writes the same assert many times), at most
    `limit` asserts: one-line asserts only, so multi-line tests pass through untouched."""
    kept: list[str] = []
    seen: set[str] = set()
    asserts = 0
    for line in tests.splitlines():
        key = line.rstrip()
        if key.startswith("assert "):  # top level only: an assert inside a test function stays
            if key in seen or asserts >= limit:
                continue
            seen.add(key)
            asserts += 1
        kept.append(line)
    return "\n".join(kept).strip() + "\n" if kept else ""


def require_code(source: str, field: str, lang: str, *, python: bool = True) -> str:
    """The user's code, checked: not empty, and parsing if Python (InvalidRequest with the line if not)."""
    if not source.strip():
        raise InvalidRequest("code.empty", param=field, field=field)
    if python and (problem := syntax_error(source)):
        raise InvalidRequest("code.invalid_input", param=field, field=field, detail=problem.describe(lang))
    return source


def is_test(node: ast.stmt) -> bool:
    if isinstance(node, ast.Assert):
        return True
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return node.name.startswith("test") or node.name == "check"
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Name):
        return node.value.func.id == "check"
    if isinstance(node, ast.Import | ast.ImportFrom):
        return any(alias.name.split(".")[0] in ("pytest", "unittest", "solution") for alias in node.names) or (
            isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in ("pytest", "solution"))
    if isinstance(node, ast.If):  # `if __name__ == "__main__":` holding the checks
        return "__main__" in ast.unparse(node.test) and any(is_test(child) for child in node.body)
    return False


def split_tests(source: str) -> tuple[str, str]:
    """Split a parsing module into (code, tests): asserts, test functions and their imports are tests."""
    tree = ast.parse(source)
    lines = source.splitlines()
    code: list[str] = []
    tests: list[str] = []
    for node in tree.body:
        start = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
        chunk = "\n".join(lines[start - 1:node.end_lineno])
        if isinstance(node, ast.If) and is_test(node):  # the tests run as a module of their own: unwrap
            chunk = textwrap.dedent("\n".join(lines[node.body[0].lineno - 1:node.body[-1].end_lineno]))
        (tests if is_test(node) else code).append(chunk)
    return "\n\n".join(code).strip() + "\n", "\n".join(tests).strip() + ("\n" if tests else "")


def drop_tests(candidate: str, original: str) -> str:
    """The candidate without the tests a model copied into it (e.g. `check(f)` at the end), keeping what the
    original itself had: the tests run on their own, and a copied call can break the module's import."""
    try:
        tree, before = ast.parse(candidate), ast.parse(original)
    except SyntaxError:
        return candidate
    own = {ast.unparse(node) for node in before.body} | set().union(*(_names(node) for node in before.body))
    lines = candidate.splitlines()
    spans = [(min([n.lineno, *(d.lineno for d in getattr(n, "decorator_list", []))]), n.end_lineno)
             for n in tree.body if is_test(n) and ast.unparse(n) not in own and not _names(n) & own]
    if not spans:
        return candidate
    kept = [line for number, line in enumerate(lines, 1) if not any(a <= number <= b for a, b in spans)]
    while kept and (not kept[-1].strip() or kept[-1].lstrip().startswith("#")):  # e.g. a dangling "# Tests"
        kept.pop()
    return "\n".join(kept) + "\n"


def functions(source: str) -> list[str]:
    tree = ast.parse(source)
    return [node.name for node in tree.body if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)]


def entry_function(source: str) -> str | None:
    """The function callers use: the only one, else the last one that no other function calls."""
    tree = ast.parse(source)
    defs = [node for node in tree.body if isinstance(node, ast.FunctionDef)]
    called = {n.func.id for d in defs for n in ast.walk(d) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
              and n.func.id != d.name}
    roots = [d.name for d in defs if d.name not in called] or [d.name for d in defs]
    return roots[-1] if roots else None


def same_code(a: str, b: str) -> bool:
    """The same program, whatever the comments and layout."""
    try:
        return ast.dump(ast.parse(a)) == ast.dump(ast.parse(b))
    except SyntaxError:
        return a.strip() == b.strip()


def unified_diff(before: str, after: str, fromfile: str = "original.py", tofile: str = "proposed.py") -> str:
    lines = difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                 fromfile=fromfile, tofile=tofile)
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


# --- running in the sandbox ----------------------------------------------------------------------
_shared_sandbox: Sandbox | None = None


class SandboxedSkill:
    """Mixin of the skills that run code: they refuse (SandboxUnavailable) rather than run unconfined."""

    sandbox: Sandbox | None = None  # tests may set their own

    def require_sandbox(self) -> Sandbox:
        global _shared_sandbox
        if self.sandbox is None:
            _shared_sandbox = _shared_sandbox or Sandbox()  # shared: its working probe is remembered
            self.sandbox = _shared_sandbox
        self.sandbox.check()
        return self.sandbox

    def stop_if_cancelled(self) -> None:
        """Between steps: a cancelled skill starts no further generation or sandbox run."""
        if self.cancel.is_set():  # type: ignore[attr-defined] - set by Skill.__init__
            raise SkillCancelled()


def literal_inputs(text: str, arity: int | None) -> str | None:
    """A model's test inputs as a checked Python literal (a list of argument tuples), or None.

    Never eval: the text comes from a model. It must be a literal, or use only `list(range(n))`, `[x] * n`
    and `+` to write large inputs (expanded by `_build`), and the result must pass ast.literal_eval. A bare
    value stands for one argument."""
    value = None
    for attempt in (text, _cut_after_last_tuple(text)):
        try:
            value = ast.literal_eval(_as_literal(attempt))
            break
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            continue
    if value is None:
        value = _line_by_line(text)
    if not isinstance(value, list | tuple) or not value:
        return None
    rows = []
    for item in list({repr(item): item for item in value}.values())[:MAX_INPUTS]:  # no repeats, not too many
        if isinstance(item, tuple) and (arity is None or len(item) == arity):
            rows.append(item)
        elif arity in (None, 1):
            rows.append((item,))
        else:
            return None
    return repr(rows)


def _line_by_line(text: str) -> list | None:
    """The tuples of a list written one per line, skipping the lines that do not read (a stray bracket)."""
    rows = []
    for line in text.splitlines():
        line = line.split("#")[0].strip().rstrip(",") if not line.strip().startswith("#") else ""
        if line.startswith("(") and line.endswith(")"):
            try:
                rows.append(ast.literal_eval(_as_literal(line)))
            except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
                continue
    return rows or None


def _cut_after_last_tuple(text: str) -> str:
    """A list cut by max_tokens (a model repeating itself), closed after its last complete tuple."""
    text = text.strip()
    cut = text.rfind("),")
    return text[:cut + 1] + "]" if text.startswith("[") and cut > 0 else text


MAX_BUILT = 100_000  # elements an expanded input may have: large enough to time, small enough to copy
MAX_INPUTS = 40
BUILDERS = {"range": lambda *a: list(range(*a)), "list": list, "tuple": tuple, "sorted": sorted}


def _as_literal(text: str) -> str:
    """`text` written as a plain literal: literals pass as they are, a few builders are expanded."""
    text = text.strip()
    try:
        ast.literal_eval(text)
        return text
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        pass
    # Small models split the list in several, under comments ("# edge cases"): one list, joined.
    statements = ast.parse(text).body
    if not statements or not all(isinstance(node, ast.Expr) for node in statements):
        raise ValueError("inputs must be expressions")
    parts = [_build(node.value) for node in statements]
    if len(parts) > 1 and not all(isinstance(part, list) for part in parts):
        raise ValueError("several statements must all be lists")
    value = [item for part in parts for item in part] if len(parts) > 1 else parts[0]
    _check_weight(value)
    return repr(value)


def _check_weight(value: object) -> None:
    """Refuse values whose written form would be huge: `[[0] * 1000] * 1000` shares one list, its repr not."""
    stack, seen = [value], 0
    while stack:
        item = stack.pop()
        seen += 1 + (len(item) if isinstance(item, str | bytes) else 0) // 64
        if seen > MAX_BUILT:
            raise ValueError("input too large")
        if isinstance(item, dict):
            stack.extend(item.items())
        elif isinstance(item, list | tuple | set):
            stack.extend(item)


def _build(node: ast.AST):
    """Evaluate the few node kinds allowed in inputs; anything else (names, attributes...) is refused."""
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float | str | bytes | bool | type(None)):
        value = node.value
    elif isinstance(node, ast.List | ast.Tuple | ast.Set):
        items = [_build(item) for item in node.elts]
        value = {ast.List: list, ast.Tuple: tuple, ast.Set: set}[type(node)](items)
    elif isinstance(node, ast.Dict) and None not in node.keys:
        value = {_build(k): _build(v) for k, v in zip(node.keys, node.values, strict=True)}
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        operand = _build(node.operand)
        value = -operand if isinstance(node.op, ast.USub) else +operand
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult | ast.Add):
        left, right = _build(node.left), _build(node.right)
        if isinstance(node.op, ast.Mult):  # refuse before computing: [0] * 10**12 must not be tried
            sizes = [len(side) for side in (left, right) if isinstance(side, list | tuple | str | bytes)]
            counts = [side for side in (left, right) if isinstance(side, int)]
            if sizes and counts and sizes[0] * counts[0] > MAX_BUILT:
                raise ValueError("input too large")
        value = left * right if isinstance(node.op, ast.Mult) else left + right
    elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in BUILDERS
          and not node.keywords):
        args = [_build(arg) for arg in node.args]
        if node.func.id == "range" and len(range(*args)) > MAX_BUILT:
            raise ValueError("input too large")
        value = BUILDERS[node.func.id](*args)
    else:
        raise ValueError(f"not allowed in inputs: {ast.dump(node)[:80]}")
    if isinstance(value, int | float):
        too_big = abs(value) > 10**18
    else:
        too_big = hasattr(value, "__len__") and len(value) > MAX_BUILT
    if too_big:  # checked at every step, so no intermediate value grows past it
        raise ValueError("input too large")
    return value


def parameters(source: str, name: str) -> list[str]:
    """Names of the positional parameters of function `name`."""
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == name:
            return [arg.arg for arg in [*node.args.posonlyargs, *node.args.args]]
    return []


def arity(source: str, name: str) -> int | None:
    """Positional parameters of function `name` when fixed, else None (*args, defaults)."""
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            params = node.args
            if params.vararg or params.defaults:
                return None
            return len(params.posonlyargs) + len(params.args)
    return None


def _names(node: ast.stmt) -> set[str]:
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return {node.name}
    if isinstance(node, ast.Assign | ast.AnnAssign):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return {n.id for target in targets for n in ast.walk(target) if isinstance(n, ast.Name)}
    return set()


def merge_missing(original: str, candidate: str) -> str:
    """The candidate, preceded by the original's imports, functions, classes and constants it dropped.

    Small models often answer with only the function they changed; the helpers it calls must stay. What
    the candidate defines again comes after, so its own version wins."""
    try:
        before, after = ast.parse(original), ast.parse(candidate)
    except SyntaxError:
        return candidate
    defined = set().union(*(_names(node) for node in after.body))
    imported = {ast.unparse(node) for node in after.body if isinstance(node, ast.Import | ast.ImportFrom)}
    lines = original.splitlines()
    kept = []
    for node in before.body:
        names = _names(node)
        is_import = isinstance(node, ast.Import | ast.ImportFrom)
        if (names and not names & defined) or (is_import and ast.unparse(node) not in imported):
            start = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
            kept.append("\n".join(lines[start - 1:node.end_lineno]))
    return "\n\n".join([*kept, candidate.strip()]) + "\n" if kept else candidate


def prose(reply: str) -> str:
    """What a reply says outside its code blocks (a fix's one-line explanation), shortened."""
    text = re.sub(r"\n{3,}", "\n\n", FENCE.sub("", reply)).strip()
    lines = text.splitlines()
    if len(lines) > 1 and lines[-1].rstrip().endswith(":"):  # "Here is the fixed code:" led to the block
        text = "\n".join(lines[:-1]).strip()
    return text[:500] + ("…" if len(text) > 500 else "")
