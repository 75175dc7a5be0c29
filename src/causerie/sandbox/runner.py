"""The sandbox: each run is a fresh bubblewrap container, as an unprivileged uid, with rlimits.

What it gives the code: read-only /usr (Debian's Python), a private /proc and /dev, a 64 MiB /tmp, its own
work directory at /work, no network (a new, empty network namespace), no environment, no home, no
capabilities. What it takes: CPU seconds, address space, processes, file size, open files and wall-clock
time are all capped. If bubblewrap or Python is missing, `Sandbox.check()` says why and nothing runs:
there is no unconfined fallback.
"""

from __future__ import annotations

import itertools
import os
import resource
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from causerie.errors import CauserieError

SANDBOX_PYTHON = "/usr/bin/python3"  # Debian's: pyenv's lives under /root (mode 700), unreachable inside
NOBODY = 65534
UID_POOL = itertools.cycle(range(61000, 61064))  # one uid per concurrent run: RLIMIT_NPROC counts per uid
_uid_lock = threading.Lock()


class SandboxUnavailable(CauserieError):
    status = 503
    type = "server_error"
    code = "sandbox_unavailable"


@dataclass(frozen=True)
class Limits:
    cpu_seconds: int = 5
    memory_mb: int = 512
    processes: int = 64
    file_size_mb: int = 64
    open_files: int = 256
    wall_seconds: float = 10.0
    tmp_mb: int = 64


@dataclass
class RunResult:
    returncode: int
    stdout: str
    stderr: str
    duration: float
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out

    @property
    def signal(self) -> int | None:
        """The signal that killed the program (bwrap reports it as 128 + signal)."""
        if self.returncode < 0:
            return -self.returncode
        return self.returncode - 128 if self.returncode > 128 else None

    @property
    def limit_hit(self) -> str | None:
        """Which limit ended the run, if one did: 'wall', 'cpu', 'memory', 'processes' or 'file_size'."""
        if self.timed_out:
            return "wall"
        if self.signal in (signal.SIGXCPU, signal.SIGKILL):
            return "cpu"
        if "MemoryError" in self.stderr or "Cannot allocate memory" in self.stderr:
            return "memory"
        if "Resource temporarily unavailable" in self.stderr or "can't start new thread" in self.stderr:
            return "processes"
        if self.signal == signal.SIGXFSZ or "File too large" in self.stderr:
            return "file_size"
        return None


def _rlimits(limits: Limits) -> callable:
    def apply() -> None:
        mib = 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_mb * mib,) * 2)
        resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 1))
        resource.setrlimit(resource.RLIMIT_NPROC, (limits.processes,) * 2)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_size_mb * mib,) * 2)
        resource.setrlimit(resource.RLIMIT_NOFILE, (limits.open_files,) * 2)
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return apply


def bwrap_argv(bwrap: str, work: Path, limits: Limits, command: list[str]) -> list[str]:
    return [
        bwrap, "--unshare-all", "--unshare-user", "--die-with-parent", "--new-session",
        "--cap-drop", "ALL", "--disable-userns",
        "--ro-bind", "/usr", "/usr", "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
        "--symlink", "usr/bin", "/bin", "--proc", "/proc", "--dev", "/dev",
        "--size", str(limits.tmp_mb * 1024 * 1024), "--tmpfs", "/tmp",
        "--bind", str(work), "/work", "--chdir", "/work",
        "--clearenv", "--setenv", "PATH", "/usr/bin", "--setenv", "HOME", "/work",
        "--setenv", "PYTHONDONTWRITEBYTECODE", "1", "--setenv", "LANG", "C.UTF-8",
        *command,
    ]


class Sandbox:
    def __init__(self, limits: Limits | None = None, python: str = SANDBOX_PYTHON):
        self.limits = limits or Limits()
        self.python = python
        self.bwrap = shutil.which("bwrap")

    def problem(self) -> str | None:
        """Why the sandbox cannot run here, or None when it can."""
        if not self.bwrap:
            return "bubblewrap (bwrap) is not installed: apt-get install bubblewrap"
        if not Path(self.python).is_file():
            return f"{self.python} is missing: apt-get install python3"
        probe = self._run_checked({}, ["/usr/bin/true"], self.limits, check=False)
        if probe.returncode != 0:
            return f"bubblewrap cannot create namespaces here: {probe.stderr.strip()[:200]}"
        return None

    def check(self) -> None:
        if reason := self.problem():
            raise SandboxUnavailable("sandbox.unavailable", reason=reason)

    def run_python(self, files: dict[str, str], script: str, *, limits: Limits | None = None,
                   stdin: str | None = None) -> RunResult:
        """Write `files` into a fresh work dir and run `python3 -I script` there."""
        return self.run(files, [self.python, "-I", "-B", script], limits=limits, stdin=stdin)

    def run(self, files: dict[str, str], command: list[str], *, limits: Limits | None = None,
            stdin: str | None = None) -> RunResult:
        if not self.bwrap:
            self.check()
        return self._run_checked(files, command, limits or self.limits, stdin=stdin)

    def _run_checked(self, files: dict[str, str], command: list[str], limits: Limits, *,
                     stdin: str | None = None, check: bool = True) -> RunResult:
        with tempfile.TemporaryDirectory(prefix="causerie-sbx-") as tmp:
            work, logs = Path(tmp) / "work", Path(tmp) / "logs"
            work.mkdir()
            logs.mkdir()
            for name, content in files.items():
                (work / name).write_text(content, encoding="utf-8")
            os.chmod(tmp, 0o711)  # the sandbox uid may traverse to work/, but not list or read logs/
            os.chmod(work, 0o777)  # and must be able to write its own outputs
            argv = bwrap_argv(self.bwrap or "bwrap", work, limits, command)
            return self._spawn(argv, limits, stdin, logs)

    def _spawn(self, argv: list[str], limits: Limits, stdin: str | None, logs: Path) -> RunResult:
        as_root = os.geteuid() == 0
        with _uid_lock:
            uid = next(UID_POOL) if as_root else None
        # Output goes to files, not pipes: RLIMIT_FSIZE then caps a program that prints forever.
        with open(logs / "out", "w+b") as out, open(logs / "err", "w+b") as err:
            start = time.perf_counter()
            process = subprocess.Popen(
                argv, stdin=subprocess.PIPE, stdout=out, stderr=err, preexec_fn=_rlimits(limits),
                start_new_session=True,
                # bwrap run as root keeps every capability and ignores RLIMIT_NPROC: drop to a plain uid.
                **({"user": uid, "group": NOBODY, "extra_groups": []} if as_root else {}),
            )
            timed_out = self._wait(process, stdin, limits.wall_seconds)
            duration = time.perf_counter() - start
            return RunResult(process.returncode, _tail(out), _tail(err), duration, timed_out)

    @staticmethod
    def _wait(process: subprocess.Popen, stdin: str | None, wall_seconds: float) -> bool:
        try:
            process.communicate(stdin.encode() if stdin else None, timeout=wall_seconds)
            return False
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # bwrap dies, and --die-with-parent takes the rest
            process.wait()
            return True


def _tail(handle, limit: int = 100_000) -> str:
    handle.seek(0, os.SEEK_END)
    size = handle.tell()
    handle.seek(max(0, size - limit))
    return handle.read().decode("utf-8", errors="replace")
