"""Skills are found through the `causerie.skills` entry-point group, like engines and models."""

from __future__ import annotations

from functools import cache

from causerie.errors import NotFound
from causerie.plugins import load_plugins
from causerie.skills.base import Skill

SKILL_GROUP = "causerie.skills"


@cache
def skill_classes() -> dict[str, type[Skill]]:
    return load_plugins(SKILL_GROUP)


def skill_class(name: str) -> type[Skill]:
    classes = skill_classes()
    if name not in classes:
        raise NotFound("skill.unknown", param="name", code="skill_not_found", name=name,
                       available=", ".join(classes))
    return classes[name]
