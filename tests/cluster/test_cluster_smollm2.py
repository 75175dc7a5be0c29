"""The real engine through Ray Serve: SmolLM2 in two replicas (one thread each), behind causerie's API,
with the official openai SDK as the client."""

from __future__ import annotations

from collections.abc import Iterator

import openai
import pytest

from causerie.api import create_app
from causerie.cluster.engine import ClusterEngine
from causerie.engines.pool import EnginePool
from causerie.settings import Settings

from .conftest import served

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("ray_cluster")]
MODEL = "smollm2-135m-instruct"


@pytest.fixture(scope="module")
def smol(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ClusterEngine, Settings]]:
    settings = Settings(home=tmp_path_factory.mktemp("smol-cluster"), model=MODEL, replicas=2, replica_cpus=0.5,
                        replica_threads=1, parallel=2, context_size=2048)
    pool = EnginePool.load(settings)  # as `causerie serve --replicas 2` does: the `cluster` entry point
    engine = pool.engines[MODEL]
    assert isinstance(engine, ClusterEngine)
    yield engine, settings
    pool.close()


def test_two_smollm2_replicas_answer_the_openai_sdk(smol: tuple[ClusterEngine, Settings]) -> None:
    engine, settings = smol
    assert {r["state"] for r in engine.replicas()} == {"RUNNING"} and len(engine.replicas()) == 2
    with served(create_app(settings, EnginePool([engine]))) as url:
        sdk = openai.OpenAI(base_url=url + "/v1", api_key="unused", max_retries=0, timeout=60)
        reply = sdk.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "Say hi"}],
                                            max_tokens=8, temperature=0)
        assert reply.choices[0].message.content and reply.usage.completion_tokens <= 8
        stream = sdk.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "Count to five"}],
                                             max_tokens=12, stream=True, stream_options={"include_usage": True})
        chunks = list(stream)
        assert chunks[0].choices[0].delta.role == "assistant" and chunks[-1].usage.completion_tokens >= 1
        completion = sdk.completions.create(model=MODEL, prompt="1, 2, 3,", max_tokens=4, n=2)
        assert len(completion.choices) == 2
        with pytest.raises(openai.BadRequestError) as too_long:  # a replica's 400 stays a 400
            sdk.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "mot " * 3000}],
                                        max_tokens=8)
        assert too_long.value.code == "context_length_exceeded"
