"""The queue in front of an engine's parallel slots.

At most `slots` generations run inside the engine at once (a request for n choices takes n slots); the
others wait here, first come first served. Why here and not in llama.cpp's own queue: a task queued inside
llama.cpp sends nothing until it gets a slot, so a client that leaves cannot cancel it before it has read
its prompt and produced a token; a queue of abandoned tasks then starves every new client. Here, leaving
costs nothing: the place is dropped at once.

Past `max_queue` waiting requests, or after `queue_timeout` seconds of waiting, a request is refused with
`ServerBusy` (503 and a Retry-After estimated from recent generations), never left hanging.

It also keeps what /health and /metrics report: what really runs in the engine (a slot is freed only once
the engine has stopped), what waits, and how long running work has produced nothing (a wedged engine).
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from causerie.errors import ServerBusy

if TYPE_CHECKING:
    from causerie.engines.base import Chunk, GenerationRequest

POLL_SECONDS = 0.1  # how often a waiting request looks at its cancel flag (a client that left)
FIRST_GUESS_SECONDS = 2.0  # a generation's duration before any was measured (for Retry-After)


@dataclass(frozen=True)
class Load:
    slots: int
    busy_slots: int
    running: int  # generations inside the engine
    queued: int  # generations waiting for a slot
    max_queue: int | None
    stalled_s: float  # seconds since running work last produced anything (0 when nothing runs)


class _Ticket:
    __slots__ = ("weight",)

    def __init__(self, weight: int):
        self.weight = weight


class Admission:
    def __init__(self, slots: int, max_queue: int | None = None, queue_timeout: float | None = None,
                 clock: Callable[[], float] = time.monotonic):
        self.slots = max(1, slots)
        self.max_queue = max_queue  # None: unbounded (a single user's CLI)
        self.queue_timeout = queue_timeout
        self.clock = clock
        self.on_wait: Callable[[float], None] | None = None  # observers, for the metrics
        self.on_refuse: Callable[[str], None] | None = None
        self._cond = threading.Condition()
        self._queue: deque[_Ticket] = deque()
        self._busy = 0
        self._running = 0
        self._started: dict[int, float] = {}  # id(request) -> when it was admitted
        self._last_activity = clock()
        self._mean_duration = FIRST_GUESS_SECONDS

    def configure(self, max_queue: int | None, queue_timeout: float | None) -> None:
        with self._cond:
            self.max_queue, self.queue_timeout = max_queue, queue_timeout

    def enter(self, request: GenerationRequest) -> Generator[Chunk, None, bool]:
        """Take the request's slots, waiting in line if needed (then a `queued` chunk is yielded first).
        Returns False if the request was cancelled while it waited; raises `ServerBusy` if it cannot wait."""
        weight = min(max(1, request.n), self.slots)
        with self._cond:
            if not self._queue and self._busy + weight <= self.slots:
                self._admit(request, weight)
                return True
            self._check_room()
            ticket = _Ticket(weight)
            self._queue.append(ticket)
            position = len(self._queue)
        return (yield from self._wait(request, ticket, position))

    def _wait(self, request: GenerationRequest, ticket: _Ticket, position: int) -> Generator[Chunk, None, bool]:
        from causerie.engines.base import Chunk, Waiting

        started, admitted = self.clock(), False
        try:
            yield Chunk(waiting=Waiting("queued", position=position))
            with self._cond:
                while not (self._queue[0] is ticket and self._busy + ticket.weight <= self.slots):
                    if request.cancelled:
                        return False
                    waited = self.clock() - started
                    if self.queue_timeout is not None and waited >= self.queue_timeout:
                        raise self._refusal("api.queue_timeout", waited=math.ceil(waited))
                    self._cond.wait(POLL_SECONDS)
                self._queue.popleft()
                self._admit(request, ticket.weight)
                admitted = True
        finally:
            if not admitted:
                self._forget(ticket)
        if self.on_wait is not None:
            self.on_wait(self.clock() - started)
        return True

    def leave(self, request: GenerationRequest) -> None:
        """The engine has stopped working on `request`: its slots go to the next in line."""
        with self._cond:
            started = self._started.pop(id(request), None)
            if started is None:
                return
            self._busy -= min(max(1, request.n), self.slots)
            self._running -= 1
            self._mean_duration = 0.8 * self._mean_duration + 0.2 * (self.clock() - started)
            self._cond.notify_all()

    def note_activity(self) -> None:
        self._last_activity = self.clock()  # one float: no lock needed

    def load(self) -> Load:
        with self._cond:
            stalled = self.clock() - self._last_activity if self._running else 0.0
            return Load(self.slots, self._busy, self._running, len(self._queue), self.max_queue, max(0.0, stalled))

    def _admit(self, request: GenerationRequest, weight: int) -> None:
        if self._running == 0:
            self._last_activity = self.clock()  # idle until now is not a stall
        self._busy += weight
        self._running += 1
        self._started[id(request)] = self.clock()

    def _check_room(self) -> None:
        if self.max_queue is not None and len(self._queue) >= self.max_queue:
            raise self._refusal("api.queue_full")

    def _refusal(self, key: str, **values: object) -> ServerBusy:
        """The error for a request that cannot wait, with a Retry-After from recent generations' length."""
        rounds = (len(self._queue) + 1) / self.slots
        retry_after = max(1, min(60, math.ceil(self._mean_duration * rounds)))
        if self.on_refuse is not None:
            self.on_refuse(key.rsplit(".", 1)[-1])
        return ServerBusy(key, retry_after=retry_after, running=self._running, queued=len(self._queue),
                          limit=self.max_queue, timeout=self.queue_timeout, **values)

    def _forget(self, ticket: _Ticket) -> None:
        with self._cond:
            try:
                self._queue.remove(ticket)
            except ValueError:
                return
            self._cond.notify_all()  # the head may have changed
