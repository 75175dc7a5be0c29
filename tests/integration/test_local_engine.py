"""The local engine in process (no HTTP): llama.cpp through xllamacpp, on SmolLM2."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from causerie.engines.base import Chunk, GenerationRequest
from causerie.engines.local import LocalEngine
from causerie.errors import ContextOverflow
from causerie.models.catalog import Catalog
from causerie.settings import Settings

from .causerie_it import MODEL, SMOLLM2_SHA256

pytestmark = pytest.mark.integration

CONTEXT = 2048
COUNTING = "1, 2, 3, 4, 5, 6, 7, 8, 9, 10,"
# A long, varied text (about 500 tokens) to build a conversation history from.
HISTORY_TEXT = " ".join(
    f"Paragraph {n}: the river Loire crosses {town} before reaching the Atlantic near Saint-Nazaire."
    for n, town in enumerate(["Orléans", "Blois", "Tours", "Saumur", "Angers", "Nantes"] * 4)
)


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(home=tmp_path_factory.mktemp("local-engine-home"), threads=2, parallel=2, context_size=CONTEXT)


@pytest.fixture(scope="module")
def engine(settings: Settings) -> Iterator[LocalEngine]:
    engine = Catalog(settings).load(MODEL)
    assert isinstance(engine, LocalEngine)
    yield engine
    engine.close()


def text_of(chunks: list[Chunk]) -> str:
    return "".join(chunk.text for chunk in chunks)


def usage_of(chunks: list[Chunk]):
    usages = [chunk.usage for chunk in chunks if chunk.usage is not None]
    assert usages, "no usage chunk"
    return usages[-1]


def test_loaded_engine_is_verified(engine: LocalEngine) -> None:
    assert engine.card.verified is True
    assert engine.card.sha256 == SMOLLM2_SHA256
    assert Path(engine.card.path).is_file()
    assert engine.context_length == CONTEXT
    assert engine.capabilities.parallel_slots == 2
    assert engine.capabilities.tokenize and engine.capabilities.prompt_cache


def test_generate_streams_text_then_usage(engine: LocalEngine) -> None:
    request = GenerationRequest(messages=[{"role": "user", "content": "Tell me about the sea."}], max_tokens=12)
    chunks = list(engine.generate(request))
    text_positions = [i for i, chunk in enumerate(chunks) if chunk.text]
    usage_positions = [i for i, chunk in enumerate(chunks) if chunk.usage is not None]
    assert len(text_positions) >= 2, "text should come in several chunks"
    assert text_of(chunks).strip()
    assert usage_positions == [len(chunks) - 1], "exactly one usage chunk, the last one"
    assert max(text_positions) < usage_positions[0]
    finishes = [chunk.finish_reason for chunk in chunks if chunk.finish_reason]
    assert finishes in (["stop"], ["length"])
    usage = chunks[-1].usage
    assert usage.prompt_tokens > 0
    assert 0 < usage.completion_tokens <= 12
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens


def test_raw_prompt_completion(engine: LocalEngine) -> None:
    chunks = list(engine.generate(GenerationRequest(prompt=COUNTING, max_tokens=6, temperature=0)))
    assert text_of(chunks).strip()
    assert usage_of(chunks).completion_tokens == 6
    assert [chunk.finish_reason for chunk in chunks if chunk.finish_reason] == ["length"]


def test_count_tokens(engine: LocalEngine) -> None:
    count = engine.count_tokens("Bonjour le monde")
    assert count > 0
    assert engine.count_tokens("Bonjour le monde " * 10) > count


def test_context_overflow(engine: LocalEngine) -> None:
    words = 3000  # well over the 2048-token context
    request = GenerationRequest(messages=[{"role": "user", "content": "word " * words}], max_tokens=8)
    with pytest.raises(ContextOverflow) as caught:
        next(engine.generate(request))  # raised before the first chunk
    error = caught.value
    requested, limit = error.values["requested"], error.values["limit"]
    assert limit == CONTEXT
    assert requested > limit
    for lang in ("en", "fr"):
        message = error.message(lang)
        assert str(requested) in message and str(limit) in message
    assert error.status == 400 and error.code == "context_length_exceeded"


def test_cancel_stops_generation_early(engine: LocalEngine) -> None:
    request = GenerationRequest(prompt=COUNTING, max_tokens=500, temperature=0)
    start = time.monotonic()
    texts: list[str] = []
    chunks: list[Chunk] = []
    for chunk in engine.generate(request):
        chunks.append(chunk)
        if chunk.text:
            texts.append(chunk.text)
            if len(texts) == 3:
                request.cancel.set()
    # llama.cpp stops at its next token; a few already queued may still arrive. Far fewer than 500.
    assert 3 <= len(texts) < 40
    assert time.monotonic() - start < 30
    # The slot is free again: the engine answers the next request normally.
    after = list(engine.generate(GenerationRequest(prompt=COUNTING, max_tokens=4, temperature=0)))
    assert usage_of(after).completion_tokens == 4


def test_closing_the_stream_cancels(engine: LocalEngine) -> None:
    request = GenerationRequest(prompt=COUNTING, max_tokens=500, temperature=0)
    stream = engine.generate(request)
    assert next(chunk for chunk in stream if chunk.text)
    stream.close()
    assert request.cancel.is_set()


def test_prompt_cache_reused_across_turns(engine: LocalEngine) -> None:
    history = [
        {"role": "system", "content": "You are a geography assistant."},
        {"role": "user", "content": f"Read this and remember it. {HISTORY_TEXT}"},
    ]
    first = list(engine.generate(GenerationRequest(messages=history, max_tokens=8, temperature=0)))
    first_usage = usage_of(first)
    assert first_usage.prompt_tokens >= 400, "the history should be about 500 tokens"

    history += [{"role": "assistant", "content": text_of(first)},
                {"role": "user", "content": "Which river was it?"}]
    second = list(engine.generate(GenerationRequest(messages=history, max_tokens=8, temperature=0)))
    second_usage = usage_of(second)
    assert second_usage.cached_tokens > 0
    # Nearly all of the first turn's prompt came from the cache rather than being recomputed.
    assert second_usage.cached_tokens >= 0.9 * first_usage.prompt_tokens
    assert second_usage.prompt_tokens > first_usage.prompt_tokens


def test_n_choices_report_one_usage_for_all(engine: LocalEngine) -> None:
    chunks = list(engine.generate(GenerationRequest(prompt=COUNTING, max_tokens=4, n=2, temperature=0)))
    assert {chunk.index for chunk in chunks if chunk.text} == {0, 1}
    usages = [chunk.usage for chunk in chunks if chunk.usage is not None]
    assert len(usages) == 1 and chunks[-1].usage is usages[0]
    assert usages[0].completion_tokens == 2 * 4


def test_close_is_idempotent(settings: Settings) -> None:
    engine = Catalog(settings).load(MODEL)
    assert engine.count_tokens("Bonjour") > 0
    engine.close()
    engine.close()
    with Catalog(settings).load(MODEL) as other:
        assert other.count_tokens("Bonjour") > 0
    other.close()
