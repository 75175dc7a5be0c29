"""Per-key request rates and daily token quotas, both kept in the store, so they hold across every front end
(every `causerie serve` process or ingress replica) that shares the database.

- Rate: a token bucket per key, a row of the store taken by one atomic upsert per request
  (`Store.take_request`). While the store is unreachable (a key kept working by the offline grace) the
  bucket of this process stands in, so each front end then allows the full rate.
- Quota: checked against the count read from the store by this very request's authentication (never a
  cached one), and charged by an atomic increment after each generation (`Store.charge_tokens`). A request
  is let in while the count is below the quota, so the count can overshoot by the tokens of the requests
  already running when it crosses the quota (one request's, if the key's requests come one at a time),
  never by a lost update."""

from __future__ import annotations

import math
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from causerie.errors import RateLimited
from causerie.store import StoreUnavailable
from causerie.store.records import KeyRecord

if TYPE_CHECKING:
    from causerie.store import Store


def utc_day(moment: datetime | None = None) -> str:
    return (moment or datetime.now(UTC)).strftime("%Y-%m-%d")


def seconds_to_next_day(moment: datetime | None = None) -> int:
    moment = moment or datetime.now(UTC)
    tomorrow = (moment + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(1, math.ceil((tomorrow - moment).total_seconds()))


def _refused(per_minute: int, wait: float) -> RateLimited:
    return RateLimited("auth.rate_limited", retry_after=max(1, math.ceil(wait)), limit=per_minute)


def check_rate(key_id: int, per_minute: int, store: Store | None, fallback: RateLimiter) -> None:
    """Take one request from the key's shared bucket in `store`; 429 with Retry-After when it is empty.
    `fallback` (this process's buckets) answers when there is no store to ask."""
    if per_minute <= 0:
        return
    if store is not None:
        try:
            granted, wait = store.take_request(key_id, per_minute)
        except StoreUnavailable:
            pass  # the store went away since the key was read: count in this process meanwhile
        else:
            if not granted:
                raise _refused(per_minute, wait)
            return
    fallback.check(key_id, per_minute)


class RateLimiter:
    """A bucket of `per_minute` requests per key, refilled continuously: bursts up to the limit are fine,
    a steady rate above it is not. These buckets live in this process only: they stand in for the stored
    ones while the store is unreachable."""

    def __init__(self, clock: object = time.monotonic):
        self.clock = clock
        self._buckets: dict[int, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def check(self, key_id: int, per_minute: int) -> None:
        if per_minute <= 0:
            return
        rate = per_minute / 60.0
        with self._lock:
            moment = self.clock()
            tokens, last = self._buckets.get(key_id, (float(per_minute), moment))
            tokens = min(float(per_minute), tokens + (moment - last) * rate)
            if tokens < 1.0:
                self._buckets[key_id] = (tokens, moment)
                raise _refused(per_minute, (1.0 - tokens) / rate)
            self._buckets[key_id] = (tokens - 1.0, moment)


def check_quota(key: KeyRecord, default_quota: int | None, moment: datetime | None = None) -> None:
    """`key` must have been read from the store for this request: a cached count would let every front end
    spend the quota again for as long as it is cached."""
    quota = key.token_quota_per_day or default_quota
    if quota is None:
        return
    used = key.tokens_used_on(utc_day(moment))
    if used >= quota:
        raise RateLimited("auth.quota_exceeded", code="quota_exceeded", retry_after=seconds_to_next_day(moment),
                          used=used, quota=quota)
