"""One language at a time on the command line: click's parser lines come from the catalogue, and an
unknown --lang is refused with the two it knows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from causerie.cli import build_app
from causerie.cli.parser_lang import translate
from causerie.i18n.cli_parser import CLI_PARSER

ENGLISH_PARSER_WORDS = ("Try ", "Invalid value", "does not exist", "No such", "Missing", "Usage:", "Error:",
                        "Did you mean", "Input should")


def run(*args: str):
    lang = args[1] if args[:1] == ("--lang",) else "fr"
    return CliRunner().invoke(build_app(lang), list(args), env={"COLUMNS": "60"})


@pytest.mark.parametrize("args", [
    ("summarize", "-f", "nope.txt"),
    ("summarize", "--nope"),
    ("ask", "--max-tokens", "beaucoup", "Bonjour"),
    ("nope",),
    ("modls",),
    ("models", "show"),
])
def test_french_parser_errors_have_no_english_line(args: tuple[str, ...], tmp_path: Path):
    result = run("--lang", "fr", *args)
    assert result.exit_code == 2
    found = [word for word in ENGLISH_PARSER_WORDS if word in result.output]
    assert not found, result.output
    assert "Essayez" in result.output and "--help" in result.output


def test_english_parser_errors_stay_english():
    result = run("--lang", "en", "summarize", "-f", "nope.txt")
    assert result.exit_code == 2 and "does not exist" in result.output and "Try" in result.output


def test_an_unknown_language_is_refused_naming_fr_and_en():
    result = run("--lang", "de", "ask", "Hallo")
    assert result.exit_code == 2
    assert "de" in result.output and "fr" in result.output and "en" in result.output


@pytest.mark.parametrize("english, french_part", [
    ("Invalid value for '--file' / '-f': file 'x.txt' does not exist.", "fichier 'x.txt' introuvable"),
    ("No such command 'modls'. Did you mean 'models'?", "Vouliez-vous dire 'models'"),
    ("Missing argument 'TASK'.", "Argument manquant : 'TASK'"),
    ("Got unexpected extra argument(s) (a b)", "en trop"),
])
def test_typer_messages_are_translated_whole(english: str, french_part: str):
    assert french_part in translate(english, "fr")
    assert translate(english, "en") == english


def test_the_french_table_keeps_each_placeholder():
    for entry in CLI_PARSER.values():
        assert sorted(re.findall(r"{[^}]*}", entry["en"])) == sorted(re.findall(r"{[^}]*}", entry["fr"])), entry


def test_a_parser_error_is_never_broken_at_the_terminal_width(tmp_path: Path):
    missing = tmp_path / ("un-dossier-au-nom-très-long-" * 3) / "lettre.txt"
    result = CliRunner().invoke(build_app("fr"), ["--lang", "fr", "summarize", "-f", str(missing)],
                                env={"COLUMNS": "20"})
    assert result.exit_code == 2 and f"'{missing}' introuvable" in result.output


def test_every_command_is_described_by_one_verb_form():
    """French help says what a command does in the infinitive ("Lister…"), English in the imperative
    ("List…"): never "Liste…" beside "Afficher…", nor a bare noun ("The history")."""
    from causerie.i18n.messages import MESSAGES
    from causerie.skills.registry import skill_classes

    helps = {key: entry for key, entry in MESSAGES.items() if key.startswith("cli.help.") and key != "cli.help.root"}
    helps |= {f"skill {name}": skill.face.help for name, skill in skill_classes().items()}  # a skill's own words
    assert len(helps) > 30
    for key, entry in helps.items():
        french, english = entry["fr"].split()[0].strip(","), entry["en"].split()[0].strip(",")
        assert french.endswith(("er", "ir", "re")), (key, entry["fr"])
        assert english not in ("The", "A", "An", "Lists", "Shows") and not english.endswith("ing"), (key, entry["en"])


@pytest.mark.parametrize("args", [("--help",), ("models", "--help"), ("ask", "--help")])
def test_french_help_shows_no_raw_type_nor_english_usage(args: tuple[str, ...]):
    result = run(*args)
    assert result.exit_code == 0
    assert "<bool>" not in result.output and "<str>" not in result.output and "COMMAND [" not in result.output
    if args == ("--help",):
        assert "COMMANDE [ARGS]" in result.output and "Langue de l'interface" in result.output
