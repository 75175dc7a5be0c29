"""Add the standard-library imports a generated program uses but forgot.

Small models often write `combinations(...)` or `Counter(...)` without the import line, and the program
then fails on a NameError although its logic is right. Only unambiguous standard-library names are added;
anything else is left for the tests (or the person) to report.
"""

from __future__ import annotations

import ast
import builtins

MODULES = {"math", "re", "itertools", "collections", "functools", "heapq", "bisect", "string", "random",
           "statistics", "operator", "datetime", "json", "os", "sys", "time", "copy", "fractions", "decimal",
           "hashlib", "typing", "cmath", "textwrap", "unicodedata", "dataclasses", "enum", "pathlib"}

NAMES = {
    "itertools": ("combinations", "combinations_with_replacement", "permutations", "product", "accumulate",
                  "chain", "groupby", "zip_longest", "islice", "starmap", "takewhile", "dropwhile"),
    "collections": ("Counter", "defaultdict", "deque", "OrderedDict", "namedtuple"),
    "functools": ("reduce", "lru_cache", "cache", "partial", "cmp_to_key"),
    "heapq": ("heappush", "heappop", "heapify", "heappushpop", "nlargest", "nsmallest"),
    "bisect": ("bisect_left", "bisect_right", "insort"),
    "math": ("gcd", "lcm", "sqrt", "isqrt", "floor", "ceil", "factorial", "comb", "perm", "hypot", "log2",
             "log10"),
    "typing": ("List", "Dict", "Tuple", "Set", "FrozenSet", "Optional", "Union", "Any", "Callable",
               "Iterable", "Iterator", "Sequence", "Mapping"),
    "fractions": ("Fraction",),
    "decimal": ("Decimal",),
    "string": ("ascii_lowercase", "ascii_uppercase", "ascii_letters", "digits", "punctuation"),
    "dataclasses": ("dataclass", "field"),
}
FROM = {name: module for module, names in NAMES.items() for name in names}


def missing_names(tree: ast.AST) -> set[str]:
    """Names read somewhere in the program and bound nowhere in it (nor built in)."""
    read, bound = set(), set(dir(builtins))
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (read if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            bound.update(node.names)
    return read - bound


def import_lines(names: set[str]) -> list[str]:
    modules = sorted(name for name in names if name in MODULES)
    grouped: dict[str, list[str]] = {}
    for name in sorted(names):
        if name in FROM and name not in MODULES:
            grouped.setdefault(FROM[name], []).append(name)
    return [f"import {module}" for module in modules] + [
        f"from {module} import {', '.join(found)}" for module, found in sorted(grouped.items())]


def add_missing_imports(code: str) -> tuple[str, list[str]]:
    """(the code with the import lines it lacks, those lines). Code that does not parse is returned as it
    is: the syntax error is reported elsewhere."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return code, []
    lines = import_lines(missing_names(tree))
    if not lines:
        return code, []
    at = _insertion_line(tree)
    source = code.splitlines(keepends=True)
    block = "".join(line + "\n" for line in lines) + ("\n" if at == 0 else "")
    return "".join(source[:at]) + block + "".join(source[at:]), lines


def _insertion_line(tree: ast.Module) -> int:
    """After the module docstring and `from __future__` imports, which must come first."""
    at = 0
    for node in tree.body:
        docstring = isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and at == 0
        future = isinstance(node, ast.ImportFrom) and node.module == "__future__"
        if not (docstring or future):
            break
        at = node.end_lineno or at
    return at
