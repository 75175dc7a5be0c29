"""summarize: a summary in one line, a paragraph or bullet points, in the text's language or another.

Plain text, Markdown and HTML are accepted (HTML is reduced to its text; scripts and styles dropped).
A text that does not fit the model's context is summarized map-reduce style: each chunk gets a partial
summary, then the partial summaries are summarized, recursively if they still do not fit. A text so long
that this would need more than `fan_in` chunks is refused with the limit named.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from typing import Literal

from pydantic import Field, field_validator

from causerie import text as tt
from causerie.errors import InvalidRequest
from causerie.i18n import number, t
from causerie.skills.base import Event, Progress, Result, Skill, SkillInput, SkillOutput, Text
from causerie.skills.face import FieldFace, SkillFace

Length = Literal["line", "paragraph", "bullets"]
ANSWER_TOKENS = {"line": 80, "paragraph": 300, "bullets": 300}
PARTIAL_TOKENS = 160  # a partial summary's budget (about 100 words); it also sets the reduce step's fan-in
MARGIN = 32  # tokens kept free: chat template tokens are not in count_tokens
MAX_LEVELS = 4
# No real prose averages more characters a token. A text this many times longer than the limit is refused
# before it is counted: counting a 40 MB file takes the local engine a minute, to say no at the end.
CHARS_PER_TOKEN_MAX = 8

EXAMPLE = {  # one short example text, so the model sees the expected shape of each length
    "fr": ("La mairie de Lyon a annoncé lundi l'ouverture de trois nouvelles pistes cyclables d'ici juin. "
           "Le projet coûtera 2 millions d'euros. Les commerçants du centre craignent une baisse de la "
           "fréquentation, tandis que les associations de cyclistes saluent une avancée attendue depuis 2019.",
           {"line": "Lyon ouvrira trois pistes cyclables d'ici juin, pour 2 millions d'euros.",
            "paragraph": "La mairie de Lyon ouvrira trois nouvelles pistes cyclables d'ici juin, pour un coût "
            "de 2 millions d'euros. Les associations de cyclistes s'en réjouissent, mais les commerçants du "
            "centre redoutent une baisse de fréquentation.",
            "bullets": "- Trois nouvelles pistes cyclables à Lyon d'ici juin.\n- Coût : 2 millions d'euros.\n"
            "- Les cyclistes saluent le projet, les commerçants du centre s'inquiètent."}),
    "en": ("Lyon city hall announced on Monday that three new cycle lanes will open by June. The project "
           "will cost 2 million euros. Shopkeepers in the centre fear fewer customers, while cycling groups "
           "welcome a step they have awaited since 2019.",
           {"line": "Lyon will open three cycle lanes by June, for 2 million euros.",
            "paragraph": "Lyon city hall will open three new cycle lanes by June, at a cost of 2 million "
            "euros. Cycling groups welcome the project, but shopkeepers in the centre fear fewer customers.",
            "bullets": "- Three new cycle lanes in Lyon by June.\n- Cost: 2 million euros.\n"
            "- Cyclists welcome the project; shopkeepers in the centre are worried."}),
}


class SummarizeInput(SkillInput):
    text: Text = Field(description="The text to summarize: plain text, Markdown or HTML.")
    format: Literal["auto", "text", "markdown", "html"] = Field("auto", description="How to read `text`.")
    length: Length = Field("paragraph", description="One line, a paragraph, or bullet points.")
    lang: str | None = Field(None, description="Language of the summary (default: the text's language).")

    @field_validator("text")
    @classmethod
    def _text(cls, value: str) -> str:
        return tt.check_text(value)

    @field_validator("lang")
    @classmethod
    def _lang(cls, value: str | None) -> str | None:
        return tt.check_lang(value)


class SummarizeOutput(SkillOutput):
    text: str
    bullets: list[str] = Field(default_factory=list, description="The points, when length is 'bullets'.")
    lang: str
    chunks: int = Field(1, description="Parts the text was cut into (1: summarized in one pass).")
    levels: int = Field(0, description="Reduce levels of the map-reduce (0: one pass).")


class Summarize(Skill):
    name = "summarize"
    title = {"fr": "Résumer", "en": "Summarize"}
    Input = SummarizeInput
    Output = SummarizeOutput
    face = SkillFace(
        order=40,
        label={"fr": "Résumer", "en": "Summarize"},
        help={"fr": "Résumer un texte ou un fichier (.txt, .md, .html).",
              "en": "Summarize a text or a file (.txt, .md, .html)."},
        hint={"fr": "Le texte à résumer (ou déposez un fichier)…", "en": "The text to summarize (or drop a file)…"},
        slash={"fr": ("résumer",), "en": ("summarize",)},
        text_field="text",
        files=2,
        fields={
            "length": FieldFace(help={"fr": "Une ligne, un paragraphe ou des points clés.",
                                      "en": "One line, a paragraph or key points."},
                                label={"fr": "Longueur", "en": "Length"},
                                values={"line": {"fr": "Une ligne", "en": "One line"},
                                        "paragraph": {"fr": "Un paragraphe", "en": "A paragraph"},
                                        "bullets": {"fr": "Points clés", "en": "Key points"}}),
            "lang": FieldFace(help={"fr": "Langue du résumé (par défaut : celle du texte).",
                                    "en": "Language of the summary (default: the text's)."}, flags=("--to",)),
            "format": FieldFace(help={"fr": "Comment lire le texte (auto : d'après le fichier ou le contenu).",
                                      "en": "How to read the text (auto: from the file or the content)."},
                                from_suffix={".html": "html", ".htm": "html", ".md": "markdown"}),
        },
    )
    temperature = 0.2
    max_tokens = 300
    system = {
        "fr": "Tu résumes des textes. Tu gardes l'essentiel : qui, quoi, quand, les chiffres. Tu n'inventes "
        "rien et tu ne donnes pas ton avis. Tu réponds uniquement par le résumé.",
        "en": "You summarize texts. You keep what matters: who, what, when, the figures. You invent nothing "
        "and give no opinion. You answer with the summary only.",
    }
    asks = {
        "fr": {"line": "Résume ce texte en {lang}, en une seule phrase courte.",
               "paragraph": "Résume ce texte en {lang}, en un paragraphe de 2 à 4 phrases.",
               "bullets": "Résume ce texte en {lang}, en 3 à 5 puces qui commencent par « - ».",
               "partial": "Résume ce passage en {lang}, en quelques phrases. Garde les noms, les dates et "
               "les chiffres.",
               "reduce": "Voici les résumés, dans l'ordre, des parties d'un même document."},
        "en": {"line": "Summarize this text in {lang}, in one short sentence.",
               "paragraph": "Summarize this text in {lang}, in one paragraph of 2 to 4 sentences.",
               "bullets": "Summarize this text in {lang}, in 3 to 5 bullet points starting with '- '.",
               "partial": "Summarize this passage in {lang}, in a few sentences. Keep names, dates and "
               "figures.",
               "reduce": "Here are the summaries, in order, of the parts of one document."},
    }

    def ask(self, plang: str, lang: str, kind: str, text: str, reduce: bool = False) -> dict[str, str]:
        """The text first, the instruction last: small models follow the latest words best."""
        label = {"fr": "Texte", "en": "Text"}[plang]
        ask = self.asks[plang][kind].format(lang=tt.lang_name(lang, plang))
        if reduce:
            ask = f"{self.asks[plang]['reduce']} {ask}"
        return {"role": "user", "content": f"{label} :\n{text}\n\n{ask}" if plang == "fr" else
                f"{label}:\n{text}\n\n{ask}"}

    def render(self, data: SummarizeInput, text: str | None = None, kind: str | None = None,
               lang: str | None = None, reduce: bool = False) -> list[dict[str, str]]:
        lang = lang or data.lang or self.lang
        plang = tt.prompt_lang(lang, self.lang)
        kind = kind or data.length
        example, summaries = EXAMPLE[plang]
        shot = summaries["paragraph" if kind == "partial" else kind]
        return [{"role": "system", "content": self.system[plang]},
                self.ask(plang, plang, kind, example), {"role": "assistant", "content": shot},
                self.ask(plang, lang, kind, data.text if text is None else text, reduce)]

    # --- planning ----------------------------------------------------------------------------------
    def budget(self, data: SummarizeInput, lang: str) -> int:
        """Tokens of source text one call can take: the context, minus the prompt and the answer."""
        context = self.engine.context_length or 4096
        overhead = max(sum(self.engine.count_tokens(m["content"]) for m in self.render(data, "", kind, lang))
                       for kind in (data.length, "partial"))
        budget = context - overhead - max(ANSWER_TOKENS[data.length], PARTIAL_TOKENS) - MARGIN
        if budget < 2 * PARTIAL_TOKENS:
            raise InvalidRequest("skill.summarize.context_too_small", param="text", context=context)
        return budget

    def check_size(self, tokens: int, budget: int) -> None:
        """One map level and one reduce level must suffice: input <= budget x fan-in."""
        fan_in = self.fan_in(budget)
        if tokens > budget * fan_in:
            raise InvalidRequest("skill.summarize.too_long", param="text", tokens=tokens, limit=budget * fan_in,
                                 budget=budget, fan_in=fan_in, context=self.engine.context_length or 4096)

    @staticmethod
    def fan_in(budget: int) -> int:
        """Partial summaries one reduce call can take."""
        return budget // (PARTIAL_TOKENS + 2)

    def count_text(self, text: str, budget: int, count: Callable[[str], int]) -> int:
        """The text's tokens, refused at once (estimated from its length) when it is far too long."""
        if len(text) > budget * self.fan_in(budget) * CHARS_PER_TOKEN_MAX:
            self.check_size(len(text) // 4, budget)  # "about": French and English prose run ~4 chars a token
        tokens = count(text)
        self.check_size(tokens, budget)
        return tokens

    # --- running -----------------------------------------------------------------------------------
    def steps(self, data: SummarizeInput) -> Iterator[Event]:
        # Outside the step count (total 0): what happens before the first part, which can take a while.
        yield Progress(0, 0, t("skill.summarize.reading", self.lang, chars=number(len(data.text), self.lang)))
        text = self.plain_text(data)
        lang = data.lang or tt.detect_language(text[:20_000]) or self.lang  # the opening tells the language
        budget = self.budget(data, lang)
        count = functools.lru_cache(maxsize=8192)(self.engine.count_tokens)  # a local engine counts over HTTP
        tokens = self.count_text(text, budget, count)
        if tokens > budget:
            yield Progress(0, 0, t("skill.summarize.splitting", self.lang, tokens=number(tokens, self.lang),
                                   budget=number(budget, self.lang)))
        chunks, levels = 1, 0
        while count(text) > budget and levels < MAX_LEVELS:  # map (then reduce) until it fits one call
            parts = tt.chunk_text(text, budget, count)
            chunks = len(parts) if levels == 0 else chunks
            partials = yield from self.summarize_parts(data, parts, lang, levels)
            text, levels = "\n\n".join(partials), levels + 1
        if levels:  # the last step of the last level's count
            total = len(partials) + 1
            yield Progress(total, total, t("skill.summarize.progress_reduce", self.lang, count=len(partials),
                                           level=levels), {"level": levels, "chunk": total, "chunks": total})
        messages = self.render(data, text, data.length, lang, reduce=levels > 0)
        summary = yield from self.generate(messages, max_tokens=ANSWER_TOKENS[data.length])
        yield Result(self.finish(summary, data, lang, chunks, levels))

    def summarize_parts(self, data: SummarizeInput, parts: list[str], lang: str, level: int) -> Iterator[Event]:
        partials = []
        for n, part in enumerate(parts, 1):
            total = len(parts) + 1  # the parts, then their synthesis
            yield Progress(n, total, t("skill.summarize.progress_map", self.lang, step=n, total=len(parts)),
                           {"level": level, "chunk": n, "chunks": len(parts)})
            reply = self.complete(self.render(data, part, "partial", lang, reduce=level > 0),
                                  max_tokens=PARTIAL_TOKENS)
            partials.append(tt.clean_reply(reply) or part[:400])  # an empty answer must not lose the part
        return partials

    @staticmethod
    def plain_text(data: SummarizeInput) -> str:
        is_html = data.format == "html" or (data.format == "auto" and tt.looks_like_html(data.text))
        text = tt.html_to_text(data.text) if is_html else data.text
        return tt.check_text(text)  # a page of scripts only has no text left

    def finish(self, summary: str, data: SummarizeInput, lang: str, chunks: int, levels: int) -> SummarizeOutput:
        text = tt.clean_reply(summary)
        bullets: list[str] = []
        if data.length == "bullets":
            bullets = [re.sub(r"^\s*(?:[-*•]|\d+[.)])\s*", "", line).strip() for line in text.splitlines()]
            bullets = [b for b in bullets if b] or tt.split_sentences(text)
            text = "\n".join(f"- {b}" for b in bullets)
        elif data.length == "line":
            text = tt.trim_unfinished(" ".join(tt.split_paragraphs(text)[:1]).replace("\n", " "))
        else:
            text = tt.trim_unfinished(text)
        return SummarizeOutput(text=text, bullets=bullets, lang=lang, chunks=chunks, levels=levels)

    def postprocess(self, text: str, data: SummarizeInput) -> SummarizeOutput:
        return self.finish(text, data, data.lang or self.lang, 1, 0)
