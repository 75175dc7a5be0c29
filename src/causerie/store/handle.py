"""The server's handle on the store: opened lazily, and reopened after a failure.

The server must start, and keep serving the stateless /v1 routes, when the database is down. So nothing
connects until a request needs the store (or the lifespan warms it up); a failed open is remembered for a
few seconds (each request then gets the same 503 at once, not another connect timeout), then retried."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import make_url

from causerie.errors import CauserieError

if TYPE_CHECKING:
    from causerie.store import Store

RETRY_AFTER_S = 5.0


class StoreHandle:
    def __init__(self, url: str, *, retry_after: float = RETRY_AFTER_S):
        self.url = url
        self.retry_after = retry_after
        self._store: Store | None = None
        self._failure: tuple[float, CauserieError] | None = None
        self._lock = threading.Lock()

    def get(self) -> Store:
        """The open store; raises StoreUnavailable (503) while it cannot be reached. Blocking."""
        if self._store is not None:
            return self._store
        with self._lock:
            if self._store is not None:
                return self._store
            if self._failure and time.monotonic() - self._failure[0] < self.retry_after:
                raise self._failure[1]
            from causerie.store import Store

            try:
                self._store = Store.open(self.url)
            except CauserieError as error:
                self._failure = (time.monotonic(), error)
                raise
            self._failure = None
            return self._store

    def may_hold_keys(self) -> bool:
        """False when the store certainly holds no API key: an open store is asked; a SQLite file that
        does not exist yet has none (and is not created just to find that out)."""
        if self._store is None:
            parsed = make_url(self.url)
            if parsed.get_backend_name() == "sqlite":
                database = parsed.database
                if not database or database == ":memory:" or not Path(database).expanduser().exists():
                    return False
        return self.get().has_active_keys()

    def close(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None
