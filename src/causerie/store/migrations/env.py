"""Alembic's environment, driven from code only: `causerie.store.migrate` passes an open connection in
`config.attributes["connection"]`. There is no alembic.ini; nothing here reads files or the environment."""

from __future__ import annotations

from alembic import context

from causerie.store.models import Base

connection = context.config.attributes["connection"]
# render_as_batch: SQLite cannot ALTER most things; batch mode rebuilds the table in later migrations.
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
