"""Plugins: classes registered under an entry-point group (skills, voices), loaded once per process."""

from __future__ import annotations

import importlib.metadata
import logging
from typing import Any

log = logging.getLogger("causerie.plugins")


def load_plugins(group: str) -> dict[str, Any]:
    """name -> loaded object, sorted by name. A plugin that fails to import is logged and skipped: one
    broken package must not take the others down with it."""
    loaded = {}
    for ep in importlib.metadata.entry_points(group=group):
        try:
            loaded[ep.name] = ep.load()
        except Exception:  # noqa: BLE001 - any import error of third-party code
            log.warning("plugin %s (%s) in %s could not be loaded", ep.name, ep.value, group, exc_info=True)
    return dict(sorted(loaded.items()))
