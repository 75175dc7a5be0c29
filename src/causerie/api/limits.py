"""Per-key request rates (a token bucket in this process) and daily token quotas (counted in the store)."""

from __future__ import annotations

import math
import threading
import time
from datetime import UTC, datetime, timedelta

from causerie.errors import RateLimited
from causerie.store.records import KeyRecord


def utc_day(moment: datetime | None = None) -> str:
    return (moment or datetime.now(UTC)).strftime("%Y-%m-%d")


def seconds_to_next_day(moment: datetime | None = None) -> int:
    moment = moment or datetime.now(UTC)
    tomorrow = (moment + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(1, math.ceil((tomorrow - moment).total_seconds()))


class RateLimiter:
    """A bucket of `per_minute` requests per key, refilled continuously: bursts up to the limit are fine,
    a steady rate above it is not. The buckets live in this process (each server counts its own)."""

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
                raise RateLimited("auth.rate_limited", retry_after=math.ceil((1.0 - tokens) / rate),
                                  limit=per_minute)
            self._buckets[key_id] = (tokens - 1.0, moment)


def check_quota(key: KeyRecord, default_quota: int | None, moment: datetime | None = None) -> None:
    quota = key.token_quota_per_day or default_quota
    if quota is None:
        return
    used = key.tokens_used_on(utc_day(moment))
    if used >= quota:
        raise RateLimited("auth.quota_exceeded", code="quota_exceeded", retry_after=seconds_to_next_day(moment),
                          used=used, quota=quota)
