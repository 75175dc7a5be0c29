"""Translation EN<->FR on FLORES-200 devtest and EN->FR on NTREX-128: corpus chrF++ and BLEU (sacrebleu)."""

from __future__ import annotations

from typing import ClassVar

from causerie.eval.data import Row, odd_rows_dev
from causerie.eval.metrics import translation_scores
from causerie.eval.tasks.base import Record, RunContext, Task, complete, make_skill

LANGUAGE_NAMES = {"en": "English", "fr": "French"}


class Translation(Task):
    source: ClassVar[str]
    target: ClassVar[str]
    fields = ("en", "fr")
    metrics = ("chrf++", "bleu")

    def is_dev(self, index: int, row: Row) -> bool:
        return odd_rows_dev(index, row)

    def row_id(self, index: int, row: Row) -> str:
        return str(row.get("id") or index + 1)

    def run(self, row: Row, ctx: RunContext) -> Record:
        text = row[self.source]
        if ctx.mode == "naive":
            prompt = (f"Translate this text from {LANGUAGE_NAMES[self.source]} to {LANGUAGE_NAMES[self.target]}:"
                      f"\n\n{text}")
            hypothesis = complete(ctx, [{"role": "user", "content": prompt}]).strip()
        else:
            output = make_skill("translate", ctx).run({"text": text, "source": self.source, "target": self.target})
            hypothesis = output.text
        return {"hypothesis": hypothesis, "reference": row[self.target]}

    def empty(self, row: Row) -> Record:
        return {"hypothesis": "", "reference": row[self.target]}

    def summarize(self, records: list[Record]) -> dict[str, float]:
        return translation_scores([r["hypothesis"] for r in records], [r["reference"] for r in records])


class FloresEnFr(Translation):
    name = "flores-en-fr"
    description = "FLORES-200 devtest, English → French (chrF++, BLEU)"
    default_file = "flores200_devtest_en_fr/flores200_devtest.en-fr.jsonl"
    source, target = "en", "fr"


class FloresFrEn(Translation):
    name = "flores-fr-en"
    description = "FLORES-200 devtest, French → English (chrF++, BLEU)"
    default_file = "flores200_devtest_en_fr/flores200_devtest.en-fr.jsonl"
    source, target = "fr", "en"


class NtrexEnFr(Translation):
    name = "ntrex-en-fr"
    description = "NTREX-128, English → French (chrF++, BLEU)"
    default_file = "ntrex128_en_fr/ntrex128.en-fr.jsonl"
    source, target = "en", "fr"
