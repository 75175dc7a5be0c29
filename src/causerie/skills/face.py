"""What a skill shows of itself, declared once in its own module, read by every surface.

A skill's *face* is its command help, its chip label and composer hint in the web chat, its slash words, the
field that receives the user's text, and for each input field its help, CLI flags, web label and the labels
of its values, all in French and English. The CLI builds the skill's command from it and from the `Input`
model (a `Literal` is a list of choices, a default is shown), `GET /api/skills` serves it, and the web chat
builds its skill bar and option menus from that; `/` commands are parsed from it in the terminal and in the
browser. A third-party skill declares the same, and appears everywhere with no edit elsewhere.

A result is shown through `View`: a title, Markdown text, code, a diff, a verdict, warnings, sources and
audio. Each `Output` says how it fills it (`SkillOutput.view`); surfaces render the view, never a skill's name.
"""

from __future__ import annotations

import typing
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, Field

Words = dict[str, str]  # {"fr": …, "en": …}


@dataclass(frozen=True)
class FieldFace:
    """How one input field shows: help (CLI --help, a tooltip), its flags, and in the web chat's mode bar a
    label and the labels of its values. A field without `label` is not in the web form (the API takes it)."""

    help: Words
    flags: tuple[str, ...] = ()  # default: --field-name
    label: Words | None = None
    values: dict[str, Words] = field(default_factory=dict)
    value_format: Words = field(default_factory=dict)  # a label for any value: {"fr": "{value} ans", …}
    choices: tuple[Any, ...] = ()  # when the type does not list them (a language code checked in code)
    suggested: Any = None  # the value surfaces start from when the API has no default (a story's age)
    file: bool = False  # CLI: the option names a file whose content is the value (tests)
    from_suffix: dict[str, str] = field(default_factory=dict)  # CLI: a --file's suffix sets this field
    slash_word: bool = False  # "/traduire en …": the first word after the command may be this field's value
    # The value when the interface speaks fr / en and nothing else says: translate *into the other* language.
    default_by_lang: Words = field(default_factory=dict)


@dataclass(frozen=True)
class SkillFace:
    label: Words  # the chip in the web chat: "Traduire"
    help: Words  # the command's help: "Traduire un texte (langue source détectée)."
    hint: Words  # the composer's placeholder in the skill's mode
    slash: dict[str, tuple[str, ...]]  # {"fr": ("traduire",), "en": ("translate",)}
    text_field: str  # the input field that receives the user's text (argument, file, composer, slash rest)
    fields: dict[str, FieldFace] = field(default_factory=dict)
    read_aloud: bool = False  # the CLI offers --read-aloud (the result's text, spoken into a file)
    order: int = 100  # place in the CLI's command list and the web chat's skill bar
    # The web chat takes a dropped or attached text file into the skill that takes files (files > 0) with the
    # highest number, unless the current one takes files too.
    files: int = 0

    def words(self) -> set[str]:
        return {bare(word) for words in self.slash.values() for word in words}


def bare(word: str) -> str:
    """"Résumer" and "resumer" alike: a command typed without its accents still works."""
    return "".join(c for c in unicodedata.normalize("NFD", word.lower()) if unicodedata.category(c) != "Mn")


def choices_of(annotation: Any) -> tuple[Any, ...]:
    """The values a `Literal` (optionally `| None`) allows; () for other types."""
    if typing.get_origin(annotation) is Literal:
        return typing.get_args(annotation)
    for arg in typing.get_args(annotation):
        if typing.get_origin(arg) is Literal:
            return typing.get_args(arg)
    return ()


def in_lang(words: Words | None, lang: str) -> str:
    if not words:
        return ""
    return words.get(lang) or words.get("en") or next(iter(words.values()))


def value_label(face: FieldFace, value: Any, lang: str) -> str:
    if str(value) in face.values:
        return in_lang(face.values[str(value)], lang)
    return in_lang(face.value_format, lang).format(value=value) if face.value_format else str(value)


def field_default(info: Any, face: FieldFace, lang: str) -> Any:
    """Where a surface's menu starts: the language-dependent default, the model's, else the face's suggestion."""
    if face.default_by_lang:
        return in_lang(face.default_by_lang, lang)
    if not info.is_required() and info.default is not None:
        return info.default
    return face.suggested


def face_in(skill: Any, lang: str) -> dict[str, Any]:
    """The skill's face in `lang`, as `GET /api/skills` serves it: the web chat builds its skill bar, its
    option menus and its slash commands from this alone."""
    face: SkillFace = skill.face
    fields = skill.Input.model_fields
    options = []
    for name, field_face in face.fields.items():
        if field_face.label is None:
            continue
        choices = field_face.choices or choices_of(fields[name].annotation)
        options.append({"name": name, "label": in_lang(field_face.label, lang), "help": in_lang(field_face.help, lang),
                        "default": field_default(fields[name], field_face, lang),
                        "choices": [{"value": value, "label": value_label(field_face, value, lang)}
                                    for value in choices if value is not None]})
    slash = [*face.slash.get(lang, ()), *(word for other,
                                          words in face.slash.items() if other != lang for word in words)]
    return {"label": in_lang(face.label, lang), "help": in_lang(face.help, lang), "hint": in_lang(face.hint, lang),
            "text_field": face.text_field, "slash": slash, "files": face.files, "options": options}


class Verdict(BaseModel):
    ok: bool = Field(description="Verified (tests passed, equivalence checked), or not.")
    message: str = Field("", description="The verdict for people: what was checked, what was found.")


class View(BaseModel):
    """What surfaces show of a result, whatever the skill."""

    title: str | None = None
    text: str = Field("", description="The result for people, Markdown.")
    code: str | None = None
    language: str | None = Field(None, description="The code's language, for highlighting.")
    diff: str | None = None
    diff_style: Literal["unified", "inline"] = Field("unified", description="unified: a line diff; inline: "
                                                     "a word diff, [-removed-]{+added+}.")
    verdict: Verdict | None = None
    warnings: list[str] = Field(default_factory=list, description="What the skill says about its own result.")
    sources: list[str] = Field(default_factory=list, description="What the answer was drawn from.")
    audio: str | None = Field(None, description="Where the result, read aloud, can be fetched.")
