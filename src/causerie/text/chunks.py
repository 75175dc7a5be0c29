"""Cutting a text into paragraphs, sentences and chunks that fit a token budget."""

from __future__ import annotations

import re
from collections.abc import Callable

Counter = Callable[[str], int]
# A sentence ends with . ! ? … (and closing quotes/brackets) followed by spaces. Not after a lone
# capital ("M. Dupont", "J. R. R. Tolkien"), the usual false break in French and English, and not before a
# lower-case word: « Où vas-tu ? demanda le hibou » is one sentence. The one rule for chunking and speech.
_SENTENCE_END = re.compile(r"(?<!\b[A-Z]\.)(?<=[.!?…])(?:\s?[\"»”’)\]])*\s+(?=\S)(?![a-zà-öø-ÿœæ])")


def split_paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def split_sentences(text: str) -> list[str]:
    parts, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        parts.append(text[start:match.end()].strip())
        start = match.end()
    parts.append(text[start:].strip())
    return [p for p in parts if p]


def _split_words(text: str, budget: int, count: Counter) -> list[str]:
    """Last resort for a 'sentence' over budget (a list without full stops, a blob): cut between words,
    and inside a word only when a single word is over budget."""
    pieces, current = [], ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if current and count(candidate) > budget:
            pieces.append(current)
            candidate = word
        while count(candidate) > budget and len(candidate) > 1:
            cut = max(1, len(candidate) * budget // count(candidate))
            pieces.append(candidate[:cut])
            candidate = candidate[cut:]
        current = candidate
    return pieces + [current] if current else pieces


def split_unit(text: str, budget: int, count: Counter) -> list[str]:
    """Pieces of one paragraph, each within budget: the paragraph itself, else its sentences."""
    if count(text) <= budget:
        return [text]
    pieces: list[str] = []
    for sentence in split_sentences(text):
        pieces.extend([sentence] if count(sentence) <= budget else _split_words(sentence, budget, count))
    return pieces


def pack(units: list[str], budget: int, count: Counter, sep: str = "\n\n") -> list[list[str]]:
    """Group consecutive units into chunks whose total stays within budget (order kept)."""
    chunks: list[list[str]] = []
    total = 0
    for unit in units:
        size = count(unit) + (count(sep) if sep.strip() else 1)
        if chunks and total + size <= budget:
            chunks[-1].append(unit)
            total += size
        else:
            chunks.append([unit])
            total = size
    return chunks


def chunk_text(text: str, budget: int, count: Counter) -> list[str]:
    """Split on paragraph, then sentence boundaries so each chunk fits `budget` tokens."""
    units = [piece for para in split_paragraphs(text) for piece in split_unit(para, budget, count)]
    return ["\n\n".join(group) for group in pack(units, budget, count)]
