"""story: a story for a child of a given age (2 to 12), with a title, to be read aloud.

Safety has two layers: the system prompt's rules, then a small per-language word list checked on the
result; a hit triggers one regeneration with a stricter instruction, and a second hit is reported
(`safe` false, with the words) rather than silently passed on. The text is not streamed, since what a
child hears must be checked first. Markdown is removed: the text will be spoken. No few-shot example
here, unlike the other skills: small models copied its characters and title into every story; an
explicit answer template gives the format without content to copy.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Literal

from pydantic import Field, field_validator

from causerie import text as tt
from causerie.errors import InvalidRequest
from causerie.i18n import t
from causerie.skills.base import Delta, Event, Progress, Result, Skill, SkillInput, SkillOutput
from causerie.skills.face import FieldFace, SkillFace, View

MAX_CHARACTERS = 6
WORDS = {"short": 150, "medium": 300, "long": 550}
PARAGRAPHS = {"short": 3, "medium": 5, "long": 8}  # small models follow a paragraph count better than words
# Whole words (accents and case ignored) that have no place in a story for a small child. Kept short on
# purpose: it is a tripwire for a regeneration, not a classifier.
UNSAFE = {
    "fr": """tuer tue tua tué tuée tués meurtre meurtrier assassin assassiner assassiné cadavre cadavres sang
        sanglant sanglante pistolet fusil fusils arme armes couteau poignard drogue drogues alcool ivre
        cigarette sexe sexuel suicide bombe torture viol violer merde putain con connard salaud
        salope crever crevé égorger décapiter""",
    "en": """kill kills killed killing killer murder murdered murderer corpse corpses blood bloody gun guns
        pistol rifle weapon weapons knife knives dagger drug drugs alcohol drunk beer cigarette sex sexual
        naked suicide bomb torture rape shit fuck fucking bitch bastard damn behead""",
}
_TITLE = re.compile(r"^\W*(?:titre|title)\s*:\s*(.+?)[\s*_#]*$", re.I)
_TITLE_ALONE = re.compile(r"^\W*(?:titre|title)\s*:[\s*_#]*$", re.I)
_HEADING = re.compile(r"^\s*#{1,6}\s*(.+?)\s*$|^\s*\*\*(.+?)\*\*\s*$")


def split_title(lines: list[str]) -> tuple[str | None, list[str]]:
    """The title the first non-empty line gives ("Title: …", "Title:" then the title on the next line, a
    Markdown heading or a bold line), and the lines after it; (None, lines) when it gives none."""
    for n, line in enumerate(lines):
        if not line.strip():
            continue
        if _TITLE_ALONE.match(line) and n + 1 < len(lines) and lines[n + 1].strip():
            return tt.strip_markdown(lines[n + 1], pauses=False).strip(" \"«»<>"), lines[n + 2:]
        match = _TITLE.match(line) or _HEADING.match(line)
        if match:
            found = next(group for group in match.groups() if group)
            return tt.strip_markdown(found, pauses=False).strip(" \"«»<>"), lines[n + 1:]
        break
    return None, lines


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text.lower()) if not unicodedata.combining(c))


UNSAFE_WORDS = {lang: {_fold(w) for w in words.split()} for lang, words in UNSAFE.items()}


def unsafe_words(text: str) -> list[str]:
    """Listed words found in `text`, in any of the lists (a story may mix languages)."""
    words = set(re.findall(r"\w+", _fold(text)))
    return sorted(words & set().union(*UNSAFE_WORDS.values()))


class StoryInput(SkillInput):
    age: int = Field(description="Age of the child, 2 to 12.", json_schema_extra={"minimum": 2, "maximum": 12})
    length: Literal["short", "medium", "long"] = Field("short", description="About 150, 300 or 550 words.")
    characters: list[str] = Field(default_factory=list, description="Names (and what they are).")
    theme: str | None = Field(None, max_length=300, description="What the story is about.")
    place: str | None = Field(None, max_length=200, description="Where it happens.")
    lang: str | None = Field(None, description="fr or en (default: the interface language).")

    @field_validator("age")
    @classmethod
    def _age(cls, value: int) -> int:
        if not 2 <= value <= 12:
            raise InvalidRequest("skill.story.age", param="age", age=value)
        return value

    @field_validator("characters")
    @classmethod
    def _characters(cls, value: list[str]) -> list[str]:
        names = [name.strip() for name in value if name.strip()]
        if len(names) > MAX_CHARACTERS or any(len(name) > 80 for name in names):
            raise InvalidRequest("skill.story.characters", param="characters", limit=MAX_CHARACTERS)
        return names

    @field_validator("lang")
    @classmethod
    def _lang(cls, value: str | None) -> str | None:
        return tt.check_lang(value, allowed=("fr", "en"))


class StoryOutput(SkillOutput):
    title: str
    text: str = Field(description="Plain text, no Markdown: it is meant to be read aloud.")
    lang: str
    safe: bool = Field(True, description="False when the word check still fired after one regeneration.")
    regenerated: bool = False
    warnings: list[str] = Field(default_factory=list)

    def view(self, lang: str) -> View:
        return View(title=self.title, text=self.text, warnings=self.warnings + ([] if self.safe else
                                                                               [t("cli.unsafe", lang)]))

class Story(Skill):
    name = "story"
    title = {"fr": "Histoire pour enfant", "en": "Children's story"}
    Input = StoryInput
    Output = StoryOutput
    face = SkillFace(
        order=50,
        label={"fr": "Histoire", "en": "Story"},
        help={"fr": "Inventer une histoire pour un enfant.", "en": "Invent a story for a child."},
        hint={"fr": "De quoi parle l'histoire ? par ex. « un renard et une luciole »",
              "en": "What is the story about? e.g. 'a fox and a firefly'"},
        slash={"fr": ("histoire",), "en": ("story",)},
        text_field="theme",
        read_aloud=True,
        fields={
            "theme": FieldFace(help={"fr": "Le sujet de l'histoire.", "en": "What the story is about."}),
            "age": FieldFace(help={"fr": "Âge de l'enfant (de 2 à 12 ans).", "en": "Age of the child (2-12)."},
                             label={"fr": "Âge", "en": "Age"}, choices=(6, 4, 8, 10, 12), suggested=6,
                             value_format={"fr": "{value} ans", "en": "{value} years old"}),
            "length": FieldFace(help={"fr": "Environ 150, 300 ou 550 mots.", "en": "About 150, 300 or 550 words."}),
            "characters": FieldFace(help={"fr": "Un personnage (répétable).", "en": "A character (repeatable)."},
                                    flags=("--character", "-c")),
            "place": FieldFace(help={"fr": "Le lieu où se passe l'histoire.", "en": "Where the story takes place."}),
            "lang": FieldFace(help={"fr": "Langue : fr | en.", "en": "Language: fr | en."}, flags=("--to",)),
        },
    )
    temperature = 0.8
    # Without it the default model ended a 5-year-old's story by repeating one sentence three times;
    # 0.6 stopped that too but lost the thread (bench/skill_examples.py, docs/skills.md).
    frequency_penalty = 0.3
    system = {
        "fr": "Tu écris des histoires pour enfants, à lire à voix haute.\nRègles :\n"
        "- Une histoire douce et rassurante : pas de violence, de mort, d'arme, de peur intense, de mots "
        "grossiers, d'alcool ni de drogue.\n- Les problèmes se résolvent par l'entraide et la gentillesse.\n"
        "- Des phrases adaptées à l'âge de l'enfant.\n"
        "- Première ligne : « Titre : … », puis une ligne vide, puis l'histoire en texte simple, sans "
        "Markdown ni liste.",
        "en": "You write stories for children, to be read aloud.\nRules:\n"
        "- A gentle, reassuring story: no violence, death, weapons, intense fear, swear words, alcohol or "
        "drugs.\n- Problems are solved through kindness and helping each other.\n"
        "- Sentences suited to the child's age.\n"
        "- First line: 'Title: …', then a blank line, then the story as plain text, no Markdown, no lists.",
    }
    style = {
        "fr": {"young": "des phrases très courtes, des répétitions, des mots du quotidien",
               "middle": "des phrases simples, un petit problème résolu avec gentillesse",
               "older": "un vrai récit (début, péripétie, fin), un vocabulaire riche mais clair"},
        "en": {"young": "very short sentences, repetition, everyday words",
               "middle": "simple sentences, a small problem solved with kindness",
               "older": "a real plot (beginning, twist, ending), rich but clear vocabulary"},
    }
    labels = {
        "fr": {"ask": "Écris une histoire en français.", "age": "Âge : {age} ans.", "style": "Style : {style}.",
               "characters": "Personnages : {names}, et aucun autre.", "theme": "Thème : {theme}.",
               "place": "Lieu : {place}.",
               "words": "Environ {words} mots, en {paragraphs} paragraphes.",
               "strict": "Attention : l'histoire doit être très douce, sans aucun mot violent, effrayant ou "
               "grossier.",
               "format": "Réponds exactement ainsi :\nTitre : <le titre>\n\n<l'histoire>"},
        "en": {"ask": "Write a story in English.", "age": "Age: {age}.", "style": "Style: {style}.",
               "characters": "Characters: {names}, and no others.", "theme": "Theme: {theme}.",
               "place": "Place: {place}.",
               "words": "About {words} words, in {paragraphs} paragraphs.",
               "strict": "Careful: the story must be very gentle, without any violent, frightening or rude word.",
               "format": "Answer exactly like this:\nTitle: <the title>\n\n<the story>"},
    }

    @staticmethod
    def words(data: StoryInput) -> int:
        return WORDS[data.length] * (6 if data.age <= 4 else 10) // 10  # shorter for toddlers

    def render(self, data: StoryInput, strict: bool = False) -> list[dict[str, str]]:
        lang = data.lang or self.lang
        label = self.labels[lang]
        band = "young" if data.age <= 4 else "middle" if data.age <= 7 else "older"
        lines = [label["ask"], label["age"].format(age=data.age), label["style"].format(style=self.style[lang][band])]
        if data.characters:
            lines.append(label["characters"].format(names=", ".join(data.characters)))
        if data.theme:
            lines.append(label["theme"].format(theme=data.theme))
        if data.place:
            lines.append(label["place"].format(place=data.place))
        lines.append(label["words"].format(words=self.words(data), paragraphs=PARAGRAPHS[data.length]))
        if strict:
            lines.append(label["strict"])
        lines.append(label["format"])
        return [{"role": "system", "content": self.system[lang]}, {"role": "user", "content": "\n".join(lines)}]

    def steps(self, data: StoryInput) -> Iterator[Event]:
        yield Progress(1, 1, t("skill.story.progress", self.lang))
        output = self.write(data)
        if not output.text.strip():  # a small model sometimes stops after the title
            yield Progress(1, 1, t("skill.story.retry_empty", self.lang))
            output = self.write(data, attempt=1)
            output.regenerated = True
        flagged = unsafe_words(f"{output.title}\n{output.text}")
        if flagged:
            yield Progress(1, 1, t("skill.story.regenerating", self.lang), {"words": flagged})
            output = self.write(data, attempt=2, strict=True)
            output.regenerated = True
            flagged = unsafe_words(f"{output.title}\n{output.text}")
            if flagged:
                output.safe = False
                output.warnings.append(t("skill.story.unsafe", self.lang, words=", ".join(flagged)))
        if not output.text.strip():  # whichever write came last: said, not returned silently
            output.warnings.append(t("skill.story.empty", self.lang))
        yield Delta(f"{output.title}\n\n{output.text}")
        yield Result(output)

    def write(self, data: StoryInput, attempt: int = 0, strict: bool = False) -> StoryOutput:
        """One story. A retry gets the next seed: the same seed would write the same story again."""
        seed = None if self.seed is None else self.seed + attempt
        reply = self.complete(self.render(data, strict=strict), max_tokens=self.words(data) * 2 + 100, seed=seed)
        return self.postprocess(reply, data)

    def postprocess(self, text: str, data: StoryInput) -> StoryOutput:
        title, lines = split_title(tt.clean_reply(text).splitlines())
        text = tt.trim_unfinished(tt.strip_markdown("\n".join(lines), pauses=False))
        return StoryOutput(title=title or self.default_title(data), text=text, lang=data.lang or self.lang)

    def default_title(self, data: StoryInput) -> str:
        lang = data.lang or self.lang
        if not data.characters:
            return t("skill.story.default_title_none", lang)
        return t("skill.story.default_title", lang, names=", ".join(data.characters))
