"""Charging the tokens a request used to its API key's daily quota.

The auth dependency opens a meter for the request (a context variable: it follows the request into the
tasks and streams it spawns); `Generation.finish` reports the usage of every generation to it, whichever
endpoint ran it. Requests without a stored key have no meter."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextvars import ContextVar

import anyio

from causerie.engines.base import Usage
from causerie.errors import CauserieError

log = logging.getLogger("causerie.api")
_meter: ContextVar[Callable[[int], None] | None] = ContextVar("causerie_usage_meter", default=None)


def open_meter(charge: Callable[[int], None] | None) -> None:
    """`charge(tokens)` is blocking (a store write); it runs in a worker thread."""
    _meter.set(charge)


async def report_usage(usage: Usage) -> None:
    charge = _meter.get()
    if charge is None or usage.total_tokens <= 0:
        return
    with anyio.CancelScope(shield=True):  # runs during cleanup of cancelled requests too
        try:
            await anyio.to_thread.run_sync(charge, usage.total_tokens)
        except CauserieError as error:  # the store went away: the answer was served, say so in the log
            log.warning("could not charge %d tokens: %s", usage.total_tokens, error)
