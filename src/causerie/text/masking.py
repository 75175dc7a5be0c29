"""Protecting what a model must give back unchanged (code, URLs, placeholders) behind ⟦n⟧ tokens."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_PROTECT = re.compile(
    r"`[^`\n]+`"  # inline code
    r"|(?:https?://|www\.)[^\s<>()\[\]\"'`]*[^\s<>()\[\]\"'`.,;:!?]"  # URLs, without trailing punctuation
    r"|[\w.+-]+@[\w-]+\.[\w.-]*\w"  # e-mail addresses
    r"|\{\{\s*[\w.]+\s*\}\}|\$\{\w+\}|\{[\w.]*(?:![rsa])?(?::[^{}\s]*)?\}"  # {{var}}, ${var}, {name}, {0:.2f}
    r"|%\(\w+\)[#0+-]?\d*(?:\.\d+)?[a-zA-Z]|%[#0+-]?\d*(?:\.\d+)?[sdifxXeEgGcuor]\b"  # %(x)s, %s, %5.2f
    r"|</?[a-zA-Z][\w-]*(?:\s[^<>]*)?/?>"  # HTML tags
)
MASK_OPEN, MASK_CLOSE = "⟦", "⟧"
_MASK = re.compile(r"⟦\s*(\d+)\s*⟧")


@dataclass
class Masked:
    text: str
    originals: list[str] = field(default_factory=list)  # token n stands for originals[n]

    def tokens(self) -> list[str]:
        return [f"{MASK_OPEN}{n}{MASK_CLOSE}" for n in range(len(self.originals))]


def mask(text: str, start: int = 0) -> Masked:
    """Replace protected spans by ⟦n⟧ tokens (numbering from `start`, so tokens stay unique across
    the units of one chunk). Models copy such opaque brackets far more reliably than a URL."""
    originals: list[str] = []

    def swap(match: re.Match[str]) -> str:
        originals.append(match.group(0))
        return f"{MASK_OPEN}{start + len(originals) - 1}{MASK_CLOSE}"

    return Masked(_PROTECT.sub(swap, text), originals)


def unmask(text: str, originals: dict[int, str]) -> str:
    """Put the protected spans back; a token the model invented is dropped."""
    return _MASK.sub(lambda m: originals.get(int(m.group(1)), ""), text)


def mask_ids(text: str) -> list[int]:
    return [int(n) for n in _MASK.findall(text)]


def numbers(text: str) -> list[str]:
    """Digit runs, sorted. '1,000.5' and '1 000,5' both give ['000', '1', '5']: formats differ between
    languages but the digits must survive translation."""
    return sorted(re.findall(r"\d+", _MASK.sub(" ", text)))


def lost_items(source: str, output: str, originals: dict[int, str]) -> list[str]:
    """What `output` (still masked) lost from `source`: protected spans and numbers."""
    found = mask_ids(output)
    lost = [originals[n] for n in mask_ids(source) if found.count(n) < 1]
    missing = list(numbers(source))
    for digits in numbers(output):
        if digits in missing:
            missing.remove(digits)
    return lost + missing
