"""What the cluster looks like: its nodes, and each replica with its node, state and load."""

from __future__ import annotations

from typing import Any


def replica_list(app_name: str) -> list[dict[str, Any]]:
    """The replicas of one causerie app: id, node, node address, state, pid. From Serve's controller (the
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
                             "pid": replica.get("pid"), "actor_name": replica.get("actor_name")})
    return replicas


def node_list() -> list[dict[str, Any]]:
    import ray

    return [{"id": node["NodeID"], "address": node.get("NodeManagerAddress"), "alive": node.get("Alive"),
             "cpus": node.get("Resources", {}).get("CPU", 0.0)} for node in ray.nodes()]
