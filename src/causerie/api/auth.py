"""Who is calling: bearer API keys on /v1 and /api.

Keys come from two places. Keys in the settings (`CAUSERIE_API_KEYS`, `--api-key`) stand for the single
local user, with every scope and no limits. Keys in the store (`causerie keys create`) belong to a user,
carry scopes, may expire or be revoked, and are held to a request rate and a daily token quota (429 with
Retry-After), both kept in the store and so shared by every front end on it (`limits.py`). With no key
anywhere the server is in single-user mode, which is allowed on loopback only.
"""

from __future__ import annotations

import ipaddress
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import anyio
from fastapi import Request

from causerie.api.limits import RateLimiter, check_quota, check_rate, utc_day
from causerie.api.usage import open_meter
from causerie.conversations import LOCAL_USER
from causerie.errors import AuthError, Forbidden
from causerie.settings import LOOPBACK_HOSTS, Settings
from causerie.store import SCOPES, Store, StoreHandle, StoreUnavailable
from causerie.store.accounts import hash_key, key_prefix
from causerie.store.records import KeyRecord

KEYS_CHECK_TTL = 5.0  # seconds the "does the store hold keys?" answer is reused
OFFLINE_GRACE = 600.0  # a key verified this recently still works while the store is unreachable


@dataclass(frozen=True)
class Principal:
    user_name: str
    scopes: frozenset[str]
    key: KeyRecord | None = None  # None: a settings key or single-user mode


LOCAL = Principal(LOCAL_USER, frozenset(SCOPES))


def _bearer(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _loopback_client(request: Request) -> bool:
    host = request.client.host if request.client else None
    if host is None or host in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Gatekeeper:
    """Authentication and limits for one app. Its own state is small: the answer to "are there keys?" (a few
    seconds), the keys verified lately (used only while the store is unreachable) and the rate buckets
    that stand in for the stored ones meanwhile. A stored key, its token count and its rate bucket are read
    from the store on every request, so every front end on one database sees the same ones."""

    def __init__(self, settings: Settings, store: StoreHandle):
        self.settings, self.store = settings, store
        self.static = [key.get_secret_value().encode() for key in settings.api_keys]
        self.limiter = RateLimiter()
        self._keys_known: tuple[float, bool] | None = None
        self._verified: dict[str, tuple[float, KeyRecord]] = {}

    async def principal(self, request: Request) -> Principal:
        cached = getattr(request.state, "principal", None)
        if cached is not None:
            return cached
        token = _bearer(request)
        if token is not None and self._is_static(token):
            found = LOCAL
        elif token is not None and key_prefix(token) is not None:
            key = await self._stored_key(token)
            found = Principal(key.user_name, key.scopes, key)
        else:
            found = await self._keyless(request, token)
        request.state.principal = found
        if found.key is not None:
            key_id = found.key.id
            open_meter(lambda tokens: self.store.get().charge_tokens(key_id, tokens, utc_day()))
        return found

    def _is_static(self, token: str) -> bool:
        given = token.encode("utf-8", "surrogatepass")  # bytes: compare_digest refuses non-ASCII str
        return any(secrets.compare_digest(given, key) for key in self.static)

    async def _stored_key(self, token: str) -> KeyRecord:
        """The key, checked and held to its limits (RateLimited, 429, past them)."""
        digest = hash_key(token)
        try:
            return await anyio.to_thread.run_sync(self._admit, token, digest)
        except StoreUnavailable:
            seen = self._verified.get(digest)
            if seen is None or time.monotonic() - seen[0] > OFFLINE_GRACE:
                raise
            self._limit(seen[1], None)  # this process's buckets, and the last token count seen
            return seen[1]

    def _admit(self, token: str, digest: str) -> KeyRecord:
        """Blocking, in one worker thread: the key read afresh from the store, then its limits (two
        statements: the key's row, then the rate bucket's upsert)."""
        store = self.store.get()
        key = store.authenticate(token)
        self._verified[digest] = (time.monotonic(), key)
        self._limit(key, store)
        return key

    async def _keyless(self, request: Request, token: str | None) -> Principal:
        if await self._keys_required():
            raise AuthError("api.invalid_key" if token else "api.missing_key")
        # Single-user mode is for this machine: `causerie serve` refuses to bind off-loopback without keys,
        # and an app mounted some other way still turns away callers from elsewhere.
        if not _loopback_client(request) and not self.settings.allow_insecure:
            raise AuthError("auth.keys_required_off_loopback")
        return LOCAL

    async def _keys_required(self) -> bool:
        if self.static:
            return True
        known = self._keys_known
        if known is not None and time.monotonic() - known[0] < KEYS_CHECK_TTL:
            return known[1]
        try:
            required = await anyio.to_thread.run_sync(self.store.may_hold_keys)
        except StoreUnavailable:
            # The store is down: keep the last answer; never seen one, stay open on loopback only.
            return known[1] if known else not self.settings.is_loopback()
        self._keys_known = (time.monotonic(), required)
        return required

    def _limit(self, key: KeyRecord, store: Store | None) -> None:
        """The quota first (a spent quota says when it renews, and costs no write), then the request rate."""
        check_quota(key, self.settings.token_quota_per_day, datetime.now(UTC))
        per_minute = key.rate_limit_per_minute
        check_rate(key.id, self.settings.rate_limit_per_minute if per_minute is None else per_minute, store,
                   self.limiter)


async def authenticate(request: Request, scope: str) -> Principal:
    principal = await request.app.state.gatekeeper.principal(request)
    if scope not in principal.scopes:
        raise Forbidden("auth.missing_scope", scope=scope, scopes=" ".join(sorted(principal.scopes)) or "-")
    return principal


async def require_api_key(request: Request) -> Principal:
    """/v1 and /api/skills: any caller allowed to chat."""
    return await authenticate(request, "chat")


async def require_history(request: Request) -> Principal:
    """/api/conversations, search, export: the caller's own stored history."""
    return await authenticate(request, "history")
