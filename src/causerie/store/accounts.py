"""Users and their API keys.

A key is `csk_<8 hex>_<43 url-safe chars>`: the first part is its prefix, stored in clear to find the row
and shown in listings; the whole key is stored only as a SHA-256 digest. The secret has 256 bits of
entropy, so a fast hash is enough (slow password hashes exist for guessable secrets) and verification
costs microseconds per request."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from causerie.errors import AuthError, Conflict, InvalidRequest, NotFound
from causerie.store.base import StoreBase
from causerie.store.models import ApiKey, Conversation, User
from causerie.store.records import KeyRecord, UserRecord, now, utc

KEY_PREFIX = "csk_"
SCOPES = ("chat", "history")  # chat: /v1 and /api/skills; history: /api/conversations, search, export
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
        """Add `tokens` to the key's count for UTC `day`, starting the count afresh on a new day."""
        with self._write() as session:
            key = session.get(ApiKey, key_id, with_for_update=True)  # no lost update between servers
            if key is None:
                return
            key.tokens_used = (key.tokens_used if key.quota_day == day else 0) + tokens
            key.quota_day = day
