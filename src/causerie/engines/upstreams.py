"""The servers behind one remote model, and which one takes the next request.

A remote model may list several upstream servers of the same model (`base_urls`, with `weights`). Each
request goes to the least busy one that is up: in-flight requests divided by weight, ties to the heavier
server, then in turn. A server that fails (no connection, a timeout, a 502/503/504) is taken out at once, so
the requests that follow skip it; a background prober then asks it `GET {base}/models` after 1 s, 2 s,
4 s … (at most 30 s apart) and puts it back as soon as it answers. The prober exists only while some server
is down, talks only to the configured URLs, and `close()` stops it.

A single `base_url` is a pool of one that is never taken out (there is nowhere else to go): the remote engine
keeps retrying it with backoff, as it always did. This module knows nothing of HTTP: the engine hands it a
`probe(url)` callable."""

from __future__ import annotations

import itertools
import logging
import math
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from causerie.errors import UpstreamError

log = logging.getLogger(__name__)

FIRST_PROBE_DELAY = 1.0  # seconds after a failure before the first probe
MAX_PROBE_DELAY = 30.0  # the probe backoff doubles up to this
STOP_WAIT = 5.0  # how long close() waits for a probe under way

Probe = Callable[[str], str | None]  # url -> None if the server answers, else why not


class PoolUnavailable(UpstreamError):
    """503 with Retry-After: every server of a pool is down. They are probed again in the background, so
    the client may simply retry later; it is not the client's fault, nor a reason to wait on a hung socket."""

    status = 503
    code = "upstream_unavailable"

    def __init__(self, key: str, *, retry_after: int, **values: object):
        super().__init__(key, retry_after=retry_after, **values)
        self.headers = {"Retry-After": str(retry_after)}


