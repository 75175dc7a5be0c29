"""Checks of the texts users give: not empty, not binary, a language causerie handles; reading a document."""

from __future__ import annotations

from pathlib import Path

from causerie.errors import InvalidRequest
from causerie.i18n import t

SUPPORTED = ("fr", "en", "de", "es", "it", "pt", "nl")


def check_text(value: str, param: str = "text") -> str:
    """Reject empty and binary-looking text with a catalogue error (raised as-is through pydantic,
    which only wraps ValueError, so users see our FR/EN message rather than a validation dump)."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidRequest("text.empty", param=param)
    if looks_binary(value):
        raise InvalidRequest("text.binary", param=param)
    return value


def looks_binary(text: str) -> bool:
    if "\x00" in text:
        return True
    sample = text[:20_000]
    controls = sum(1 for c in sample if (ord(c) < 32 and c not in "\n\r\t\f") or c == "\ufffd")
    return controls > max(2, len(sample) // 100)  # >1 % control or replacement characters


def check_lang(code: str | None, allowed: tuple[str, ...] = SUPPORTED, param: str = "lang") -> str | None:
    """Normalise a language code ('FR', 'fr-CA', 'pt_BR' -> 'fr', 'pt'); unknown -> catalogue error."""
    if code is None:
        return None
    norm = str(code).strip().lower().replace("_", "-").split("-")[0]
    if norm not in allowed:
        raise InvalidRequest("text.unknown_language", param=param, given=code, supported=", ".join(allowed))
    return norm


def language_names() -> dict[str, dict[str, str]]:
    """{"de": {"fr": "allemand", "en": "German"}, …}: how surfaces label a language choice."""
    return {code: {ui: lang_name(code, ui) for ui in ("fr", "en")} for code in SUPPORTED}


def lang_name(code: str, ui: str) -> str:
    """'de' -> 'allemand' (ui fr) or 'German' (ui en), for prompts and messages."""
    return t(f"text.lang.{code}", ui)


def prompt_lang(code: str | None, ui: str) -> str:
    """Prompts exist in French and English: write them in the output language when we can, since small
    models tend to answer in the language they are instructed in."""
    return code if code in ("fr", "en") else ui


def read_document(path: str | Path) -> tuple[str, str]:
    """Read a .txt, .md or .html file for a skill: (text, format). Decodes UTF-8, else Windows-1252
    (common for French files); NUL bytes or undecodable content is refused as binary."""
    path = Path(path)
    kind = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown",
            ".html": "html", ".htm": "html"}.get(path.suffix.lower())
    if kind is None:
        raise InvalidRequest("text.unsupported_file", param="path", suffix=path.suffix or path.name,
                             supported=".txt, .md, .html")
    return decode_bytes(path.read_bytes()), kind


def decode_bytes(data: bytes) -> str:
    if b"\x00" in data:
        raise InvalidRequest("text.binary", param="text")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return check_text(data.decode(encoding))
        except UnicodeDecodeError:
            continue
    raise InvalidRequest("text.binary", param="text")
