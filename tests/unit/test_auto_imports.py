"""The standard-library imports added to generated code that forgot them."""

import ast

from causerie.skills.auto_imports import add_missing_imports


def test_adds_a_forgotten_from_import_and_the_program_runs():
    code = "def pairs(xs):\n    return list(combinations(xs, 2))\n"
    fixed, added = add_missing_imports(code)
    assert added == ["from itertools import combinations"]
    scope: dict = {}
    exec(compile(fixed, "<generated>", "exec"), scope)
    assert scope["pairs"]([1, 2, 3]) == [(1, 2), (1, 3), (2, 3)]


def test_module_names_and_grouped_names():
    code = "def f(xs):\n    c = Counter(xs)\n    d = defaultdict(int)\n    return math.sqrt(len(c) + len(d))\n"
    _, added = add_missing_imports(code)
    assert added == ["import math", "from collections import Counter, defaultdict"]


def test_nothing_added_when_names_are_bound_or_unknown():
    code = ("from itertools import combinations as combinations\n\n"
            "def f(Counter, xs):\n    math = 3\n    return Counter(xs), math, mystery(xs)\n")
    assert add_missing_imports(code) == (code, [])


def test_imports_go_after_docstring_and_future_import():
    code = '"""Doc."""\nfrom __future__ import annotations\n\ndef f(xs: List[int]):\n    return reduce(max, xs)\n'
    fixed, added = add_missing_imports(code)
    body = ast.parse(fixed).body
    assert isinstance(body[0], ast.Expr) and body[1].module == "__future__"
    assert {ast.unparse(node) for node in body[2:4]} == {"from functools import reduce", "from typing import List"}


def test_code_that_does_not_parse_is_left_alone():
    assert add_missing_imports("def f(:\n") == ("def f(:\n", [])
