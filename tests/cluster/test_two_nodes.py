"""Two (then three) Ray nodes on one machine, with `ray.cluster_utils.Cluster` (each node a raylet of its
own, all on 127.0.0.1): replicas land on different nodes, and the replica of a removed node moves."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from causerie.cluster.engine import ClusterEngine
from causerie.engines.base import GenerationRequest
from causerie.engines.fake import fake_card
from causerie.settings import Settings

from .conftest import listening_off_loopback, ray_pids


@pytest.fixture(scope="module")
def nodes() -> Iterator[object]:
    import ray
    from ray import serve
    from ray.cluster_utils import Cluster

    loopback = {"node_ip_address": "127.0.0.1", "include_dashboard": False, "num_cpus": 1}
    cluster = Cluster(initialize_head=True, head_node_args=loopback)
    for _ in range(2):
        cluster.add_node(**loopback)
    cluster.wait_for_nodes()
    ray.init(address=cluster.address, namespace="causerie-tests", log_to_driver=False, logging_level="WARNING")
    try:
        yield cluster
    finally:
        serve.shutdown()
        ray.shutdown()
        cluster.shutdown()


def wait_for(check, seconds: float, what: str):  # noqa: ANN001, ANN201 - a small polling helper
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, f"not within {seconds} s: {what}"
        time.sleep(0.5)


def test_replicas_spread_over_nodes_and_move_when_a_node_goes(nodes, tmp_path: Path):
    settings = Settings(home=tmp_path, replicas=2, replica_cpus=1, ray_address=nodes.address)
    engine = ClusterEngine.start(fake_card("fake-nodes"), settings)
    try:
        placed = {r["node"] for r in engine.replicas()}
        assert len(placed) == 2, engine.replicas()  # one CPU a node: one replica a node
        assert listening_off_loopback(ray_pids()) == []
        victim = next(node for node in nodes.list_all_nodes() if node.node_id in placed and not node.head)
        nodes.remove_node(victim)

        def moved() -> bool:
            replicas = engine.replicas()
            running = [r for r in replicas if r["state"] == "RUNNING"]
            return len(running) == 2 and victim.node_id not in {r["node"] for r in running}

        wait_for(moved, 90, "the removed node's replica running on another node")
        answer = list(engine.stream(GenerationRequest(messages=[{"role": "user", "content": "Bonjour"}])))
        assert "".join(c.text for c in answer).startswith("Bonjour")
    finally:
        engine.close()
