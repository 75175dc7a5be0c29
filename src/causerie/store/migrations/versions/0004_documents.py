"""Documents: collections of a user's files, their chunks, full-text and vector search over them; a
conversation can be grounded on collections, and an answer keeps the sources it was given.

Vectors are not created here: their table depends on the embedder's dimensions and, on SQLite, on the
sqlite-vec extension, so `store/vectors.py` creates `chunk_vectors_<dims>` (a vec0 table and the trigger
that keeps it in step with `chunks`) the first time a collection of that size is filled.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

STAMP = sa.DateTime(timezone=True)

# The same full-text search as messages (migration 0001): FTS5 without diacritics on SQLite, kept in step by
# triggers (which also fire on ON DELETE CASCADE); a generated French tsvector with a GIN index on PostgreSQL.
SQLITE_FTS = [
    "CREATE VIRTUAL TABLE chunks_fts USING fts5(text, heading, content='chunks', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER chunks_fts_insert AFTER INSERT ON chunks BEGIN "
    "INSERT INTO chunks_fts(rowid, text, heading) VALUES (new.id, new.text, new.heading); END",
    "CREATE TRIGGER chunks_fts_delete AFTER DELETE ON chunks BEGIN "
    "INSERT INTO chunks_fts(chunks_fts, rowid, text, heading) VALUES ('delete', old.id, old.text, old.heading); END",
]
POSTGRES_FTS = [
    "ALTER TABLE chunks ADD COLUMN search tsvector "
    "GENERATED ALWAYS AS (to_tsvector('french', coalesce(heading, '') || ' ' || text)) STORED",
    "CREATE INDEX ix_chunks_search ON chunks USING gin (search)",
]


def _owner(table: str, column: str) -> sa.Column:
    return sa.Column(column, sa.Integer, sa.ForeignKey(f"{table}.id", ondelete="CASCADE"), nullable=False,
                     index=True)


def upgrade() -> None:
    op.create_table(
        "collections", sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(64), nullable=False), sa.Column("description", sa.Text, nullable=False),
        sa.Column("embedder", sa.String(200), nullable=False), sa.Column("dimensions", sa.Integer, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False), sa.Column("created_at", STAMP, nullable=False),
        sa.Column("updated_at", STAMP, nullable=False),
        sa.UniqueConstraint("user_id", "name", name="uq_collections_user_name"),
    )
    op.create_table(
        "documents", sa.Column("id", sa.Integer, primary_key=True), _owner("collections", "collection_id"),
        _owner("users", "user_id"), sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("media_type", sa.String(100), nullable=False), sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size_bytes", sa.Integer, nullable=False), sa.Column("title", sa.String(300)),
        sa.Column("pages", sa.Integer), sa.Column("chunk_count", sa.Integer, nullable=False),
        sa.Column("token_count", sa.Integer, nullable=False), sa.Column("warnings", sa.JSON),
        sa.Column("created_at", STAMP, nullable=False),
        sa.UniqueConstraint("collection_id", "sha256", name="uq_documents_collection_sha256"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "chunks", sa.Column("id", sa.Integer, primary_key=True), _owner("documents", "document_id"),
        _owner("collections", "collection_id"), _owner("users", "user_id"),
        sa.Column("seq", sa.Integer, nullable=False), sa.Column("text", sa.Text, nullable=False),
        sa.Column("heading", sa.Text), sa.Column("page", sa.Integer), sa.Column("tokens", sa.Integer, nullable=False),
        sa.Column("embedding", sa.LargeBinary),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_chunks_document_seq", "chunks", ["document_id", "seq"])
    # Plain ADD COLUMN (no batch copy): a table rebuild would drop the messages' FTS triggers.
    op.add_column("conversations", sa.Column("collections", sa.JSON))
    op.add_column("messages", sa.Column("sources", sa.JSON))
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_FTS if dialect == "sqlite" else POSTGRES_FTS if dialect == "postgresql" else []:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS chunks_fts")
    op.drop_column("messages", "sources")
    op.drop_column("conversations", "collections")
    for table in ("chunks", "documents", "collections"):
        op.drop_table(table)
