"""The CLI shows what a skill says about its own result: warnings, an incomplete translation, an unsafe
story, a language switch (all through the result's view); on stderr, so the result itself can be piped."""

from __future__ import annotations

import pytest

from causerie.cli.skill_runner import show_output
from causerie.i18n import t
from causerie.skills.code import CodeOutput
from causerie.skills.improve import ImproveOutput
from causerie.skills.story import StoryOutput
from causerie.skills.translate import TranslateOutput


def test_translation_warnings_and_incomplete(capsys: pytest.CaptureFixture[str]) -> None:
    output = TranslateOutput(text="Bonjour", source="en", target="fr", complete=False,
                             warnings=["lost: {name}"])
    show_output(output, streamed=True, lang="en")
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "lost: {name}" in captured.err and "Incomplete result" in captured.err


def test_unsafe_story_and_language_switch(capsys: pytest.CaptureFixture[str]) -> None:
    show_output(StoryOutput(title="T", text="...", lang="fr", safe=False), streamed=True, lang="fr")
    show_output(ImproveOutput(text="x", language_changed=True), streamed=True, lang="fr")
    err = capsys.readouterr().err
    assert "relisez-le avant" in err and "changé de langue" in err


def test_code_cut_after_a_loop_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    show_output(CodeOutput(code="x = 1\n", language="python", trimmed=True, text="",
                           warnings=[t("skill.code.trimmed", "en")]), streamed=True, lang="en")
    assert "the unfinished last lines were removed" in capsys.readouterr().err


def test_a_clean_result_shows_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    show_output(StoryOutput(title="T", text="Il était une fois.", lang="fr"), streamed=True, lang="fr")
    assert capsys.readouterr().err == ""


def test_a_story_title_is_shown_once(capsys: pytest.CaptureFixture[str]) -> None:
    story = StoryOutput(title="Le noir et le courage", text="Il était une fois.", lang="fr")
    show_output(story, streamed=True, lang="fr")  # the stream already began with the title
    assert "Le noir et le courage" not in capsys.readouterr().out
    show_output(story, streamed=False, lang="fr")
    out = capsys.readouterr().out
    assert out.count("Le noir et le courage") == 1 and "Il était une fois." in out
