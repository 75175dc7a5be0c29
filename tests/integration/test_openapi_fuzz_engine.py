"""schemathesis against the real engine: the generating routes, fed generated requests (lone surrogates,
huge numbers, odd stops and all), must answer as the document says and never with a 5xx. A FakeEngine
cannot catch what only the engine's own parser rejects (a lone surrogate once came back as a 500 quoting
llama.cpp); this does. `max_tokens` is kept small by a hook, so each case costs little."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import schemathesis
from fuzz_caps import cap
from hypothesis import HealthCheck, settings

from causerie.api import create_app
from causerie.engines.fake import FakeEngine
from causerie.engines.pool import EnginePool
from causerie.settings import Settings

from .causerie_it import ServerProcess

pytestmark = pytest.mark.integration
EXAMPLES = 30
SLOTS = 4  # the test server's --parallel (tests/integration/causerie_it.py)


def _document() -> dict:
    """The document the server serves: the same code makes it, whatever engine is behind."""
    with tempfile.TemporaryDirectory(prefix="causerie-doc-") as home:
        return create_app(Settings(home=Path(home)), EnginePool([FakeEngine()])).openapi()


schema = schemathesis.openapi.from_dict(_document()).include(path_regex=r"^/v1/(chat/)?completions$")


@schema.hook
def map_case(context, case):  # noqa: ARG001 - schemathesis passes its context
    return cap(case, SLOTS)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_the_engine_routes_answer_as_documented(case, server: ServerProcess) -> None:
    case.call_and_validate(base_url=server.url, timeout=60)
