"""The catalog: every model causerie can serve, from `causerie.models` entry points, the user's remote
models (settings) and any local `.gguf` path. It also turns a card into a running engine."""

from __future__ import annotations

import importlib.metadata
from functools import cache
from pathlib import Path

from causerie.engines.base import Engine
from causerie.errors import CauserieError, ClusterError, ModelError, UnknownChatModel
from causerie.i18n import t
from causerie.models.assembly import fingerprint_local_file, is_assembled, locate_part, verified_card
from causerie.models.card import ModelCard
from causerie.models.progress import ProgressFn, silent
from causerie.settings import Settings

ENGINE_GROUP = "causerie.engines"
MODEL_GROUP = "causerie.models"
QUANT_HINTS = ("Q2_K", "Q3_K_S", "Q3_K_M", "Q3_K_L", "Q4_0", "Q4_1", "Q4_K_S", "Q4_K_M", "Q5_0", "Q5_1",
               "Q5_K_S", "Q5_K_M", "Q6_K", "Q8_0", "F16", "BF16", "F32", "IQ4_XS", "IQ4_NL")


@cache
def engine_classes() -> dict[str, type[Engine]]:
    return {ep.name: ep.load() for ep in importlib.metadata.entry_points(group=ENGINE_GROUP)}


def engine_class(kind: str) -> type[Engine]:
    classes = engine_classes()
    if kind not in classes:
        raise ModelError("model.unknown_engine", engine=kind, available=", ".join(sorted(classes)))
    return classes[kind]


def registered_cards() -> list[ModelCard]:
    cards: list[ModelCard] = []
    for ep in importlib.metadata.entry_points(group=MODEL_GROUP):
        cards.extend(ep.load()())
    return cards


def remote_cards(settings: Settings) -> list[ModelCard]:
    """One card per remote model. A pool shows its first server as `base_url`, and all of them in the
    description: "model @ first (+N: the others)"."""
    cards = []
    for remote in settings.remotes:
        first, *others = remote.urls
        where = f"{first} (+{len(others)}: {', '.join(others)})" if others else first
        cards.append(ModelCard(
            name=remote.name, family="remote", engine="remote", base_url=first,
            license=remote.license, context_length=remote.context_length, quantization="remote",
            description=f"{remote.model or remote.name} @ {where}",
        ))
    return cards


def local_file_card(path: Path) -> ModelCard:
    quant = next((q for q in QUANT_HINTS if q.lower() in path.name.lower()), "unknown")
    return ModelCard(name=path.stem, family="local file", quantization=quant, path=str(path),
                     description=str(path))


def looks_like_path(name: str) -> bool:
    return name.endswith(".gguf") or "/" in name or name.startswith(".")


class Catalog:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.cards = {card.name: card for card in registered_cards() + remote_cards(settings)}

    def names(self) -> list[str]:
        return list(self.cards)

    def get(self, name: str) -> ModelCard:
        if name in self.cards:
            return self.cards[name]
        if looks_like_path(name):
            return local_file_card(Path(name).expanduser().resolve())
        raise UnknownChatModel(name, [card.name for card in self.cards.values() if "chat" in card.tasks])

    def is_installed(self, card: ModelCard) -> bool:
        """Its parts are installed, or (a multi-part model) its joined file is verified: no part needed."""
        if is_assembled(card, self.settings.models_dir):
            return True
        try:
            for part in card.parts:
                locate_part(card, part)
        except CauserieError:
            return False
        return True

    def prepare(self, card: ModelCard, *, lang: str | None = None, progress: ProgressFn = silent) -> ModelCard:
        """A card ready to load: packaged files assembled and verified, local files fingerprinted."""
        if card.parts:
            return verified_card(card, self.settings.models_dir, lang=lang, progress=progress)
        if card.engine == "local" and card.path:
            sha = fingerprint_local_file(Path(card.path), self.settings.models_dir, lang=lang, progress=progress)
            return card.model_copy(update={"sha256": sha, "size_bytes": Path(card.path).stat().st_size})
        return card

    def load(self, name: str, *, lang: str | None = None, progress: ProgressFn = silent) -> Engine:
        """The one way an engine is built: the card prepared (joined, verified), then the engine started,
        each step told to `progress` (loading is a wait of unknown length)."""
        card = self.prepare(self.get(name), lang=lang, progress=progress)
        loading = t("cli.loading", lang, name=card.name)
        progress(loading, 0, None)
        engine = engine_class(card.engine).from_settings(card, self.settings)
        progress(loading, 1, 1)
        return engine

    def load_replicated(self, name: str) -> Engine:
        """`name` served by `settings.replicas` replicas on Ray Serve (the `cluster` engine). Each replica
        assembles and verifies the model on its own node, so the front end needs no copy of it."""
        card = self.get(name)
        if card.engine == "remote":
            raise ClusterError("cluster.replicas_without_local", model=name, kind=card.engine)
        return engine_class("cluster").from_settings(card, self.settings)
