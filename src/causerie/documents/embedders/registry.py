"""Which embedder runs: the `causerie.embedders` entry points (e5, remote, fake, and any third-party one),
picked by the `embedder` setting. Building one is cheap (models load on first use), so `shared_embedder`
hands every caller of a process (documents, /v1/embeddings) the same instance for the same settings: one
model in memory, one lock in front of it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import cache

from causerie.documents.embedders.base import Embedder
from causerie.errors import ModelError
from causerie.plugins import load_plugins
from causerie.settings import Settings

EMBEDDER_GROUP = "causerie.embedders"

EmbedderClass = Callable[[Settings], Embedder]  # each is built from the settings alone


@cache
def embedder_classes() -> dict[str, EmbedderClass]:
    """name -> class, once per process (a plugin that fails to import is logged and skipped)."""
    return load_plugins(EMBEDDER_GROUP)


def load_embedder(settings: Settings) -> Embedder:
    """A new embedder of the configured kind; ModelError (with the known names) for an unknown one."""
    classes = embedder_classes()
    if settings.embedder not in classes:
        raise ModelError("embeddings.unknown_embedder", name=settings.embedder,
                         available=", ".join(classes) or "-")
    return classes[settings.embedder](settings)


def _identity(settings: Settings) -> tuple[object, ...]:
    """What makes two settings build the same embedder."""
    key = settings.embedder_api_key.get_secret_value() if settings.embedder_api_key else None
    return (settings.embedder, settings.embedder_url, settings.embedder_model, key,
            settings.embedder_threads or settings.threads, settings.home)


_shared: dict[tuple[object, ...], Embedder] = {}
_shared_lock = threading.Lock()


def shared_embedder(settings: Settings) -> Embedder:
    """The process's embedder for these settings, built on first use (thread-safe), never at import."""
    identity = _identity(settings)
    with _shared_lock:
        if identity not in _shared:
            _shared[identity] = load_embedder(settings)
        return _shared[identity]


def close_shared_embedders() -> None:
    """Free every shared embedder's model (end of a process, or of a test)."""
    with _shared_lock:
        embedders = list(_shared.values())
        _shared.clear()
    for embedder in embedders:
        embedder.close()
