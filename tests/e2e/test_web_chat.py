"""The web chat end to end: a real Chromium, a real `causerie serve` on SmolLM2. Assertions are about
behaviour (streaming, stored history, language, audio, errors), never about what the tiny model says."""

from __future__ import annotations

import json
import re

import httpx
import pytest
from integration.causerie_it import API_KEY, HUGE_MESSAGE, launch_server

from causerie.i18n import t
from causerie.skills.registry import skill_class

from .conftest import SERVER_CONFIG

pytestmark = pytest.mark.integration

# Records, in the page, the length of the last answer's text each time it changes while it is being written.
WATCH_STREAM = """() => {
  window.__lengths = [];
  new MutationObserver(() => {
    const answer = [...document.querySelectorAll('.message.assistant')].pop();
    if (answer && answer.getAttribute('aria-busy') === 'true') {
      const text = answer.querySelector('.content').innerText.trim();
      if (text && window.__lengths.at(-1) !== text.length) window.__lengths.push(text.length);
    }
  }).observe(document.getElementById('messages'), {subtree: true, childList: true, characterData: true});
}"""


def face_label(skill: str, lang: str) -> str:
    return skill_class(skill).face.label[lang]


def open_chat(page, server) -> None:
    page.goto(server.url + "/")
    page.wait_for_selector("body.ready")


def send(page, text: str) -> None:
    page.fill("#composer-input", text)
    page.keyboard.press("Enter")


def wait_answer(page) -> None:
    page.wait_for_selector(".message.assistant:not([aria-busy])", timeout=150_000)


def test_a_message_streams_is_stored_and_survives_a_reload(new_page, web_server, screenshots):
    page = new_page("fr-FR")
    open_chat(page, web_server)
    assert page.locator("html").get_attribute("lang") == "fr"
    page.evaluate(WATCH_STREAM)
    page.fill("#composer-input", "Bonjour")
    page.keyboard.press("Shift+Enter")  # a new line, not a send
    page.keyboard.type("Quelle est la capitale de la France ?")
    assert page.input_value("#composer-input") == "Bonjour\nQuelle est la capitale de la France ?"
    assert page.locator(".message").count() == 0
    page.keyboard.press("Enter")
    wait_answer(page)
    lengths = page.evaluate("window.__lengths")
    assert len(lengths) >= 2, f"the answer appeared at once, not streamed: {lengths}"
    badge = page.locator(".message.assistant .ai-badge").first
    assert "Généré par IA" in badge.inner_text() and "smollm2-135m-instruct" in badge.inner_text()
    conversation_id = page.evaluate("location.hash.slice(1)")
    row = page.locator(f"#conversations li[data-id='{conversation_id}']")
    row.wait_for()
    page.wait_for_function("document.querySelector('#chat-title').textContent.startsWith('Bonjour')")
    page.screenshot(path=str(screenshots / "chat-fr.png"))

    page.reload()
    page.wait_for_selector("body.ready")
    assert page.locator(f"#conversations li[data-id='{conversation_id}']").count() == 1
    page.locator(".message.assistant").first.wait_for()
    assert page.locator(".message.user .content").first.inner_text().startswith("Bonjour")
    badge.click()  # the badge tells which model and settings produced the answer
    facts = page.locator("#info-facts").inner_text()
    assert "smollm2-135m-instruct" in facts and "Apache-2.0" in facts
    page.click("#info-close")


def test_stopping_a_generation_keeps_what_was_written(new_page, web_server):
    page = new_page("fr-FR")
    open_chat(page, web_server)
    send(page, "Écris une très longue histoire de pirates, avec beaucoup de détails.")
    page.wait_for_function("document.querySelector('.message.assistant .content')?.innerText.trim().length > 0")
    page.click("#stop")
    page.locator(".message.assistant .stopped-note").wait_for()
    assert page.locator("#send").is_visible() and not page.locator("#stop").is_visible()
    conversation_id = page.evaluate("location.hash.slice(1)")
    with web_server.http() as http:
        stored = http.get(f"/api/conversations/{conversation_id}").json()["messages"]
    assert [m["role"] for m in stored] == ["user", "assistant"]
    assert stored[1]["status"] == "interrupted"


