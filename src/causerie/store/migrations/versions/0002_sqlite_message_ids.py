"""SQLite: message ids are never handed out twice (AUTOINCREMENT).

Without it SQLite gives a new row the largest id + 1, so after a conversation is cut short (regenerate,
edit-and-resend) the next message took the id of a deleted one, and a client still holding that id
reached a different message. PostgreSQL's sequences never reuse ids: nothing to do there.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# The rebuild drops the old table, and with it these triggers (as written by 0001).
FTS_TRIGGERS = [
    "CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN "
    "INSERT INTO messages_fts(rowid, content) VALUES (new.id, new.content); END",
    "CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN "
    "INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.id, old.content); END",
    "CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages BEGIN "
    "INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.id, old.content); "
    "INSERT INTO messages_fts(rowid, content) VALUES (new.id, new.content); END",
]


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    # With foreign keys on, dropping the old table deletes its rows first, and ON DELETE CASCADE takes
    # the feedback with them (the FTS index is untouched: that implicit delete fires no trigger).
    op.execute("CREATE TEMP TABLE feedback_kept AS SELECT * FROM feedback")
    with op.batch_alter_table("messages", recreate="always", table_kwargs={"sqlite_autoincrement": True}):
        pass
    op.execute("DELETE FROM feedback")
    op.execute("INSERT INTO feedback SELECT * FROM feedback_kept")
    op.execute("DROP TABLE feedback_kept")
    for statement in FTS_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    """Ids may be reused again; the AUTOINCREMENT table stays, which is harmless."""
