"""Wire models of /api/skills. A skill's own input schema is its body; `model` and `stream` ride along."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

from causerie.api.common import ModelFacts

RESERVED_FIELDS = ("model", "stream")


class SkillInfo(BaseModel):
    name: str
    title: str
    needs_sandbox: bool
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
    causerie: ModelFacts
