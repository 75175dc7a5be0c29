"""The sandbox: code that tries to escape must fail, and every failure must come with a clear reason.

The escape tests run real bubblewrap; where it cannot run here they skip with the reason `problem()` gives.
Limits are lowered so the whole file stays fast.
"""

from __future__ import annotations

import os
import signal
import socket
import threading
import uuid
from pathlib import Path

import pytest

from causerie.errors import InvalidRequest
from causerie.i18n.messages import MESSAGES
from causerie.sandbox import Limits, RunResult, Sandbox, SandboxUnavailable
from causerie.sandbox.reasons import limit_reason, run_reason
from causerie.sandbox.runner import LIMITS

FAST = Limits(cpu_seconds=2, wall_seconds=4, memory_mb=256, processes=32, file_size_mb=8, tmp_mb=16)


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    box = Sandbox(FAST)
    if reason := box.problem():
        pytest.skip(f"the sandbox cannot run on this machine: {reason}")
    return box


def run(box: Sandbox, code: str, **kwargs) -> RunResult:
    return box.run_python({"main.py": code}, "main.py", **kwargs)


def assert_blocked(result: RunResult, *words: str) -> str:
    """The run failed, and its reason (in both languages) is a clear sentence naming the cause."""
    assert not result.ok, result
    reasons = {lang: run_reason(result, lang, FAST) for lang in ("fr", "en")}
    assert reasons["fr"] != reasons["en"]
    assert any(word in reasons["en"] for word in words), reasons
    return reasons["en"]


# --- what the sandbox allows --------------------------------------------------------------------
def test_runs_python_with_the_given_files(sandbox):
    result = sandbox.run_python({"main.py": "import helper\nprint(helper.X)", "pkg/helper.py": "",
                                 "helper.py": "X = 41 + 1"}, "main.py")
    assert result.ok and result.stdout.strip() == "42", result
    assert result.limit_hit is None


def test_the_work_directory_is_fresh_and_writable(sandbox):
    code = "import os\nopen('out.txt', 'w').write('x')\nprint(sorted(os.listdir('.')), os.getcwd())"
    first, second = run(sandbox, code), run(sandbox, "import os\nprint(sorted(os.listdir('.')))")
    assert first.stdout.strip() == "['main.py', 'out.txt'] /work", first
    assert second.stdout.strip() == "['main.py']", second


def test_stdin_reaches_the_program(sandbox):
    assert run(sandbox, "print(input()[::-1])", stdin="abc\n").stdout.strip() == "cba"


def test_file_names_must_stay_inside_the_work_directory(sandbox):
    for name in ("../x.py", "/etc/x.py", "a/../../x.py", ""):
        with pytest.raises(InvalidRequest):
            sandbox.run_python({name: "print(1)"}, "main.py")


# --- escapes ------------------------------------------------------------------------------------
def test_cannot_reach_a_server_listening_on_loopback(sandbox):
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    accepted: list[object] = []
    server.settimeout(5)

    def accept() -> None:
        try:
            accepted.append(server.accept())
        except OSError:
            pass

    waiter = threading.Thread(target=accept)
    waiter.start()
    try:
        code = f"import socket\nsocket.create_connection(('127.0.0.1', {port}), timeout=2).sendall(b'hi')"
        result = run(sandbox, code)
    finally:
        server.close()
        waiter.join()
    assert accepted == []
    assert_blocked(result, "network")


def test_cannot_resolve_names(sandbox):
    assert_blocked(run(sandbox, "import socket\nprint(socket.getaddrinfo('example.com', 443))"), "network")


def test_cannot_read_the_users_ssh_keys(sandbox, tmp_path, monkeypatch):
    home = tmp_path / "home"
    key = home / ".ssh" / "id_ed25519"
    key.parent.mkdir(parents=True)
    secret = f"-----BEGIN OPENSSH PRIVATE KEY----- {uuid.uuid4().hex}"
    key.write_text(secret)
    monkeypatch.setenv("HOME", str(home))
    result = run(sandbox, f"import os\nprint(os.listdir({str(key.parent)!r}))\nprint(open({str(key)!r}).read())")
    assert secret not in result.stdout + result.stderr
    assert "id_ed25519" not in result.stdout
    assert_blocked(result, "outside its working folder")
    expanded = run(sandbox, "import os\nprint(open(os.path.expanduser('~/.ssh/id_ed25519')).read())")
    assert secret not in expanded.stdout and not expanded.ok


def test_cannot_read_etc_shadow_or_the_root_home(sandbox):
    assert_blocked(run(sandbox, "print(open('/etc/shadow').read())"), "outside its working folder")
    assert_blocked(run(sandbox, "import os\nprint(os.listdir('/root'))"), "outside its working folder")


def test_cannot_write_outside_the_work_directory(sandbox, tmp_path):
    target = tmp_path / f"escaped-{uuid.uuid4().hex}.txt"
    result = run(sandbox, f"open({str(target)!r}, 'w').write('pwned')")
    assert not target.exists()
    assert_blocked(result, "outside its working folder")
    for place in ("/escaped.txt", "/usr/escaped.txt", "/dev/escaped.txt"):
        assert_blocked(run(sandbox, f"open({place!r}, 'w').write('pwned')"), "outside its working folder")
    assert not Path("/escaped.txt").exists() and not Path("/usr/escaped.txt").exists()


