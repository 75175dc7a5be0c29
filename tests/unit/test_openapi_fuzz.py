"""The OpenAPI document and the server, held to each other by schemathesis: every operation of the
document, fed generated requests (valid and invalid), must answer without a 5xx and as the document says
(status codes, media types, bodies, headers). In process, on a FakeEngine; tests/integration/
test_openapi_fuzz_engine.py runs the generating routes against the real engine.

Bounded: a fixed number of examples per operation, derandomized, so CI runs the same cases each time."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from causerie.api import create_app
from causerie.engines.fake import FakeEngine
from causerie.engines.pool import EnginePool
from causerie.settings import Settings

EXAMPLES = 25
# Made at import, as schemathesis needs the document to generate its tests; removed once the module is done.
HOME = Path(tempfile.mkdtemp(prefix="causerie-fuzz-"))
# Replies short and immediate; the audio routes use the real espeak-ng and Whisper.
APP = create_app(Settings(home=HOME, sse_keepalive=30), EnginePool([FakeEngine()]))
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.fixture(scope="module", autouse=True)
def _remove_home():
    yield
    shutil.rmtree(HOME, ignore_errors=True)


@pytest.fixture(scope="module")
def app():
    return APP


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_documented(case) -> None:
    case.call_and_validate()


def test_the_document_declares_no_422_and_the_error_shape(app) -> None:
    document = app.openapi()
    assert "HTTPValidationError" not in document["components"]["schemas"]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert "422" not in responses, f"{method} {path}"
            assert {"400", "413", "500"} <= set(responses), f"{method} {path}"
            assert responses["400"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorResponse")


def test_media_types_are_declared_where_they_are_not_json(app) -> None:
    paths = app.openapi()["paths"]
    assert "text/event-stream" in paths["/v1/chat/completions"]["post"]["responses"]["200"]["content"]
    assert "text/markdown" in paths["/api/me/export"]["get"]["responses"]["200"]["content"]
    assert list(paths["/metrics"]["get"]["responses"]["200"]["content"]) == [
        "text/plain; version=0.0.4; charset=utf-8"]
    upload = paths["/v1/audio/transcriptions"]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert upload["required"] == ["file"] and upload["properties"]["file"]["format"] == "binary"
    assert "audio/mpeg" in paths["/v1/audio/speech"]["post"]["responses"]["200"]["content"]
