"""Hostile and mistaken input, each turned into a 400 (or 405) in OpenAI's error shape that names the field
and the limit, in the caller's language; nothing of it reaches the engine. Each case once got through:
a lone surrogate as a 500 leaking llama.cpp's parser message, max_tokens >= 2**31 overflowing inside the
engine, `"stop": [""]` as a silent empty answer, `"model": ""` as the default model, 405 without Allow,
and English-only errors with no code for invalid UTF-8 and deep nesting."""

from __future__ import annotations

import pytest

from unit.helpers import openai_error

CHAT = "/v1/chat/completions"
JSON = {"content-type": "application/json"}
FR, EN = {"Accept-Language": "fr"}, {"Accept-Language": "en"}


def chat(**extra: object) -> dict:
    return {"messages": [{"role": "user", "content": "Bonjour"}], **extra}


async def post_raw(client, path: str, raw: bytes, headers: dict[str, str]):
    return await client.post(path, content=raw, headers=JSON | headers)


# --- text that is not text -----------------------------------------------------------------------

SURROGATES = [
    pytest.param(CHAT, b'{"messages": [{"role": "user", "content": "a\\ud800b"}]}', "messages.0.content", "U+D800",
                 id="chat-content"),
    pytest.param(CHAT, b'{"messages": [{"role": "user", "content": [{"type": "text", "text": "\\udfff"}]}]}',
                 "messages.0.content.0.text", "U+DFFF", id="chat-content-part"),
    pytest.param(CHAT, b'{"messages": [{"role": "user", "content": "x"}], "stop": ["\\udabc"]}', "stop.0", "U+DABC",
                 id="chat-stop"),
    pytest.param("/v1/completions", b'{"prompt": "Il \\ud800tait"}', "prompt", "U+D800", id="completion-prompt"),
    pytest.param("/api/skills/translate", b'{"text": "\\udc00", "target": "en"}', "text", "U+DC00", id="skill"),
    pytest.param("/v1/audio/speech", b'{"input": "\\ud800", "voice": "fr"}', "input", "U+D800", id="speech"),
]


@pytest.mark.parametrize(("path", "raw", "field", "code_point"), SURROGATES)
async def test_a_lone_surrogate_is_a_400_naming_the_field(client, fake, path, raw, field, code_point):
    for lang, headers in (("fr", FR), ("en", EN)):
        error = openai_error(await post_raw(client, path, raw, headers), 400)
        assert error["param"] == field and error["code"] == "invalid_text"
        assert field in error["message"] and code_point in error["message"]
        assert ("demi-caractère" if lang == "fr" else "surrogate") in error["message"]
    assert fake.requests == []


async def test_a_surrogate_pair_is_ordinary_text(client, fake):
    response = await post_raw(client, CHAT, b'{"messages": [{"role": "user", "content": "\\ud83e\\udd50"}]}', {})
    assert response.status_code == 200
    assert fake.requests[-1].messages[0]["content"] == "🥐"


async def test_a_surrogate_in_a_key_is_named_too(client):
    error = openai_error(await post_raw(client, CHAT, b'{"messages": [], "\\ud800": 1}', EN), 400)
    assert error["code"] == "invalid_text"


@pytest.mark.parametrize(("lang", "headers", "word"), [("fr", FR, "UTF-8 valide"), ("en", EN, "not valid UTF-8")])
async def test_invalid_utf8_is_a_400_in_the_callers_language_with_a_code(client, lang, headers, word):
    error = openai_error(await post_raw(client, CHAT, b'{"messages": [{"role": "user", "content": "\xff"}]}',
                                        headers), 400)
    assert error["code"] == "invalid_utf8" and word in error["message"]
    assert "43" in error["message"]  # the offending byte's position


@pytest.mark.parametrize("raw", [b"[" * 100 + b"]" * 100, b"[" * 50_000 + b"]" * 50_000,
                                 b'{"a":' * 70 + b"1" + b"}" * 70])
@pytest.mark.parametrize(("headers", "word"), [(FR, "niveaux"), (EN, "levels")])
async def test_deep_nesting_is_a_400_naming_the_limit(client, raw, headers, word):
    error = openai_error(await post_raw(client, CHAT, raw, headers), 400)
    assert error["code"] == "too_deep" and "64" in error["message"] and word in error["message"]


# --- numbers past what the engine can hold ---------------------------------------------------------

