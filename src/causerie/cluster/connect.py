"""Starting or joining the Ray cluster, and Serve on it, with nothing listening beyond what it must.

Without an address, causerie starts Ray in this process, pinned to 127.0.0.1 (head, node, object store;
no dashboard, no Serve HTTP proxy: requests reach replicas through a `DeploymentHandle`). By default Ray
rewrites 127.0.0.1 to the machine's network address; `RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0` makes it keep
loopback (as it does on a laptop), so it is set whenever the cluster is on loopback. With an address,
causerie joins that cluster, after checking that something answers there (Ray itself retries for minutes).
"""

from __future__ import annotations

import os
import socket
from typing import Any

from causerie.errors import ClusterError
from causerie.settings import Settings

PROBE_SECONDS = 3.0
NAMESPACE = "causerie"


def is_loopback(host: str) -> bool:
    return host in ("localhost", "::1") or host.startswith("127.")


def split_address(address: str) -> tuple[str, int]:
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        raise ClusterError("cluster.bad_address", address=address)
    return host.strip("[]"), int(port)


def check_reachable(address: str) -> None:
    host, port = split_address(address)
    try:
        with socket.create_connection((host, port), timeout=PROBE_SECONDS):
            return
    except OSError as error:
        raise ClusterError("cluster.unreachable", address=address, detail=error.strerror or str(error)) from error


def quiet_ray_environment(loopback: bool) -> None:
    """Set before Ray is imported: it reads these once."""
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # no telemetry: nothing leaves unasked
    os.environ.setdefault("RAY_DEDUP_LOGS", "0")
    if loopback:
        os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"


def connect(settings: Settings) -> Any:
    """Ray and Serve, ready for deployments; returns the `ray` module."""
    address = settings.ray_address
    if address:
        check_reachable(address)
    quiet_ray_environment(loopback=not address or is_loopback(split_address(address)[0]))
    import ray
    from ray import serve

    if not ray.is_initialized():
        if address:
            ray.init(address=address, namespace=NAMESPACE, log_to_driver=False, logging_level="WARNING")
        else:
            ray.init(num_cpus=settings.ray_cpus or len(os.sched_getaffinity(0)), include_dashboard=False,
                     _node_ip_address="127.0.0.1", namespace=NAMESPACE, log_to_driver=False,
                     logging_level="WARNING")
    serve.start(proxy_location="Disabled", http_options={"host": "127.0.0.1"})
    return ray


def check_cpus(ray: Any, replicas: int, cpus_each: float) -> None:
    """Serve would wait forever for CPUs that are not there: say how many the replicas need instead."""
    have = ray.cluster_resources().get("CPU", 0.0)
    need = replicas * cpus_each
    if need > have:
        raise ClusterError("cluster.not_enough_cpus", replicas=replicas, cpus_each=f"{cpus_each:g}",
                           need=f"{need:g}", have=f"{have:g}")
