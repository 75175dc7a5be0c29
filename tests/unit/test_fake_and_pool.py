"""The fake engine, the engine pool, the async bridge and the entry-point registry."""

from __future__ import annotations

import asyncio
import time

import pytest

from causerie.engines.aio import stream_async
from causerie.engines.base import Capabilities, Chunk, Engine, GenerationRequest, Usage
from causerie.engines.fake import DEFAULT_REPLY, FakeEngine, fake_card
from causerie.engines.local import LocalEngine
from causerie.engines.openai_chunks import chunks_from, request_body
from causerie.engines.pool import EnginePool
from causerie.engines.remote import RemoteEngine
from causerie.errors import CauserieError, ContextOverflow, EngineFailure, InvalidRequest, ModelError, UnknownModel
from causerie.models.bundled import bundled_models
from causerie.models.catalog import engine_class, engine_classes, registered_cards


def ask(**fields: object) -> GenerationRequest:
    fields.setdefault("messages", [{"role": "user", "content": "deux mots"}])
    return GenerationRequest(**fields)


def text_of(chunks: list[Chunk], index: int = 0) -> str:
    return "".join(chunk.text for chunk in chunks if chunk.index == index and chunk.usage is None)


# --- FakeEngine --------------------------------------------------------------------------------


def test_fake_streams_word_by_word_then_finish_then_usage():
    engine = FakeEngine(replies=["un deux trois"])
    chunks = list(engine.generate(ask()))
    assert [chunk.text for chunk in chunks[:3]] == ["un", " deux", " trois"]
    assert chunks[3] == Chunk(index=0, finish_reason="stop")
    assert chunks[4].usage == Usage(prompt_tokens=2, completion_tokens=3)
    assert chunks[4].usage.total_tokens == 5
    assert len(chunks) == 5


def test_fake_replies_in_order_then_default():
    engine = FakeEngine(replies=["premier"]).queue("second")
    assert text_of(list(engine.generate(ask()))) == "premier"
    assert text_of(list(engine.generate(ask()))) == "second"
    assert text_of(list(engine.generate(ask()))) == DEFAULT_REPLY


def test_fake_records_requests():
    engine = FakeEngine()
    first, second = ask(max_tokens=3), GenerationRequest(prompt="texte")
    list(engine.generate(first))
    list(engine.generate(second))
    assert engine.requests == [first, second]


def test_fake_max_tokens_truncates():
    chunks = list(FakeEngine(replies=["a b c d e"]).generate(ask(max_tokens=2)))
    assert text_of(chunks) == "a b"
    assert chunks[-2].finish_reason == "length"
    assert chunks[-1].usage.completion_tokens == 2


def test_fake_max_tokens_equal_to_reply_is_a_stop():
    chunks = list(FakeEngine(replies=["a b"]).generate(ask(max_tokens=2)))
    assert chunks[-2].finish_reason == "stop"


def test_fake_n_choices():
    chunks = list(FakeEngine(replies=["a b", "c"]).generate(ask(n=2)))
    assert text_of(chunks, 0) == "a b" and text_of(chunks, 1) == "c"
    assert [c.index for c in chunks if c.finish_reason] == [0, 1]
    assert chunks[-1].usage.completion_tokens == 3


def test_fake_raises_a_queued_error_before_any_output():
    engine = FakeEngine(replies=[EngineFailure("api.engine_error", detail="x"), "après"])
    with pytest.raises(EngineFailure):
        next(engine.generate(ask()))
    assert engine.active == 0
    assert text_of(list(engine.generate(ask()))) == "après"


def test_fake_context_overflow():
    engine = FakeEngine()
    with pytest.raises(ContextOverflow) as caught:
        next(engine.generate(ask(messages=[{"role": "user", "content": "mot " * 4000}], max_tokens=200)))
    assert caught.value.values == {"requested": 4200, "limit": 4096}
    assert caught.value.status == 400


def test_fake_counts_words_and_completion_prompts():
    engine = FakeEngine()
    assert engine.count_tokens("un deux  trois") == 3
    chunks = list(engine.generate(GenerationRequest(prompt="quatre mots en tout")))
    assert chunks[-1].usage.prompt_tokens == 4


def test_fake_active_counter_and_cancel():
    engine = FakeEngine(replies=["a b c d e f"])
    request = ask()
    stream = engine.generate(request)
    assert next(stream).text == "a"
    assert engine.active == 1
    request.cancel.set()
    rest = list(stream)
    assert engine.active == 0
    assert all(not chunk.text for chunk in rest)


def test_fake_delay():
    engine = FakeEngine(replies=["a b c"], delay=0.02)
    started = time.monotonic()
    list(engine.generate(ask()))
    assert time.monotonic() - started >= 0.05


def test_fake_close_and_context_manager():
    with FakeEngine() as engine:
        assert not engine.closed
    assert engine.closed


def test_fake_card_and_capabilities():
    engine = FakeEngine()
    assert engine.name == "fake" and engine.kind == "fake" and engine.context_length == 4096
    assert engine.capabilities.max_choices >= 2 and engine.capabilities.json_schema
    assert fake_card("autre").name == "autre"


