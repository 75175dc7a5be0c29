"""What the cluster looks like: its nodes, and each replica with its node, state and load."""

from __future__ import annotations

import json
from typing import Any

LOAD_NAMESPACE = "causerie"
LOAD_PERIOD_S = 1.0


def load_key(app_name: str, replica_id: str) -> str:
    return f"load/{app_name}/{replica_id}"


def replica_load(app_name: str, replica_id: str) -> dict[str, Any]:
    """What the replica last published (replica.py): running, queued, slots, busy_slots; {} before that."""
    from ray.experimental.internal_kv import _internal_kv_get

    raw = _internal_kv_get(load_key(app_name, replica_id), namespace=LOAD_NAMESPACE)
    return json.loads(raw) if raw else {}


def replica_list(app_name: str) -> list[dict[str, Any]]:
    """The replicas of one causerie app: id, node, node address, state, pid and load. From Serve's controller (the
    details the Ray dashboard shows), which needs no dashboard."""
    from ray.serve.context import _get_global_client

    details = _get_global_client().get_serve_details()
    app = details.get("applications", {}).get(app_name) or {}
    replicas = []
    for deployment in app.get("deployments", {}).values():
        for replica in deployment.get("replicas", []):
            state = replica.get("state")
            replicas.append({"id": replica.get("replica_id"), "node": replica.get("node_id"),
                             "node_ip": replica.get("node_ip"), "state": getattr(state, "value", state),
                             "pid": replica.get("pid"), "actor_name": replica.get("actor_name"),
                             "load": replica_load(app_name, replica.get("replica_id"))})
    return replicas


def node_list() -> list[dict[str, Any]]:
    import ray

    return [{"id": node["NodeID"], "address": node.get("NodeManagerAddress"), "alive": node.get("Alive"),
             "cpus": node.get("Resources", {}).get("CPU", 0.0)} for node in ray.nodes()]
