"""`causerie docs add | list | search | remove` and `causerie ask --docs`, in process, with the fake embedder
(CAUSERIE_EMBEDDER=fake) on the default SQLite store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from causerie.cli import ask as ask_cli
from causerie.cli import build_app
from causerie.engines.fake import FakeEngine

TARIFS = "# Piscine\n\n## Tarifs\n\nLe tarif réduit est de 2 euros pour les étudiants.\n\n## Horaires\n\n" \
         "La piscine ferme à 20 heures.\n"


@pytest.fixture
def run(monkeypatch):
    monkeypatch.setenv("CAUSERIE_EMBEDDER", "fake")
    runner = CliRunner()

    def invoke(*args: str, lang: str = "en", code: int = 0, input: str | None = None):
        result = runner.invoke(build_app(lang), ["--lang", lang, *args], input=input, catch_exceptions=False)
        assert result.exit_code == code, result.output
        return result

    return invoke


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    tarifs = tmp_path / "tarifs.md"
    tarifs.write_text(TARIFS, encoding="utf-8")
    virus = tmp_path / "virus.exe"
    virus.write_bytes(b"MZ\x90\x00")
    return {"tarifs": tarifs, "virus": virus}


def test_add_list_search_remove(run, files):
    added = run("docs", "add", str(files["tarifs"]), "--collection", "piscine").output
    assert "tarifs.md" in added and "piscine" in added
    assert "unchanged" in run("docs", "add", str(files["tarifs"]), "-c", "piscine").output
    collections = json.loads(run("docs", "list", "--json").output)
    assert [(c["name"], c["documents"]) for c in collections] == [("piscine", 1)]
    documents = json.loads(run("docs", "list", "piscine", "--json").output)
    assert documents[0]["filename"] == "tarifs.md"
    hits = json.loads(run("docs", "search", "tarif réduit", "-c", "piscine", "--json").output)
    assert "2 euros" in hits[0]["text"] and hits[0]["heading"].endswith("Tarifs")
    shown = run("docs", "search", "tarif réduit", "-c", "piscine").output
    assert "[1] tarifs.md" in shown and "§ Tarifs" in shown
    run("docs", "remove", "piscine", "tarifs.md")
    assert json.loads(run("docs", "list", "piscine", "--json").output) == []
    run("docs", "remove", "piscine", "--yes")
    assert json.loads(run("docs", "list", "--json").output) == []


def test_a_refused_file_is_named_and_the_others_still_go_in(run, files):
    result = run("docs", "add", str(files["virus"]), str(files["tarifs"]), "-c", "mix", code=1)
    assert "virus.exe" in result.output and "PDF" in result.output
    assert [d["filename"] for d in json.loads(run("docs", "list", "mix", "--json").output)] == ["tarifs.md"]


def test_errors_and_help_are_french_too(run, files):
    assert "Collection inconnue" in run("docs", "list", "nulle", lang="fr", code=1).output
    assert "Ajouter des fichiers" in run("docs", "add", "--help", lang="fr").output


def test_ask_with_docs_prints_the_answer_then_its_numbered_sources(run, files, monkeypatch):
    run("docs", "add", str(files["tarifs"]), "-c", "piscine")
    engine = FakeEngine(replies=["Le tarif réduit est de 2 euros [1]."])
    monkeypatch.setattr(ask_cli, "load_engine", lambda *args: engine)
    shown = run("ask", "--docs", "piscine", "Quel est le tarif réduit pour les étudiants ?").output
    assert "2 euros [1]" in shown and "Sources:" in shown and "[1] tarifs.md" in shown
    assert '<source n="1"' in engine.requests[-1].messages[0]["content"]
    answer = json.loads(run("ask", "--json", "-d", "piscine", "Quel est le tarif réduit ?").output)
    assert answer["sources"][0]["filename"] == "tarifs.md"


def test_ask_with_docs_that_do_not_hold_the_answer_says_so_without_a_model(run, files, monkeypatch):
    run("docs", "add", str(files["tarifs"]), "-c", "piscine")
    monkeypatch.setattr(ask_cli, "load_engine", lambda *args: pytest.fail("no model should load"))
    shown = run("ask", "--docs", "piscine", "Qui a écrit Les Misérables ?", lang="fr").output
    assert "ne trouve pas la réponse dans les documents" in shown
