"""One shared way for the bench scripts to write their report into docs/benchmarks.md: each owns the text
between its own `<!-- NAME:start -->` and `<!-- NAME:end -->` markers, replaced in place (or appended), and
leaves the other benchmarks' sections alone; and the revision a report was measured on."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def git_head() -> str:
    """The checkout's short commit, or "?" outside a git clone (a report still gets written)."""
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


def markers(name: str) -> tuple[str, str]:
    return f"<!-- {name}:start -->", f"<!-- {name}:end -->"


def write_section(out: Path, name: str, body: str) -> None:
    """Put `body` between NAME's markers in `out` (the markers are added; `body` must not hold them)."""
    start, end = markers(name)
    section = f"{start}\n{body.strip()}\n{end}"
    current = out.read_text(encoding="utf-8") if out.exists() else ""
    if start in current and end in current:
        head, rest = current.split(start, 1)
        current = head + section + rest.split(end, 1)[1]
    else:
        current = (current.rstrip("\n") + "\n\n" if current.strip() else "") + section + "\n"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(current, encoding="utf-8")


def publish(text: str, out: Path | None, name: str) -> None:
    """Print the report, and write it into `out`'s NAME section when asked."""
    print(text)
    if out:
        write_section(out, name, text)
