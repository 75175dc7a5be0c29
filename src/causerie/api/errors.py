"""One error shape for the whole HTTP surface: OpenAI's `{"error": {message, type, param, code}}`.

Every failure path goes through these handlers, in the language of the request's Accept-Language."""

from __future__ import annotations

import json
import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from causerie.api.common import NOT_BLANK
from causerie.errors import CauserieError
from causerie.i18n import lang_from_header, t

log = logging.getLogger("causerie.api")


class SafeJSONResponse(JSONResponse):
    """JSON with non-ASCII escaped: a lone surrogate echoed from a request can't break the encoder."""

    def render(self, content: object) -> bytes:
        return json.dumps(content, ensure_ascii=True, separators=(",", ":")).encode("ascii")


def request_lang(request: Request) -> str:
    fallback = getattr(request.app.state, "settings", None)
    return lang_from_header(request.headers.get("accept-language"), fallback.lang if fallback else "auto")


def error_body(message: str, type_: str, param: str | None = None, code: str | None = None) -> dict:
    return {"error": {"message": message, "type": type_, "param": param, "code": code}}


def error_response(error: CauserieError, lang: str) -> JSONResponse:
    headers = getattr(error, "headers", None)
    return SafeJSONResponse(error.to_openai(lang), status_code=error.status, headers=headers)


def _field_path(location: tuple) -> str:
    parts = [str(p) for p in location if p not in ("body", "query", "path")]
    return ".".join(parts) or "body"


def _validation_response(exc: RequestValidationError, lang: str) -> JSONResponse:
    first = exc.errors()[0] if exc.errors() else {"loc": ("body",), "msg": "invalid", "type": ""}
    if first.get("type") == "json_invalid":
        detail = first.get("ctx", {}).get("error", first.get("msg"))
        body = error_body(t("api.invalid_json", lang, detail=detail), "invalid_request_error", None, "invalid_json")
        return SafeJSONResponse(body, status_code=400)
    field = _field_path(tuple(first.get("loc", ())))
    return SafeJSONResponse(error_body(_field_message(first, field, lang), "invalid_request_error", field,
                                       "invalid_value"), status_code=400)


# pydantic's bound errors, said in the caller's language with the value and the limit
_BOUNDS = {"less_than_equal": ("api.too_large", "le"), "less_than": ("api.too_large", "lt"),
           "greater_than_equal": ("api.too_small", "ge"), "greater_than": ("api.too_small", "gt"),
           "too_long": ("api.too_large", "max_length"), "too_short": ("api.too_small", "min_length")}


def _field_message(error: dict, field: str, lang: str) -> str:
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind in _BOUNDS and _BOUNDS[kind][1] in ctx:
        key, bound = _BOUNDS[kind]
        value = error.get("input")
        shown = len(value) if bound.endswith("length") and hasattr(value, "__len__") else value
        return t(key, lang, field=field, value=_short(shown), limit=ctx[bound])
    if kind == "missing":
        return t("api.missing_field", lang, field=field)
    if kind == "string_pattern_mismatch" and ctx.get("pattern") == NOT_BLANK:
        return t("api.blank_field", lang, field=field)
    return t("api.invalid_field", lang, field=field, detail=error.get("msg", "invalid"))


def _short(value: object) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 40 else text[:37] + "…"


HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def allowed_methods(request: Request) -> list[str]:
    """Every method some route fully serves at this path (Starlette's 405 names only the first route's)."""
    routes = request.app.router.routes
    return [method for method in HTTP_METHODS
            if any(route.matches({**request.scope, "method": method})[0] == Match.FULL for route in routes)]


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(CauserieError)
    async def _causerie(request: Request, exc: CauserieError) -> JSONResponse:
        return error_response(exc, request_lang(request))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        return _validation_response(exc, request_lang(request))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        lang = request_lang(request)
        if isinstance(exc.__cause__, CauserieError):  # e.g. the body limit, hit while FastAPI parsed the body
            return error_response(exc.__cause__, lang)
        headers = dict(exc.headers or {})
        if exc.status_code == 404:
            message, code = t("api.not_found", lang, path=request.url.path), "not_found"
        elif exc.status_code == 405:
            headers["Allow"] = ", ".join(allowed_methods(request))
            message = t("api.method_not_allowed", lang, method=request.method, path=request.url.path,
                        allowed=headers["Allow"])
            code = "method_not_allowed"
        else:
            message, code = str(exc.detail), None
        return SafeJSONResponse(error_body(message, "invalid_request_error", None, code), status_code=exc.status_code,
                                headers=headers or None)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s", request.url.path)
        message = t("api.internal", request_lang(request), detail=type(exc).__name__)
        return SafeJSONResponse(error_body(message, "server_error", None, "internal_error"), status_code=500)


def sse_error(error: CauserieError, lang: str) -> bytes:
    """An error inside an already-started stream: a final event, as vLLM and OpenAI do."""
    return b"data: " + json.dumps(error.to_openai(lang)).encode() + b"\n\n"
