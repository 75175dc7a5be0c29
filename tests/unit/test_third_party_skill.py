"""A skill installed as a package of its own appears in the CLI (command, French help, choices), the slash
commands, `GET /api/skills` (with its face) and the web chat, and runs, with its own strings, with no edit
to causerie: the one-file-plus-entry-point promise of skills/face.py."""

from __future__ import annotations

import importlib
import importlib.util
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from causerie.api import create_app
from causerie.cli import build_app, skill_runner
from causerie.engines.fake import FakeEngine
from causerie.engines.pool import EnginePool
from causerie.i18n import t
from causerie.settings import Settings
from causerie.skills.commands import parse_command
from causerie.skills.registry import skill_classes
from unit.helpers import api_client


def toy_site(root: Path) -> Path:
    spec = importlib.util.spec_from_file_location("toy_site", Path(__file__).parents[1] / "fixtures" / "toy_skill" /
                                                  "site.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.make_site(root)


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The toy package on sys.path with a dist-info declaring its entry point, as pip would leave it."""
    monkeypatch.syspath_prepend(str(toy_site(tmp_path)))
    importlib.invalidate_caches()
    skill_classes.cache_clear()
    yield
    skill_classes.cache_clear()
    importlib.invalidate_caches()


def test_it_is_registered_with_its_own_strings(installed):
    assert "reverse" in skill_classes()
    assert t("skill.reverse.working", "fr") == "Retournement du texte…"


def test_it_has_a_command_with_french_help_and_choices(installed, tmp_path, monkeypatch):
    runner = CliRunner()
    listing = runner.invoke(build_app("fr"), ["--lang", "fr", "--help"], env={"COLUMNS": "200"})
    assert "reverse" in listing.output and "Retourner un texte, lettre à lettre" in listing.output
    helped = runner.invoke(build_app("fr"), ["--lang", "fr", "reverse", "--help"], env={"COLUMNS": "200"})
    assert "--unit" in helped.output and "letters|words" in helped.output and "Retourner les lettres" in helped.output
    monkeypatch.setattr(skill_runner, "load_engine", lambda *args: FakeEngine())
    ran = runner.invoke(build_app("fr"), ["--lang", "fr", "--home", str(tmp_path), "reverse", "un deux trois",
                                          "-u", "words"])
    assert ran.exit_code == 0, ran.output
    assert "trois deux un" in ran.output and "Retournement du texte" in ran.output


def test_its_slash_words_work_in_both_languages_without_accents(installed):
    assert parse_command("/retourner abc", lang="fr").skill == "reverse"
    assert parse_command("/REVERSE abc", lang="en").data == {"text": "abc"}


async def test_the_api_lists_it_with_its_face_and_runs_it(installed, tmp_path):
    app = create_app(Settings(home=tmp_path), EnginePool([FakeEngine()]))
    async with api_client(app) as http:
        listed = (await http.get("/api/skills", headers={"Accept-Language": "fr"})).json()
        face = next(skill["face"] for skill in listed["data"] if skill["name"] == "reverse")
        assert face["label"] == "Retourner" and face["slash"][0] == "retourner" and face["text_field"] == "text"
        assert face["options"] == [{"name": "unit", "label": "Unité", "help": "Retourner les lettres ou les mots.",
                                    "default": "letters", "choices": [{"value": "letters", "label": "Lettres"},
                                                                      {"value": "words", "label": "Mots"}]}]
        ran = await http.post("/api/skills/reverse", json={"text": "abc"})
        assert ran.status_code == 200 and ran.json()["view"]["text"] == "cba"
        streamed = await http.post("/api/skills/reverse", json={"text": "abc", "stream": True})
        events = [json.loads(line[5:]) for line in streamed.text.splitlines()
                  if line.startswith("data:") and line != "data: [DONE]"]
        assert events[-1]["type"] == "result" and events[-1]["view"]["title"] == "letters"