BOUNDS = [
    pytest.param(CHAT, chat(max_tokens=2**31), "max_tokens", "1048576", id="max_tokens"),
    pytest.param(CHAT, chat(max_completion_tokens=2**40), "max_completion_tokens", "1048576", id="max_completion"),
    pytest.param(CHAT, chat(max_tokens=0), "max_tokens", "1", id="max_tokens-zero"),
    pytest.param(CHAT, chat(n=17), "n", "16", id="n"),
    pytest.param(CHAT, chat(seed=2**63), "seed", "9007199254740992", id="seed"),
    pytest.param(CHAT, chat(seed=-(2**64)), "seed", "-9007199254740992", id="seed-negative"),
    pytest.param(CHAT, chat(top_k=2**31), "top_k", "1048576", id="top_k"),
    pytest.param(CHAT, chat(temperature=9), "temperature", "2", id="temperature"),
    pytest.param("/v1/completions", {"prompt": "x", "max_tokens": 2**31}, "max_tokens", "1048576", id="completion"),
]


@pytest.mark.parametrize(("path", "body", "field", "limit"), BOUNDS)
async def test_numbers_out_of_range_name_the_field_and_the_limit(client, fake, path, body, field, limit):
    for headers, word in ((FR, "est trop"), (EN, "is too")):
        error = openai_error(await client.post(path, json=body, headers=headers), 400)
        assert error["param"] == field and error["code"] == "invalid_value"
        assert field in error["message"] and limit in error["message"] and word in error["message"]
    assert fake.requests == []


async def test_a_large_seed_and_top_k_reach_the_engine(client, fake):
    response = await client.post(CHAT, json=chat(seed=2**53, top_k=40, min_p=0.05))
    assert response.status_code == 200
    assert (fake.requests[-1].seed, fake.requests[-1].top_k, fake.requests[-1].min_p) == (2**53, 40, 0.05)


# --- accepted before, and wrong ---------------------------------------------------------------------


@pytest.mark.parametrize("stop", [[""], "", ["ok", ""]])
async def test_an_empty_stop_sequence_is_refused(client, fake, stop):
    for headers, word in ((FR, "vide"), (EN, "empty")):
        error = openai_error(await client.post(CHAT, json=chat(stop=stop), headers=headers), 400)
        assert error["param"] == "stop" and word in error["message"]
    assert fake.requests == []


async def test_too_many_stop_sequences(client):
    error = openai_error(await client.post(CHAT, json=chat(stop=[str(i) for i in range(17)])), 400)
    assert error["param"] == "stop" and "16" in error["message"] and "17" in error["message"]


@pytest.mark.parametrize("path", [CHAT, "/v1/completions"])
async def test_an_empty_model_name_is_refused_with_the_available_ones(client, fake, path):
    body = chat(model="") if path == CHAT else {"prompt": "x", "model": ""}
    for headers in (FR, EN):
        error = openai_error(await client.post(path, json=body, headers=headers), 400)
        assert error["param"] == "model" and "fake" in error["message"]
    assert fake.requests == []


@pytest.mark.parametrize(("method", "path", "allowed"), [
    ("PUT", CHAT, "POST"), ("GET", "/v1/completions", "POST"), ("POST", "/health", "GET"),
    ("PUT", "/api/conversations/abc", "GET, PATCH, DELETE"), ("DELETE", "/v1/models", "GET"),
])
async def test_a_405_says_which_methods_are_allowed(client, method, path, allowed):
    response = await client.request(method, path)
    error = openai_error(response, 405)
    assert response.headers["allow"] == allowed
    assert allowed in error["message"] and error["code"] == "method_not_allowed"


@pytest.mark.parametrize(("body", "field"), [({"text": "Bonjour", "target": "en", "model": {}}, "model"),
                                             ({"text": "Bonjour", "target": "en", "stream": "yes"}, "stream")])
async def test_a_skills_own_options_of_the_wrong_type_are_a_400(client, fake, body, field):
    error = openai_error(await client.post("/api/skills/translate", json=body), 400)  # was a 500
    assert error["param"] == field
    assert fake.requests == []


@pytest.mark.parametrize(("method", "path", "field"), [
    ("GET", "/api/conversations?offset=10000000000000000001", "offset"),  # overflowed the database: a 500
    ("DELETE", "/api/conversations/abc/messages?from=10000000000000000001", "from"),
])
async def test_ids_and_offsets_past_64_bits_are_a_400(client, method, path, field):
    error = openai_error(await client.request(method, path), 400)
    assert error["param"] == field and "9007199254740992" in error["message"]


async def test_completion_logprobs_must_not_be_negative(client):
    assert openai_error(await client.post("/v1/completions", json={"prompt": "x", "logprobs": -3}), 400)[
        "param"] == "logprobs"
