"""The eval tasks, by name. Each file holds one family; every task has the same shape (see base.py)."""

from __future__ import annotations

from causerie.errors import NotFound
from causerie.eval.tasks.base import Mode, Record, RunContext, Task
from causerie.eval.tasks.code import HumanEval, HumanEvalFix, Mbpp, QuixBugs
from causerie.eval.tasks.grounded_qa import GroundedQa
from causerie.eval.tasks.reasoning import MgsmFr
from causerie.eval.tasks.retrieval import Retrieval
from causerie.eval.tasks.summarization import OrangeSum
from causerie.eval.tasks.translation import FloresEnFr, FloresFrEn, NtrexEnFr

TASKS: dict[str, type[Task]] = {task.name: task for task in (
    FloresEnFr, FloresFrEn, NtrexEnFr, OrangeSum, HumanEval, Mbpp, HumanEvalFix, QuixBugs, MgsmFr, Retrieval,
    GroundedQa)}


def get_task(name: str) -> Task:
    if name not in TASKS:
        raise NotFound("eval.unknown_task", param="task", name=name, available=", ".join(TASKS))
    return TASKS[name]()


__all__ = ["TASKS", "Mode", "Record", "RunContext", "Task", "get_task"]
