"""Scores. Libraries do the scoring (sacrebleu, rouge-score); this file only adapts them.

ROUGE: rouge-score's default tokenizer keeps only [a-z0-9], so "été" becomes "t" and French scores are
meaningless. `FrenchTokenizer` lowercases, applies Unicode NFKC, and keeps every run of Unicode letters
and digits (`\\w+`), splitting elisions ("l'été" -> "l", "été"); no stemming, no stop-word removal."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

WORD = re.compile(r"\w+", re.UNICODE)


class FrenchTokenizer:
    """The tokenizer handed to rouge-score (it calls `tokenize(text) -> list[str]`)."""

    def tokenize(self, text: str) -> list[str]:
        return WORD.findall(unicodedata.normalize("NFKC", text).lower())


def translation_scores(hypotheses: list[str], references: list[str]) -> dict[str, float]:
    """Corpus chrF++ (chrF with word bigrams, sacrebleu's CHRF(word_order=2)) and BLEU (13a tokenizer)."""
    from sacrebleu.metrics import BLEU, CHRF

    if not hypotheses:
        return {"chrf++": 0.0, "bleu": 0.0}
    chrf = CHRF(word_order=2).corpus_score(hypotheses, [references]).score
    bleu = BLEU().corpus_score(hypotheses, [references]).score
    return {"chrf++": round(chrf, 2), "bleu": round(bleu, 2)}


def rouge_scores(hypothesis: str, reference: str) -> dict[str, float]:
    """ROUGE-1/2/L F1 (x100) of one summary."""
    from rouge_score.rouge_scorer import RougeScorer

    scorer = RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=False, tokenizer=FrenchTokenizer())
    scores = scorer.score(reference, hypothesis)
    return {name: round(100 * value.fmeasure, 2) for name, value in scores.items()}


def mean(values: list[float]) -> float:
    return round(sum(values) / len(values), 2) if values else 0.0


def rate(flags: list[bool]) -> float:
    """A share of successes, in percent."""
    return round(100 * sum(flags) / len(flags), 2) if flags else 0.0


# "70 000" (French thousands), "1,234.5", "1,5", "18": digits grouped by spaces only in threes
NUMBER = re.compile(r"-?\d{1,3}(?:[ \u202f\u00a0]\d{3})+(?:[.,]\d+)?|-?\d+(?:[.,]\d+)*")


def parse_number(text: str) -> Decimal | None:
    """A number as written in French or English: '70 000', '1,5', '1,234.5', '18.'"""
    text = re.sub(r"[\s\u202f\u00a0]", "", text).rstrip(".,")
    if text.count(",") == 1 and "." not in text and len(text.split(",")[1]) != 3:
        text = text.replace(",", ".")  # French decimal comma
    text = text.replace(",", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def final_number(answer: str) -> Decimal | None:
    """The answer's final number: after 'Réponse :' / 'Answer:' when present, else the last one."""
    marked = re.split(r"(?i)r[ée]ponse\s*(?:finale)?\s*:|answer\s*:", answer)
    tail = marked[-1] if len(marked) > 1 else answer
    numbers = NUMBER.findall(tail)
    if numbers and len(marked) > 1:
        return parse_number(numbers[0])
    numbers = numbers or NUMBER.findall(answer)
    return parse_number(numbers[-1]) if numbers else None


def same_number(predicted: Decimal | None, expected: str) -> bool:
    reference = parse_number(expected)
    return predicted is not None and reference is not None and predicted == reference
