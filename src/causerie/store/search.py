"""Full-text search in one user's messages: FTS5 on SQLite, French `tsvector`s on PostgreSQL.

User text never reaches either query language raw. On SQLite each word becomes a quoted prefix term
("chat"* also finds "chats"), all required; PostgreSQL's `websearch_to_tsquery` accepts any text and
stems it with the French dictionary. Snippets mark matches with [ ]."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from causerie.errors import InvalidRequest
from causerie.store.records import SearchHit, utc

WORD = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 16

SQLITE = text("""
SELECT m.id, m.conversation_id, c.title, m.role, m.created_at,
       snippet(messages_fts, 0, '[', ']', '…', 12) AS snippet, bm25(messages_fts) AS rank
FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid JOIN conversations c ON c.id = m.conversation_id
WHERE messages_fts MATCH :query AND m.user_id = :user_id
ORDER BY rank, m.id DESC LIMIT :limit
""")

# ts_headline re-parses the text, so it runs only on the page of hits, not on every match.
POSTGRES = text("""
WITH q AS (SELECT websearch_to_tsquery('french', :query) AS query),
hits AS (
  SELECT m.id, m.conversation_id, m.role, m.created_at, m.content, ts_rank(m.search, q.query) AS rank
  FROM messages m, q WHERE m.user_id = :user_id AND m.search @@ q.query
  ORDER BY rank DESC, m.id DESC LIMIT :limit)
SELECT hits.id, hits.conversation_id, c.title, hits.role, hits.created_at,
       ts_headline('french', hits.content, q.query,
                   'StartSel=[, StopSel=], MaxWords=24, MinWords=8, MaxFragments=1, FragmentDelimiter=" … "')
         AS snippet, -hits.rank AS rank
FROM hits JOIN conversations c ON c.id = hits.conversation_id, q
ORDER BY rank, hits.id DESC
""")


def fts5_query(query: str) -> str:
    """'Où est le chat ?' -> '"Où"* AND "est"* AND "le"* AND "chat"*'."""
    words = WORD.findall(query)[:MAX_TERMS]
    return " AND ".join(f'"{word}"*' for word in words)


def search_messages(session: Session, user_id: int, query: str, limit: int) -> list[SearchHit]:
    if not WORD.search(query):  # punctuation only: nothing can match (the route refuses an empty q)
        return []
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        statement, value = SQLITE, fts5_query(query)
    elif dialect == "postgresql":
        statement, value = POSTGRES, query
    else:
        raise InvalidRequest("store.search_unsupported", param="q", backend=dialect)
    rows = session.execute(statement, {"query": value, "user_id": user_id, "limit": limit}).all()
    return [SearchHit(message_id=row.id, conversation_id=row.conversation_id, conversation_title=row.title,
                      role=row.role, snippet=row.snippet, created_at=utc(_timestamp(row.created_at)),
                      rank=float(row.rank)) for row in rows]


def _timestamp(value: object) -> datetime:
    """Raw SQL on SQLite returns the stored text, not a datetime."""
    return datetime.fromisoformat(value) if isinstance(value, str) else value
