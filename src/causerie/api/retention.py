"""The server's side of the store: opened at startup (if it can be: the stateless routes never wait for
it) and, when `retention_days` is set, purged of old conversations at startup and every hour."""

from __future__ import annotations

import asyncio
import logging

import anyio

from causerie.errors import CauserieError
from causerie.settings import Settings
from causerie.store import StoreHandle

log = logging.getLogger("causerie.store")
PURGE_EVERY_S = 3600.0


async def warm_up(store: StoreHandle) -> None:
    try:
        await anyio.to_thread.run_sync(store.get)
    except CauserieError as error:
        log.warning("%s", error.message())


async def retention_loop(store: StoreHandle, days: int, every: float = PURGE_EVERY_S) -> None:
    while True:
        try:
            gone = await anyio.to_thread.run_sync(lambda: store.get().purge(days))
            if gone:
                log.warning("retention: deleted %d conversation(s) untouched for %d days", gone, days)
        except CauserieError as error:
            log.warning("retention: %s", error.message())
        await asyncio.sleep(every)


def start_store_tasks(store: StoreHandle, settings: Settings) -> list[asyncio.Task]:
    tasks = [asyncio.create_task(warm_up(store))]
    if settings.retention_days:
        tasks.append(asyncio.create_task(retention_loop(store, settings.retention_days)))
    return tasks


async def stop_store_tasks(tasks: list[asyncio.Task], store: StoreHandle) -> None:
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await anyio.to_thread.run_sync(store.close)