def test_does_not_see_the_environment_secrets(sandbox, monkeypatch):
    secret = f"s3cr3t-{uuid.uuid4().hex}"
    monkeypatch.setenv("CAUSERIE_TEST_SECRET", secret)
    monkeypatch.setenv("OPENAI_API_KEY", secret)
    result = run(sandbox, "import os\nprint(dict(os.environ))\nprint(open('/proc/1/environ','rb').read())")
    assert secret not in result.stdout + result.stderr
    assert "CAUSERIE_TEST_SECRET" not in result.stdout


def test_fork_bomb_hits_the_process_limit(sandbox):
    result = run(sandbox, "import os\nwhile True:\n    os.fork()")
    assert result.limit_hit == "processes"
    assert_blocked(result, "too many processes")


def test_memory_bomb_hits_the_memory_limit(sandbox):
    result = run(sandbox, "chunks = []\nwhile True:\n    chunks.append(bytearray(16 * 1024 * 1024))")
    assert result.limit_hit == "memory"
    assert_blocked(result, "memory limit")


def test_infinite_loop_hits_the_cpu_limit(sandbox):
    # A generous wall clock: on a busy machine one CPU second can take several seconds to get.
    result = run(sandbox, "while True:\n    pass", limits=Limits(cpu_seconds=1, wall_seconds=30))
    assert result.limit_hit == "cpu" and not result.timed_out
    assert_blocked(result, "CPU time")


def test_sleeping_hits_the_wall_clock(sandbox):
    result = run(sandbox, "import time\ntime.sleep(60)", limits=Limits(wall_seconds=1.5))
    assert result.timed_out and result.limit_hit == "wall"
    assert result.duration < 5
    assert_blocked(result, "time limit")


def test_filling_tmp_is_capped(sandbox):
    result = run(sandbox, "f = open('/tmp/big', 'wb')\nwhile True:\n    f.write(b'x' * 1024 * 1024)")
    assert result.limit_hit in ("disk", "file_size")
    assert_blocked(result, "disk space", "file too large")


@pytest.mark.parametrize("folder", ["/work", "/tmp", "/dev/shm"])
def test_filling_the_disk_with_many_files_is_capped(sandbox, folder):
    code = (f"i = 0\nwhile True:\n    open(f'{folder}/f{{i}}', 'wb').write(b'x' * 4 * 1024 * 1024)\n"
            "    i += 1\n    assert i < 1000, 'no limit'")
    result = run(sandbox, code)
    assert result.limit_hit == "disk", result
    assert_blocked(result, "disk space")


def test_printing_forever_is_capped(sandbox):
    result = run(sandbox, "while True:\n    print('x' * 1000)")
    assert result.limit_hit == "output"
    assert len(result.stdout) <= 100_000
    assert_blocked(result, "too much output")


def test_cannot_create_a_nested_user_namespace(sandbox):
    result = run(sandbox, "import os\nos.unshare(os.CLONE_NEWUSER)\nprint('escaped')")
    assert "escaped" not in result.stdout and not result.ok


# --- reasons and refusal, without bubblewrap -----------------------------------------------------
@pytest.mark.parametrize("limit", LIMITS)
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_limit_has_a_reason_in_both_languages(limit, lang):
    assert f"sandbox.limit.{limit}" in MESSAGES
    reason = limit_reason(limit, lang, FAST)
    assert reason and "{" not in reason
    assert reason != limit_reason(limit, "en" if lang == "fr" else "fr", FAST)


@pytest.mark.parametrize(
    ("result", "limit"),
    [
        (RunResult(-9, "", "", 10.0, timed_out=True), "wall"),
        (RunResult(1, "x" * 10, "OSError: [Errno 27] File too large", 0.1, output_capped=True), "output"),
        (RunResult(1, "", "MemoryError", 0.1), "memory"),
        (RunResult(1, "", "BlockingIOError: [Errno 11] Resource temporarily unavailable", 0.1), "processes"),
        (RunResult(1, "", "OSError: [Errno 28] No space left on device", 0.1), "disk"),
        (RunResult(1, "", "OSError: [Errno 27] File too large", 0.1), "file_size"),
        (RunResult(128 + signal.SIGXCPU, "", "", 5.0), "cpu"),
        (RunResult(0, "MemoryError", "MemoryError", 0.1), None),  # caught and exited cleanly
        (RunResult(1, "", "ValueError: nope", 0.1), None),
    ],
)
def test_limit_hit_is_read_from_the_result(result, limit):
    assert result.limit_hit == limit


def test_a_plain_failure_reports_the_programs_own_error():
    reason = run_reason(RunResult(1, "", "Traceback...\nValueError: bad value\n", 0.1), "en")
    assert "ValueError: bad value" in reason and "exit code 1" in reason


def test_without_bubblewrap_the_sandbox_refuses(monkeypatch):
    monkeypatch.setattr("shutil.which", lambda name: None)
    box = Sandbox()
    assert "bubblewrap" in box.problem()
    with pytest.raises(SandboxUnavailable) as caught:
        box.check()
    assert "bubblewrap" in caught.value.message("fr") and caught.value.status == 503
    with pytest.raises(SandboxUnavailable):
        box.run_python({"main.py": "print(1)"}, "main.py")


def test_without_its_python_the_sandbox_refuses():
    assert "missing" in Sandbox(python="/nonexistent/python3").problem()


def test_the_sandbox_never_runs_in_the_callers_process(sandbox):
    result = run(sandbox, "import os\nprint(os.getpid(), os.getppid())")
    pid, _ = result.stdout.split()
    assert int(pid) != os.getpid()
