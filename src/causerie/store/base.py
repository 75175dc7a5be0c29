"""The store's core: opening (engine + migrations), sessions, and turning database failures into
user-facing errors. The feature methods live in mixins (`accounts.py`, `history.py`)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Self

from sqlalchemy import Engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from causerie.errors import CauserieError, ServiceUnavailable
from causerie.store.db import WRITES, CommandError, current_revision, head_revision, make_engine, migrate

log = logging.getLogger("causerie.store")


class StoreUnavailable(ServiceUnavailable):
    def __init__(self, url: str, detail: str):
        super().__init__("store.unavailable", url=safe_url(url), detail=detail[:300])


def safe_url(url: str) -> str:
    """The URL without its password, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a malformed URL: say nothing of it
        return "<invalid database URL>"


def _reason(error: Exception) -> str:
    original = getattr(error, "orig", None) or error
    return (str(original).strip().splitlines() or [type(original).__name__])[0]


class StoreBase:
    def __init__(self, engine: Engine, url: str):
        self.engine, self.url = engine, url
        self._reader = sessionmaker(engine, expire_on_commit=False)
        self._writer = sessionmaker(engine.execution_options(**{WRITES: True}), expire_on_commit=False)

    @classmethod
    def open(cls, url: str) -> Self:
        """Connect and migrate. Raises StoreUnavailable (503) if the database cannot be reached."""
        try:
            engine = make_engine(url)
        except Exception as error:  # noqa: BLE001 - a bad URL or a missing driver
            raise CauserieError("store.bad_url", url=safe_url(url), detail=_reason(error)) from error
        try:
            migrate(engine)
        except CommandError as error:
            engine.dispose()
            raise CauserieError("store.too_new", url=safe_url(url), detail=str(error)) from error
        except (OperationalError, InterfaceError) as error:
            engine.dispose()
            raise StoreUnavailable(url, _reason(error)) from error
        return cls(engine, url)

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with self._guard(), self._reader() as session:
            yield session

    @contextmanager
    def _write(self) -> Iterator[Session]:
        with self._guard(), self._writer.begin() as session:
            yield session

    @contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except (OperationalError, InterfaceError) as error:
            raise StoreUnavailable(self.url, _reason(error)) from error
        except DBAPIError as error:
            if error.connection_invalidated:
                raise StoreUnavailable(self.url, _reason(error)) from error
            raise

    def ping(self) -> None:
        with self._read() as session:
            session.execute(text("SELECT 1"))

    def info(self) -> dict[str, object]:
        from causerie.store.models import ApiKey, Conversation, Message, User

        with self._read() as session:
            counts = {model.__tablename__: session.scalar(select(func.count()).select_from(model))
                      for model in (User, ApiKey, Conversation, Message)}
        return {"url": safe_url(self.url), "backend": self.backend, "revision": current_revision(self.engine),
                "head": head_revision(), **counts}

    def scrub(self) -> None:
        """After a hard delete, make the deleted text unrecoverable from the files too: merge the SQLite
        full-text index (deleted entries linger in its segments until a merge) and checkpoint the WAL
        (whose frames still hold the old pages). PostgreSQL's dead rows go with autovacuum."""
        if self.backend != "sqlite":
            return
        with self._write() as session:
            session.execute(text("INSERT INTO messages_fts(messages_fts) VALUES ('optimize')"))
        raw = self.engine.raw_connection()  # outside any transaction: a checkpoint cannot run inside one
        try:
            raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()
