"""Users and their API keys.

A key is `csk_<8 hex>_<43 url-safe chars>`: the first part is its prefix, stored in clear to find the row
and shown in listings; the whole key is stored only as a SHA-256 digest. The secret has 256 bits of
entropy, so a fast hash is enough (slow password hashes exist for guessable secrets) and verification
costs microseconds per request."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import cached_property, lru_cache

from sqlalchemy import Connection, Engine, Float, Insert, bindparam, case, cast, delete, extract, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from causerie.errors import AuthError, Conflict, InvalidRequest, NotFound
from causerie.store.base import StoreBase
from causerie.store.models import ApiKey, Conversation, RateBucket, User
from causerie.store.records import KeyRecord, UserRecord, now, utc

KEY_PREFIX = "csk_"
SCOPES = ("chat", "history")  # chat: /v1 and /api/skills; history: /api/conversations, search, export and
# the document collections (/v1/collections, /v1/search, `collections` on a chat completion)
USER_NAME = re.compile(r"^[\w.@+-]{1,64}$")
LAST_USED_EVERY = 60  # seconds: last_used_at is a hint, not worth a write per request


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def new_key() -> tuple[str, str]:
    """(prefix, whole key)."""
    prefix = KEY_PREFIX + secrets.token_hex(4)
    return prefix, f"{prefix}_{secrets.token_urlsafe(32)}"


def key_prefix(token: str) -> str | None:
    if not token.startswith(KEY_PREFIX) or len(token) < len(KEY_PREFIX) + 9 or token[len(KEY_PREFIX) + 8] != "_":
        return None
    return token[: len(KEY_PREFIX) + 8]


def check_scopes(scopes: list[str] | tuple[str, ...]) -> frozenset[str]:
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise InvalidRequest("store.bad_scopes", param="scopes", given=", ".join(unknown) or "-",
                             known=", ".join(SCOPES))
    return frozenset(scopes)


@lru_cache(maxsize=4)
def _take_statement(backend: str, given_clock: bool) -> Insert:
    """`take_request`'s upsert, built once per backend (building the expression costs more than running
    it). Parameters: key_id, capacity (requests per minute, a float) and, with `given_clock`, at."""
    bucket = RateBucket.__table__
    capacity = bindparam("capacity", type_=Float)
    if given_clock:
        clock = bindparam("at", type_=Float)
    elif backend == "postgresql":  # statement_timestamp(), not clock_timestamp(): one value per statement
        clock = cast(extract("epoch", func.statement_timestamp()), Float)
    else:  # SQLite: 'now' is the same throughout a statement
        clock = (func.julianday("now") - 2440587.5) * 86400.0
    elapsed = case((clock > bucket.c.updated_at, clock - bucket.c.updated_at), else_=0.0)
    refilled = bucket.c.tokens + elapsed * (capacity / 60.0)
    level = case((refilled > capacity, capacity), else_=refilled)
    insert = (postgresql.insert if backend == "postgresql" else sqlite.insert)(bucket)
    statement = insert.values(key_id=bindparam("key_id"), tokens=capacity - 1.0, updated_at=clock, granted=True)
    return statement.on_conflict_do_update(index_elements=[bucket.c.key_id], set_={
        "tokens": case((level >= 1.0, level - 1.0), else_=level),
        "updated_at": case((clock > bucket.c.updated_at, clock), else_=bucket.c.updated_at),
        "granted": level >= 1.0,
    }).returning(bucket.c.tokens, bucket.c.granted)


def _user(row: User, conversations: int = 0, keys: int = 0) -> UserRecord:
    return UserRecord(id=row.id, name=row.name, is_admin=row.is_admin, created_at=utc(row.created_at),
                      conversations=conversations, keys=keys)


def _key(row: ApiKey, user: User) -> KeyRecord:
    return KeyRecord(
        id=row.id, user_id=row.user_id, user_name=user.name, name=row.name, prefix=row.prefix,
        scopes=frozenset(row.scopes.split()), created_at=utc(row.created_at), expires_at=utc(row.expires_at),
        revoked_at=utc(row.revoked_at), last_used_at=utc(row.last_used_at),
        rate_limit_per_minute=row.rate_limit_per_minute, token_quota_per_day=row.token_quota_per_day,
        quota_day=row.quota_day, tokens_used=row.tokens_used, user_is_admin=user.is_admin,
    )


class AccountsMixin(StoreBase):
    # --- users ---
    def add_user(self, name: str, *, admin: bool = False) -> UserRecord:
        if not USER_NAME.match(name):
            raise InvalidRequest("store.bad_user_name", param="name", name=name[:80])
        try:
            with self._write() as session:
                row = User(name=name, is_admin=admin, created_at=now())
                session.add(row)
                session.flush()
                return _user(row)
        except IntegrityError as error:
            raise Conflict("store.user_exists", name=name) from error

    def ensure_user(self, name: str, *, admin: bool = False) -> UserRecord:
        """The user `name`, created if missing (the single local user is made this way)."""
        try:
            return self.get_user(name)
        except NotFound:
            try:
                return self.add_user(name, admin=admin)
            except Conflict:  # created meanwhile by another request
                return self.get_user(name)

    def get_user(self, name: str) -> UserRecord:
        with self._read() as session:
            row = session.scalar(select(User).where(User.name == name))
            if row is None:
                raise NotFound("store.user_not_found", param="user", name=name, code="user_not_found")
            return _user(row)

    def list_users(self) -> list[UserRecord]:
        conversations = select(func.count()).where(Conversation.user_id == User.id).scalar_subquery()
        keys = select(func.count()).where(ApiKey.user_id == User.id, ApiKey.revoked_at.is_(None)).scalar_subquery()
        with self._read() as session:
            rows = session.execute(select(User, conversations, keys).order_by(User.name)).all()
            return [_user(user, count, key_count) for user, count, key_count in rows]

    def delete_user(self, name: str) -> UserRecord:
        """Hard delete: the user, their keys, conversations, messages and feedback (ON DELETE CASCADE)."""
        user = self.get_user(name)
        with self._write() as session:
            session.execute(delete(User).where(User.id == user.id))
        self.scrub()
        return user

    # --- keys ---
    def create_key(self, user_name: str, *, name: str = "", scopes: tuple[str, ...] = SCOPES,
                   expires_at: datetime | None = None, rate_limit_per_minute: int | None = None,
                   token_quota_per_day: int | None = None) -> tuple[KeyRecord, str]:
        """A new key for `user_name`: its record and the whole key, which is shown this once only."""
        checked = check_scopes(tuple(scopes))
        user = self.get_user(user_name)
        prefix, token = new_key()
        with self._write() as session:
            row = ApiKey(user_id=user.id, name=name[:100], prefix=prefix, secret_hash=hash_key(token),
                         scopes=" ".join(sorted(checked)), created_at=now(), expires_at=expires_at,
                         rate_limit_per_minute=rate_limit_per_minute, token_quota_per_day=token_quota_per_day,
                         tokens_used=0)
            session.add(row)
            session.flush()
            owner = session.get(User, user.id)
            return _key(row, owner), token

    def list_keys(self, user_name: str | None = None) -> list[KeyRecord]:
        query = select(ApiKey, User).join(User, ApiKey.user_id == User.id).order_by(User.name, ApiKey.id)
        if user_name is not None:
            query = query.where(User.id == self.get_user(user_name).id)
        with self._read() as session:
            return [_key(key, user) for key, user in session.execute(query).all()]

    def revoke_key(self, prefix: str) -> KeyRecord:
        with self._write() as session:
            row = session.execute(select(ApiKey, User).join(User, ApiKey.user_id == User.id)
                                  .where(ApiKey.prefix == prefix)).first()
            if row is None:
                raise NotFound("store.key_not_found", param="prefix", prefix=prefix, code="key_not_found")
            key, user = row
            if key.revoked_at is None:
                key.revoked_at = now()
            return _key(key, user)

    def has_active_keys(self) -> bool:
        moment = now()
        with self._read() as session:
            found = session.scalar(select(ApiKey.id).where(
                ApiKey.revoked_at.is_(None), (ApiKey.expires_at.is_(None)) | (ApiKey.expires_at > moment)).limit(1))
            return found is not None

    def authenticate(self, token: str) -> KeyRecord:
        """The key `token` names, if it is known, unexpired and unrevoked; AuthError (401) otherwise."""
        prefix = key_prefix(token)
        if prefix is None:
            raise AuthError("api.invalid_key")
        with self._read() as session:
            row = session.execute(select(ApiKey, User).join(User, ApiKey.user_id == User.id)
                                  .where(ApiKey.prefix == prefix)).first()
            if row is None or not secrets.compare_digest(row[0].secret_hash, hash_key(token)):
                raise AuthError("api.invalid_key")
            record = _key(*row)
        state = record.state()
        if state != "active":
            raise AuthError(f"store.key_{state}", code=f"{state}_api_key", prefix=prefix)
        self._touch(record)
        return record

    def _touch(self, record: KeyRecord) -> None:
        moment = now()
        if record.last_used_at and (moment - record.last_used_at).total_seconds() < LAST_USED_EVERY:
            return
        with self._write() as session:
            session.execute(update(ApiKey).where(ApiKey.id == record.id).values(last_used_at=moment))

    def charge_tokens(self, key_id: int, tokens: int, day: str) -> None:
        """Add `tokens` to the key's count for UTC `day`, starting the count afresh on a new day. One UPDATE
        that adds in the database (never read-modify-write), so charges from several front ends at once
        all count."""
        same_day = ApiKey.quota_day == day
        with self._atomic() as connection:
            connection.execute(update(ApiKey).where(ApiKey.id == key_id).values(
                tokens_used=case((same_day, ApiKey.tokens_used + tokens), else_=tokens), quota_day=day))

    # --- request rates ---
    def take_request(self, key_id: int, per_minute: int, *, at: float | None = None) -> tuple[bool, float]:
        """Take one request from the key's bucket: (granted, seconds until the next one would be).

        A token bucket of `per_minute` requests, refilled at `per_minute` per minute, so bursts up to the
        limit pass and a steady rate above it does not. The bucket is a row of `rate_buckets`, shared by every
        front end on this database, and it is updated by a single `INSERT … ON CONFLICT DO UPDATE …
        RETURNING`: refill, take and answer happen in one statement, which both databases run atomically (on
        PostgreSQL the upsert locks the row, and a concurrent one waits and then sees the new level; on SQLite
        writers are serialized). One round trip, no lock held between round trips, no read-modify-write
        race. A token bucket rather than a per-minute window counter (which is as cheap) because a window lets
        2N requests through around its boundary; a bucket keeps the meaning the limit had in one process.

        The clock is the database's (`at` overrides it, for tests): front ends whose clocks differ by a few
        seconds would otherwise refill the bucket early or late. Time never runs backwards for a bucket: an
        older clock reading refills nothing."""
        params = {"key_id": key_id, "capacity": float(per_minute)} | ({} if at is None else {"at": float(at)})
        try:
            with self._atomic() as connection:
                tokens, granted = connection.execute(_take_statement(self.backend, at is not None), params).one()
        except IntegrityError:  # the key was deleted meanwhile: its next request gets a 401 anyway
            return True, 0.0
        if granted:
            return True, 0.0
        return False, max(0.0, 1.0 - tokens) * 60.0 / per_minute

    @cached_property
    def _autocommit(self) -> Engine:
        return self.engine.execution_options(isolation_level="AUTOCOMMIT")

    @contextmanager
    def _atomic(self) -> Iterator[Connection]:
        """A connection for one statement that is atomic by itself. PostgreSQL runs it in autocommit, so
        there is no BEGIN or COMMIT round trip around it; SQLite gets a write transaction (BEGIN IMMEDIATE,
        local and cheap)."""
        if self.backend == "postgresql":
            with self._guard(), self._autocommit.connect() as connection:
                yield connection
        else:
            with self._guard(), self._writer.begin() as session:
                yield session.connection()
