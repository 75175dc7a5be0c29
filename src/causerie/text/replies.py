"""Cleaning a model's reply: preambles and quotes off, an unfinished last sentence cut."""

from __future__ import annotations

import re

_PREAMBLE = re.compile(
    r"^\s*(?:(?:voici|voilà|here\s+is|here's|sure|certainly|bien\s+sûr|d'accord|ok(?:ay)?)\b[^\n]*"
    r"(?::|!|\.)\s*\n)", re.I)


def clean_reply(text: str) -> str:
    """Drop the chatter small models wrap answers in: a 'Voici …:' line, a ``` fence around the whole
    answer, surrounding quotes."""
    text = _PREAMBLE.sub("", text.strip(), count=1).strip()
    fenced = re.fullmatch(r"```[\w-]*\n(.*?)\n?```", text, re.S)
    if fenced:
        text = fenced.group(1).strip()
    if len(text) > 1 and text[0] + text[-1] in ('""', "«»", "“”"):
        text = text[1:-1].strip()
    return text


def trim_unfinished(text: str) -> str:
    """Cut an answer stopped by max_tokens back to its last full sentence (kept whole if that would lose
    more than half of it): a summary or story read aloud must not end mid-word."""
    text = text.rstrip()
    if not text or text[-1] in ".!?…»\"”)]":
        return text
    ends = [m.end() for m in re.finditer(r"[.!?…](?:\s?[\"»”)\]])*(?=\s|$)", text)]
    return text[: ends[-1]] if ends and ends[-1] >= len(text) // 2 else text
