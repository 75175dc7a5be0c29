"""What a conversation sends to the model, and what it is called."""

from __future__ import annotations

from causerie.engines.base import Engine
from causerie.store.models import ERROR
from causerie.store.records import MessageRecord

HISTORY_SHARE = 0.75  # of the context, at most, for past turns; the rest for the question and answer
TITLE_CHARS = 60


def fitting_messages(engine: Engine, system_prompt: str | None, history: list[MessageRecord],
                     question: str) -> list[dict[str, str]]:
    """The prompt: system prompt, then as many recent turns as fit, then the question. A failed answer and
    an empty one are left out: they would teach the model nothing but silence."""
    budget = int((engine.context_length or 4096) * HISTORY_SHARE)
    turns: list[dict[str, str]] = []
    for message in reversed(history):
        if message.status == ERROR or not message.content:
            continue
        budget -= engine.count_tokens(message.content)
        if budget < 0:
            break
        turns.insert(0, {"role": message.role, "content": message.content})
    system = [{"role": "system", "content": system_prompt}] if system_prompt else []
    return system + turns + [{"role": "user", "content": question}]


def title_from(question: str) -> str:
    """A title from the first question: its first line, cut at a word boundary."""
    line = " ".join(question.strip().split("\n", 1)[0].split())
    if len(line) <= TITLE_CHARS:
        return line
    cut = line[:TITLE_CHARS].rsplit(" ", 1)[0] or line[:TITLE_CHARS]
    return cut.rstrip(" ,;:.") + "…"
