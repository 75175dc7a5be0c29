"""The live line of a generation whose text is not streamed: tokens, rate, and what is left."""

from __future__ import annotations

import io

from rich.console import Console

from causerie.cli.meter import Meter, MeteredEngine, expected_tokens
from causerie.engines.base import GenerationRequest
from causerie.engines.fake import FakeEngine


def metered(reply: str) -> tuple[MeteredEngine, Meter, io.StringIO]:
    out = io.StringIO()
    meter = Meter(Console(file=out, force_terminal=False, width=40), "fr")
    return MeteredEngine(FakeEngine(replies=[reply]), meter), meter, out


def ask(text: str, max_tokens: int | None = None) -> GenerationRequest:
    return GenerationRequest(messages=[{"role": "user", "content": text}], max_tokens=max_tokens)


def test_a_silent_generation_shows_tokens_rate_and_what_is_left():
    engine, meter, out = metered("Voici le texte corrigé, mot pour mot.")
    meter.new_step("[1/1]")
    chunks = list(engine.stream(ask("Voici le texte a corrigé, mot pour mot, avec des fautes en plus.")))
    assert "".join(c.text for c in chunks) == "Voici le texte corrigé, mot pour mot."
    line = out.getvalue()
    assert "[1/1]" in line and "jetons/s" in line and "reste ~" in line


def test_a_streamed_generation_gets_no_meter():
    engine, meter, out = metered("Bonjour tout le monde")
    stream = engine.stream(ask("Salut"))
    next(stream)
    meter.streaming()
    list(stream)
    assert out.getvalue().count("jetons/s") <= 1  # at most the line drawn before the CLI knew


def test_the_estimate_is_the_input_again_capped_by_max_tokens():
    engine = FakeEngine()
    assert expected_tokens(engine, ask("un deux trois quatre cinq")) == 6
    assert expected_tokens(engine, ask("un deux trois quatre cinq", max_tokens=3)) == 3
    assert expected_tokens(engine, GenerationRequest(messages=[{"role": "user", "content": ""}])) is None


def test_on_a_terminal_the_text_itself_shows_as_it_comes():
    out = io.StringIO()
    meter = Meter(Console(file=out, force_terminal=True, width=40), "fr")
    engine = MeteredEngine(FakeEngine(replies=["Première ligne.\nDeuxième ligne, bien plus longue que la largeur de "
                                                "l'écran, qui finit ici."]), meter)
    meter.new_step("[1/1]")
    list(engine.stream(ask("Corrige ce texte.")))
    shown = out.getvalue()
    assert "Première ligne." in shown and "finit ici." in shown and "jetons/s" in shown


def test_the_preview_keeps_the_last_lines_and_the_end_of_each():
    meter = Meter(Console(file=io.StringIO(), width=30), "fr")
    meter._text = "\n".join(f"ligne {n} " + "x" * 40 + f" fin {n}" for n in range(6))
    lines = meter.preview().splitlines()
    assert len(lines) == 4 and lines[-1].endswith("fin 5") and lines[0].startswith("…")
    assert all(len(line) <= 28 for line in lines)
