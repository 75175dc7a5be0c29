"""Parity, in the manner of datasette's documentation tests: every registered skill reaches every surface
(a CLI command, its slash words, GET /api/skills with its face, the web chat, which names no skill itself),
every settings field is documented, every catalogue entry and every face text exists in both languages, and
every CLI command has its help in both."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
import typer

from causerie.cli import build_app
from causerie.i18n.messages import MESSAGES
from causerie.settings import Settings
from causerie.skills.commands import parse_command
from causerie.skills.face import face_in
from causerie.skills.registry import skill_classes

ROOT = Path(__file__).resolve().parents[2]
SKILLS = list(skill_classes())


def command_names(lang: str) -> set[str]:
    return set(typer.main.get_command(build_app(lang)).commands)  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", SKILLS)
def test_every_skill_has_a_command_and_slash_words_in_both_languages(name):
    assert name in command_names("fr") and name in command_names("en")
    face = skill_classes()[name].face
    for lang in ("fr", "en"):
        assert face.slash.get(lang), f"{name} has no {lang} slash word"
        for word in face.slash[lang]:
            assert parse_command(f"/{word} du texte", lang=lang).skill == name


@pytest.mark.parametrize("name", SKILLS)
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_skill_face_is_whole_in_both_languages(name, lang):
    skill = skill_classes()[name]
    face = face_in(skill, lang)
    assert face["label"] and face["help"] and face["hint"]
    assert face["text_field"] in skill.Input.model_fields
    assert set(skill.face.fields) <= set(skill.Input.model_fields), "a face names a field the skill lacks"
    for field_face in skill.face.fields.values():
        assert field_face.help.get(lang), f"{name}: a field has no {lang} help"
        for words in [field_face.label or {lang: "-"}, *field_face.values.values()]:
            assert words.get(lang)
    for option in face["options"]:
        assert option["choices"] and all(choice["label"] for choice in option["choices"])


def test_the_web_chat_names_no_skill():
    """It builds its skill bar, menus and slash commands from GET /api/skills: a third-party skill shows."""
    scripts = "\n".join(path.read_text(encoding="utf-8") for path in (ROOT / "src/causerie/web/static/js").glob("*.js"))
    def names(name: str) -> bool:  # a comparison, a table key, a list of names, a call with the name
        patterns = [rf'(?<!type )[!=]==\s*["\']{name}["\']', rf"^\s*{name}\s*:\s*\{{", rf'\[\s*["\']{name}["\']\s*,',
                    rf'(?<!querySelector)\(\s*["\']{name}["\']\s*\)', rf"web\.(?:skill|slash|hint)_{name}\b"]
        return any(re.search(pattern, scripts, re.M) for pattern in patterns)

    named = {name for name in SKILLS if names(name)}
    assert not named, f"the web chat's scripts name skills: {named}"


def test_every_settings_field_is_documented():
    docs = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    missing = [name for name in Settings.model_fields if f"`{name}`" not in docs]
    assert not missing, f"fields missing from docs/configuration.md: {missing}"
    assert all(info.description for info in Settings.model_fields.values())


def test_every_catalogue_entry_is_in_both_languages():
    skill_classes()  # the skills' own entries join the catalogue when they are registered
    broken = [key for key, entry in MESSAGES.items() if not (entry.get("fr") or "").strip()
              or not (entry.get("en") or "").strip()]
    assert not broken


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_cli_command_has_its_help(lang):
    def walk(command: click.Command, path: str = "causerie"):
        yield path, command
        for name, sub in getattr(command, "commands", {}).items():
            yield from walk(sub, f"{path} {name}")

    root = typer.main.get_command(build_app(lang))
    bare = [path for path, command in walk(root) if not (command.help or "").strip()]
    assert not bare, f"commands without help in {lang}: {bare}"
    fr_help = {path: command.help for path, command in walk(typer.main.get_command(build_app("fr")))}
    en_help = {path: command.help for path, command in walk(typer.main.get_command(build_app("en")))}
    assert fr_help.keys() == en_help.keys()
    same = [path for path in fr_help if fr_help[path] == en_help[path]]
    assert not same, f"commands whose help is not translated: {same}"
