"""Helpers of the integration suite: starting `causerie serve` subprocesses and running the CLI.

Imported (relatively) by tests/integration/conftest.py and by the test modules."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import openai
import pytest

MODEL = "smollm2-135m-instruct"
QWEN = "qwen2.5-coder-1.5b-instruct"
REMOTE_MODEL = "upstream-smol"
API_KEY = "secret-key"
SMOLLM2_SHA256 = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
SERVER_CONTEXT = 4096
SERVER_ARGS = ("--parallel", "4", "--context-size", str(SERVER_CONTEXT), "--threads", "2")
STARTUP_TIMEOUT = 60.0
# About 6000 words: more than the servers' 4096-token context.
HUGE_MESSAGE = " ".join(["word"] * 6000)


def free_port() -> int:
    """A TCP port nothing listens on right now (on loopback)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def subprocess_env(home: Path, **extra: str) -> dict[str, str]:
    """The test process's environment without any CAUSERIE_* or proxy setting, plus `home` and `extra`."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("CAUSERIE_") and key.lower() not in {"http_proxy", "https_proxy", "all_proxy"}
    }
    env.update(CAUSERIE_HOME=str(home), PYTHONUNBUFFERED="1", NO_PROXY="127.0.0.1,localhost")
    env.update(extra)
    return env


def numbers_in(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", text)]


def one_line(text: str) -> str:
    """Rich wraps long lines when output is not a terminal; compare text with whitespace collapsed."""
    return " ".join(text.split())


@dataclass
class ServerProcess:
    name: str
    port: int
    home: Path
    process: subprocess.Popen
    stderr_path: Path
    args: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        return self.process.pid

    def stderr(self) -> str:
        try:
            return self.stderr_path.read_text(errors="replace")
        except OSError:
            return ""

    def http(self, **kwargs: object) -> httpx.Client:
        """A plain httpx client for raw requests (no proxy from the environment)."""
        kwargs.setdefault("timeout", 60.0)
        return httpx.Client(base_url=self.url, trust_env=False, **kwargs)

    def health(self) -> dict:
        with self.http(timeout=5.0) as client:
            response = client.get("/health")
            response.raise_for_status()
            return response.json()

    def in_flight(self, model: str = MODEL) -> int:
        return self.health()["models"][model]["in_flight"]

    def wait_idle(self, model: str = MODEL, timeout: float = 2.0) -> float:
        """Seconds until `model` has nothing in flight; fails after `timeout`."""
        start = time.monotonic()
        while True:
            if self.in_flight(model) == 0:
                return time.monotonic() - start
            if time.monotonic() - start > timeout:
                pytest.fail(f"{self.name}: {model} still has {self.in_flight(model)} generation(s) in flight "
                            f"{timeout} s later")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def wait_healthy(server: ServerProcess, timeout: float = STARTUP_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    with httpx.Client(trust_env=False, timeout=2.0) as client:
        while time.monotonic() < deadline:
            code = server.process.poll()
            if code is not None:
                pytest.fail(
                    f"server {server.name!r} exited with code {code} before becoming healthy.\n"
                    f"command: {' '.join(server.args)}\nstderr:\n{server.stderr()}",
                    pytrace=False,
                )
            try:
                if client.get(f"{server.url}/health").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
    server.stop()
    pytest.fail(f"server {server.name!r} not healthy after {timeout:.0f} s.\nstderr:\n{server.stderr()}",
                pytrace=False)


def launch_server(name: str, home: Path, *extra_args: str, config_toml: str | None = None,
                  model: str = MODEL, env: dict[str, str] | None = None) -> ServerProcess:
    """Start `causerie serve` on a free loopback port, in `home`, and wait until it is healthy."""
    if config_toml is not None:
        (home / "config.toml").write_text(config_toml, encoding="utf-8")
    port = free_port()
    args = [
        sys.executable, "-m", "causerie", "serve", "--model", model,
        "--host", "127.0.0.1", "--port", str(port), *SERVER_ARGS, *extra_args,
    ]
    stderr_path = home / "server.stderr"
    with open(stderr_path, "wb") as log:
        process = subprocess.Popen(args, env=subprocess_env(home, **(env or {})), stdin=subprocess.DEVNULL,
                                   stdout=log, stderr=log)
    server = ServerProcess(name=name, port=port, home=home, process=process, stderr_path=stderr_path, args=args)
    try:
        wait_healthy(server)
    except BaseException:
        server.stop()
        raise
    return server


def remote_config(upstream_url: str, **extra: object) -> str:
    """config.toml declaring REMOTE_MODEL, served by the causerie at `upstream_url`."""
    lines = [
        "[[remotes]]",
        f'name = "{REMOTE_MODEL}"',
        f'base_url = "{upstream_url}/v1"',
        f'model = "{MODEL}"',
        'license = "Apache-2.0"',
    ]
    for key, value in extra.items():
        lines.append(f'{key} = "{value}"' if isinstance(value, str) else f"{key} = {value}")
    return "\n".join(lines) + "\n"


def run_cli(args: Sequence[str], home: Path, *, input: str | None = None, timeout: float = 120.0,
            **env: str) -> subprocess.CompletedProcess:
    """`python -m causerie ARGS` with its own CAUSERIE_HOME; stdin is closed unless `input` is given."""
    return subprocess.run(
        [sys.executable, "-m", "causerie", *args],
        env=subprocess_env(home, **env),
        input=input,
        stdin=subprocess.DEVNULL if input is None else None,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def sdk_client(server: ServerProcess, api_key: str = "unused", **kwargs: object) -> openai.OpenAI:
    # max_retries=0: an error must surface at once, not after the SDK's backoff.
    return openai.OpenAI(base_url=f"{server.url}/v1", api_key=api_key, max_retries=0, timeout=60.0, **kwargs)


def async_sdk_client(server: ServerProcess, api_key: str = "unused", **kwargs: object) -> openai.AsyncOpenAI:
    options = {"max_retries": 0, "timeout": 60.0} | kwargs
    return openai.AsyncOpenAI(base_url=f"{server.url}/v1", api_key=api_key, **options)
