"""Every option and argument help of the CLI comes from the catalogue, in French and in English."""

from __future__ import annotations

import click
import pytest
import typer

from causerie.cli import build_app, main
from causerie.cli.transcribe import FORMATS
from causerie.eval.tasks import TASKS
from causerie.i18n.cli_help import CLI_HELP
from causerie.i18n.messages import MESSAGES
from causerie.skills.face import in_lang
from causerie.skills.registry import skill_classes
from causerie.store.accounts import SCOPES

# Lists of values the user types, and an environment variable's name: the same in both languages.
NEUTRAL = {
    "dev | test | all",
    "json | markdown",
    ", ".join(TASKS),
    " | ".join(SCOPES),
    FORMATS,
}


def commands(command: click.Command, path: tuple[str, ...] = ()):
    """(command path, command) for the root and every group and command under it."""
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from commands(sub, (*path, name))


def walk(root: click.Command):
    """(command path, parameter name, help) for every parameter of every command, click's own --help
    included (`get_params` adds it); help is None where a parameter has none."""
    for path, command in commands(root):
        for param in command.get_params(click.Context(command)):
            yield path, param.name, getattr(param, "help", None)


def helps(lang: str) -> dict[tuple[tuple[str, ...], str], str]:
    return {(path, name): text for path, name, text in walk(typer.main.get_command(build_app(lang)))}


@pytest.fixture(scope="module")
def fr() -> dict:
    return helps("fr")


@pytest.fixture(scope="module")
def en() -> dict:
    return helps("en")


def test_both_languages_document_the_same_parameters(fr, en):
    assert len(fr) > 50  # the walk reached the subcommands
    assert fr.keys() == en.keys()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_parameter_of_every_command_has_a_help(lang, fr, en):
    missing = [f"{' '.join(path) or 'causerie'}: {name}" for (path, name), text in (fr if lang == "fr" else en).items()
               if not (text or "").strip()]
    assert not missing, f"parameters without help: {missing}"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_command_and_group_has_the_catalogue_help_line(lang):
    root = typer.main.get_command(build_app(lang))
    lines = {path: command.get_help_option(click.Context(command)).help for path, command in commands(root)}
    assert len(lines) > 30  # root, groups and their commands
    assert set(lines.values()) == {CLI_HELP["cli.opt.help"][lang]}


def face_texts(lang: str) -> set[str]:
    """The helps a skill declares in its own face (skills/face.py): the skill's own catalogue."""
    texts = set()
    for skill in skill_classes().values():
        texts |= {in_lang(skill.face.help, lang)} | {in_lang(face.help, lang) for face in skill.face.fields.values()}
    return texts


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_help_comes_from_the_catalogue(lang, fr, en):
    catalogue = {entry[lang] for entry in MESSAGES.values()} | face_texts(lang)
    stray = {where: text for where, text in (fr if lang == "fr" else en).items()
             if text not in catalogue and text not in NEUTRAL}
    assert not stray


def test_french_help_differs_from_english_except_neutral_values(fr, en):
    same = {where: text for where, text in fr.items() if text == en[where] and text not in NEUTRAL}
    assert not same
    assert all(fr[where] == en[where] for where, text in en.items() if text in NEUTRAL)
    assert NEUTRAL <= set(en.values()), "the allowlist names a value no parameter uses any more"


def test_cli_help_keys_are_unique_and_all_used(en):
    other_areas = {key for key in MESSAGES if key not in CLI_HELP}
    assert all(key.startswith("cli.opt.") for key in CLI_HELP)
    assert not other_areas & CLI_HELP.keys()
    for lang in ("fr", "en"):
        texts = [entry[lang] for entry in CLI_HELP.values()]
        assert len(texts) == len(set(texts)), f"a {lang} help text is in the catalogue twice"
    unused = {key for key, entry in CLI_HELP.items() if entry["en"] not in en.values()}
    assert not unused


@pytest.mark.parametrize(("argv", "expected"), [
    (["--lang", "fr", "optimize", "--help"], "La fonction à optimiser."),
    (["--lang", "fr", "eval", "run", "--help"], "Les N premières lignes de la partition"),
    (["--lang=fr", "serve", "--help"], "Adresse d'écoute (par défaut : 127.0.0.1)."),
    (["--lang", "en", "optimize", "--help"], "Function to optimize."),
    (["--lang", "fr", "ask", "--help"], "Graine aléatoire, pour une génération reproductible."),
    (["--lang", "fr", "keys", "create", "--help"], "Durée de validité, en jours (par défaut : la clé n'expire pas)."),
])
def test_help_output_is_in_the_chosen_language(argv, expected, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # no wrapping inside the expected text
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 0
    assert expected in capsys.readouterr().out


@pytest.mark.parametrize("argv", [
    ["--lang", "fr", "--help"],
    ["--lang", "fr", "history", "--help"],
    ["--lang=fr", "history", "list", "--help"],
    ["--lang", "fr", "models", "--help"],
    ["--lang", "fr", "eval", "run", "--help"],
])
def test_help_option_line_is_french(argv, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert "Afficher cette aide et quitter." in out
    assert "Show this message and exit." not in out


def test_help_option_line_stays_english_in_english(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    with pytest.raises(SystemExit):
        main(["--lang", "en", "users", "add", "--help"])
    out = capsys.readouterr().out
    assert "Show this message and exit." in out
    assert "Afficher cette aide" not in out


@pytest.mark.parametrize(("lang", "expected", "absent"), [
    ("fr", ["Utilisation : causerie story", "[défaut : 6]", "╭─ Options", "╭─ Arguments"], ["Usage:", "[default"]),
    ("en", ["Usage: causerie story", "[default: 6]"], ["Utilisation", "[défaut"]),
])
def test_the_help_screens_frame_follows_the_language(lang, expected, absent, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    with pytest.raises(SystemExit):
        main(["--lang", lang, "story", "--help"])
    out = capsys.readouterr().out
    assert all(text in out for text in expected) and not any(text in out for text in absent)
    with pytest.raises(SystemExit):
        main(["--lang", lang, "--help"])
    assert ("╭─ Commandes" in capsys.readouterr().out) == (lang == "fr")
