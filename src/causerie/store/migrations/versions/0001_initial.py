"""The first schema: users, API keys, conversations, messages, feedback, and full-text search.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

STAMP = sa.DateTime(timezone=True)

# SQLite: an external-content FTS5 index over messages.content, kept in step by triggers (they also fire
# on ON DELETE CASCADE). unicode61 with diacritics removed, so "ete" finds "été".
SQLITE_FTS = [
    "CREATE VIRTUAL TABLE messages_fts USING fts5(content, content='messages', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN "
    "INSERT INTO messages_fts(rowid, content) VALUES (new.id, new.content); END",
    "CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN "
    "INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.id, old.content); END",
    "CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages BEGIN "
    "INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.id, old.content); "
    "INSERT INTO messages_fts(rowid, content) VALUES (new.id, new.content); END",
]
# PostgreSQL: a generated tsvector with the French configuration (stemming, French stop words), GIN-indexed.
POSTGRES_FTS = [
    "ALTER TABLE messages ADD COLUMN search tsvector "
    "GENERATED ALWAYS AS (to_tsvector('french', content)) STORED",
    "CREATE INDEX ix_messages_search ON messages USING gin (search)",
]


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer, primary_key=True)


def _owner(table: str = "users", column: str = "user_id", type_: sa.types.TypeEngine = sa.Integer,
           **kwargs: object) -> sa.Column:
    return sa.Column(column, type_, sa.ForeignKey(f"{table}.id", ondelete="CASCADE"), nullable=False, **kwargs)


def upgrade() -> None:
    op.create_table(
        "users", _id(), sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("is_admin", sa.Boolean, nullable=False), sa.Column("created_at", STAMP, nullable=False),
    )
    op.create_table(
        "api_keys", _id(), _owner(index=True), sa.Column("name", sa.String(100), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False, unique=True),
        sa.Column("secret_hash", sa.String(64), nullable=False), sa.Column("scopes", sa.String(100), nullable=False),
        sa.Column("created_at", STAMP, nullable=False), sa.Column("expires_at", STAMP),
        sa.Column("revoked_at", STAMP), sa.Column("last_used_at", STAMP),
        sa.Column("rate_limit_per_minute", sa.Integer), sa.Column("token_quota_per_day", sa.Integer),
        sa.Column("quota_day", sa.String(10)), sa.Column("tokens_used", sa.Integer, nullable=False),
    )
    op.create_table(
        "conversations", sa.Column("id", sa.String(32), primary_key=True), _owner(),
        sa.Column("title", sa.String(200), nullable=False), sa.Column("model", sa.String(200)),
        sa.Column("system_prompt", sa.Text), sa.Column("created_at", STAMP, nullable=False),
        sa.Column("updated_at", STAMP, nullable=False, index=True),
    )
    op.create_index("ix_conversations_user_updated", "conversations", ["user_id", "updated_at"])
    op.create_table(
        "messages", _id(), _owner("conversations", "conversation_id", sa.String(32)), _owner(index=True),
        sa.Column("seq", sa.Integer, nullable=False), sa.Column("role", sa.String(16), nullable=False),
        sa.Column("content", sa.Text, nullable=False), sa.Column("status", sa.String(16), nullable=False),
        sa.Column("error", sa.Text), sa.Column("model", sa.String(200)), sa.Column("model_sha256", sa.String(64)),
        sa.Column("decoding", sa.JSON), sa.Column("prompt_tokens", sa.Integer),
        sa.Column("completion_tokens", sa.Integer), sa.Column("ttft_ms", sa.Float),
        sa.Column("duration_ms", sa.Float), sa.Column("created_at", STAMP, nullable=False),
        sa.Column("updated_at", STAMP, nullable=False),
        sa.UniqueConstraint("conversation_id", "seq", name="uq_messages_conversation_seq"),
    )
    op.create_table(
        "feedback", _id(), _owner("messages", "message_id", unique=True), _owner(index=True),
        sa.Column("rating", sa.Integer, nullable=False), sa.Column("comment", sa.Text, nullable=False),
        sa.Column("created_at", STAMP, nullable=False),
    )
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_FTS if dialect == "sqlite" else POSTGRES_FTS if dialect == "postgresql" else []:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS messages_fts")
    for table in ("feedback", "messages", "conversations", "api_keys", "users"):
        op.drop_table(table)
