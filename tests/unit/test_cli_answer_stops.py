"""`causerie ask` says why an answer stopped early: its default token cap, or a model looping."""

from __future__ import annotations

from causerie.cli.common import answer_cap, stop_notice, stream_text
from causerie.engines.base import GenerationRequest
from causerie.engines.fake import FakeEngine
from causerie.settings import Settings


def test_ask_has_a_default_cap_and_says_how_to_raise_it(tmp_path):
    settings = Settings(home=tmp_path)
    assert answer_cap(settings, None) == 1024 and answer_cap(settings, 50) == 50
    assert answer_cap(Settings(home=tmp_path, cli_max_tokens=0), None) is None
    notice = stop_notice("length", 1024, "fr")
    assert "1024" in notice and "--max-tokens" in notice
    assert stop_notice("stop", 1024, "fr") is None


def test_a_looping_answer_is_stopped_and_the_user_told(tmp_path, capsys):
    engine = FakeEngine(replies=["Bonjour. " + "Merci beaucoup. " * 60], delay=0)
    request = GenerationRequest(messages=[{"role": "user", "content": "Salut"}])
    chunks = list(stream_text(engine, request))
    assert chunks[-1].finish_reason == "repetition" and request.cancelled
    assert capsys.readouterr().out.count("Merci beaucoup.") < 20
    assert "répétait" in stop_notice("repetition", None, "fr")
