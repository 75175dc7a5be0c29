"""Wire models of /api/skills. A skill's own input schema is its body; `model` and `stream` ride along."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from causerie.api.common import ModelFacts
from causerie.skills.face import View

RESERVED_FIELDS = ("model", "stream")


class SkillInfo(BaseModel):
    name: str
    title: str
    needs_sandbox: bool
    face: dict[str, Any] = Field(description="How surfaces show the skill, in the request's language: label, "
                                 "help, composer hint, slash words, the text field, and each option's label, "
                                 "choices (with labels) and default (skills/face.py).")
    input_schema: dict[str, Any]
    output_schema: dict[str, Any]


class SkillList(BaseModel):
    object: Literal["list"] = "list"
    data: list[SkillInfo]


class SkillResponse(BaseModel):
    object: Literal["skill.result"] = "skill.result"
    skill: str
    model: str
    output: dict[str, Any]
    view: View = Field(description="What to show of the output, whatever the skill: title, Markdown text, code, "
                       "diff, verdict, warnings, sources, audio.")
    causerie: ModelFacts
