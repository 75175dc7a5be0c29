"""Real Ray, started by the tests themselves: one local cluster per module, pinned to 127.0.0.1, two CPUs,
no dashboard, no Serve HTTP proxy. Skipped when the `cluster` extra (ray[serve]) is not installed."""

from __future__ import annotations

import contextlib
import importlib.util
import socket
import subprocess
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn

from causerie.cluster.connect import quiet_ray_environment

# Before anything imports Ray: it reads these once (loopback pinning among them).
quiet_ray_environment(loopback=True)
if importlib.util.find_spec("ray") is None:
    pytest.skip("ray[serve] is not installed (pip install 'causerie[cluster]')", allow_module_level=True)


def listening_off_loopback(pids: set[int]) -> list[str]:
    """Sockets of these processes listening on anything but loopback, from `ss -ltnp`."""
    lines = subprocess.run(["ss", "-ltnpH"], capture_output=True, text=True, check=True).stdout.splitlines()
    found = []
    for line in lines:
        fields = line.split()
        local = fields[3] if len(fields) > 3 else ""
        if local.startswith(("127.", "[::1]", "[::ffff:127.")):
            continue
        if any(f"pid={pid}," in line for pid in pids):
            found.append(line)
    return found


def ray_pids() -> set[int]:
    import psutil

    return {p.pid for p in psutil.process_iter(["name", "cmdline"])
            if "ray" in (p.info["name"] or "") or any("ray" in part for part in (p.info["cmdline"] or [])[:3])}


@pytest.fixture(scope="module")
def ray_cluster() -> Iterator[None]:
    """A local Ray for the module; its Serve apps and Ray itself are shut down after it."""
    import ray
    from ray import serve

    ray.init(num_cpus=2, include_dashboard=False, _node_ip_address="127.0.0.1", namespace="causerie-tests",
             log_to_driver=False, logging_level="WARNING")
    serve.start(proxy_location="Disabled", http_options={"host": "127.0.0.1"})
    try:
        yield
    finally:
        serve.shutdown()
        ray.shutdown()


@contextlib.contextmanager
def served(app: object) -> Iterator[str]:
    """The app on a real loopback port (httpx's in-process transport would hold a stream back whole)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the test server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