def test_base_engine_estimates_tokens():
    class Minimal(Engine):
        def generate(self, request):
            yield Chunk(text="x")

    engine = Minimal(fake_card())
    assert engine.count_tokens("") == 0
    assert engine.count_tokens("abc") == 1
    assert engine.count_tokens("a" * 40) == 10
    assert engine.capabilities == Capabilities()


# --- the asyncio bridge ------------------------------------------------------------------------


async def test_stream_async_yields_the_engine_chunks():
    engine = FakeEngine(replies=["un deux"])
    chunks = [chunk async for chunk in stream_async(engine, ask())]
    assert text_of(chunks) == "un deux" and chunks[-1].usage is not None


async def test_stream_async_reraises_engine_errors():
    engine = FakeEngine(replies=[EngineFailure("api.engine_error", detail="x")])
    with pytest.raises(EngineFailure):
        async for _ in stream_async(engine, ask()):
            pass


async def test_stream_async_closing_cancels_the_engine():
    engine = FakeEngine(replies=[" ".join(["mot"] * 200)], delay=0.02)
    request = ask()
    stream = stream_async(engine, request)
    await anext(stream)
    await stream.aclose()
    assert request.cancel.is_set()
    deadline = time.monotonic() + 2
    while engine.active and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    assert engine.active == 0


# --- openai_chunks -----------------------------------------------------------------------------


def test_chunks_from_skips_empty_deltas():
    payload = {"choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}},
                           {"index": 1, "delta": {"content": "x"}, "finish_reason": None}]}
    assert list(chunks_from(payload)) == [Chunk(text="x", index=1)]


def test_request_body_for_a_prompt():
    body = request_body(GenerationRequest(prompt="p", max_tokens=4), "m")
    assert body == {"stream": True, "stream_options": {"include_usage": True}, "model": "m", "prompt": "p",
                    "max_tokens": 4}


def test_request_body_carries_the_penalties_the_engines_apply():
    body = request_body(GenerationRequest(messages=[], frequency_penalty=0.4, presence_penalty=0.1))
    assert (body["frequency_penalty"], body["presence_penalty"]) == (0.4, 0.1)


# --- EnginePool --------------------------------------------------------------------------------


@pytest.fixture
def pool() -> EnginePool:
    return EnginePool([FakeEngine(fake_card("alpha")), FakeEngine(fake_card("beta"))])


def test_pool_default_is_the_first_engine(pool):
    assert pool.default == "alpha"
    assert pool.get(None).name == "alpha"


@pytest.mark.parametrize("name", ["", "  "])
def test_pool_refuses_an_empty_model_name(pool, name):
    with pytest.raises(InvalidRequest) as caught:  # not silently the default: a client's setting is wrong
        pool.get(name)
    assert caught.value.status == 400 and caught.value.param == "model"
    assert "alpha, beta" in caught.value.message("fr") and "alpha, beta" in caught.value.message("en")


def test_pool_explicit_default():
    engines = [FakeEngine(fake_card("alpha")), FakeEngine(fake_card("beta"))]
    assert EnginePool(engines, default="beta").get(None).name == "beta"


def test_pool_by_name(pool):
    assert pool.get("beta").name == "beta"
    assert pool.names() == ["alpha", "beta"]


def test_pool_by_path():
    card = fake_card("local-file").model_copy(update={"path": "/models/x.gguf"})
    pool = EnginePool([FakeEngine(card)])
    assert pool.get("/models/x.gguf").name == "local-file"


def test_pool_unknown_lists_names(pool):
    with pytest.raises(UnknownModel) as caught:
        pool.get("gamma")
    error = caught.value
    assert error.available == ["alpha", "beta"]
    assert error.status == 404 and error.code == "model_not_found" and error.param == "model"
    for lang in ("fr", "en"):
        assert all(name in error.message(lang) for name in ("gamma", "alpha", "beta"))


def test_empty_pool():
    pool = EnginePool([])
    assert pool.default is None
    with pytest.raises(UnknownModel):
        pool.get(None)


def test_pool_close_closes_every_engine(pool):
    pool.close()
    assert all(engine.closed for engine in pool.engines.values())


# --- entry points ------------------------------------------------------------------------------


def test_engine_classes_from_entry_points():
    classes = engine_classes()
    assert {"local", "remote", "fake"} <= set(classes)
    assert classes["local"] is LocalEngine
    assert classes["remote"] is RemoteEngine
    assert classes["fake"] is FakeEngine
    assert all(cls.kind == name for name, cls in classes.items() if name in {"local", "remote", "fake"})
    assert classes["cluster"].kind == "cluster"  # registered like the others; importing it imports no Ray


def test_unknown_engine_kind():
    with pytest.raises(ModelError) as caught:
        engine_class("quantum")
    message = caught.value.message("en")
    assert "quantum" in message and "local" in message and "remote" in message and "fake" in message


def test_bundled_models_are_registered_through_entry_points():
    names = [card.name for card in registered_cards()]
    for card in bundled_models():
        assert names.count(card.name) == 1


def test_errors_render_in_openai_shape():
    error = CauserieError("api.internal", detail="x")
    assert set(error.to_openai("fr")["error"]) == {"message", "type", "param", "code"}
    assert error.status == 500
