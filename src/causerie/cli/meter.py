"""A live view of generations whose text is not streamed to the terminal (a skill's intermediate or
checked steps): the last lines of the text as it comes, and under them tokens so far, rate, and an
estimate of what is left, with the step's own message. It vanishes when the generation ends: the skill
then shows the text it kept.

The skill's engine is wrapped (`MeteredEngine`), so every generation is seen, whichever skill helper runs
it. A generation whose text the CLI streams (the skill yields deltas) needs no meter: `streaming()` hides
it for the rest of that generation. Off a terminal, a plain line every `PLAIN_EVERY_S` seconds."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

from rich.console import Console, Group
from rich.live import Live
from rich.text import Text

from causerie.engines.base import Chunk, Engine, GenerationRequest
from causerie.i18n import t

PLAIN_EVERY_S = 15.0
PREVIEW_LINES = 4  # enough to see the text advance, little enough to leave the rest of the screen alone
OUTPUT_PER_INPUT = 1.2  # a rewrite or a translation is about as long as its input


class Meter:
    def __init__(self, console: Console, lang: str):
        self.console, self.lang = console, lang
        self.step = ""
        self._request: int | None = None
        self._streaming = False
        self._tokens, self._started, self._expected = 0, 0.0, None
        self._text = ""
        self._estimate: Callable[[], int | None] | None = None
        self._live: Live | None = None
        self._last_plain = 0.0

    def new_step(self, message: str) -> None:
        self.hide()
        self.step = message

    def streaming(self) -> None:
        """The current generation's text goes to the terminal itself: no meter over it."""
        self._streaming = True
        self.hide()

    def tick(self, request: GenerationRequest, chunk: Chunk, expected: Callable[[], int | None]) -> None:
        """`expected` estimates the answer's length; called once, only if the line is drawn (counting the
        prompt's tokens is work a streamed generation does not need)."""
        if id(request) != self._request:
            self._request, self._streaming = id(request), False
            self._tokens, self._started, self._estimate, self._expected = 0, time.monotonic(), expected, None
            self._text = ""
        if self._streaming or not chunk.text:
            return
        self._tokens += 1
        self._text += chunk.text
        self.show(self.line())

    def preview(self) -> str:
        """The text's last lines, each cut to its end (where the words are arriving) to fit one row."""
        width = max(20, self.console.width - 2)
        lines = self._text.strip("\n").splitlines()[-PREVIEW_LINES:]
        return "\n".join(line if len(line) <= width else "…" + line[-(width - 1):] for line in lines)

    def line(self) -> str:
        elapsed = max(1e-6, time.monotonic() - self._started)
        rate = self._tokens / elapsed
        left = ""
        if self._estimate is not None:
            self._expected, self._estimate = self._estimate(), None
        if self._expected and rate > 0 and self._tokens < self._expected:
            left = t("cli.meter.left", self.lang, seconds=round((self._expected - self._tokens) / rate))
        return t("cli.meter.line", self.lang, step=self.step, tokens=self._tokens, rate=f"{rate:.1f}", left=left)

    def show(self, line: str) -> None:
        if not self.console.is_terminal:
            if time.monotonic() - self._last_plain >= PLAIN_EVERY_S:
                self._last_plain = time.monotonic()
                self.console.print(line, markup=False, highlight=False)
            return
        view = Group(Text(self.preview(), style="italic"), Text(line, style="dim")) if self._text.strip() else \
            Text(line, style="dim")
        if self._live is None:
            self._live = Live(view, console=self.console, transient=True, refresh_per_second=4)
            self._live.start()
        else:
            self._live.update(view)

    def hide(self) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None


class MeteredEngine:
    """The skill's engine, every generation's chunks counted by `meter` on their way through."""

    def __init__(self, engine: Engine, meter: Meter):
        self._engine, self._meter = engine, meter

    def __getattr__(self, name: str) -> Any:
        return getattr(self._engine, name)

    def stream(self, request: GenerationRequest) -> Iterator[Chunk]:
        def expected() -> int | None:
            return expected_tokens(self._engine, request)

        try:
            for chunk in self._engine.stream(request):
                self._meter.tick(request, chunk, expected)
                yield chunk
        finally:
            self._meter.hide()


def expected_tokens(engine: Engine, request: GenerationRequest) -> int | None:
    """About how long the answer will be: the user's text again (a rewrite, a translation), capped by
    max_tokens. An estimate, shown with a "~"."""
    users = [m.get("content") for m in request.messages or [] if m.get("role") == "user"]
    text = users[-1] if users and isinstance(users[-1], str) else request.prompt or ""
    guess = round(engine.count_tokens(text) * OUTPUT_PER_INPUT) if text else None
    if request.max_tokens and (guess is None or guess > request.max_tokens):
        return request.max_tokens
    return guess
