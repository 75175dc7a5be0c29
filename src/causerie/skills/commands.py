"""Slash commands that run skills inside a chat: `/traduire en …`, `/résumer`, `/corriger …`.

Shared by `causerie chat` and (later) the web chat. Without text, a command works on the last answer of
the conversation, so "/traduire en" translates what the assistant just said.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# command word -> (skill, the input field that receives the text)
COMMANDS: dict[str, tuple[str, str]] = {
    "traduire": ("translate", "text"), "translate": ("translate", "text"),
    "résumer": ("summarize", "text"), "resumer": ("summarize", "text"), "summarize": ("summarize", "text"),
    "corriger": ("improve", "text"), "améliorer": ("improve", "text"), "improve": ("improve", "text"),
    "rédiger": ("draft", "points"), "rediger": ("draft", "points"), "draft": ("draft", "points"),
    "histoire": ("story", "theme"), "story": ("story", "theme"),
    "code": ("code", "description"),
    "optimiser": ("optimize", "code"), "optimize": ("optimize", "code"),
    "réparer": ("fix", "code"), "reparer": ("fix", "code"), "fix": ("fix", "code"),
    "expliquer": ("explain", "code"), "explain": ("explain", "code"),
}
TARGETS = {"fr", "en", "de", "es", "it", "pt", "nl"}


@dataclass
class SkillCommand:
    skill: str
    data: dict[str, Any]


def _split_target(argument: str) -> tuple[str | None, str]:
    head, _, rest = argument.partition(" ")
    if head.lower() in TARGETS:
        return head.lower(), rest.strip()
    return None, argument


def parse_command(line: str, last_answer: str | None = None, lang: str = "fr") -> SkillCommand | None:
    """The skill a `/command …` line asks for, or None when the word is not a skill command."""
    word, _, argument = line.lstrip("/").partition(" ")
    if word.lower() not in COMMANDS:
        return None
    skill, field = COMMANDS[word.lower()]
    argument = argument.strip()
    data: dict[str, Any] = {}
    if skill == "translate":
        target, argument = _split_target(argument)
        data["target"] = target or ("en" if lang == "fr" else "fr")
    text = argument or (last_answer or "")
    data[field] = text
    return SkillCommand(skill, data)


def help_lines() -> list[str]:
    return sorted({f"/{word}" for word in COMMANDS})
