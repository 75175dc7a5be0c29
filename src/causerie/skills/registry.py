"""Skills are found through the `causerie.skills` entry-point group, like engines and models."""

from __future__ import annotations

from functools import cache

from causerie.errors import NotFound
from causerie.i18n.messages import add_messages
from causerie.plugins import load_plugins
from causerie.skills.base import Skill
from causerie.skills.face import SkillFace

SKILL_GROUP = "causerie.skills"


@cache
def skill_classes() -> dict[str, type[Skill]]:
    """Every registered skill, built-in or third-party; each one's own messages join the catalogue."""
    classes = load_plugins(SKILL_GROUP)
    for cls in classes.values():
        add_messages({f"skill.{cls.name}.{key}": entry for key, entry in cls.messages.items()})
        if getattr(cls, "face", None) is None:  # a skill that declares no face still gets a plain one
            cls.face = plain_face(cls)
    return dict(sorted(classes.items(), key=lambda item: (item[1].face.order, item[0])))


def plain_face(cls: type[Skill]) -> SkillFace:
    first = next(iter(cls.Input.model_fields))
    return SkillFace(label=cls.title, help=cls.title, hint=cls.title, slash={"en": (cls.name,)}, text_field=first)


def skill_class(name: str) -> type[Skill]:
    classes = skill_classes()
    if name not in classes:
        raise NotFound("skill.unknown", param="name", code="skill_not_found", name=name,
                       available=", ".join(classes))
    return classes[name]
