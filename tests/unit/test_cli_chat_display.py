"""`causerie chat` display: the answer has its own label on its own line, and the AI notice comes after
the first answer, not before it."""

from __future__ import annotations

from causerie.cli.chat import ChatSession
from causerie.engines.fake import FakeEngine
from causerie.settings import Settings


def test_the_answer_has_its_label_and_the_notice_follows_the_first_answer(tmp_path, capsys):
    session = ChatSession(FakeEngine(replies=["La prise de la Bastille.", "En 1789."]), Settings(home=tmp_path), "fr")
    session.reply("Que s'est-il passé le 14 juillet ?")
    first = capsys.readouterr().out
    assert first.startswith("\n") and "causerie › La prise de la Bastille." in first
    assert first.index("Bastille") < first.index("IA")  # the notice after the answer
    session.reply("Quand ?")
    assert "IA" not in capsys.readouterr().out  # once per conversation
