"""Web chat benchmark, in real headless Chromium against `causerie serve` on SmolLM2-135M.

    python bench/web_bench.py --out docs/benchmarks.md

1. First paint: `--runs` cold loads of `/` (a fresh browser context each, so no cache): first contentful
   paint (`performance.getEntriesByType('paint')`) and the moment the page is ready (conversation list and
   models loaded: the `causerie-ready` mark).
2. Time to first token: the same question asked `--runs` times in the page (from the Enter key to the first
   character of the answer in the DOM, seen by a MutationObserver) and, interleaved so both see the same
   machine, through the raw API: POST /v1/chat/completions (stream) and POST /api/conversations/{id}/messages
   (what the page calls), from sending the request to the first content delta.
3. Page weight: every resource the page loaded (Resource Timing): bytes decoded (raw) and bytes on the wire
   (gzip; causerie compresses its assets), plus the HTML page itself.

With `--out`, the results replace the web-bench section of that file (bench/report_section.py).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from report_section import write_section  # noqa: E402  (bench/ is on sys.path when a script here runs)
from servers import start_server  # noqa: E402

MODEL = "smollm2-135m-instruct"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
QUESTION = "Quelle est la capitale de la France ?"
MAX_TOKENS = 32  # the server's default cap (config.toml), and the API runs' max_tokens: short answers

# In the page: the time of the Enter key and of the first character of the new answer.
WATCH = """() => {
  window.__t0 = null; window.__t1 = null;
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && window.__t0 === null) window.__t0 = performance.now();
  }, true);
  new MutationObserver(() => {
    if (window.__t1 !== null || window.__t0 === null) return;
    const answer = document.querySelector('.message.assistant .content');
    if (answer && answer.innerText.trim()) window.__t1 = performance.now();
  }).observe(document.getElementById('messages'), {subtree: true, childList: true, characterData: true});
}"""


# --- 1 and 3: loading the page ------------------------------------------------------------------------------
def load_page(browser, url: str) -> dict:
    context = browser.new_context(locale="fr-FR", bypass_csp=True)
    page = context.new_page()
    page.goto(url + "/")
    page.wait_for_selector("body.ready")
    timing = page.evaluate("""() => ({
      fcp: performance.getEntriesByType('paint').find(e => e.name === 'first-contentful-paint')?.startTime,
      ready: performance.getEntriesByName('causerie-ready')[0]?.startTime,
      doc: performance.getEntriesByType('navigation').map(e => [e.name, e.decodedBodySize, e.encodedBodySize]),
      resources: performance.getEntriesByType('resource')
        .map(e => [e.name, e.initiatorType, e.decodedBodySize, e.encodedBodySize]),
    })""")
    context.close()
    return timing


def weight(timing: dict) -> dict:
    """Raw and on-the-wire bytes of the page and its static assets (API calls are not page weight)."""
    assets = [r for r in timing["resources"] if "/static/" in r[0]]
    doc_raw, doc_wire = timing["doc"][0][1], timing["doc"][0][2]
    return {"files": len(assets) + 1, "raw": doc_raw + sum(r[2] for r in assets),
            "wire": doc_wire + sum(r[3] for r in assets),
            "vendor_raw": sum(r[2] for r in assets if "/vendor/" in r[0]),
            "vendor_wire": sum(r[3] for r in assets if "/vendor/" in r[0])}


# --- 2: time to first token -----------------------------------------------------------------------------------
def browser_ttft(page) -> float:
    page.click("#new-chat")
    page.evaluate(WATCH)
    page.fill("#composer-input", QUESTION)
    page.keyboard.press("Enter")
    page.wait_for_function("window.__t1 !== null", timeout=120_000)
    page.wait_for_selector(".message.assistant:not([aria-busy])", timeout=120_000)
    return page.evaluate("window.__t1 - window.__t0")


def first_delta_ms(client: httpx.Client, path: str, body: dict, content_of) -> float:
    start = time.perf_counter()
    with client.stream("POST", path, json=body) as response:
        response.raise_for_status()
        lines = response.iter_lines()
        for line in lines:
            if line.startswith("data: ") and line != "data: [DONE]" and content_of(json.loads(line[6:])):
                elapsed = (time.perf_counter() - start) * 1000
                for _ in lines:  # let the answer finish, like the page does
                    pass
                return elapsed
    raise RuntimeError(f"no content from {path}")


def api_ttfts(client: httpx.Client) -> tuple[float, float]:
    chat = first_delta_ms(client, "/v1/chat/completions",
                          {"model": MODEL, "stream": True, "max_tokens": MAX_TOKENS,
                           "messages": [{"role": "user", "content": QUESTION}]},
                          lambda e: (e.get("choices") or [{}])[0].get("delta", {}).get("content"))
    conversation = client.post("/api/conversations", json={}).json()["id"]
    stored = first_delta_ms(client, f"/api/conversations/{conversation}/messages", {"content": QUESTION},
                            lambda e: e.get("type") == "delta" and e.get("content"))
    return chat, stored


def measure(url: str, runs: int) -> dict:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright, httpx.Client(base_url=url, timeout=120, trust_env=False) as client:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        load_page(browser, url)  # warm the server's own caches (files, strings) once
        loads = [load_page(browser, url) for _ in range(runs)]
        context = browser.new_context(locale="fr-FR", bypass_csp=True)
        page = context.new_page()
        page.goto(url + "/")
        page.wait_for_selector("body.ready")
        api_ttfts(client)  # warm-up: the first generation pays for llama.cpp's first batch
        in_page, chat, stored = [], [], []
        for _ in range(runs):
            in_page.append(browser_ttft(page))
            one, two = api_ttfts(client)
            chat.append(one)
            stored.append(two)
        browser.close()
    return {"fcp": [x["fcp"] for x in loads], "ready": [x["ready"] for x in loads], "weight": weight(loads[-1]),
            "ttft_page": in_page, "ttft_chat": chat, "ttft_stored": stored}


# --- report ---------------------------------------------------------------------------------------------------
def stats(values: list[float]) -> str:
    values = sorted(values)
    return f"{statistics.median(values):.0f} ms (min {values[0]:.0f}, max {values[-1]:.0f})"


def kib(n: int) -> str:
    return f"{n / 1024:.0f} KiB"


def machine() -> str:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    chromium = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout.strip()
    return f"{platform.machine()}, {os.cpu_count()} cores, load {load:.1f} at start; {chromium}"


def report(result: dict, runs: int, info: str) -> str:
    w = result["weight"]
    median_page, median_stored = statistics.median(result["ttft_page"]), statistics.median(result["ttft_stored"])
    return f"""## Web chat (bench/web_bench.py)

