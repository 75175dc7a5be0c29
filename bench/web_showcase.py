"""Screenshots of the web chat answering with a real model, for the docs (docs/screenshots/showcase-*.png).

    CAUSERIE_HOME=<a home with the model installed> python bench/web_showcase.py

The e2e tests' screenshots show SmolLM2-135M, whose answers are noise; these show what a user sees with the
default model. The server runs in a temporary home (so no conversation lands in yours) that borrows the
installed models of $CAUSERIE_HOME. Real headless Chromium, loopback only.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from servers import start_server  # noqa: E402
from web_bench import ARGS, CHROMIUM  # noqa: E402

QUESTIONS = {
    "fr": "Écris une fonction Python qui dit si un mot est un palindrome, en ignorant les accents et la casse, "
          "puis explique-la en deux phrases.",
    "en": "Write a short, friendly message inviting my neighbours to a garden party on Saturday at 4 pm.",
}


def shoot(url: str, lang: str, question: str, out: Path, mobile: bool = False) -> None:
    from playwright.sync_api import sync_playwright

    viewport = {"width": 390, "height": 844} if mobile else {"width": 1280, "height": 860}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(locale=f"{lang}-{lang.upper()}", viewport=viewport, is_mobile=mobile,
                                      color_scheme="dark" if mobile else "light")
        page = context.new_page()
        page.goto(url + "/")
        page.wait_for_selector("body.ready")
        page.fill("#composer-input", question)
        page.keyboard.press("Enter")
        page.wait_for_selector(".message.assistant:not([aria-busy])", timeout=600_000)
        page.wait_for_timeout(500)  # the title in the list
        page.screenshot(path=str(out))
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="qwen2.5-coder-1.5b-instruct")
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    args = parser.parse_args()
    models = Path(os.environ.get("CAUSERIE_HOME", "~/.local/share/causerie")).expanduser() / "models"
    with tempfile.TemporaryDirectory(prefix="causerie-showcase-") as home:
        (Path(home) / "models").symlink_to(models)
        process, url = start_server(Path(home), args.model, "max_tokens_default = 400\n")
        try:
            for lang, question in QUESTIONS.items():
                shoot(url, lang, question, args.out / f"showcase-{lang}.png")
                print("Written:", args.out / f"showcase-{lang}.png")
        finally:
            process.terminate()
            process.wait(timeout=15)


if __name__ == "__main__":
    main()
