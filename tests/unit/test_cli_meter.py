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
