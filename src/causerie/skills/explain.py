"""explain: explain code in the user's language. The template of a single-generation skill."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from causerie.skills.base import Skill, SkillInput, SkillOutput


class ExplainInput(SkillInput):
    code: str = Field(min_length=1, max_length=100_000, description="The code to explain.")
    language: str = Field("python", description="Programming language of the code.")
    level: Literal["beginner", "expert"] = Field("beginner", description="Who the explanation is for.")
    lang: Literal["fr", "en"] | None = Field(None, description="Language of the explanation (default: UI).")


class ExplainOutput(SkillOutput):
    text: str


class Explain(Skill):
    name = "explain"
    title = {"fr": "Expliquer du code", "en": "Explain code"}
    Input = ExplainInput
    Output = ExplainOutput
    system = {
        "fr": "Tu es un professeur de programmation patient. Tu expliques du code en français clair : "
        "d'abord ce que fait le code en une phrase, puis comment il le fait, étape par étape, puis les "
        "pièges éventuels. Tu ne réécris pas le code.",
        "en": "You are a patient programming teacher. You explain code in plain English: first what the code "
        "does in one sentence, then how, step by step, then any pitfalls. You do not rewrite the code.",
    }

    def render(self, data: ExplainInput) -> list[dict[str, str]]:
        lang = data.lang or self.lang
        audience = {"beginner": {"fr": "un débutant", "en": "a beginner"},
                    "expert": {"fr": "un développeur expérimenté", "en": "an experienced developer"}}
        ask = {"fr": f"Explique ce code {data.language} à {audience[data.level]['fr']}, en français :",
               "en": f"Explain this {data.language} code to {audience[data.level]['en']}, in English:"}[lang]
        system = {"role": "system", "content": self.system[lang]}
        return [system, {"role": "user", "content": f"{ask}\n\n```{data.language}\n{data.code}\n```"}]
