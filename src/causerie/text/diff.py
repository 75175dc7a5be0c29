"""Word and line diffs for people, each change with its kind (spelling, punctuation, grammar, wording)."""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")


@dataclass
class Change:
    before: str
    after: str
    kind: str  # spelling | punctuation | grammar | wording


def _fold(text: str) -> str:
    """Lowercase, accents removed: what stays when only spelling marks differ."""
    return "".join(c for c in unicodedata.normalize("NFD", text.lower()) if not unicodedata.combining(c))


# Inflectional endings (accents folded) of French and English: two words that differ only there are
# the same word in another form, so the edit is grammar (agreement, conjugation), not spelling.
_ENDINGS = set("""_ s e es x er ez ent ais ait aient ai a as ons erai era eras ee ees ed d ing ies y t nt
    is it re ir r""".replace("_", "").split()) | {""}


def classify(before: str, after: str) -> str:
    """A simple heuristic, good enough to tell people what kind of edit they are looking at."""
    letters_b, letters_a = re.sub(r"[\W_]", "", before), re.sub(r"[\W_]", "", after)
    if letters_b == letters_a:
        return "punctuation"
    if _fold(letters_b) == _fold(letters_a):
        return "spelling"  # case and accents
    words_b, words_a = before.split(), after.split()
    if len(words_b) == len(words_a) > 1:  # merged neighbours ("its realy" -> "it's really"): word by word
        kinds = {classify(b, a) for b, a in zip(words_b, words_a, strict=True) if b != a}
        return next((k for k in ("wording", "grammar", "spelling") if k in kinds), "punctuation")
    if len(words_b) == 1 and len(words_a) == 1:
        b, a = _fold(before.strip(".,;:!?")), _fold(after.strip(".,;:!?"))
        stem = len(_common_prefix(b, a))
        if stem >= 2 and b[stem:] in _ENDINGS and a[stem:] in _ENDINGS:
            return "grammar"  # same stem, another inflection: agreement or conjugation
        if len(b) <= 3 and len(a) <= 3:
            return "grammar"  # small function words: le/la, is/are, a/an
        if difflib.SequenceMatcher(None, b, a).ratio() >= 0.7:
            return "spelling"
    if not words_b or not words_a:
        short = words_a or words_b
        if len(short) <= 2 and all(len(w) <= 4 for w in short):
            return "grammar"  # a missing or extra small word (article, preposition, ne … pas)
    return "wording"


def _common_prefix(a: str, b: str) -> str:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


def word_diff(before: str, after: str) -> tuple[list[Change], str]:
    """Changes between two texts, word by word, and an inline diff: [-old-]{+new+}."""
    old, new = _TOKEN.findall(before), _TOKEN.findall(after)
    ops = _merged_opcodes(old, new)
    changes, inline = [], []
    for tag, i1, i2, j1, j2 in ops:
        a, b = "".join(old[i1:i2]), "".join(new[j1:j2])
        if tag == "equal" or a.strip() == b.strip():  # spacing alone (a final newline) is no visible change
            inline.append(b if tag != "equal" else a)
            continue
        changes.append(Change(a.strip(), b.strip(), classify(a, b)))
        lead = (b if b.strip() else a)[: len(b if b.strip() else a) - len((b if b.strip() else a).lstrip())]
        inline.append(lead + (f"[-{a.strip()}-]" if a.strip() else "") + (f"{{+{b.strip()}+}}" if b.strip() else ""))
        inline.append(_edge_space(a, b))
    return changes, "".join(inline)


def _edge_space(a: str, b: str) -> str:
    """Keep the whitespace a change ended with, so the inline diff still reads as text."""
    for text in (b, a):
        trail = text[len(text.rstrip()):]
        if trail:
            return trail
    return ""


def _merged_opcodes(old: list[str], new: list[str]) -> list[tuple[str, int, int, int, int]]:
    """difflib opcodes, tidied for people: a change of spacing only ("demain ," -> "demain,") takes in
    its neighbours so it shows, and changes separated only by whitespace become one (a rewritten phrase
    reads better as one change than as five single-word ones)."""
    # [tag, i1, i2, j1, j2], mutable: the tag is a str and the rest ints, which a list cannot say to mypy
    ops: list[list[Any]] = [list(op) for op in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()]
    for n, op in enumerate(ops):
        if op[0] != "equal" and not "".join(old[op[1]:op[2]] + new[op[3]:op[4]]).strip():
            if n > 0 and ops[n - 1][2] > ops[n - 1][1]:
                ops[n - 1][2] -= 1
                ops[n - 1][4] -= 1
                op[1] -= 1
                op[3] -= 1
            if n + 1 < len(ops) and ops[n + 1][2] > ops[n + 1][1]:
                ops[n + 1][1] += 1
                ops[n + 1][3] += 1
                op[2] += 1
                op[4] += 1
            op[0] = "replace"
    merged: list[list[Any]] = []
    for op in (op for op in ops if op[0] != "equal" or op[2] > op[1]):
        previous = merged[-1] if merged else None
        if previous and previous[0] != "equal" and op[0] != "equal":  # adjacent changes
            merged[-1] = ["replace", previous[1], op[2], previous[3], op[4]]
        elif (op[0] != "equal" and len(merged) >= 2 and merged[-1][0] == "equal" and merged[-2][0] != "equal"
              and all(not s.strip() for s in old[merged[-1][1]:merged[-1][2]])):
            merged.pop()
            merged[-1] = ["replace", merged[-1][1], op[2], merged[-1][3], op[4]]
        else:
            merged.append(op)
    return [tuple(op) for op in merged]  # type: ignore[misc]


def unified_diff(before: str, after: str) -> str:
    lines = difflib.unified_diff(before.splitlines(), after.splitlines(), "avant/before", "après/after",
                                 lineterm="")
    return "\n".join(lines)
