"""The web chat's server side: the page, its assets (versioned, cached, gzipped, offline) and its strings."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from causerie.i18n.messages import MESSAGES
from causerie.web.router import IMMUTABLE, STATIC_DIR, asset_version, ui_strings

# A reference that would make the browser fetch something from another host.
LOADS_REMOTE = re.compile(r"""(?:\bimport\b[^;\n]*?|\bfrom\s*|\burl\(\s*|\b(?:src|href)\s*=\s*)["']?(?:https?:)?//""",
                          re.IGNORECASE)
ASSETS = sorted(p for p in STATIC_DIR.rglob("*") if p.suffix in {".html", ".js", ".css", ".svg"})


def static_url(page: str) -> str:
    return re.search(r'href="(/static/[0-9a-f]{12})/css/app\.css"', page).group(1)


async def test_the_page_is_served_at_the_root_with_its_strings_and_headers(client):
    response = await client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-cache"
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert '<html lang="en">' in response.text
    inlined = re.search(r'<script type="application/json" id="ui-strings">(.*?)</script>', response.text, re.S)
    strings = json.loads(inlined.group(1))
    assert set(strings) == {"fr", "en"}
    assert strings["fr"]["web.new_chat"] == MESSAGES["web.new_chat"]["fr"]
    assert "{{" not in response.text


async def test_the_page_follows_accept_language_and_defaults_to_french(client):
    assert '<html lang="fr">' in (await client.get("/")).text
    assert '<html lang="fr">' in (await client.get("/", headers={"Accept-Language": "fr-CA"})).text


async def test_assets_are_versioned_immutable_and_gzipped(client):
    page = (await client.get("/")).text
    base = static_url(page)
    assert base == f"/static/{asset_version()}"
    for path in ("/js/main.js", "/css/app.css", "/vendor/marked.esm.js", "/vendor/hljs/core.min.js", "/icon.svg"):
        response = await client.get(base + path, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200, path
        assert response.headers["cache-control"] == IMMUTABLE
        assert response.headers["x-content-type-options"] == "nosniff"
    js = await client.get(base + "/js/main.js", headers={"Accept-Encoding": "gzip"})
    assert js.headers["content-type"].startswith("text/javascript")
    assert js.headers["content-encoding"] == "gzip"


async def test_an_unknown_asset_or_an_old_version_is_a_json_404(client):
    base = static_url((await client.get("/")).text)
    assert (await client.get(base + "/js/nope.js")).status_code == 404
    old = await client.get("/static/000000000000/js/main.js")
    assert old.status_code == 404 and "error" in old.json()


def test_the_version_changes_with_any_asset(tmp_path: Path):
    (tmp_path / "a.js").write_text("one")
    first = asset_version(tmp_path)
    (tmp_path / "a.js").write_text("two")
    assert asset_version(tmp_path) != first


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_the_strings_endpoint(client, lang):
    response = await client.get("/api/ui/strings", params={"lang": lang})
    assert response.status_code == 200
    body = response.json()
    assert body["object"] == "ui.strings" and body["lang"] == lang
    assert body["strings"] == ui_strings(lang)
    assert body["strings"]["web.send"] == MESSAGES["web.send"][lang]
    assert body["strings"]["card.license"] == MESSAGES["card.license"][lang]  # model card labels too


async def test_the_strings_endpoint_reads_accept_language_and_refuses_other_languages(client):
    assert (await client.get("/api/ui/strings", headers={"Accept-Language": "en"})).json()["lang"] == "en"
    assert (await client.get("/api/ui/strings", params={"lang": "de"})).status_code == 400


async def test_the_page_needs_no_key_but_the_api_does(tmp_path, fake):
    from causerie.api import create_app
    from causerie.engines.pool import EnginePool
    from causerie.settings import Settings
    from unit.helpers import api_client

    app = create_app(Settings(home=tmp_path, api_keys=["k"]), EnginePool([fake]))
    async with api_client(app) as http:
        assert (await http.get("/")).status_code == 200
        assert (await http.get("/api/ui/strings")).status_code == 200
        assert (await http.get("/v1/models")).status_code == 401  # what makes the page ask for the key


@pytest.mark.parametrize("path", ASSETS, ids=lambda p: str(p.relative_to(STATIC_DIR)))
def test_no_asset_loads_anything_from_another_host(path: Path):
    text = path.read_text(encoding="utf-8")
    assert not LOADS_REMOTE.search(text), LOADS_REMOTE.search(text).group(0)
    if "vendor" not in path.parts:  # our own files name no outside address at all
        assert not re.search(r"https?://", text.replace("http://www.w3.org/2000/svg", ""))


def test_every_string_the_page_uses_is_in_the_catalogue():
    used: set[str] = set()
    for path in ASSETS:
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"""["':]((?:web|card)\.[a-z0-9_]+)["';]""", text))
    used -= {"web.py"}
    missing = sorted(key for key in used if key not in MESSAGES and not key.endswith("_"))
    assert not missing, missing


def test_vendored_files_match_vendor_md():
    import hashlib

    listing = (STATIC_DIR / "vendor" / "VENDOR.md").read_text(encoding="utf-8")
    for path in (STATIC_DIR / "vendor").rglob("*.js"):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert digest in listing, f"{path.name}: sha256 {digest} is not recorded in VENDOR.md"
