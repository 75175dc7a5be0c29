"""GET / (the chat page), /static/<version>/… (its assets) and GET /api/ui/strings (its words).

Assets are served under a path holding a hash of their content, so browsers may keep them for a year
(`immutable`) and still get new files the moment causerie is upgraded; the page itself is revalidated
every time. Nothing is built at install time: the files in static/ are what the browser runs."""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import Response
from starlette.staticfiles import StaticFiles

from causerie.api.json_body import StrictJSONRoute
from causerie.i18n import LANGUAGES, lang_from_header
from causerie.i18n.messages import MESSAGES
from causerie.settings import Settings

STATIC_DIR = Path(__file__).parent / "static"
UI_PREFIXES = ("web.", "card.")  # the page shows model cards with the CLI's labels
IMMUTABLE = "public, max-age=31536000, immutable"
# The page may load and call nothing but this server: the offline promise, enforced by the browser.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
       "media-src 'self' blob:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")
PAGE_HEADERS = {"Cache-Control": "no-cache", "Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
                "Referrer-Policy": "no-referrer"}


def asset_version(root: Path = STATIC_DIR) -> str:
    """A short hash of every asset's path and bytes: it changes exactly when an asset changes."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


@cache
def shipped_version() -> str:
    """The installed assets' version, hashed once per process (every app a test builds would re-read them)."""
    return asset_version()


def ui_strings(lang: str) -> dict[str, str]:
    """The page's words in `lang`, from the one catalogue."""
    return {key: entry[lang] for key, entry in MESSAGES.items() if key.startswith(UI_PREFIXES)}


@cache
def _all_strings_json() -> str:
    strings = {lang: ui_strings(lang) for lang in LANGUAGES}
    # Inside <script type="application/json">: "</" must not close the element early.
    return json.dumps(strings, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")


class ImmutableStatic(StaticFiles):
    """StaticFiles whose answers may be cached for good (their URL changes with their content)."""

    def file_response(self, *args: object, **kwargs: object) -> Response:
        response = super().file_response(*args, **kwargs)
        response.headers["Cache-Control"] = IMMUTABLE
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response


@cache  # two languages, one asset version: read and filled once, not on every GET /
def page(static_url: str, lang: str) -> str:
    template = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    return (template.replace("{{static}}", static_url).replace("{{lang}}", lang)
            .replace("{{strings}}", _all_strings_json()))


def web_router(settings: Settings, static_url: str) -> APIRouter:
    router = APIRouter(route_class=StrictJSONRoute, tags=["web"])

    @router.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def index(request: Request) -> HTMLResponse:
        lang = lang_from_header(request.headers.get("accept-language"), settings.lang)
        return HTMLResponse(page(static_url, lang), headers=PAGE_HEADERS)

    @router.get("/api/ui/strings")
    async def strings(request: Request, lang: str | None = Query(None, pattern="^(fr|en)$")) -> JSONResponse:
        """The web chat's words, in French or English (by default from Accept-Language). No key needed:
        the sign-in screen shows them before any key is known."""
        chosen = lang or lang_from_header(request.headers.get("accept-language"), settings.lang)
        return JSONResponse({"object": "ui.strings", "lang": chosen, "strings": ui_strings(chosen)},
                            headers={"Cache-Control": "no-cache"})

    return router


def install_web(app: FastAPI, settings: Settings) -> None:
    """Add the chat page, its strings and its assets (gzipped when the browser accepts it) to `app`."""
    static_url = f"/static/{shipped_version()}"
    app.include_router(web_router(settings, static_url))
    app.mount(static_url, GZipMiddleware(ImmutableStatic(directory=STATIC_DIR), minimum_size=512), name="static")
