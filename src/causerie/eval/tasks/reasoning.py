"""French grade-school maths (MGSM-fr): exact match on the final number."""

from __future__ import annotations

from causerie.eval.data import Row
from causerie.eval.metrics import final_number, rate, same_number
from causerie.eval.tasks.base import Record, RunContext, Task, complete

# causerie's prompt for a question with one numeric answer: reason briefly, then a line that can be read.
SYSTEM = ("Tu es causerie, un assistant précis. Résous le problème étape par étape, avec des calculs courts, "
          "puis termine par une dernière ligne « Réponse : » suivie du nombre seul, sans unité.")


class MgsmFr(Task):
    name = "mgsm-fr"
    description = "MGSM, French grade-school maths (exact match on the final number)"
    default_file = "mgsm_fr/mgsm_fr_en.jsonl"
    fields = ("answer",)
    metrics = ("accuracy",)
    first_half_dev = True

    def row_id(self, index: int, row: Row) -> str:
        return str(row.get("id") or index + 1)

    def load(self, path, split):  # the TSV has "question", the JSONL "question_fr"
        rows = super().load(path, split)
        for _, row in rows:
            row.setdefault("question_fr", row.get("question", ""))
        return rows

    def run(self, row: Row, ctx: RunContext) -> Record:
        question = row["question_fr"]
        if ctx.mode == "naive":
            messages = [{"role": "user", "content": question}]
        else:
            messages = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": question}]
        answer = complete(ctx, messages)
        predicted = final_number(answer)
        return {"answer": answer, "predicted": None if predicted is None else str(predicted),
                "expected": row["answer"], "correct": same_number(predicted, str(row["answer"]))}

    def empty(self, row: Row) -> Record:
        return {"answer": "", "predicted": None, "expected": row["answer"], "correct": False}

    def summarize(self, records: list[Record]) -> dict[str, float]:
        return {"accuracy": rate([r["correct"] for r in records])}
