"""Helpers shared by the text skills: input checks, language detection, chunking by token budget,
protection of what a model must not touch (code, URLs, placeholders), HTML stripping, word diffs.

Everything here is deterministic and model-free, so it is unit-tested without an engine.
"""

from __future__ import annotations

import difflib
import re
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from causerie.errors import InvalidRequest
from causerie.i18n import t

# Languages the text skills read and write. Detection is limited to these on purpose (see _detector).
SUPPORTED = ("fr", "en", "de", "es", "it", "pt", "nl")
_LINGUA_NAMES = {"fr": "FRENCH", "en": "ENGLISH", "de": "GERMAN", "es": "SPANISH", "it": "ITALIAN",
                 "pt": "PORTUGUESE", "nl": "DUTCH"}
MIN_DETECT_LETTERS = 12  # below this, any detector guesses; we prefer to say "unknown"


# --- input checks ---------------------------------------------------------------------------------
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


# --- language detection ---------------------------------------------------------------------------
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


# --- chunking by token budget ---------------------------------------------------------------------
Counter = Callable[[str], int]
# A sentence ends with . ! ? … (and closing quotes/brackets) followed by spaces. Not after a lone
# capital ("M. Dupont", "J. R. R. Tolkien"), the usual false break in French and English.
_SENTENCE_END = re.compile(r"(?<!\b[A-Z]\.)(?<=[.!?…])(?:\s?[\"»”’)\]])*\s+(?=\S)")


def split_paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def split_sentences(text: str) -> list[str]:
    parts, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        parts.append(text[start:match.end()].strip())
        start = match.end()
    parts.append(text[start:].strip())
    return [p for p in parts if p]


def _split_words(text: str, budget: int, count: Counter) -> list[str]:
    """Last resort for a 'sentence' over budget (a list without full stops, a blob): cut between words,
    and inside a word only when a single word is over budget."""
    pieces, current = [], ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if current and count(candidate) > budget:
            pieces.append(current)
            candidate = word
        while count(candidate) > budget and len(candidate) > 1:
            cut = max(1, len(candidate) * budget // count(candidate))
            pieces.append(candidate[:cut])
            candidate = candidate[cut:]
        current = candidate
    return pieces + [current] if current else pieces


def split_unit(text: str, budget: int, count: Counter) -> list[str]:
    """Pieces of one paragraph, each within budget: the paragraph itself, else its sentences."""
    if count(text) <= budget:
        return [text]
    pieces: list[str] = []
    for sentence in split_sentences(text):
        pieces.extend([sentence] if count(sentence) <= budget else _split_words(sentence, budget, count))
    return pieces


def pack(units: list[str], budget: int, count: Counter, sep: str = "\n\n") -> list[list[str]]:
    """Group consecutive units into chunks whose total stays within budget (order kept)."""
    chunks: list[list[str]] = []
    total = 0
    for unit in units:
        size = count(unit) + (count(sep) if sep.strip() else 1)
        if chunks and total + size <= budget:
            chunks[-1].append(unit)
            total += size
        else:
            chunks.append([unit])
            total = size
    return chunks


def chunk_text(text: str, budget: int, count: Counter) -> list[str]:
    """Split on paragraph, then sentence boundaries so each chunk fits `budget` tokens."""
    units = [piece for para in split_paragraphs(text) for piece in split_unit(para, budget, count)]
    return ["\n\n".join(group) for group in pack(units, budget, count)]


# --- protection of what must come back unchanged --------------------------------------------------
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


# --- cleaning model replies -----------------------------------------------------------------------
_PREAMBLE = re.compile(
    r"^\s*(?:(?:voici|voilà|here\s+is|here's|sure|certainly|bien\s+sûr|d'accord|ok(?:ay)?)\b[^\n]*"
    r"(?::|!|\.)\s*\n)", re.I)


def clean_reply(text: str) -> str:
    """Drop the chatter small models wrap answers in: a 'Voici …:' line, a ``` fence around the whole
    answer, surrounding quotes."""
    text = _PREAMBLE.sub("", text.strip(), count=1).strip()
    fenced = re.fullmatch(r"```[\w-]*\n(.*?)\n?```", text, re.S)
    if fenced:
        text = fenced.group(1).strip()
    if len(text) > 1 and text[0] + text[-1] in ('""', "«»", "“”"):
        text = text[1:-1].strip()
    return text


def trim_unfinished(text: str) -> str:
    """Cut an answer stopped by max_tokens back to its last full sentence (kept whole if that would lose
    more than half of it): a summary or story read aloud must not end mid-word."""
    text = text.rstrip()
    if not text or text[-1] in ".!?…»\"”)]":
        return text
    ends = [m.end() for m in re.finditer(r"[.!?…](?:\s?[\"»”)\]])*(?=\s|$)", text)]
    return text[: ends[-1]] if ends and ends[-1] >= len(text) // 2 else text


def strip_markdown(text: str) -> str:
    """Plain text for reading aloud: no emphasis marks, headings, bullets, links or code fences."""
    text = re.sub(r"```[\w-]*\n?|`", "", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"(?m)^[ \t]{0,3}(?:#{1,6}[ \t]*|>\s?|[-*+]\s+|\d+[.)]\s+)", "", text)
    text = re.sub(r"(\*\*|__|\*|~~)(\S(?:.*?\S)?)\1", r"\2", text)
    text = re.sub(r"(?<!\w)_(\S(?:.*?\S)?)_(?!\w)", r"\1", text)
    text = re.sub(r"\*\*+|__+|~~", "", text)  # unpaired marks (a bold cut off by the token limit)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


# --- HTML -----------------------------------------------------------------------------------------
_DROP = {"script", "style", "noscript", "template", "svg", "head"}
_BLOCK = {"p", "div", "br", "li", "ul", "ol", "tr", "table", "section", "article", "header", "footer",
          "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "title", "main", "aside", "nav", "hr"}


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _DROP:
            self.skipping += 1
        elif tag in _BLOCK:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    text = re.sub(r"[ \t\r\f\v]+", " ", "".join(parser.parts))
    return "\n\n".join(line.strip() for line in re.split(r"\s*\n\s*\n\s*", text) if line.strip())


def looks_like_html(text: str) -> bool:
    head = text.lstrip()[:1000].lower()
    return head.startswith(("<!doctype html", "<html")) or len(re.findall(r"</(?:p|div|li|h\d|body)>", head)) >= 2


# --- word diff ------------------------------------------------------------------------------------
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
    ops = [list(op) for op in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()]
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
    merged: list[list] = []
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
