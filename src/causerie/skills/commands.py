"""Slash commands that run skills inside a chat: `/traduire en …`, `/résumer`, `/corriger …`.

The words are each skill's own (its face's `slash`, French and English, accents optional), so a third-party
skill has its command too. Without text, a command works on the last answer of the conversation, so
"/traduire en" translates what the assistant just said. The web chat parses the same words from
`GET /api/skills`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from causerie.skills.base import Skill
from causerie.skills.face import bare, choices_of, in_lang
from causerie.skills.registry import skill_classes


@dataclass
class SkillCommand:
    skill: str
    data: dict[str, Any]


def skill_for_word(word: str) -> type[Skill] | None:
    wanted = bare(word)
    return next((cls for cls in skill_classes().values() if wanted in cls.face.words() or wanted == cls.name), None)


def parse_command(line: str, last_answer: str | None = None, lang: str = "fr") -> SkillCommand | None:
    """The skill a `/command …` line asks for, or None when the word is not a skill command."""
    word, _, argument = line.lstrip("/").partition(" ")
    skill = skill_for_word(word)
    if skill is None:
        return None
    argument = argument.strip()
    data: dict[str, Any] = {}
    for name, face in skill.face.fields.items():  # "/traduire en …": a first word that is one of the choices
        if not face.slash_word:
            continue
        head, _, rest = argument.partition(" ")
        choices = {str(choice) for choice in face.choices or choices_of(skill.Input.model_fields[name].annotation)}
        if head.lower() in choices:
            data[name], argument = head.lower(), rest.strip()
        elif face.default_by_lang:
            data[name] = in_lang(face.default_by_lang, lang)
    data[skill.face.text_field] = argument or (last_answer or "")
    return SkillCommand(skill.name, data)
