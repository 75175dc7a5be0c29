"""Bearer API keys on /v1 and /api. With no key configured the server is open (loopback only)."""

from __future__ import annotations

import secrets

from fastapi import Request

from causerie.errors import AuthError


def require_api_key(request: Request) -> None:
    keys = [key.get_secret_value() for key in request.app.state.settings.api_keys]
    if not keys:
        return
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthError("api.missing_key")
    given = token.strip().encode()  # bytes: compare_digest refuses non-ASCII str
    if not any(secrets.compare_digest(given, key.encode()) for key in keys):
        raise AuthError("api.invalid_key")
