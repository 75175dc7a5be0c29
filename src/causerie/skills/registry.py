"""Skills are found through the `causerie.skills` entry-point group, like engines and models."""

from __future__ import annotations

import importlib.metadata
import logging
from functools import cache

from causerie.errors import NotFound
from causerie.skills.base import Skill

SKILL_GROUP = "causerie.skills"
log = logging.getLogger("causerie.skills")


@cache
def skill_classes() -> dict[str, type[Skill]]:
    classes = {}
    for ep in importlib.metadata.entry_points(group=SKILL_GROUP):
        try:
            classes[ep.name] = ep.load()
        except Exception:  # a broken plugin must not take the other skills down with it
            log.warning("skill %s (%s) could not be loaded", ep.name, ep.value, exc_info=True)
    return dict(sorted(classes.items()))


def skill_class(name: str) -> type[Skill]:
    classes = skill_classes()
    if name not in classes:
        raise NotFound("skill.unknown", param="name", code="skill_not_found", name=name,
                       available=", ".join(classes))
    return classes[name]
