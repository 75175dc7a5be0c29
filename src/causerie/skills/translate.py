"""translate: translate a text, Markdown included, into fr, en, de, es, it, pt or nl.

The source language is detected (lingua). The document is cut into segments: what must not change
(code blocks, list and heading markers, table pipes, blank lines) stays verbatim and is never sent to
the model; the prose in between becomes slots. Slots are masked (URLs, placeholders, inline code ->
⟦n⟧), packed into chunks by token budget and translated in order, each chunk seeing the previous
source/translation pair as a prior turn. Every mask token and number must come back; else one stricter
retry, then a warning.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from pydantic import Field, field_validator

from causerie import text as tt
from causerie.errors import InvalidRequest
from causerie.i18n import t
from causerie.skills.base import Delta, Event, Progress, Result, Skill, SkillInput, SkillOutput, Text
from causerie.skills.face import FieldFace, SkillFace, View

MAX_CHARS = 200_000  # about 50k tokens: hours on a laptop CPU, beyond that use a batch tool
MAX_CHUNK_TOKENS = 300  # small models translate short passages better than long ones
# The same two-paragraph message in every language: the few-shot pair, for any source/target couple.
EXAMPLE = {
    "en": "Hi ⟦0⟧, the meeting is moved to Tuesday at 10 a.m.\n\nThe agenda is here: ⟦1⟧",
    "fr": "Bonjour ⟦0⟧, la réunion est déplacée à mardi, 10 h.\n\nL'ordre du jour est ici : ⟦1⟧",
    "de": "Hallo ⟦0⟧, das Treffen wird auf Dienstag, 10 Uhr, verschoben.\n\nDie Tagesordnung ist hier: ⟦1⟧",
    "es": "Hola ⟦0⟧, la reunión se traslada al martes a las 10.\n\nEl orden del día está aquí: ⟦1⟧",
    "it": "Ciao ⟦0⟧, la riunione è spostata a martedì alle 10.\n\nL'ordine del giorno è qui: ⟦1⟧",
    "pt": "Olá ⟦0⟧, a reunião foi transferida para terça-feira às 10h.\n\nA ordem do dia está aqui: ⟦1⟧",
    "nl": "Hallo ⟦0⟧, de vergadering is verplaatst naar dinsdag om 10 uur.\n\nDe agenda staat hier: ⟦1⟧",
}


class TranslateInput(SkillInput):
    text: Text = Field(description="The text to translate (plain text or Markdown).")
    target: str = Field(description="Target language: fr, en, de, es, it, pt or nl.")
    source: str | None = Field(None, description="Source language; detected when absent or 'auto'.")

    @field_validator("text")
    @classmethod
    def _text(cls, value: str) -> str:
        if len(value) > MAX_CHARS:
            raise InvalidRequest("text.too_long_chars", param="text", size=len(value), limit=MAX_CHARS)
        return tt.check_text(value)

    @field_validator("target")
    @classmethod
    def _target(cls, value: str) -> str:
        return tt.check_lang(value, param="target")  # type: ignore[return-value]

    @field_validator("source")
    @classmethod
    def _source(cls, value: str | None) -> str | None:
        return None if value in (None, "", "auto") else tt.check_lang(value, param="source")


class TranslateOutput(SkillOutput):
    text: str
    source: str | None = Field(description="Detected (or given) source language; None if unknown.")
    target: str
    chunks: int = 0
    complete: bool = Field(True, description="False when a URL, number or placeholder was lost, or a passage "
                           "left untranslated (see warnings).")
    warnings: list[str] = Field(default_factory=list)

    def view(self, lang: str) -> View:
        return View(text=self.text, warnings=self.warnings + ([] if self.complete else [t("cli.incomplete", lang)]))

# --- the document model -----------------------------------------------------------------------------
@dataclass
class Slot:
    text: str  # prose to translate, without its Markdown marker


Segment = str | Slot  # str: verbatim
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_MARKER = re.compile(r"^(\s*(?:(?:#{1,6}|>|[-*+]|\d{1,3}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?)+)(.*?)(\s*)$", re.S)
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_TABLE_RULE = re.compile(r"^[\s|:-]+$")


def parse(text: str) -> list[Segment]:
    """Verbatim strings and prose slots whose concatenation, untranslated, is the text itself."""
    segments: list[Segment] = []
    paragraph: list[str] = []
    fence = None
    for line in text.splitlines(keepends=True):
        if fence:
            segments.append(line)
            fence = None if line.strip().startswith(fence) else fence
            continue
        opening = _FENCE.match(line)
        if opening or not line.strip() or _TABLE_RULE.match(line) or _TABLE_ROW.match(line) or _MARKER.match(line):
            segments += _paragraph(paragraph)  # anything structural ends the paragraph before it
            paragraph = []
        if opening:
            fence = opening.group(1)
            segments.append(line)
        elif not line.strip() or _TABLE_RULE.match(line):
            segments.append(line)
        elif _TABLE_ROW.match(line):
            segments += _table_row(line)
        elif marker := _MARKER.match(line):
            prefix, body, end = marker.groups()
            segments += [prefix, Slot(body), end] if body.strip() else [line]
        else:
            paragraph.append(line)
    return segments + _paragraph(paragraph)


def _paragraph(lines: list[str]) -> list[Segment]:
    """Wrapped lines become one slot (a sentence cut by a line break would translate badly)."""
    if not lines:
        return []
    indent = lines[0][: len(lines[0]) - len(lines[0].lstrip())]
    end = "\n" if lines[-1].endswith("\n") else ""
    return [indent, Slot(" ".join(line.strip() for line in lines)), end]


def _table_row(line: str) -> list[Segment]:
    segments: list[Segment] = []
    for n, cell in enumerate(re.split(r"(\|)", line)):
        if n % 2 or not cell.strip():
            segments.append(cell)
        else:
            lead, trail = cell[: len(cell) - len(cell.lstrip())], cell[len(cell.rstrip()):]
            segments += [lead, Slot(cell.strip()), trail]
    return segments


def prepare_slots(segments: list[Segment], budget: int, count: tt.Counter) -> list[Segment]:
    """Slots with nothing to translate (a number, a URL) become verbatim; slots over budget are split
    into sentences."""
    out: list[Segment] = []
    for seg in segments:
        if isinstance(seg, Slot) and not any(c.isalpha() for c in tt.mask(seg.text).text.replace("⟦", "")):
            out.append(seg.text)
        elif isinstance(seg, Slot) and count(seg.text) > budget:
            for n, piece in enumerate(tt.split_unit(seg.text, budget, count)):
                out += ([" "] if n else []) + [Slot(piece)]
        else:
            out.append(seg)
    return out


# --- the skill --------------------------------------------------------------------------------------
class Translate(Skill):
    name = "translate"
    title = {"fr": "Traduire", "en": "Translate"}
    Input = TranslateInput
    Output = TranslateOutput
    face = SkillFace(
        order=30,
        label={"fr": "Traduire", "en": "Translate"},
        help={"fr": "Traduire un texte (langue source détectée).",
              "en": "Translate a text (source language detected)."},
        hint={"fr": "Le texte à traduire (ou déposez un fichier)…", "en": "The text to translate (or drop a file)…"},
        slash={"fr": ("traduire",), "en": ("translate",)},
        text_field="text",
        files=1,
        fields={
            "target": FieldFace(help={"fr": "Langue cible : " + " | ".join(tt.SUPPORTED) + ".",
                                      "en": "Target language: " + " | ".join(tt.SUPPORTED) + "."},
                                flags=("--to",), label={"fr": "Vers", "en": "To"}, choices=tt.SUPPORTED,
                                values=tt.language_names(), suggested="fr", slash_word=True,
                                default_by_lang={"fr": "en", "en": "fr"}),
            "source": FieldFace(help={"fr": "Langue source (par défaut : détectée).",
                                      "en": "Source language (default: detected)."}, flags=("--from",)),
        },
    )
    temperature = 0.1
    system = {
        "fr": "Tu es un traducteur professionnel. Tu traduis le texte de l'utilisateur dans la langue demandée.\n"
        "Règles :\n- Réponds uniquement par la traduction, sans commentaire.\n"
        "- Garde le même nombre de paragraphes, séparés par une ligne vide.\n"
        "- Recopie à l'identique les jetons comme ⟦0⟧ et tous les nombres.",
        "en": "You are a professional translator. You translate the user's text into the requested language.\n"
        "Rules:\n- Answer with the translation only, no comment.\n"
        "- Keep the same number of paragraphs, separated by a blank line.\n"
        "- Copy tokens like ⟦0⟧ and every number exactly.",
    }
    strict = {
        "fr": "\n\nAttention : recopie chaque jeton ⟦n⟧ et chaque nombre, et garde {count} paragraphe(s).",
        "en": "\n\nCareful: copy every ⟦n⟧ token and every number, and keep {count} paragraph(s).",
    }

    def ask(self, target: str, text: str) -> dict[str, str]:
        name = tt.lang_name(target, self.lang)
        head = {"fr": f"Traduis ce texte en {name} :", "en": f"Translate this text into {name}:"}[self.lang]
        return {"role": "user", "content": f"{head}\n\n{text}"}

    def render(self, data: TranslateInput, context: tuple[str, str] | None = None,
               text: str | None = None, source: str | None = None) -> list[dict[str, str]]:
        example_source = source if source in EXAMPLE and source != data.target else (
            "en" if data.target != "en" else "fr")
        messages = [self.system_prompt(), self.ask(data.target, EXAMPLE[example_source]),
                    {"role": "assistant", "content": EXAMPLE[data.target]}]
        if context:
            messages += [self.ask(data.target, context[0]), {"role": "assistant", "content": context[1]}]
        return messages + [self.ask(data.target, data.text if text is None else text)]

    def chunk_budget(self, data: TranslateInput) -> int:
        """Tokens of source per chunk c. Worst case in one call: the example, the previous pair (c and its
        translation, up to 2c), this chunk (c) and room for the answer (2c, French runs longer than
        English): 6c plus the fixed prompt and a margin for chat-template tokens."""
        overhead = sum(self.engine.count_tokens(m["content"]) for m in self.render(data, text="")) + 128
        context = self.engine.context_length or 4096
        return max(16, min(MAX_CHUNK_TOKENS, (context - overhead) // 6))

    def steps(self, data: TranslateInput) -> Iterator[Event]:
        source = data.source or tt.detect_language(data.text)
        if source == data.target:
            warning = t("skill.translate.same_language", self.lang, lang=tt.lang_name(source, self.lang))
            yield Delta(data.text)
            yield Result(TranslateOutput(text=data.text, source=source, target=data.target, warnings=[warning]))
            return
        budget = self.chunk_budget(data)
        count = functools.lru_cache(maxsize=8192)(self.engine.count_tokens)  # a local engine counts over HTTP
        segments = prepare_slots(parse(data.text), budget, count)
        slots = [seg for seg in segments if isinstance(seg, Slot)]
        groups = tt.pack([s.text for s in slots], budget, count)
        translated: list[str] = []
        warnings: list[str] = []
        context = None
        emitted = 0
        for n, group in enumerate(groups, 1):
            yield Progress(n, len(groups), t("skill.translate.progress", self.lang, step=n, total=len(groups)),
                           {"chunk": n, "chunks": len(groups)})
            outputs, context, problems = self.translate_group(data, group, context, source, n)
            translated += outputs
            warnings += problems
            ready, emitted = self.assemble(segments, translated, emitted)
            yield Delta(ready)
        tail, _ = self.assemble(segments, translated, emitted)
        if tail:  # a document without prose (only code) has had no chunk
            yield Delta(tail)
        yield Result(TranslateOutput(text=self.assemble(segments, translated, 0)[0], source=source,
                                     target=data.target, chunks=len(groups), complete=not warnings,
                                     warnings=warnings))

    @staticmethod
    def assemble(segments: list[Segment], translated: list[str], start: int) -> tuple[str, int]:
        """Text of segments[start:] up to the first slot not translated yet, and where it stopped."""
        parts, done = [], sum(isinstance(s, Slot) for s in segments[:start])
        for position in range(start, len(segments)):
            seg = segments[position]
            if isinstance(seg, Slot):
                if done >= len(translated):
                    return "".join(parts), position
                seg = translated[done]
                done += 1
            parts.append(seg)
        return "".join(parts), len(segments)

    def translate_group(self, data: TranslateInput, texts: list[str], context: tuple[str, str] | None,
                        source: str | None, chunk: int) -> tuple[list[str], tuple[str, str] | None, list[str]]:
        """Translate consecutive slots in one call. Returns their translations, the new context pair and
        warnings. If the model merges or splits paragraphs twice, fall back to one call per slot."""
        masked, originals = [], {}
        for text in texts:
            m = tt.mask(text, start=len(originals))
            masked.append(m.text)
            originals.update({len(originals) + i: o for i, o in enumerate(m.originals)})
        source_text = "\n\n".join(masked)
        best = None
        for strict in (False, True):
            parts, lost = self.attempt(data, source_text, len(texts), originals, context, source, strict)
            if parts is not None and (best is None or len(lost) <= len(best[1])):  # ties: the stricter try
                best = (parts, lost)
            if parts is not None and not lost:
                break
        if best is None and len(texts) == 1:  # nothing usable twice: keep the source, say so
            return texts, context, [t("skill.translate.untranslated", self.lang, chunk=chunk,
                                      start=texts[0][:40])]
        if best is None:  # paragraph count never matched: one slot at a time
            results = [self.translate_group(data, [text], context, source, chunk) for text in texts]
            return ([out for r in results for out in r[0]], results[-1][1],
                    [warning for r in results for warning in r[2]])
        parts, lost = best
        warnings = [t("skill.translate.lost", self.lang, chunk=chunk, items=", ".join(lost))] if lost else []
        return [tt.unmask(p, originals) for p in parts], (source_text, "\n\n".join(parts)), warnings

    def attempt(self, data: TranslateInput, source_text: str, expected: int, originals: dict[int, str],
                context: tuple[str, str] | None, source: str | None,
                strict: bool) -> tuple[list[str] | None, list[str]]:
        """One try: the reply split in `expected` non-empty paragraphs (None if it is not), and what it lost."""
        text = source_text + (self.strict[self.lang].format(count=expected) if strict else "")
        options = {"temperature": 0.0} if strict else {}
        reply = self.complete(self.render(data, context, text, source),
                              max_tokens=2 * self.engine.count_tokens(source_text) + 64, **options)
        parts = self.split_reply(reply, expected)
        if parts is None:
            return None, []
        return parts, tt.lost_items(source_text, "\n\n".join(parts), originals)

    @staticmethod
    def split_reply(reply: str, expected: int) -> list[str] | None:
        """The reply's paragraphs, if there are `expected` of them. A slot is one paragraph, so for one
        slot, extra paragraphs are the model's notes. Chatter ('Here is the translation:') is dropped,
        but with several slots only if the raw reply has the wrong shape: a translation may start 'Voici'."""
        if expected == 1:
            parts = tt.split_paragraphs(tt.clean_reply(reply))
            return parts[:1] or None
        for text in (reply, tt.clean_reply(reply)):
            parts = tt.split_paragraphs(text)
            if len(parts) == expected:
                return parts
        return None
