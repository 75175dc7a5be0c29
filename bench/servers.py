"""A `causerie serve` subprocess for the bench scripts: on loopback, in its own CAUSERIE_HOME, ready when
/health answers."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(home: Path, model: str, config_toml: str = "", extra_args: tuple[str, ...] = (),
                 startup_timeout: float = 120) -> tuple[subprocess.Popen, str]:
    """(the process, its base URL). The caller's CAUSERIE_* variables are dropped: the run must not depend
    on the shell it was started from."""
    if config_toml:
        (home / "config.toml").write_text(config_toml, encoding="utf-8")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAUSERIE_")} | {"CAUSERIE_HOME": str(home)}
    command = [sys.executable, "-m", "causerie", "serve", "--model", model, "--host", "127.0.0.1", "--port", str(port),
               "--threads", "2", *extra_args]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + startup_timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return process, url
        except httpx.TransportError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError("causerie serve did not start")


@contextlib.contextmanager
def running_server(home: Path, model: str, config_toml: str = "", extra_args: tuple[str, ...] = (),
                   startup_timeout: float = 120) -> Iterator[str]:
    """`start_server` for the length of a `with`: yields the base URL, stops the server after."""
    process, url = start_server(home, model, config_toml, extra_args, startup_timeout)
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=60)
