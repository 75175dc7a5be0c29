"""The model layer's progress (models/progress.py) drawn on the terminal: a bar with size, rate and time
left while 1 GB of parts is joined or hashed, a spinner while an engine loads. Transient: the screen keeps
only what the command says next."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn
from rich.status import Status


class ProgressView:
    def __init__(self, console: Console):
        self.console = console
        self._bar: Progress | None = None
        self._task = None
        self._spinner: Status | None = None

    def __call__(self, description: str, done: int, total: int | None) -> None:
        if total is None:
            self._close_bar()
            self._spinner = self._spinner or self.console.status(description)
            self._spinner.start()
        elif done >= total:
            self.close()
        elif self._bar is None:
            self._bar = Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                                 TransferSpeedColumn(), TimeRemainingColumn(), console=self.console, transient=True)
            self._bar.start()
            self._task = self._bar.add_task(description, total=total, completed=done)
        else:
            self._bar.update(self._task, completed=done)

    def __enter__(self) -> ProgressView:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _close_bar(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar, self._task = None, None

    def close(self) -> None:
        self._close_bar()
        if self._spinner is not None:
            self._spinner.stop()
            self._spinner = None
