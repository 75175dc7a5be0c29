"""Why a sandboxed run failed, in words for people (FR/EN, from the catalogue).

A limit that ended the run comes first (`sandbox.limit.<name>`, with the limit's value); otherwise the
program's own last error line, recognised as the sandbox blocking the network or a file outside it when
that is what happened.
"""

from __future__ import annotations

import re

from causerie.i18n import t
from causerie.sandbox.runner import Limits, RunResult

NETWORK = re.compile(r"Connection refused|Network is unreachable|name resolution|Name or service not known|"
                     r"gaierror|Operation not permitted.*socket|Address family not supported")
# The sandbox sees no host path but /usr: a missing absolute path outside /work is one it keeps out.
OUTSIDE = re.compile(r"(FileNotFoundError|PermissionError|OSError).*'(/(?!work\b)[^']*)'|"
                     r"Read-only file system: '([^']*)'")


def limit_values(limits: Limits) -> dict[str, object]:
    return {"wall": limits.wall_seconds, "cpu": limits.cpu_seconds, "memory": limits.memory_mb,
            "processes": limits.processes, "file_size": limits.file_size_mb, "disk": limits.tmp_mb,
            "output": limits.file_size_mb}


def limit_reason(limit: str, lang: str, limits: Limits | None = None) -> str:
    """The catalogue's explanation of one limit (`RunResult.limit_hit`)."""
    return t(f"sandbox.limit.{limit}", lang, value=limit_values(limits or Limits())[limit])


def last_error(stderr: str) -> str:
    """The last line of a traceback (`ValueError: ...`), or the last non-empty line."""
    lines = [line.strip() for line in stderr.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


def run_reason(result: RunResult, lang: str, limits: Limits | None = None) -> str:
    if limit := result.limit_hit:
        return limit_reason(limit, lang, limits)
    error = last_error(result.stderr)
    if NETWORK.search(error):
        return t("sandbox.blocked.network", lang, error=error)
    if match := OUTSIDE.search(error):
        return t("sandbox.blocked.file", lang, path=match.group(2) or match.group(3), error=error)
    if result.returncode != 0:
        return t("sandbox.failed", lang, code=result.returncode, error=error or "-")
    return t("sandbox.no_report", lang)
