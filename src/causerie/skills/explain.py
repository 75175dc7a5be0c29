"""explain: explain code in the user's language. The template of a single-generation skill."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import Field

from causerie.skills.base import Event, Skill, SkillInput, SkillOutput, Text
from causerie.skills.code_tools import require_code
from causerie.skills.face import FieldFace, SkillFace


class ExplainInput(SkillInput):
    code: Text = Field(min_length=1, max_length=100_000, description="The code to explain.")
    language: str = Field("python", description="Programming language of the code.")
    level: Literal["beginner", "expert"] = Field("beginner", description="Who the explanation is for.")
    lang: Literal["fr", "en"] | None = Field(None, description="Language of the explanation (default: UI).")


class ExplainOutput(SkillOutput):
    text: str
    lang: str = Field(description="Language of the explanation.")


# The shape of the answer comes after the code: a small model follows the last instruction it read best,
# and named parts keep it from drifting into an introduction, a rewrite or a repeated summary.
SHAPE = {
    "fr": "Réponds en français, en {words} mots au plus, avec exactement ces trois parties :\n"
    "**En bref** : une phrase qui dit ce que fait le code.\n"
    "**Étape par étape** : une liste numérotée courte.\n"
    "**Pièges** : un à trois points, seulement s'ils sont réels.\n"
    "Pas d'introduction, et ne réécris pas le code.",
    "en": "Answer in English, in at most {words} words, with exactly these three parts:\n"
    "**In short**: one sentence saying what the code does.\n"
    "**Step by step**: a short numbered list.\n"
    "**Pitfalls**: one to three points, only real ones.\n"
    "No introduction, and do not rewrite the code.",
}
AUDIENCE = {"beginner": {"fr": "un débutant", "en": "a beginner"},
            "expert": {"fr": "un développeur expérimenté", "en": "an experienced developer"}}


class Explain(Skill):
    name = "explain"
    title = {"fr": "Expliquer du code", "en": "Explain code"}
    Input = ExplainInput
    Output = ExplainOutput
    face = SkillFace(
        order=90,
        label={"fr": "Expliquer", "en": "Explain"},
        help={"fr": "Expliquer du code.", "en": "Explain code."},
        hint={"fr": "Collez le code à expliquer…", "en": "Paste the code to explain…"},
        slash={"fr": ("expliquer",), "en": ("explain",)},
        text_field="code",
        fields={
            "language": FieldFace(help={"fr": "Langage de programmation du code.",
                                        "en": "Programming language of the code."}, flags=("--language", "-l")),
            "level": FieldFace(help={"fr": "Pour qui est l'explication.", "en": "Who the explanation is for."},
                               label={"fr": "Niveau", "en": "Level"},
                               values={"beginner": {"fr": "Débutant", "en": "Beginner"},
                                       "expert": {"fr": "Expert", "en": "Expert"}}),
            "lang": FieldFace(help={"fr": "Langue de l'explication : fr | en.",
                                    "en": "Language of the explanation: fr | en."}, flags=("--to",)),
        },
    )
    max_tokens = 800  # about 250 words in French, with room to finish the last point
    frequency_penalty = 0.2  # long explanations looped on one line; code names still repeat freely at 0.2
    system = {
        "fr": "Tu es un professeur de programmation patient et précis. Tu expliques du code en français "
        "clair, sans inventer ce que le code ne fait pas.",
        "en": "You are a patient, precise programming teacher. You explain code in plain English, without "
        "inventing what the code does not do.",
    }

    def render(self, data: ExplainInput) -> list[dict[str, str]]:
        lang = data.lang or self.lang
        ask = {"fr": f"Explique ce code {data.language} à {AUDIENCE[data.level]['fr']} :",
               "en": f"Explain this {data.language} code to {AUDIENCE[data.level]['en']}:"}[lang]
        shape = SHAPE[lang].format(words=200 if data.level == "beginner" else 120)
        system = {"role": "system", "content": self.system[lang]}
        return [system, {"role": "user", "content": f"{ask}\n\n```{data.language}\n{data.code.rstrip()}\n```\n\n"
                                                    f"{shape}"}]

    def postprocess(self, text: str, data: ExplainInput) -> ExplainOutput:
        return ExplainOutput(text=text.strip(), lang=data.lang or self.lang)

    def steps(self, data: ExplainInput) -> Iterator[Event]:
        require_code(data.code, "code", self.lang, python=False)  # blank code: a clear error, not a lecture
        yield from super().steps(data)