def public_url(url: str) -> str:
    """`url` without the user and password it may carry: /health is public, and errors reach clients."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def probe_delay(failures: int, first: float | None = None, cap: float | None = None) -> float:
    """Seconds before the next probe of a server that failed `failures` times in a row: 1, 2, 4 … 30."""
    first = FIRST_PROBE_DELAY if first is None else first
    cap = MAX_PROBE_DELAY if cap is None else cap
    return min(first * 2 ** max(0, failures - 1), cap)


@dataclass(eq=False)
class Upstream:
    url: str
    weight: int
    in_flight: int = 0
    failures: int = 0  # every failure seen, for /health
    streak: int = 0  # failures in a row (requests, then probes) since it last worked: the probe backoff
    up: bool = True
    next_probe: float = 0.0
    last_error: str | None = None

    @property
    def load(self) -> float:
        # Exact for equal ratios (2/4 == 1/2 as floats): ties are real ties.
        return self.in_flight / self.weight


class Upstreams:
    """Health, load and choice of a pool's servers; thread-safe (requests run in worker threads)."""

    def __init__(self, name: str, urls: list[str], weights: list[int] | None = None, *,
                 probe: Probe | None = None, eject: bool = True, clock: Callable[[], float] = time.monotonic,
                 first_delay: float | None = None, max_delay: float | None = None):
        weights = weights or [1] * len(urls)
        self.name = name
        self.eject = eject  # False: a pool of one, never taken out
        self.clock = clock
        self.first_delay = FIRST_PROBE_DELAY if first_delay is None else first_delay
        self.max_delay = MAX_PROBE_DELAY if max_delay is None else max_delay
        self._upstreams = [Upstream(url, weight) for url, weight in zip(urls, weights, strict=True)]
        self._probe = probe
        self._lock = threading.Lock()
        self._turns = itertools.count()  # breaks the last ties in turn
        self._stop = threading.Event()
        self._prober: threading.Thread | None = None

    def __len__(self) -> int:
        return len(self._upstreams)

    @property
    def urls(self) -> list[str]:
        return [upstream.url for upstream in self._upstreams]

    def shown(self) -> str:
        """The servers, as messages name them."""
        return ", ".join(public_url(url) for url in self.urls)

    # --- choice ---

    def acquire(self, exclude: Collection[str] = ()) -> Upstream | None:
        """The least busy server that is up and not in `exclude` (urls), its in-flight count taken; None if
        there is none. Give it back with `release`."""
        with self._lock:
            candidates = [u for u in self._upstreams if (u.up or not self.eject) and u.url not in exclude]
            if not candidates:
                return None
            least = min(u.load for u in candidates)
            tied = [u for u in candidates if u.load == least]
            heaviest = max(u.weight for u in tied)
            tied = [u for u in tied if u.weight == heaviest]
            chosen = tied[next(self._turns) % len(tied)]
            chosen.in_flight += 1
            return chosen

    def release(self, upstream: Upstream) -> None:
        with self._lock:
            upstream.in_flight -= 1

    # --- health ---

    def failed(self, upstream: Upstream, detail: str) -> None:
        """`upstream` did not answer (or answered 502/503/504): take it out and have it probed."""
        with self._lock:
            upstream.failures += 1
            upstream.last_error = detail
            if not self.eject:
                return
            if upstream.up:  # several requests may fail on it at once: the first one schedules the probe
                upstream.up = False
                upstream.streak = 1
                upstream.next_probe = self.clock() + self._delay(1)
                log.warning("pool %s: %s taken out (%s)", self.name, public_url(upstream.url), detail)
            self._start_prober()

    def all_down(self) -> bool:
        with self._lock:
            return self.eject and not any(u.up for u in self._upstreams)

    def last_error(self) -> str:
        with self._lock:
            errors = [u.last_error for u in self._upstreams if not u.up and u.last_error]
        return errors[-1] if errors else "-"

    def retry_after(self) -> int:
        """Whole seconds until the next probe of a server that is down (at least 1)."""
        with self._lock:
            due = [u.next_probe for u in self._upstreams if not u.up]
            return max(1, math.ceil(min(due) - self.clock())) if due else 1

    def status(self) -> list[dict[str, Any]]:
        """What /health shows of each server."""
        with self._lock:
            return [{"url": public_url(u.url), "weight": u.weight, "state": "up" if u.up else "down",
                     "in_flight": u.in_flight, "failures": u.failures, "last_error": u.last_error}
                    for u in self._upstreams]

    def close(self) -> None:
        """Stop the prober (waiting a little for a probe under way); idempotent."""
        self._stop.set()
        with self._lock:
            prober = self._prober
        if prober is not None and prober is not threading.current_thread():
            prober.join(STOP_WAIT)

    # --- probing ---

    def _delay(self, streak: int) -> float:
        return probe_delay(streak, self.first_delay, self.max_delay)

    def _start_prober(self) -> None:
        """Under the lock. One thread per pool, only while a server is down: it ends by itself when all are up
        (the same lock decides, so a server taken out meanwhile is never left unprobed) or on close()."""
        if self._probe is None or self._prober is not None or self._stop.is_set():
            return
        self._prober = threading.Thread(target=self._probe_loop, name=f"causerie-pool-{self.name}", daemon=True)
        self._prober.start()

    def _probe_loop(self) -> None:
        while not self._stop.is_set():
            with self._lock:
                down = [u for u in self._upstreams if not u.up]
                if not down:
                    self._prober = None
                    return
                now = self.clock()
                due = [u for u in down if u.next_probe <= now]
                wait = min(u.next_probe for u in down) - now
            if not due:
                self._stop.wait(min(max(wait, 0.01), self.max_delay))
            for upstream in due:
                if self._stop.is_set():
                    return
                self._probe_one(upstream)

    def _probe_one(self, upstream: Upstream) -> None:
        assert self._probe is not None
        try:
            error = self._probe(upstream.url)  # outside the lock: a probe may take seconds
        except Exception as exc:  # a crashing probe must not end the prober while servers are down
            error = str(exc) or type(exc).__name__
        with self._lock:
            if error is None:
                upstream.up, upstream.streak = True, 0
                log.warning("pool %s: %s answers again, back in", self.name, public_url(upstream.url))
                return
            upstream.streak += 1
            upstream.last_error = error
            upstream.next_probe = self.clock() + self._delay(upstream.streak)
