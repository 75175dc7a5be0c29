"""The sandbox: each run is a fresh bubblewrap container, as an unprivileged uid, with rlimits.

What it gives the code: read-only /usr (Debian's Python), a private /proc and /dev, its own work directory
at /work holding the given files, no network (a new, empty network namespace), no environment, no home, no
capabilities. What it takes: CPU seconds, address space, processes, file size, open files and wall-clock
time are all capped, and every writable place is a size-capped tmpfs (/work, /tmp, /dev/shm; the root and
/dev are remounted read-only), so a program cannot fill the host's disk or memory. If bubblewrap or Python
is missing, `Sandbox.check()` says why and nothing runs: there is no unconfined fallback.
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
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from causerie.errors import CauserieError, InvalidRequest

SANDBOX_PYTHON = "/usr/bin/python3"  # Debian's: pyenv's lives under /root (mode 700), unreachable inside
NOBODY = 65534
UID_POOL = itertools.cycle(range(61000, 61064))  # one uid per concurrent run: RLIMIT_NPROC counts per uid
_uid_lock = threading.Lock()
OUTPUT_TAIL = 100_000  # characters of stdout/stderr kept: the end is where errors are
LIMITS = ("wall", "output", "memory", "processes", "disk", "file_size", "cpu")


class SandboxUnavailable(CauserieError):
    status = 503
    type = "server_error"
    code = "sandbox_unavailable"


@dataclass(frozen=True)
class Limits:
    cpu_seconds: int = 5
    memory_mb: int = 512
    processes: int = 64
    file_size_mb: int = 64  # also caps stdout and stderr, which go to files
    open_files: int = 256
    wall_seconds: float = 10.0
    tmp_mb: int = 64  # each of /tmp and /work (a tmpfs: counted in the host's memory, not its disk)
    shm_mb: int = 8


@dataclass
class RunResult:
    returncode: int
    stdout: str
    stderr: str
    duration: float
    timed_out: bool = False
    output_capped: bool = False  # stdout or stderr reached the file-size limit

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
        """Which limit ended the run, if one did: one of `LIMITS` (catalogue key `sandbox.limit.<name>`).

        Read from the wall clock, the output size, the signal, and the error Python printed; a program
        that caught the error itself and exited cleanly hit no limit as far as its caller is concerned."""
        if self.timed_out:
            return "wall"
        if self.output_capped:
            return "output"
        if self.ok:
            return None
        if "MemoryError" in self.stderr or "Cannot allocate memory" in self.stderr:
            return "memory"
        if "Resource temporarily unavailable" in self.stderr or "can't start new thread" in self.stderr:
            return "processes"
        if "No space left on device" in self.stderr:
            return "disk"
        if self.signal == signal.SIGXFSZ or "File too large" in self.stderr:
            return "file_size"
        if self.signal in (signal.SIGXCPU, signal.SIGKILL):  # soft, then hard RLIMIT_CPU
            return "cpu"
        return None


def _rlimits(limits: Limits) -> Callable[[], None]:
    def apply() -> None:
        mib = 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_mb * mib,) * 2)
        resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 1))
        resource.setrlimit(resource.RLIMIT_NPROC, (limits.processes,) * 2)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_size_mb * mib,) * 2)
        resource.setrlimit(resource.RLIMIT_NOFILE, (limits.open_files,) * 2)
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return apply


def _tmpfs(path: str, size_mb: int) -> list[str]:
    return ["--size", str(size_mb * 1024 * 1024), "--tmpfs", path]


def bwrap_argv(bwrap: str, files: dict[str, int], limits: Limits, command: list[str]) -> list[str]:
    """The bubblewrap command line. `files` maps a path under /work to an open descriptor to copy from."""
    copies: list[str] = []
    for name, fd in files.items():
        for parent in reversed(PurePosixPath(name).parents[:-1]):
            copies += ["--dir", f"/work/{parent}"]
        copies += ["--file", str(fd), f"/work/{name}"]
    return [
        bwrap, "--unshare-all", "--unshare-user", "--die-with-parent", "--new-session",
        "--cap-drop", "ALL", "--disable-userns",
        "--ro-bind", "/usr", "/usr", "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
        "--symlink", "usr/bin", "/bin", "--proc", "/proc",
        "--dev", "/dev", *_tmpfs("/dev/shm", limits.shm_mb), "--remount-ro", "/dev",
        *_tmpfs("/tmp", limits.tmp_mb), *_tmpfs("/work", limits.tmp_mb), *copies,
        "--remount-ro", "/",  # bwrap's root is an unbounded tmpfs: read-only, or it could fill memory
        "--chdir", "/work",
        "--clearenv", "--setenv", "PATH", "/usr/bin", "--setenv", "HOME", "/work",
        "--setenv", "PYTHONDONTWRITEBYTECODE", "1", "--setenv", "LANG", "C.UTF-8",
        *command,
    ]


def _check_name(name: str) -> str:
    path = PurePosixPath(name)
    if not name or path.is_absolute() or ".." in path.parts or name != str(path):
        raise InvalidRequest("sandbox.bad_file_name", name=name)
    return name


class Sandbox:
    def __init__(self, limits: Limits | None = None, python: str = SANDBOX_PYTHON):
        self.limits = limits or Limits()
        self.python = python
        self.bwrap = shutil.which("bwrap")
        self._works = False  # a successful probe is remembered: the machine does not change under us

    def problem(self) -> str | None:
        """Why the sandbox cannot run here, or None when it can."""
        if not self.bwrap:
            return "bubblewrap (bwrap) is not installed: apt-get install bubblewrap"
        if not Path(self.python).is_file():
            return f"{self.python} is missing: apt-get install python3"
        if self._works:
            return None
        probe = self._run_checked({}, ["/usr/bin/true"], self.limits)
        if probe.returncode != 0:
            return f"bubblewrap cannot create namespaces here: {probe.stderr.strip()[:200]}"
        self._works = True
        return None

    def check(self) -> None:
        if reason := self.problem():
            raise SandboxUnavailable("sandbox.unavailable", reason=reason)

    def run_python(self, files: dict[str, str], script: str, *, limits: Limits | None = None,
                   stdin: str | None = None) -> RunResult:
        """Write `files` into a fresh /work and run `python3 -E -s -B script` there.

        Not -I: that would drop /work from sys.path, and the files given together may import each other."""
        return self.run(files, [self.python, "-E", "-s", "-B", script], limits=limits, stdin=stdin)

    def run(self, files: dict[str, str], command: list[str], *, limits: Limits | None = None,
            stdin: str | None = None) -> RunResult:
        if not self.bwrap:
            self.check()
        return self._run_checked(files, command, limits or self.limits, stdin=stdin)

    def _run_checked(self, files: dict[str, str], command: list[str], limits: Limits, *,
                     stdin: str | None = None) -> RunResult:
        # A private (0700) host directory holds the inputs and the logs; the sandbox sees neither, only
        # copies of the inputs, made by bwrap from descriptors we pass it.
        with tempfile.TemporaryDirectory(prefix="causerie-sbx-") as tmp:
            fds: dict[str, int] = {}
            try:
                for index, (name, content) in enumerate(files.items()):
                    source = Path(tmp) / f"in-{index}"
                    source.write_text(content, encoding="utf-8")
                    fds[_check_name(name)] = os.open(source, os.O_RDONLY)
                argv = bwrap_argv(self.bwrap or "bwrap", fds, limits, command)
                return self._spawn(argv, limits, stdin, Path(tmp), list(fds.values()))
            finally:
                for fd in fds.values():
                    os.close(fd)

    def _spawn(self, argv: list[str], limits: Limits, stdin: str | None, logs: Path,
               fds: list[int]) -> RunResult:
        as_root = os.geteuid() == 0
        with _uid_lock:
            uid = next(UID_POOL) if as_root else None
        # Output goes to files, not pipes: RLIMIT_FSIZE then caps a program that prints forever.
        with open(logs / "out", "w+b") as out, open(logs / "err", "w+b") as err:
            start = time.perf_counter()
            process = subprocess.Popen(
                argv, stdin=subprocess.PIPE, stdout=out, stderr=err, preexec_fn=_rlimits(limits),
                start_new_session=True, pass_fds=fds,
                # bwrap's own process (pid 1 inside) keeps the environment it starts with, readable at
                # /proc/1/environ: it must start with none, not only clear the program's (--clearenv).
                env={},
                # bwrap run as root keeps every capability and ignores RLIMIT_NPROC: drop to a plain uid.
                **({"user": uid, "group": NOBODY, "extra_groups": []} if as_root else {}),
            )
            timed_out = self._wait(process, stdin, limits.wall_seconds)
            duration = time.perf_counter() - start
            cap = limits.file_size_mb * 1024 * 1024
            capped = _size(out) >= cap or _size(err) >= cap
            return RunResult(process.returncode, _tail(out), _tail(err), duration, timed_out, capped)

    @staticmethod
    def _wait(process: subprocess.Popen, stdin: str | None, wall_seconds: float) -> bool:
        try:
            process.communicate(stdin.encode() if stdin else None, timeout=wall_seconds)
            return False
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # bwrap dies, and --die-with-parent takes the rest
            process.wait()
            return True


def _size(handle) -> int:
    handle.seek(0, os.SEEK_END)
    return handle.tell()


def _tail(handle, limit: int = OUTPUT_TAIL) -> str:
    size = _size(handle)
    handle.seek(max(0, size - limit))
    return handle.read().decode("utf-8", errors="replace")