def test_the_interface_follows_the_browser_and_switches_language(new_page, web_server, screenshots):
    page = new_page("en-US")
    open_chat(page, web_server)
    assert page.locator("#new-chat").inner_text().strip() == t("web.new_chat", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    send(page, "Give me one tip to sleep better.")
    wait_answer(page)
    page.screenshot(path=str(screenshots / "chat-en.png"))
    page.click("#open-settings")
    page.select_option("#settings-form select[name=lang]", "fr")
    page.click("#settings-form button[value=save]")
    page.wait_for_function("document.documentElement.lang === 'fr'")  # the dialog's close event comes later
    assert page.locator("#new-chat").inner_text().strip() == t("web.new_chat", "fr")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_attribute("#composer-input", "placeholder") == t("web.composer_placeholder", "fr")
    assert "Généré par IA" in page.locator(".ai-badge").first.inner_text()
    page.reload()  # the choice is kept
    page.wait_for_selector("body.ready")
    assert page.locator("#new-chat").inner_text().strip() == t("web.new_chat", "fr")


def test_skills_run_from_a_button_and_a_slash_command(new_page, web_server, screenshots):
    page = new_page("fr-FR")
    open_chat(page, web_server)
    page.click(".skill-chip[data-skill=translate]")
    assert page.locator("#skill-mode").is_visible()
    assert page.locator("#skill-mode select[name=target]").input_value() == "en"
    send(page, "Le chat dort sur le canapé.")
    wait_answer(page)
    translated = page.locator(".message.assistant.skill").first
    assert translated.locator(".skill-head").inner_text().startswith(face_label("translate", "fr"))
    assert translated.locator(".content").inner_text().strip()
    page.click("#skill-mode button")  # leave the skill
    send(page, "/ameliorer Je suis allé au marcher hier et j'ai acheter des pomme.")
    page.wait_for_function("document.querySelectorAll('.message.assistant.skill:not([aria-busy])').length === 2",
                           timeout=150_000)
    improved = page.locator(".message.assistant.skill").nth(1)
    assert improved.locator(".diff summary").inner_text() == t("web.diff", "fr")
    page.screenshot(path=str(screenshots / "skills-fr.png"))


def test_read_aloud_plays_audio_from_the_speech_api(new_page, web_server):
    page = new_page("fr-FR")
    open_chat(page, web_server)
    send(page, "Dis bonjour en une phrase.")
    wait_answer(page)
    page.locator(".message.assistant").first.hover()
    with page.expect_response(lambda r: r.url.endswith("/v1/audio/speech")) as speech:
        page.click(".message.assistant .action-read")
    assert speech.value.status == 200 and speech.value.headers["content-type"].startswith("audio/")
    page.wait_for_function("""() => { const a = document.getElementById('audio');
        return a.src.startsWith('blob:') && a.duration > 0 && Number(a.dataset.bytes) > 0; }""")
    assert page.locator("#player").is_visible()
    page.click("#player-stop")
    assert page.locator("#player").is_hidden()


def test_a_server_error_is_shown_with_the_servers_message(new_page, web_server):
    page = new_page("fr-FR")
    open_chat(page, web_server)
    page.evaluate("text => { const box = document.getElementById('composer-input'); box.value = text; }",
                  HUGE_MESSAGE)
    page.focus("#composer-input")
    page.keyboard.press("Enter")
    toast = page.locator(".toast.error")
    toast.wait_for()
    with web_server.http(headers={"Accept-Language": "fr"}) as http:  # the same request, by hand
        conversation = http.post("/api/conversations", json={}).json()["id"]
        error = http.post(f"/api/conversations/{conversation}/messages", json={"content": HUGE_MESSAGE}).json()
    assert error["error"]["message"] in toast.inner_text()
    assert page.locator(".message.assistant .message-error").inner_text() == error["error"]["message"]


def test_signing_in_with_an_api_key(new_page, tmp_path_factory):
    server = launch_server("web-auth", tmp_path_factory.mktemp("home-web-auth"), "--api-key", API_KEY,
                           config_toml=SERVER_CONFIG)
    try:
        page = new_page("en-US")
        page.goto(server.url + "/")
        dialog = page.locator("#login-dialog")
        dialog.wait_for()
        assert page.locator("#login-error").inner_text() == t("api.missing_key", "en")
        page.fill("#login-key", "wrong-key")
        page.keyboard.press("Enter")
        page.wait_for_function(f"document.getElementById('login-error').textContent === {t('api.invalid_key', 'en')!r}")
        assert dialog.is_visible()
        page.fill("#login-key", API_KEY)
        page.keyboard.press("Enter")
        page.wait_for_selector("body.ready")
        assert dialog.is_hidden()
        assert page.evaluate("localStorage.getItem('causerie.apiKey')") == API_KEY
        assert page.locator("#model option").count() >= 1
        page.reload()  # the key is remembered: no dialog this time
        page.wait_for_selector("body.ready")
        assert page.locator("#login-dialog").is_hidden()
    finally:
        server.stop()


def test_mobile_and_dark_screens(new_page, web_server, screenshots):
    page = new_page("fr-FR", viewport={"width": 390, "height": 844}, color_scheme="dark", is_mobile=True,
                    has_touch=True)
    open_chat(page, web_server)
    send(page, "Donne-moi une recette de crêpes.")
    wait_answer(page)
    assert page.locator("#sidebar").bounding_box()["x"] < 0  # the list waits behind the menu button
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert re.match(r"rgb\((\d+), \1, ", background) and int(background[4:].split(",")[0]) < 60, background
    page.screenshot(path=str(screenshots / "mobile-dark.png"))
    page.click("#sidebar-open")
    page.wait_for_function("document.getElementById('sidebar').getBoundingClientRect().x >= 0")
    page.screenshot(path=str(screenshots / "mobile-sidebar.png"))


def test_no_request_leaves_the_server(new_page, web_server):
    """Every request the page makes goes to the server it came from (no CDN, no font service)."""
    page = new_page("fr-FR", bypass_csp=False)  # and with the page's own Content-Security-Policy
    hosts = set()
    page.on("request", lambda request: hosts.add(httpx.URL(request.url).host))
    open_chat(page, web_server)
    assert hosts == {"127.0.0.1"}


def test_managing_a_conversation_rename_search_regenerate_edit_export_delete(new_page, web_server):
    page = new_page("en-US")
    open_chat(page, web_server)
    send(page, "Name one colour.")
    wait_answer(page)
    conversation_id = page.evaluate("location.hash.slice(1)")
    row = page.locator(f"#conversations li[data-id='{conversation_id}']")
    page.wait_for_function("document.querySelector('#chat-title').textContent.startsWith('Name one colour')")
    page.evaluate("document.querySelector('.message.assistant').classList.add('old-answer')")
    page.click(".message.assistant .action-regenerate")  # the last answer is replaced, not added to
    page.wait_for_function("""() => { const a = document.querySelectorAll('.message.assistant');
        return a.length === 1 && !a[0].classList.contains('old-answer') && !a[0].hasAttribute('aria-busy'); }""")
    page.wait_for_selector("#stop", state="hidden")

    page.locator(".message.user").first.hover()
    page.click(".message.user .action-edit")
    page.fill(".message.user .editor textarea", "Name one fruit.")
    page.click(".message.user .editor .primary-button")
    page.wait_for_function("""() => [...document.querySelectorAll('.message.user .content')]
        .map(e => e.innerText.trim()).join('|') === 'Name one fruit.'""")
    wait_answer(page)
    with web_server.http() as http:
        stored = http.get(f"/api/conversations/{conversation_id}").json()["messages"]
    assert [(m["role"], m["content"] if m["role"] == "user" else "") for m in stored] == [
        ("user", "Name one fruit."), ("assistant", "")]

    row.locator(".menu-button").click()
    row.locator("[data-action=rename]").click()
    page.fill("#text-input", "Fruits and colours")
    page.click("#text-ok")
    page.wait_for_function(f"document.querySelector(\"#conversations li[data-id='{conversation_id}']\").innerText"
                           ".includes('Fruits and colours')")

    page.fill("#search", "fruit")
    page.locator(f"#search-results li[data-id='{conversation_id}']").first.wait_for()  # a hit per message
    page.keyboard.press("Escape")

    row.locator(".menu-button").click()
    with page.expect_download() as download:
        row.locator("[data-action=markdown]").click()
    assert "Name one fruit." in open(download.value.path(), encoding="utf-8").read()
    row.locator(".menu-button").click()
    with page.expect_download() as download:
        row.locator("[data-action=json]").click()
    exported = json.loads(open(download.value.path(), encoding="utf-8").read())
    assert "Name one fruit." in json.dumps(exported, ensure_ascii=False)

    row.locator(".menu-button").click()
    row.locator("[data-action=delete]").click()
    page.click("#text-ok")
    row.wait_for(state="detached")
    with web_server.http() as http:
        assert http.get(f"/api/conversations/{conversation_id}").status_code == 404


DROP_FILE = """([name, type, text]) => {
  const transfer = new DataTransfer();
  transfer.items.add(new File([text], name, {type}));
  const box = document.getElementById('composer-box');
  box.dispatchEvent(new DragEvent('dragover', {dataTransfer: transfer, bubbles: true, cancelable: true}));
  box.dispatchEvent(new DragEvent('drop', {dataTransfer: transfer, bubbles: true, cancelable: true}));
}"""


def test_a_dropped_text_file_is_summarized_and_a_binary_one_refused(new_page, web_server):
    page = new_page("fr-FR")
    open_chat(page, web_server)
    article = "Le marché du samedi déménage place de l'église pendant les travaux de la gare.\n" * 3
    page.evaluate(DROP_FILE, ["article.txt", "text/plain", article])
    page.wait_for_function("document.getElementById('composer-input').value.length > 0")
    assert page.input_value("#composer-input") == article
    assert page.locator("#skill-mode").is_visible()  # summarize is chosen for a dropped text
    notice = page.locator(".toast:not(.error)").first
    assert notice.inner_text() == t("web.file_loaded", "fr", name="article.txt", chars=len(article))
    page.focus("#composer-input")
    page.keyboard.press("Enter")
    page.wait_for_selector(".message.assistant.skill:not([aria-busy])", timeout=150_000)
    summary = page.locator(".message.assistant.skill").first
    assert summary.locator(".skill-head").inner_text().startswith(face_label("summarize", "fr"))

    page.set_input_files("#file-input", files=[{"name": "photo.png", "mimeType": "image/png",
                                                "buffer": b"\x89PNG\r\n\x1a\n\x00\x00"}])
    assert t("web.file_not_text", "fr", name="photo.png") in page.locator(".toast.error").inner_text()
    assert page.input_value("#composer-input") == ""  # nothing was loaded
