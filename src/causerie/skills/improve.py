"""improve: proofread (spelling, grammar, punctuation) or rewrite (clarity, register) a text.

Returns the new text with a readable diff: a list of changes {before, after, kind} and inline/unified
diff strings. Small models sometimes "improve" a French text by translating it to English: the input
and output languages are detected, a mismatch triggers one retry with a stronger instruction, and a
second mismatch returns the original text with `language_changed` set.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from causerie import text as tt
from causerie.errors import InvalidRequest
from causerie.i18n import t
from causerie.skills.base import Delta, Event, Progress, Result, Skill, SkillInput, SkillOutput, Text
from causerie.skills.face import FieldFace, SkillFace, View

EXAMPLES = {  # (mode, prompt language) -> (text, improved text)
    ("proofread", "fr"): ("je suis allé au marché hier et j'ai acheter des pomme , mais il pleuvait",
                          "Je suis allé au marché hier et j'ai acheté des pommes, mais il pleuvait."),
    ("proofread", "en"): ("their going to the park tomorow , if it dont rain",
                          "They're going to the park tomorrow, if it doesn't rain."),
    ("rewrite", "fr"): ("En fait la réunion elle a été décalée parce que y avait pas assez de monde qui "
                        "pouvait venir donc c'est jeudi.",
                        "La réunion a été reportée à jeudi, car trop peu de participants étaient disponibles."),
    ("rewrite", "en"): ("So basically the meeting got moved because not enough people could come so it's "
                        "Thursday now.",
                        "The meeting has been moved to Thursday, as too few people were available."),
}


class ImproveInput(SkillInput):
    text: Text = Field(description="The text to improve.")
    mode: Literal["proofread", "rewrite"] = Field("proofread", description="Fix errors only, or rewrite.")
    tone: Literal["keep", "formal", "friendly"] = Field("keep", description="Register (tone) of the result.")

    @field_validator("text")
    @classmethod
    def _text(cls, value: str) -> str:
        return tt.check_text(value)


class Change(BaseModel):
    before: str
    after: str
    kind: Literal["spelling", "punctuation", "grammar", "wording"]


class ImproveOutput(SkillOutput):
    text: str
    changes: list[Change] = Field(default_factory=list)
    diff: str = Field("", description="Inline word diff: [-removed-]{+added+}.")
    unified: str = Field("", description="Unified line diff.")
    lang: str | None = Field(None, description="Detected language of the text.")
    language_changed: bool = Field(False, description="True when the model kept translating: original returned.")
    warnings: list[str] = Field(default_factory=list)

    def view(self, lang: str) -> View:
        warnings = self.warnings or ([t("cli.language_changed", lang)] if self.language_changed else [])
        return View(text=self.text, diff=self.diff, diff_style="inline", warnings=warnings)

class Improve(Skill):
    name = "improve"
    title = {"fr": "Améliorer un texte", "en": "Improve a text"}
    Input = ImproveInput
    Output = ImproveOutput
    face = SkillFace(
        order=20,
        label={"fr": "Améliorer", "en": "Improve"},
        help={"fr": "Corriger ou réécrire un texte, avec le détail des changements.",
              "en": "Proofread or rewrite a text, with what changed."},
        hint={"fr": "Le texte à relire ou réécrire…", "en": "The text to proofread or rewrite…"},
        slash={"fr": ("améliorer", "corriger"), "en": ("improve",)},
        text_field="text",
        fields={
            "mode": FieldFace(help={"fr": "Corriger les fautes seulement, ou réécrire.",
                                    "en": "Fix errors only, or rewrite."}, label={"fr": "Mode", "en": "Mode"},
                              values={"proofread": {"fr": "Relecture", "en": "Proofread"},
                                      "rewrite": {"fr": "Réécriture", "en": "Rewrite"}}),
            "tone": FieldFace(help={"fr": "Registre du résultat (keep : celui du texte).",
                                    "en": "Register of the result (keep: the text's own)."}),
        },
    )
    temperature = 0.1
    system = {
        "fr": "Tu es correcteur et rédacteur. Tu améliores le texte de l'utilisateur.\nRègles :\n"
        "- Garde le sens et les informations, sans rien ajouter.\n"
        "- Garde la langue du texte : ne traduis jamais.\n"
        "- Réponds uniquement par le texte amélioré, sans explication ni guillemets.",
        "en": "You are a proofreader and editor. You improve the user's text.\nRules:\n"
        "- Keep the meaning and the facts, add nothing.\n"
        "- Keep the language of the text: never translate.\n"
        "- Answer with the improved text only, no explanation, no quotes.",
    }
    asks = {
        "fr": {"proofread": "Corrige l'orthographe, la grammaire et la ponctuation de ce texte en {lang}, "
               "sans changer les mots corrects :",
               "rewrite": "Réécris ce texte en {lang} pour qu'il soit plus clair et plus fluide :",
               "formal": " Adopte un registre soutenu (vouvoiement).",
               "friendly": " Adopte un ton chaleureux et simple.",
               "strict": "\n\nIMPORTANT : le texte est en {lang}. Ta réponse doit être en {lang}. Ne traduis pas."},
        "en": {"proofread": "Fix the spelling, grammar and punctuation of this {lang} text, without changing "
               "correct words:",
               "rewrite": "Rewrite this {lang} text so that it is clearer and reads well:",
               "formal": " Use a formal register.",
               "friendly": " Use a warm, simple tone.",
               "strict": "\n\nIMPORTANT: the text is in {lang}. Your answer must be in {lang}. Do not translate."},
    }

    def ask(self, data: ImproveInput, plang: str, lang: str, text: str, strict: bool = False) -> dict[str, str]:
        asks = self.asks[plang]
        name = tt.lang_name(lang, plang)
        ask = asks[data.mode].format(lang=name) + (asks[data.tone] if data.tone != "keep" else "")
        return {"role": "user", "content": f"{ask}\n\n{text}" + (asks["strict"].format(lang=name) if strict else "")}

    def render(self, data: ImproveInput, lang: str | None = None, strict: bool = False) -> list[dict[str, str]]:
        lang = lang or tt.detect_language(data.text) or self.lang
        plang = tt.prompt_lang(lang, self.lang)
        example, improved = EXAMPLES[(data.mode, plang)]
        return [{"role": "system", "content": self.system[plang]}, self.ask(data, plang, plang, example),
                {"role": "assistant", "content": improved}, self.ask(data, plang, lang, data.text, strict)]

    def check_size(self, data: ImproveInput, lang: str) -> int:
        """The answer is about as long as the text: both must fit the context. Returns max_tokens."""
        context = self.engine.context_length or 4096
        prompt = sum(self.engine.count_tokens(m["content"]) for m in self.render(data, lang))
        text = self.engine.count_tokens(data.text)
        answer = int(text * 1.3) + 64
        if prompt + answer > context:
            limit = max(0, (context - (prompt - text) - 64) * 10 // 23)
            raise InvalidRequest("text.too_long", param="text", tokens=text, limit=limit)
        return answer

    def steps(self, data: ImproveInput) -> Iterator[Event]:
        source = tt.detect_language(data.text)
        lang = source or self.lang
        max_tokens = self.check_size(data, lang)
        yield Progress(1, 1, t("skill.improve.progress", self.lang))
        warnings: list[str] = []
        for strict in (False, True):
            options = {"temperature": 0.0} if strict else {}
            text = tt.clean_reply(self.complete(self.render(data, lang, strict), max_tokens=max_tokens, **options))
            output = tt.detect_language(text) if source and text else None
            same = source is None or output in (None, source)  # unsure counts as same: no false alarms
            if text and same:
                break
            names = {"source": tt.lang_name(lang, self.lang), "output": tt.lang_name(output or lang, self.lang)}
            if strict:
                text = data.text  # better the text unchanged than translated
                warnings += [] if same else [t("skill.improve.language_changed", self.lang, **names)]
            elif not same:
                yield Progress(1, 1, t("skill.improve.retry_language", self.lang, **names))
        yield Delta(text)
        yield Result(self.finish(data.text, text, source, warnings))

    @staticmethod
    def finish(original: str, text: str, lang: str | None, warnings: list[str]) -> ImproveOutput:
        changes, inline = tt.word_diff(original, text)
        return ImproveOutput(text=text, changes=[Change(**vars(c)) for c in changes], diff=inline,
                             unified=tt.unified_diff(original, text), lang=lang,
                             language_changed=bool(warnings), warnings=warnings)

    def postprocess(self, text: str, data: ImproveInput) -> ImproveOutput:
        return self.finish(data.text, tt.clean_reply(text), tt.detect_language(data.text), [])