`python bench/web_bench.py --runs {runs} --out docs/benchmarks.md`, {datetime.now(UTC):%Y-%m-%d}, {info}.
causerie serve on {MODEL} (2 threads, answers capped at {MAX_TOKENS} tokens); headless Chromium on the same
machine; medians of {runs} runs.

| measure | value |
|---|---|
| first contentful paint of `/` (cold, no cache) | {stats(result["fcp"])} |
| page ready (models and conversation list loaded) | {stats(result["ready"])} |
| first token in the page (Enter key → first character in the DOM) | {stats(result["ttft_page"])} |
| first token, raw API `/v1/chat/completions` (stream) | {stats(result["ttft_chat"])} |
| first token, raw API `/api/conversations/{{id}}/messages` (what the page calls) | {stats(result["ttft_stored"])} |
| page's own overhead on the first token (page − conversations API, medians) | {median_page - median_stored:+.0f} ms |
| page weight: {w["files"]} files (HTML, CSS, JS, vendored libraries, icon) | {kib(w["raw"])} raw, {kib(w["wire"])} gzip on the wire |
| of which vendored libraries (marked, DOMPurify, highlight.js + 15 languages) | {kib(w["vendor_raw"])} raw, {kib(w["vendor_wire"])} gzip |

The page's first token includes storing the question, the SSE parsing in JavaScript and one animation
frame before the Markdown is drawn; the conversations API's includes the store writes, which
`/v1/chat/completions` (stateless) skips.
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, help="write the section into this Markdown file")
    args = parser.parse_args()
    info = machine()
    with tempfile.TemporaryDirectory(prefix="causerie-web-bench-") as home:
        process, url = start_server(Path(home), MODEL, f"max_tokens_default = {MAX_TOKENS}\n")
        try:
            result = measure(url, args.runs)
        finally:
            process.terminate()
            process.wait(timeout=15)
    text = report(result, args.runs, info)
    print(text)
    print(json.dumps(result, indent=1), file=sys.stderr)
    if args.out:
        write_section(args.out, "web-bench", text)


if __name__ == "__main__":
    main()
