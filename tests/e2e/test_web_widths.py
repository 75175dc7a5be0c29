"""The web chat at a phone's, a tablet's and a desktop's width (390, 768, 1280 px): the model's name and the
composer's hint are never cut, the model card opens at its top, and the note on what the model can and
cannot do shows once, until it is dismissed. Screenshots of each width go with the others."""

from __future__ import annotations

import pytest

from .test_web_chat import open_chat, send

pytestmark = pytest.mark.integration

# Whether a text fits its box: canvas-measured in the element's own font, against its inner width (a select
# also keeps room for its arrow).
FITS = """() => {
  const width = (el, text) => {
    const style = getComputedStyle(el), ctx = document.createElement('canvas').getContext('2d');
    ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    return ctx.measureText(text).width;
  };
  const room = (el, extra = 0) => {
    const style = getComputedStyle(el);
    return el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - extra;
  };
  const select = document.getElementById('model'), input = document.getElementById('composer-input');
  return {model: width(select, select.selectedOptions[0].text) <= room(select, 16),
          placeholder: width(input, input.placeholder) <= room(input)};
}"""
WIDTHS = {390: 844, 768: 1024, 1280: 800}


@pytest.mark.parametrize("width", list(WIDTHS))
def test_nothing_is_cut_and_the_model_card_opens_at_its_top(new_page, web_server, screenshots, width):
    page = new_page("fr-FR", viewport={"width": width, "height": WIDTHS[width]}, is_mobile=width < 500)
    open_chat(page, web_server)
    assert page.evaluate(FITS) == {"model": True, "placeholder": True}
    notice = page.locator("#model-notice")
    assert notice.is_visible() and "135" in notice.inner_text()  # the card's own words, in French
    page.screenshot(path=str(screenshots / f"width-{width}-fr.png"))
    page.click("#model-notice-card")
    dialog = page.locator("#info-dialog")
    dialog.wait_for(state="visible")
    assert page.evaluate("document.getElementById('info-dialog').scrollTop") == 0
    assert page.locator("#info-heading").bounding_box()["y"] >= 0
    assert "Description" in dialog.inner_text() and "tests" in dialog.inner_text()
    page.screenshot(path=str(screenshots / f"card-{width}-fr.png"))


def test_the_models_note_shows_once_until_dismissed(new_page, web_server):
    page = new_page("en-GB")
    open_chat(page, web_server)
    assert page.locator("#model-notice").is_visible()
    assert "English" in page.locator("#model-notice").inner_text()
    page.click("#model-notice-ok")
    assert not page.locator("#model-notice").is_visible()
    page.reload()
    page.wait_for_selector("body.ready")
    assert not page.locator("#model-notice").is_visible()
    page.click("#model-info")  # still in the card, where it always is
    assert "plumbing" in page.locator("#info-dialog").inner_text()


def test_the_first_message_sent_puts_the_note_away(new_page, web_server):
    page = new_page("fr-FR")
    open_chat(page, web_server)
    assert page.locator("#model-notice").is_visible()
    send(page, "Bonjour")
    assert not page.locator("#model-notice").is_visible()  # it must not cover the conversation
    page.reload()
    page.wait_for_selector("body.ready")
    assert not page.locator("#model-notice").is_visible()


def test_a_third_party_skill_appears_in_the_web_chat_and_runs(new_page, tmp_path_factory):
    """The toy skill package, on the server's path: its chip, its option menu and its slash word, with no edit
    to the web chat, which builds all three from GET /api/skills."""
    import importlib.util
    import os
    from pathlib import Path

    from integration.causerie_it import launch_server

    spec = importlib.util.spec_from_file_location(
        "toy_site", Path(__file__).parents[1] / "fixtures" / "toy_skill" / "site.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    site = module.make_site(tmp_path_factory.mktemp("toy"))
    path = os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    server = launch_server("toy-skill", tmp_path_factory.mktemp("home-toy"), env={"PYTHONPATH": path})
    try:
        page = new_page("fr-FR")
        open_chat(page, server)
        page.click("#model-notice-ok")
        chip = page.locator(".skill-chip", has_text="Retourner")
        assert chip.count() == 1
        chip.click()
        assert page.locator("#skill-mode select[name=unit] option").all_inner_texts() == ["Lettres", "Mots"]
        page.select_option("#skill-mode select[name=unit]", "words")
        send(page, "un deux trois")
        page.wait_for_selector(".message.assistant.skill:not([aria-busy])")
        assert "trois deux un" in page.locator(".message.assistant.skill").last.inner_text()
        send(page, "/retourner abc")
        page.wait_for_function("document.querySelectorAll('.message.assistant.skill:not([aria-busy])').length == 2")
        assert "cba" in page.locator(".message.assistant.skill").last.inner_text()
    finally:
        server.stop()
