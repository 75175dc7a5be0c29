"""How long work in the model layer (joining 1 GB of parts, hashing it, loading an engine) tells its
progress: a callback, `progress(description, done, total)`, called at the start (done 0), as it goes and at
the end (done == total). `total` None is a wait of unknown length. The model layer draws nothing itself:
the CLI renders bars and spinners (cli/progress_view.py), a server or a test passes `silent`."""

from __future__ import annotations

from collections.abc import Callable

ProgressFn = Callable[[str, int, "int | None"], None]


def silent(description: str, done: int, total: int | None) -> None:
    """Progress nobody watches."""
