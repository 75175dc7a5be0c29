"""Cutting normalized text into sentences, each with the pause that follows it.

Synthesis and streaming go sentence by sentence, so the first sentence can play while the rest is made. A
paragraph break gets a longer pause than a full stop, so a story breathes; a sentence longer than
MAX_CHARS is cut at its commas (then at spaces) to keep the delay before the first audio short.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from causerie.text.chunks import split_sentences as sentences_of

MAX_CHARS = 300
SENTENCE_PAUSE_MS = 250
LINE_PAUSE_MS = 400
PARAGRAPH_PAUSE_MS = 650

_PARAGRAPHS = re.compile(r"\n\s*\n")
_CLAUSE_END = re.compile(r"(?<=[,;:])\s+")
_SOFT_BREAK = re.compile(r"(?<![.!?…:;])[ \t]*\n[ \t]*(?=\S)")


@dataclass(frozen=True)
class Sentence:
    text: str
    pause_ms: int  # silence after it


def _pack(parts: list[str], limit: int) -> list[str]:
    """Consecutive parts joined by spaces into pieces of at most `limit` characters (a longer part alone)."""
    pieces, current = [], ""
    for part in parts:
        if current and len(current) + 1 + len(part) > limit:
            pieces.append(current)
            current = part
        else:
            current = f"{current} {part}" if current else part
    return pieces + [current] if current else pieces


def _cut(sentence: str, limit: int) -> list[str]:
    """A sentence in pieces of at most `limit` characters: cut at clause ends first, then at spaces."""
    if len(sentence) <= limit:
        return [sentence]
    pieces = _pack(_CLAUSE_END.split(sentence), limit)
    return [word_piece for piece in pieces
            for word_piece in ([piece] if len(piece) <= limit else _pack(piece.split(" "), limit))]


def _speakable(text: str) -> bool:
    return any(char.isalnum() for char in text)


def split_sentences(text: str, limit: int = MAX_CHARS) -> list[Sentence]:
    """The sentences of `text` (already normalized), in order; pieces with nothing to say are dropped."""
    result: list[Sentence] = []
    for paragraph in _PARAGRAPHS.split(text.strip()):
        # A line break after words is a soft wrap (as in markdown): the sentence goes on. After a stop
        # (a heading, a list item, a line of dialogue) it is a line of its own, with its pause.
        paragraph = _SOFT_BREAK.sub(" ", paragraph)
        lines = [line.strip() for line in paragraph.split("\n") if _speakable(line)]
        for line_index, line in enumerate(lines):
            pieces = [piece for sentence in sentences_of(line) for piece in _cut(sentence, limit)]
            pieces = [piece for piece in pieces if _speakable(piece)]
            for index, piece in enumerate(pieces):
                last_of_line = index == len(pieces) - 1
                pause = (PARAGRAPH_PAUSE_MS if line_index == len(lines) - 1 else LINE_PAUSE_MS) if last_of_line \
                    else SENTENCE_PAUSE_MS
                result.append(Sentence(piece, pause))
    return result
