"""`causerie chat` display: the answer has its own label on its own line, and the AI notice comes after
the first answer, not before it."""

from __future__ import annotations

from causerie.cli.chat import ChatSession, repl, split_typed
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


def test_lines_typed_while_the_model_loads_are_sent_in_order_and_the_rest_waits():
    assert split_typed("Bonjour\nEt toi ?\nje commen") == (["Bonjour", "Et toi ?"], "je commen")
    assert split_typed("Bonjour\n") == (["Bonjour"], "")
    assert split_typed("") == ([], "")


def test_typed_ahead_lines_are_answered_before_the_prompt_reads_more(tmp_path, capsys, monkeypatch):
    session = ChatSession(FakeEngine(replies=["Salut !", "Très bien."]), Settings(home=tmp_path), "fr")
    monkeypatch.setattr("causerie.cli.chat.console.input", lambda prompt: (_ for _ in ()).throw(EOFError()))
    repl(session, ["Bonjour", "Ça va ?"])
    out = capsys.readouterr().out
    assert out.index("vous › Bonjour") < out.index("Salut !") < out.index("vous › Ça va ?") < out.index("Très bien.")
