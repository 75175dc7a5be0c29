"""One catalogue for every user-facing string, in French and English.

`t(key, lang, **values)` formats a message; `resolve_lang` picks the language from a setting, an HTTP
Accept-Language header or the locale, and falls back to French (causerie is French-first).
"""

from __future__ import annotations

import os

from causerie.i18n.messages import MESSAGES

LANGUAGES = ("fr", "en")
DEFAULT_LANG = "fr"


def _match(tag: str | None) -> str | None:
    if not tag:
        return None
    head = tag.strip().lower()[:2]
    return head if head in LANGUAGES else None


def locale_lang() -> str:
    """Language of the process locale, in POSIX precedence order."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANGUAGE", "LANG"):
        value = os.environ.get(var)
        if value:
            return _match(value) or DEFAULT_LANG
    return DEFAULT_LANG


def resolve_lang(setting: str | None = "auto") -> str:
    """'fr' or 'en' from a setting value ('auto' follows the locale)."""
    return _match(setting) or locale_lang()


def lang_from_header(accept_language: str | None, fallback: str = "auto") -> str:
    """The first supported language of an Accept-Language header, by order of preference."""
    if accept_language:
        ranked = []
        for position, part in enumerate(accept_language.split(",")):
            tag, _, params = part.partition(";")
            quality = 1.0
            if params.strip().startswith("q="):
                try:
                    quality = float(params.strip()[2:])
                except ValueError:
                    quality = 0.0
            if quality > 0:  # q=0 means "not acceptable"
                ranked.append((-quality, position, tag))
        for _, _, tag in sorted(ranked):
            if lang := _match(tag):
                return lang
    return resolve_lang(fallback)


def t(key: str, lang: str | None = None, /, **values: object) -> str:
    """The message `key` in `lang`, formatted with `values`. Unknown keys fail loudly in tests."""
    entry = MESSAGES[key]
    text = entry[lang if lang in LANGUAGES else resolve_lang(lang)]
    return text.format(**values) if values else text


def number(value: int, lang: str | None = None) -> str:
    """An integer as people of `lang` write it: 41 000 000 (narrow no-break spaces) in French, 41,000,000."""
    grouped = f"{value:,}"
    return grouped.replace(",", "\u202f") if resolve_lang(lang) == "fr" else grouped
