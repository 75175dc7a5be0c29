"""The store: users, API keys, conversations, messages, feedback, search, export, retention, and document
collections (chunks, full-text and vector search).

`Store` is the only way in; routes and the CLI never touch SQL. SQLite in the data directory by default,
PostgreSQL when `CAUSERIE_DATABASE_URL` says so; the schema is migrated by Alembic when a store opens."""

from causerie.store.accounts import SCOPES, AccountsMixin
from causerie.store.base import StoreUnavailable, safe_url
from causerie.store.documents import DocumentsMixin
from causerie.store.handle import StoreHandle
from causerie.store.history import HistoryMixin


class Store(AccountsMixin, HistoryMixin, DocumentsMixin):
    """Open with `Store.open(url)`; close with `close()`."""


__all__ = ["SCOPES", "Store", "StoreHandle", "StoreUnavailable", "safe_url"]
