"""Which language a text is in (lingua, limited to the languages causerie handles)."""

from __future__ import annotations

import re
import threading

_LINGUA_NAMES = {"fr": "FRENCH", "en": "ENGLISH", "de": "GERMAN", "es": "SPANISH", "it": "ITALIAN",
                 "pt": "PORTUGUESE", "nl": "DUTCH"}
MIN_DETECT_LETTERS = 12  # below this, any detector guesses; we prefer to say "unknown"

_lock = threading.Lock()
_built = None


def _detector():
    """Built once, lazily, for our seven languages only: lingua loads a model per language, so building
    it for all 75 would be slow (seconds) and hold hundreds of MB for languages we never output."""
    global _built
    with _lock:
        if _built is None:
            from lingua import Language, LanguageDetectorBuilder

            languages = [getattr(Language, name) for name in _LINGUA_NAMES.values()]
            _built = LanguageDetectorBuilder.from_languages(*languages).with_minimum_relative_distance(0.1).build()
        return _built


_NOT_PROSE = re.compile(r"```.*?```|`[^`\n]*`|https?://\S+|\{[^{}\n]*\}|<[^<>\n]*>|\d+", re.S)


def detect_language(text: str) -> str | None:
    """ISO code of the text's language among SUPPORTED, or None when too short or unsure."""
    prose = _NOT_PROSE.sub(" ", text)
    if sum(c.isalpha() for c in prose) < MIN_DETECT_LETTERS:
        return None
    found = _detector().detect_language_of(prose[:5000])
    if found is None:
        return None
    return found.iso_code_639_1.name.lower()
