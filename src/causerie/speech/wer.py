"""Word error rate: how far a transcript is from the text that was spoken (the round-trip tests and
bench/speech_bench.py measure synthesis + transcription with it)."""

from __future__ import annotations

import re
import unicodedata


def words(text: str) -> list[str]:
    """Lower-case words, apostrophes and hyphens as spaces ("l'école" is two words, like Whisper writes it)."""
    text = unicodedata.normalize("NFC", text.lower())
    return re.findall(r"\w+", re.sub(r"['’\-]", " ", text))


def word_errors(reference: str, hypothesis: str) -> tuple[int, int]:
    """(substitutions + deletions + insertions, words in the reference): a Levenshtein distance on words."""
    ref, hyp = words(reference), words(hypothesis)
    row = list(range(len(hyp) + 1))
    for i in range(1, len(ref) + 1):
        diagonal, row[0] = row[0], i
        for j in range(1, len(hyp) + 1):
            diagonal, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, diagonal + (ref[i - 1] != hyp[j - 1]))
    return row[len(hyp)], len(ref)


def word_error_rate(reference: str, hypothesis: str) -> float:
    errors, total = word_errors(reference, hypothesis)
    return errors / max(total, 1)
