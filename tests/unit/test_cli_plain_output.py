"""Output a pipe can use: tables become tab-separated lines off a terminal, and no identifier or hash is
ever shortened, whatever the width."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from causerie.cli import build_app
from causerie.models.catalog import Catalog
from causerie.settings import Settings


def run(tmp_path: Path, *args: str):
    return CliRunner().invoke(build_app("en"), ["--lang", "en", "--home", str(tmp_path), *args],
                              env={"COLUMNS": "30"})


def test_models_piped_are_tab_separated_with_whole_names(tmp_path: Path):
    result = run(tmp_path, "models")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    names = {line.split("\t")[0].removesuffix(" ★") for line in lines[1:]}
    assert set(Catalog(Settings(home=tmp_path)).cards) <= names
    assert all("…" not in line for line in lines) and len({line.count("\t") for line in lines}) == 1


def test_models_show_piped_keeps_the_whole_hash_and_sums_up_the_parts(tmp_path: Path):
    card = Catalog(Settings(home=tmp_path)).get("qwen2.5-coder-1.5b-instruct")
    result = run(tmp_path, "models", "show", card.name)
    assert result.exit_code == 0, result.output
    assert card.sha256 in result.output
    source = next(line for line in result.output.splitlines() if line.startswith("Source"))
    assert f"{len(card.parts)} parts" in source and card.parts[0].package in source


def test_models_show_speaks_the_sessions_language_and_keeps_brackets(tmp_path: Path):
    result = CliRunner().invoke(build_app("fr"), ["--lang", "fr", "--home", str(tmp_path), "models", "show",
                                                  "qwen2.5-coder-1.5b-instruct"], env={"COLUMNS": "30"})
    assert result.exit_code == 0, result.output
    assert "Un petit modèle de code" in result.output and "[[remotes]]" in result.output


def test_voices_say_the_gender_in_french(tmp_path: Path):
    result = CliRunner().invoke(build_app("fr"), ["--lang", "fr", "--home", str(tmp_path), "voices"])
    if result.exit_code != 0:
        pytest.skip(f"no voice on this machine: {result.output.strip()[:200]}")
    assert "féminine" in result.output and "\tfemale\t" not in result.output
