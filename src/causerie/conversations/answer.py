"""An answer stored as it streams: written every `flush_ms`, then once at the end with its status. Synchronous
(the terminal calls it directly; the server runs each call in a worker thread)."""

from __future__ import annotations

import logging
import time
from typing import Any

from causerie.errors import CauserieError
from causerie.store import Store
from causerie.store.records import MessageRecord

log = logging.getLogger("causerie.conversations")


class AnswerLog:
    def __init__(self, store: Store, answer: MessageRecord, flush_ms: int):
        self.store, self.answer = store, answer
        self.flush_s = flush_ms / 1000.0
        self.parts: list[str] = []
        self.started = time.perf_counter()
        self.first_token: float | None = None
        self._flushed_at = time.monotonic()
        self._flushed_len = 0

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def add(self, text: str) -> None:
        if self.first_token is None:
            self.first_token = time.perf_counter()
        self.parts.append(text)

    def due(self) -> str | None:
        """The text to write now, or None when the last write is recent or nothing came since."""
        if time.monotonic() - self._flushed_at < self.flush_s:
            return None
        text = self.text
        if len(text) == self._flushed_len:
            return None
        self._flushed_at, self._flushed_len = time.monotonic(), len(text)
        return text

    def flush(self, text: str) -> None:
        try:
            self.store.update_answer(self.answer.id, text)
        except CauserieError as error:  # the store went away: keep streaming, the answer still matters
            log.warning("could not save the answer %d as it streamed: %s", self.answer.id, error)

    def finish(self, status: str, *, usage: Any = None, error: str | None = None) -> MessageRecord:
        """The answer's end, with its status (complete, interrupted, error), tokens and timings."""
        values = {
            "error": error, "prompt_tokens": usage.prompt_tokens if usage else None,
            "completion_tokens": usage.completion_tokens if usage else None,
            "ttft_ms": (self.first_token - self.started) * 1000 if self.first_token else None,
            "duration_ms": (time.perf_counter() - self.started) * 1000,
        }
        try:
            return self.store.finish_answer(self.answer.id, self.text, status, **values) or self.answer
        except CauserieError as failure:
            log.warning("could not save the end of answer %d: %s", self.answer.id, failure)
            return self.answer
