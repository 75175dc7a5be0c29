"""The web chat's documents in a real Chromium: files attached through the paperclip with their progress, a
refused file with the server's words, the Documents panel, and a grounded answer whose citations open their
passage. The server is a live `causerie serve` with the fake embedder and a model whose engine answers from its
first source and cites it (a plugin laid out here, as a third-party package would be): nothing to load, every
answer in milliseconds, and citations a test can count on, which SmolLM2-135M's are not."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from integration.causerie_it import launch_server

from causerie.documents.formats import accept_attribute
from causerie.i18n import t

from .test_web_chat import open_chat, send, wait_answer

pytestmark = pytest.mark.integration

CITER = '''
import re

from causerie.engines.fake import FakeEngine, fake_card

SOURCE = re.compile(r'<source n="(\\d+)"[^>]*>\\n(.*?)\\n</source>', re.S)


def cards():
    return [fake_card("citer").model_copy(update={"engine": "citer", "description": "Cites its first source."})]


class Citer(FakeEngine):
    """Answers with the last line of its first source, and cites it: a grounded answer, deterministic."""

    def generate(self, request):
        system = next((m["content"] for m in request.messages or [] if m.get("role") == "system"), "")
        found = SOURCE.findall(system)
        reply = f"D'après vos documents : {found[0][1].splitlines()[-1]} [{found[0][0]}]" if found else "Bonjour !"
        self.replies.clear()
        self.queue(reply)
        yield from super().generate(request)
'''
LIMIT = 6000  # max_document_bytes: a bigger file is refused with a 413
TARIFS = ("# Tarifs\n\n## Samedi\n\nLe tarif réduit de la piscine est de 3 euros le samedi.\n\n"
          "## Dimanche\n\nLe tarif réduit de la piscine le dimanche est de 4 euros, contre 3 le samedi.\n\n"
          "## Horaires\n\nLe bassin ouvre à 9 heures.\n")
QUESTION = "Quel est le tarif réduit de la piscine le samedi ?"
# Records every status an upload row shows, in the page, as it changes.
WATCH_UPLOADS = """() => {
  window.__statuses = [];
  new MutationObserver(() => {
    for (const el of document.querySelectorAll('.upload-status')) {
      if (el.textContent && window.__statuses.at(-1) !== el.textContent) window.__statuses.push(el.textContent);
    }
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


DROP_ON_CHAT = """([name, type, text]) => {
  const transfer = new DataTransfer();
  transfer.items.add(new File([text], name, {type}));
  const target = document.getElementById('messages');
  for (const kind of ['dragenter', 'dragover', 'drop']) {
    target.dispatchEvent(new DragEvent(kind, {dataTransfer: transfer, bubbles: true, cancelable: true}));
  }
}"""


def make_site(root: Path) -> Path:
    site = root / "site-packages"
    (site / "causerie_e2e_citer").mkdir(parents=True)
    (site / "causerie_e2e_citer" / "__init__.py").write_text(CITER, encoding="utf-8")
    dist_info = site / "causerie_e2e_citer-1.0.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text("Metadata-Version: 2.1\nName: causerie-e2e-citer\nVersion: 1.0\n")
    (dist_info / "entry_points.txt").write_text("[causerie.engines]\nciter = causerie_e2e_citer:Citer\n\n"
                                                "[causerie.models]\nciter = causerie_e2e_citer:cards\n")
    return site


@pytest.fixture(scope="module")
def docs_server(tmp_path_factory):
    site = make_site(tmp_path_factory.mktemp("citer"))
    path = os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    server = launch_server("web-docs", tmp_path_factory.mktemp("home-docs"), model="citer",
                           config_toml=f"max_document_bytes = {LIMIT}\n",
                           env={"PYTHONPATH": path, "CAUSERIE_EMBEDDER": "fake"})
    yield server
    server.stop()


def add_collection(server, name: str, files: dict[str, str]) -> None:
    """By the API, as a client would (again: the same bytes are kept as they are)."""
    with server.http() as http:
        assert http.post("/v1/collections", json={"name": name}).status_code in (201, 409)
        for filename, text in files.items():
            sent = http.post(f"/v1/collections/{name}/documents",
                             files={"file": (filename, text.encode(), "text/markdown")})
            assert sent.status_code == 201, sent.text


def start(new_page, server, locale: str, **options):
    page = new_page(locale, **options)
    open_chat(page, server)
    page.evaluate("localStorage.setItem('causerie.modelNoticeSeen', JSON.stringify(['citer']))")
    page.locator("#model-notice").evaluate("el => el.hidden = true")
    return page


def test_attached_files_show_their_progress_and_a_refused_one_the_servers_words(new_page, docs_server, screenshots):
    page = start(new_page, docs_server, "fr-FR")
    assert page.get_attribute("#doc-file-input", "accept") == accept_attribute()  # the server's one list
    page.evaluate(WATCH_UPLOADS)
    notes = "".join(f"## Partie {n}\n\nLe point numéro {n} du compte rendu de la réunion.\n\n" for n in range(40))
    page.click("#attach")
    menu = page.locator("#attach-menu")
    assert menu.is_visible() and page.get_attribute("#attach", "aria-expanded") == "true"
    with page.expect_file_chooser() as chooser:
        menu.locator("[data-action=documents]").click()
    assert chooser.value.is_multiple()
    chooser.value.set_files([
        {"name": "compte-rendu.md", "mimeType": "text/markdown", "buffer": notes.encode()},
        {"name": "outil.exe", "mimeType": "application/x-msdownload", "buffer": b"MZ\x90\x00" * 16},
        {"name": "gros.txt", "mimeType": "text/plain", "buffer": b"mot " * (LIMIT // 4 + 10)},
    ])
    rows = page.locator("#uploads .upload-row")
    page.wait_for_function("document.querySelector('#uploads .upload-batch')?.dataset.done === 'true'")
    assert rows.nth(0).get_attribute("data-state") == "done"
    assert rows.nth(0).locator(".upload-status").inner_text() == t(
        "web.docs_added", "fr", details=t("web.docs_passages_other", "fr", count=40))
    stage = t("documents.progress.embedding", "fr")
    seen = page.evaluate("window.__statuses")
    assert any(re.fullmatch(rf"{stage} : \d+/40 \(\d+ %\)", status) for status in seen), seen
    assert t("web.docs_progress", "fr", stage=stage, done=32, total=40, percent=80) in seen

    chip = page.locator("#doc-chips .doc-chip")  # the new collection, named after the (new) conversation
    assert chip.count() == 1
    name = chip.inner_text().strip()
    assert name.startswith("Documents du ")
    with docs_server.http(headers={"Accept-Language": "fr"}) as http:  # the same files, by hand
        refused = http.post(f"/v1/collections/{name}/documents", files={"file": ("outil.exe", b"MZ\x90\x00" * 16)})
        too_big = http.post(f"/v1/collections/{name}/documents", files={"file": ("gros.txt", b"mot " * 1510)})
    assert refused.status_code == 415 and too_big.status_code == 413
    assert rows.nth(1).get_attribute("data-state") == "error"
    assert rows.nth(1).locator(".upload-error").inner_text() == refused.json()["error"]["message"]
    assert rows.nth(2).locator(".upload-error").inner_text() == too_big.json()["error"]["message"]
    page.screenshot(path=str(screenshots / "uploads-fr.png"))

    send(page, "Bonjour")  # the conversation is created with the collection
    wait_answer(page)
    conversation_id = page.evaluate("location.hash.slice(1)")
    with docs_server.http() as http:
        assert http.get(f"/api/conversations/{conversation_id}").json()["collections"] == [name]
    page.click("#open-documents")
    row = page.locator(f"#docs-collections li[data-name='{name}']")
    assert t("web.docs_documents_one", "fr", count=1) in row.inner_text()
    assert row.locator(".use-toggle").get_attribute("aria-pressed") == "true"
    row.locator(".docs-open").click()
    assert page.locator("#docs-documents li").inner_text().startswith("compte-rendu.md")
    page.keyboard.press("Escape")
    assert page.locator("#documents-dialog").is_hidden()


def test_a_grounded_answer_cites_and_a_citation_opens_its_passage(new_page, docs_server, screenshots):
    add_collection(docs_server, "piscine", {"tarifs.md": TARIFS})
    page = start(new_page, docs_server, "fr-FR", bypass_csp=False)  # and with the page's own CSP
    page.focus("#attach")
    page.keyboard.press("Enter")  # the menu, by keyboard: focus on its first item, Escape gives it back
    assert page.evaluate("document.activeElement.dataset.action") == "documents"
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.dataset.action") == "text"
    page.keyboard.press("Escape")
    assert page.locator("#attach-menu").is_hidden() and page.evaluate("document.activeElement.id") == "attach"
    page.click("#attach")
    page.click("#attach-menu [data-action=use][data-name=piscine]")  # the collection, for this conversation
    assert page.get_attribute("#attach-menu [data-name=piscine]", "aria-checked") == "true"
    page.keyboard.press("Escape")
    assert page.locator("#doc-chips").inner_text().strip() == "piscine"
    send(page, QUESTION)
    wait_answer(page)
    answer = page.locator(".message.assistant").last
    assert "3 euros le samedi" in answer.locator(".content").inner_text()
    sources = answer.locator(".sources .source")
    assert sources.count() == 2  # both prices are relevant; the answer cites the first
    assert sources.nth(0).get_attribute("class") == "source cited"
    assert sources.nth(0).locator(".source-label").inner_text() == "tarifs.md, § Samedi"
    assert sources.nth(1).locator(".source-state").inner_text() == t("web.source_not_cited", "fr")
    page.screenshot(path=str(screenshots / "citations-fr.png"))

    cite = answer.locator(".content .cite")
    assert cite.count() == 1 and cite.inner_text() == "1"
    assert cite.get_attribute("aria-label") == t("web.cite_label", "fr", index=1, label="tarifs.md, § Samedi")
    cite.click()
    panel = page.locator("#passage-panel")
    panel.wait_for()
    assert "3 euros le samedi" in page.locator("#passage-text").inner_text()
    assert page.locator("#passage-state").inner_text() == t("web.passage_cited", "fr")
    assert page.evaluate("document.activeElement.id") == "passage-close"  # the focus moved into the panel
    page.screenshot(path=str(screenshots / "passage-fr.png"))
    page.keyboard.press("Escape")
    assert panel.is_hidden() and page.evaluate("document.activeElement.classList.contains('cite')")

    sources.nth(1).click()  # a source the answer does not cite: said so, and its neighbours on demand
    assert page.locator("#passage-state").inner_text() == t("web.passage_not_cited", "fr")
    page.click("#passage-more")
    neighbours = page.locator("#passage-neighbours .neighbour")
    neighbours.first.wait_for()
    assert "4 euros, contre 3" in page.locator("#passage-neighbours .current").inner_text()
    assert neighbours.count() == 3
    page.click("#passage-close")

    page.reload()  # stored answers keep their sources and clickable citations
    page.wait_for_selector("body.ready")
    page.locator(".message.assistant .content .cite").first.click()
    assert "3 euros le samedi" in page.locator("#passage-text").inner_text()
    assert page.locator("#doc-chips").inner_text().strip() == "piscine"
    page.click("#passage-close")

    page.evaluate(DROP_ON_CHAT, ["horaires.txt", "text/plain", "Le bassin ferme à 20 heures."])
    batch = page.locator("#uploads .upload-batch[data-done=true]")  # dropped on the conversation: its collection
    batch.wait_for()
    assert batch.locator(".upload-head").inner_text() == t("web.docs_uploading", "fr", name="piscine")
    assert batch.locator(".upload-row").get_attribute("data-state") == "done"


def test_the_documents_panel_lists_creates_and_deletes_in_english(new_page, docs_server):
    add_collection(docs_server, "old-notes", {"a.md": "# A\n\nFirst note.\n", "b.md": "# B\n\nSecond note.\n"})
    page = start(new_page, docs_server, "en-US")
    assert page.locator("#open-documents").inner_text().strip() == t("web.docs_open", "en")
    page.click("#open-documents")
    dialog = page.locator("#documents-dialog")
    assert page.locator("#documents-heading").inner_text() == t("web.docs_title", "en")
    assert page.evaluate("document.activeElement.id") == "docs-new-name"
    row = page.locator("#docs-collections li[data-name='old-notes']")
    assert t("web.docs_documents_other", "en", count=2) in row.inner_text()
    page.fill("#docs-new-name", "Recipes")
    page.keyboard.press("Enter")
    recipes = page.locator("#docs-collections li[data-name='Recipes']")
    recipes.wait_for()
    assert t("web.docs_documents_other", "en", count=0) in recipes.inner_text()  # English says "0 documents"
    page.fill("#docs-new-name", "bad/name")
    page.keyboard.press("Enter")
    error = page.locator("#docs-error")
    error.wait_for()
    assert error.inner_text() == t("documents.bad_collection_name", "en", name="bad/name")

    row.locator(".docs-open").click()
    documents = page.locator("#docs-documents li")
    documents.nth(1).wait_for()
    documents.filter(has_text="b.md").locator("[data-action=delete]").click()
    page.click("#text-ok")
    page.wait_for_function("document.querySelectorAll('#docs-documents li').length === 1")
    page.click("#docs-back")
    assert t("web.docs_documents_one", "en", count=1) in row.inner_text()
    row.locator("[data-action=delete]").click()
    one = t("web.docs_documents_one", "en", count=1)
    assert page.locator("#text-message").inner_text() == t("web.docs_delete_collection_confirm", "en",
                                                            name="old-notes", documents=one)
    page.click("#text-ok")
    row.wait_for(state="detached")
    assert dialog.is_visible()
    with docs_server.http() as http:
        assert http.get("/v1/collections/old-notes").status_code == 404


def test_the_documents_panel_in_french(new_page, docs_server, screenshots):
    add_collection(docs_server, "contrats", {"bail.md": "# Bail\n\n## Loyer\n\nLe loyer est de 700 euros.\n"})
    page = start(new_page, docs_server, "fr-FR")
    page.click("#open-documents")
    page.locator("#docs-collections li[data-name='contrats']").wait_for()
    assert page.locator("#docs-formats").inner_text().startswith("Formats acceptés : .pdf, .docx, .odt")
    assert page.locator("#docs-collections li[data-name='contrats'] .use-toggle").inner_text().startswith(
        t("web.docs_use", "fr"))
    page.screenshot(path=str(screenshots / "documents-fr.png"))


WIDTHS = {390: 844, 768: 1024, 1280: 800}
FITS = """(selector) => { const box = document.querySelector(selector).getBoundingClientRect();
  return box.left >= 0 && box.right <= innerWidth + 0.5 && box.top >= 0 && box.bottom <= innerHeight + 0.5; }"""


@pytest.mark.parametrize("width", list(WIDTHS))
def test_documents_fit_every_width_light_and_dark(new_page, docs_server, screenshots, width):
    """At test_web_widths.py's widths (the phone's in dark): the attach menu, an answer's sources, the passage
    panel and the Documents panel stay inside the screen, and nothing scrolls sideways."""
    add_collection(docs_server, "étroit", {"tarifs.md": TARIFS})
    scheme = "dark" if width == 390 else "light"
    page = start(new_page, docs_server, "fr-FR", viewport={"width": width, "height": WIDTHS[width]},
                 is_mobile=width < 500, color_scheme=scheme)
    page.click("#attach")
    assert page.evaluate(FITS, "#attach-menu")
    page.click("#attach-menu [data-action=use][data-name=étroit]")
    page.keyboard.press("Escape")
    send(page, QUESTION)
    wait_answer(page)
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    assert page.evaluate(FITS, ".message.assistant .sources")
    page.locator(".message.assistant .cite").first.click()
    assert page.evaluate(FITS, "#passage-panel")
    page.screenshot(path=str(screenshots / f"citations-{width}-{scheme}.png"))
    page.click("#passage-close")
    if width < 820:
        page.click("#sidebar-open")
    page.click("#open-documents")
    page.locator("#docs-collections li[data-name='étroit']").wait_for()
    assert page.evaluate(FITS, "#documents-dialog")
    assert page.evaluate(FITS, "#docs-collections li[data-name='étroit'] [data-action=delete]")
    page.screenshot(path=str(screenshots / f"documents-{width}-{scheme}.png"))
