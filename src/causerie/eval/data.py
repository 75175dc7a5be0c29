"""Dataset files: read, check, and split into the dev half (for tuning) and the held-out half (for figures).

The split rules are those of the eval-data README: odd 1-based rows are dev for translation and
summarization; task numbers ending in 0-4 are dev for code sets; the first half is dev for MGSM."""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Literal

from causerie.errors import InvalidRequest

Split = Literal["dev", "test", "all"]
Row = dict[str, Any]


class EvalDataError(InvalidRequest):
    """A dataset file that cannot be used as given: named, with the line and what is wrong."""


def read_rows(path: Path) -> list[Row]:
    """Every row of a .jsonl / .jsonl.gz / .json (a list) / .tsv (question, answer) file, in file order."""
    if not path.is_file():
        raise EvalDataError("eval.data_missing", path=path)
    raw = (gzip.open(path, "rb") if path.suffix == ".gz" else path.open("rb")).read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise EvalDataError("eval.data_not_utf8", path=path, position=exc.start) from exc
    name = path.name.removesuffix(".gz")
    if name.endswith(".json"):
        rows = _json_rows(text, path)
    elif name.endswith(".tsv"):
        rows = _tsv_rows(text)
    else:
        rows = list(_jsonl_rows(text, path))
    if not rows:
        raise EvalDataError("eval.data_empty", path=path)
    return rows


def _jsonl_rows(text: str, path: Path) -> Iterable[Row]:
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as exc:
            raise EvalDataError("eval.data_bad_json", path=path, line=number, error=str(exc)) from exc
        if not isinstance(row, dict):
            raise EvalDataError("eval.data_not_object", path=path, line=number)
        yield row | {"_line": number}


def _json_rows(text: str, path: Path) -> list[Row]:
    try:
        rows = json.loads(text)
    except ValueError as exc:
        raise EvalDataError("eval.data_bad_json", path=path, line=exc.lineno if hasattr(exc, "lineno") else 1,
                            error=str(exc)) from exc
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise EvalDataError("eval.data_not_object", path=path, line=1)
    return [row | {"_line": number} for number, row in enumerate(rows, 1)]


def _tsv_rows(text: str) -> list[Row]:
    rows = []
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            question, _, answer = line.rpartition("\t")
            rows.append({"question": question, "answer": answer, "_line": number})
    return rows


def require_fields(rows: list[Row], fields: tuple[str, ...], path: Path) -> None:
    """Every row has every field, as a non-empty value; the first bad row is named by its line."""
    for row in rows:
        for name in fields:
            value = row.get(name)
            if value is None or (isinstance(value, str | list) and not value):
                raise EvalDataError("eval.data_missing_field", path=path, line=row["_line"], field=name,
                                    fields=", ".join(fields))


# --- splits ---------------------------------------------------------------------------------------
def odd_rows_dev(index: int, row: Row) -> bool:
    """Translation and summarization: odd 1-based row numbers are dev (index is 0-based)."""
    return (index + 1) % 2 == 1


def task_number_dev(number_of: Callable[[int, Row], int]) -> Callable[[int, Row], bool]:
    """Code sets: task numbers ending in 0-4 are dev."""
    return lambda index, row: number_of(index, row) % 10 < 5


def trailing_number(value: object) -> int:
    """HumanEval/12 -> 12, 'Python/7' -> 7, 602 -> 602."""
    found = re.findall(r"\d+", str(value))
    return int(found[-1]) if found else 0


def select(rows: list[Row], split: Split, is_dev: Callable[[int, Row], bool] | None,
           first_half_dev: bool = False) -> list[Row]:
    if split == "all":
        return rows
    if first_half_dev:
        half = (len(rows) + 1) // 2
        return rows[:half] if split == "dev" else rows[half:]
    assert is_dev is not None
    return [row for index, row in enumerate(rows) if is_dev(index, row) == (split == "dev")]
