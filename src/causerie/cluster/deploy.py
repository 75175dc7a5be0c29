"""The Serve deployment of one model's replicas, and the wait until they serve."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any

from causerie.errors import ClusterError
from causerie.models.card import ModelCard
from causerie.settings import Settings

if TYPE_CHECKING:
    from causerie.cluster.engine import ClusterOptions

HEALTH_TIMEOUT_S = 30.0


def app_name_for(card: ModelCard) -> str:
    return "causerie-" + re.sub(r"[^A-Za-z0-9_-]+", "-", card.name)


def replica_class() -> Any:
    """EngineReplica as a Serve deployment, its inter-replica gRPC server kept off other interfaces."""
    from ray import serve

    from causerie.cluster.replica import EngineReplica

    class Replica(EngineReplica):
        def __init__(self, *args: Any, **kwargs: Any):
            bind_grpc_to_node_address()
            super().__init__(*args, **kwargs)

    Replica.__name__ = Replica.__qualname__ = "EngineReplica"
    return serve.deployment(Replica)


def bind_grpc_to_node_address() -> None:
    """Ray Serve 2.60 opens an inter-deployment gRPC server in every replica on "[::]:0", every interface,
    with no setting to change it (serve/_private/replica.py). causerie's replicas never use it (handles go
    through Ray's own actor calls), so it is bound to the node's address instead: 127.0.0.1 on a loopback
    cluster, the node's cluster address otherwise. Runs in the replica before Serve starts that server."""
    import ray
    from ray.serve._private import replica as serve_replica

    original = serve_replica.add_port_to_grpc_server
    node_ip = ray.util.get_node_ip_address()

    def on_node_address(server: Any, address: str) -> Any:
        if address.startswith("[::]:"):
            address = f"{node_ip}:{address.rsplit(':', 1)[1]}"
        return original(server, address)

    serve_replica.add_port_to_grpc_server = on_node_address


def deployment_options(settings: Settings, options: ClusterOptions) -> dict[str, Any]:
    slots = settings.parallel
    scaling: dict[str, Any]
    if options.autoscaling:
        scaling = {"autoscaling_config": {"min_replicas": options.min_replicas or 1,
                                          "max_replicas": options.max_replicas,
                                          "target_ongoing_requests": slots}}
    else:
        scaling = {"num_replicas": options.replicas}
    routing: dict[str, Any] = {}
    if settings.replica_affinity:
        from ray.serve.config import RequestRouterConfig

        from causerie.cluster.affinity import ROUTER_PATH

        routing = {"request_router_config": RequestRouterConfig(request_router_class=ROUTER_PATH)}
    return scaling | routing | {
        "ray_actor_options": {"num_cpus": options.cpus_each},
        # Serve sends a replica no more than its slots; the rest wait at the front end, in its queue.
        "max_ongoing_requests": slots,
        "health_check_period_s": options.health_period_s,
        "health_check_timeout_s": HEALTH_TIMEOUT_S,
        "graceful_shutdown_timeout_s": 5,
    }


def deploy(card: ModelCard, settings: Settings, options: ClusterOptions, engine_kwargs: dict[str, Any] | None,
           ready_timeout: float) -> tuple[Any, str]:
    from ray import serve

    name = app_name_for(card)
    deployment = replica_class().options(name="EngineReplica", **deployment_options(settings, options))
    # Not serve.run: it waits without a limit (forever, when the replicas cannot be placed).
    serve.run_many([serve.RunTarget(deployment.bind(card, settings, engine_kwargs), name=name, route_prefix=None)],
                   wait_for_ingress_deployment_creation=False, wait_for_applications_running=False)
    wait_ready(name, card.name, ready_timeout)
    return serve.get_app_handle(name), name


def wait_ready(app_name: str, model: str, timeout: float) -> None:
    """Serve's own wait has no limit: poll its status, and fail with its message when it gives up."""
    from ray import serve

    deadline = time.monotonic() + timeout
    state, detail = "?", ""
    while time.monotonic() < deadline:
        app = serve.status().applications.get(app_name)
        if app is not None:
            state, detail = str(app.status.value if hasattr(app.status, "value") else app.status), app.message
            if state == "RUNNING":
                return
            if state in ("DEPLOY_FAILED", "UNHEALTHY"):
                break
        time.sleep(0.5)
    raise ClusterError("cluster.not_ready", model=model, seconds=round(timeout), state=state,
                       detail=(detail or "")[:400])
