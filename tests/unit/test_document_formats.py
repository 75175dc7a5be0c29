"""Reading documents: real PDF, DOCX, ODT, HTML, Markdown and TXT files built at test time
(tests/fixtures/documents/make.py), and every kind of bad file, each refused with its own error."""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from fixtures.documents import make

from causerie.documents import formats
from causerie.documents.formats import (
    ACCEPTED,
    ArchiveTooLarge,
    CorruptDocument,
    DocumentError,
    DocumentWarning,
    EmptyDocument,
    EncryptedDocument,
    NeedsOcr,
    UnsupportedDocumentType,
    detect_media_type,
    parse,
)
from causerie.i18n.messages import MESSAGES


def texts(doc):
    return [b.text for b in doc.blocks]


def refused(error_class, data, name, *, code, key=None):
    """Parsing refuses the file with that error, status, code and param, and both messages name it."""
    with pytest.raises(error_class) as caught:
        parse(data, name)
    error = caught.value
    assert error.code == code and error.param == "file"
    assert error.status == (415 if error_class is UnsupportedDocumentType else 400)
    assert error.type == "invalid_request_error"
    if key:
        assert error.key == key
    for lang in ("fr", "en"):
        assert name in error.message(lang)
    return error


# --- PDF --------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def contract_pdf() -> bytes:
    return make.pdf()


def test_pdf_headings_from_the_outline_with_their_pages(contract_pdf):
    doc = parse(contract_pdf, "contrat.pdf")
    assert doc.media_type == "application/pdf" and doc.pages == 4 and doc.title == "Contrat de service"
    headings = [(b.text, b.page, b.heading) for b in doc.blocks if b.is_heading]
    assert headings == [("Conditions", 1, "Conditions"), ("Tarifs", 2, "Conditions › Tarifs"),
                        ("Résiliation", 4, "Résiliation")]
    by_text = {b.text: b for b in doc.blocks}
    page3 = next(b for b in doc.blocks if b.page == 3)
    assert page3.heading == "Conditions › Tarifs" and page3.text.startswith("Suite des tarifs")
    assert by_text["Le prix mensuel est de 10 euros hors taxes."].heading == "Conditions › Tarifs"
    assert doc.warnings == []


def test_pdf_lines_are_joined_into_paragraphs_and_paragraphs_kept_apart(contract_pdf):
    doc = parse(contract_pdf, "contrat.pdf")
    assert "Les conditions s'appliquent à toute commande passée après leur publication. Toute dérogation " \
        "doit être écrite. Les informations du client restent confidentielles." in texts(doc)  # infor-/mations
    assert "Le prix mensuel est de 10 euros hors taxes." in texts(doc)
    assert "Les tarifs sont révisés chaque année." in texts(doc)  # a separate one-line paragraph


def test_pdf_reports_progress_page_by_page(contract_pdf):
    seen: list[tuple[int, int]] = []
    parse(contract_pdf, "contrat.pdf", on_page=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)]


def test_pdf_page_numbers_are_dropped_but_numbers_in_text_kept():
    data = make.pdf([(None, [["Premier paragraphe du rapport."], ["1"]]),
                     (None, [["- 2 -"], ["Deux mille vingt-six : 2026 arrivera."], ["7"]])])
    assert texts(parse(data, "r.pdf")) == ["Premier paragraphe du rapport.", "Deux mille vingt-six : 2026 arrivera.",
                                           "7"]


def test_encrypted_pdf_asks_to_remove_the_password():
    error = refused(EncryptedDocument, make.pdf(encrypt="secret"), "coffre.pdf", code="encrypted_document")
    assert "mot de passe" in error.message("fr") and "password" in error.message("en")


def test_pdf_with_only_an_owner_password_is_read():
    assert "Tarifs" in texts(parse(make.pdf(owner_only=True), "restreint.pdf"))


def test_truncated_pdf_is_corrupt(contract_pdf):
    refused(CorruptDocument, contract_pdf[: len(contract_pdf) // 2], "coupé.pdf", code="corrupt_document",
            key="documents.formats.corrupt")


def test_scanned_pdf_needs_ocr():
    error = refused(NeedsOcr, make.image_pdf(2), "scan.pdf", code="needs_ocr")
    assert "ocrmypdf" in error.message("fr") and "OCR" in error.message("en")


def test_pdf_with_some_scanned_pages_parses_with_a_warning_listing_them():
    doc = parse(make.image_pdf(4, text_pages=(2,)), "mixte.pdf")
    assert texts(doc) == ["Texte de la page 2."] and doc.blocks[0].page == 2
    assert doc.warnings == ["documents.formats.pages_without_text"]
    warning = doc.warnings[0]
    assert isinstance(warning, DocumentWarning)
    assert "1, 3-4" in warning.message("fr") and "mixte.pdf" in warning.message("en")


def test_pdf_without_any_text_or_image_is_empty():
    refused(EmptyDocument, make.blank_pdf(), "vide.pdf", code="empty_document")


# --- DOCX -------------------------------------------------------------------------------------------------
def test_docx_headings_table_rows_and_hard_page_break():
    doc = parse(make.docx(), "guide.docx")
    assert doc.title == "Guide de l'usager" and doc.pages == 2
    assert [(b.text, b.page, b.heading, b.is_heading) for b in doc.blocks] == [
        ("Guide de l'usager", 1, "Guide de l'usager", True),
        ("Conditions", 1, "Guide de l'usager › Conditions", True),
        ("Le contrat lie les deux parties.", 1, "Guide de l'usager › Conditions", False),
        ("Tarifs", 1, "Guide de l'usager › Conditions › Tarifs", True),
        ("Offre | Prix", 1, "Guide de l'usager › Conditions › Tarifs", False),
        ("Base | 10 €", 1, "Guide de l'usager › Conditions › Tarifs", False),
        ("Résiliation", 2, "Guide de l'usager › Résiliation", True),  # the style is named "Titre 1"
        ("Le contrat peut être résilié à tout moment.", 2, "Guide de l'usager › Résiliation", False),
        ("Préavis d'un mois, puis fin du contrat.", 2, "Guide de l'usager › Résiliation", False),
    ]


def test_docx_rendered_page_breaks_give_pages():
    doc = parse(make.docx(rendered_breaks=True), "guide.docx")
    pages = {b.text: b.page for b in doc.blocks}
    assert pages["Résiliation"] == 2  # the rendered break after the hard one is the same page turn
    assert pages["Préavis d'un mois, puis fin du contrat. Suite sur la page d'après."] == 2  # starts on 2
    assert pages["Dernière page."] == 4 and doc.pages == 4


def test_docx_without_recorded_breaks_has_no_pages():
    doc = parse(make.plain_docx(3), "notes.docx")
    assert doc.pages is None and {b.page for b in doc.blocks} == {None} and len(doc.blocks) == 3


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return make.zip_bomb_docx(300)


def test_zip_bomb_docx_is_refused_from_its_directory_without_inflating(bomb):
    assert len(bomb) < 3_000_000  # 300 MB of zeros in ~1.4 MB
    started = time.perf_counter()
    error = refused(ArchiveTooLarge, bomb, "bombe.docx", code="archive_too_large")
    assert time.perf_counter() - started < 0.5  # inflating 300 MB would take longer, and 300 MB
    assert str(formats.MAX_UNCOMPRESSED_BYTES // 2**20) in error.message("en")


def test_a_member_compressed_too_much_is_refused_even_under_the_total():
    error = refused(ArchiveTooLarge, make.zip_bomb_docx(40), "bombe.docx", code="archive_too_large",
                    key="documents.formats.archive_ratio")
    assert "word/media/padding.bin" in error.message("fr") and str(formats.MAX_COMPRESSION_RATIO) in error.message()


def test_a_zip_that_lies_about_its_sizes_is_never_inflated_past_them():
    data = make.lying_docx(20)
    started = time.perf_counter()
    refused(CorruptDocument, data, "menteur.docx", code="corrupt_document")
    assert time.perf_counter() - started < 0.5


def _replace_member(data: bytes, name: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, content if info.filename == name else source.read(info))
    return out.getvalue()


@pytest.mark.parametrize("name, data", [
    ("coupé.docx", make.plain_docx(2)[:1500]),
    ("xml.docx", _replace_member(make.plain_docx(2), "word/document.xml", b"<w:document><unclosed")),
    ("coupé.odt", make.odt()[:1500]),
    ("xml.odt", _replace_member(make.odt(), "content.xml", b"<office:document-content><unclosed")),
])
def test_truncated_or_bad_xml_office_files_are_corrupt(name, data):
    refused(CorruptDocument, data, name, code="corrupt_document", key="documents.formats.corrupt")


def test_docx_without_text_is_empty():
    refused(EmptyDocument, make.plain_docx(0), "vide.docx", code="empty_document")


# --- ODT --------------------------------------------------------------------------------------------------
def test_odt_headings_lists_tables_and_soft_page_breaks():
    doc = parse(make.odt(), "règlement.odt")
    assert doc.media_type == "application/vnd.oasis.opendocument.text" and doc.title == "Règlement intérieur"
    assert [(b.text, b.page, b.heading, b.is_heading) for b in doc.blocks] == [
        ("Accès", 1, "Accès", True),
        ("Le bâtiment ouvre à 8 heures.", 1, "Accès", False),
        ("Badges", 1, "Accès › Badges", True),
        ("Badge bleu : personnel.", 1, "Accès › Badges", False),
        ("Badge vert : visiteurs.", 1, "Accès › Badges", False),
        ("Horaires", 2, "Horaires", True),
        ("Jour | Heures", 2, "Horaires", False),
        ("Lundi | 8 h - 18 h", 2, "Horaires", False),
        ("La fermeture a lieu à 20 heures précises.", 2, "Horaires", False),  # the break is inside it
        ("Fin du règlement.", 3, "Horaires", False),
    ]
    assert doc.pages == 3


def test_odt_without_soft_page_breaks_has_no_pages():
    doc = parse(make.odt(soft_breaks=False), "r.odt")
    assert doc.pages is None and {b.page for b in doc.blocks} == {None}


# --- HTML, Markdown, TXT ----------------------------------------------------------------------------------
def test_html_blocks_and_headings_without_scripts_styles_or_menus():
    doc = parse(make.HTML.encode(), "aide.html")
    assert doc.title == "Aide en ligne"
    assert texts(doc) == ["Aide", "Bienvenue sur la page d'aide.", "Compte", "Créer un compte", "Fermer un compte",
                          "Offre | Prix", "Base | 10 €", "Code", "def f():\n    return 1",
                          "Texte libre dans un div", "et un paragraphe dedans"]
    assert [b.heading for b in doc.blocks if b.is_heading] == ["Aide", "Aide › Compte", "Aide › Code"]
    assert doc.blocks[4].heading == "Aide › Compte"


def test_html_in_its_declared_charset():
    data = '<html><head><meta charset="windows-1252"></head><body><p>Élève – « oui »</p></body></html>'
    assert texts(parse(data.encode("cp1252"), "page.htm")) == ["Élève – « oui »"]


def test_html_without_text_is_empty():
    refused(EmptyDocument, b"<html><body><script>var x;</script></body></html>", "vide.html",
            code="empty_document")


def test_markdown_headings_paragraphs_lists_code_and_tables():
    doc = parse(make.MARKDOWN.encode(), "notes.md")
    assert doc.title == "Notes de réunion"  # from the front matter
    assert texts(doc) == ["Réunion", "Première ligne et suite du paragraphe avec gras et un lien.", "Décisions",
                          "Budget voté", "Date fixée", 'print("bonjour")', "Qui | Quoi", "Ana | Devis"]
    assert [b.heading for b in doc.blocks] == ["Réunion"] * 2 + ["Réunion › Décisions"] * 6


def test_txt_paragraphs_on_blank_lines():
    doc = parse(b"Premier paragraphe\nsur deux lignes.\n\n\n  Second.  \n", "a.txt")
    assert texts(doc) == ["Premier paragraphe sur deux lignes.", "Second."]
    assert doc.pages is None and doc.blocks[0].heading is None


@pytest.mark.parametrize("data", ["Élève à l'école – « oui » €".encode("cp1252"),
                                  "\ufeffÉlève à l'école – « oui » €".encode(),
                                  "Élève à l'école – « oui » €".encode("utf-16")])
def test_txt_encodings(data):
    assert texts(parse(data, "lettre.txt")) == ["Élève à l'école – « oui » €"]


def test_txt_form_feeds_are_pages():
    doc = parse(b"Page un.\fPage deux.\n\nSuite.", "export.txt")
    assert [(b.text, b.page) for b in doc.blocks] == [("Page un.", 1), ("Page deux.", 2), ("Suite.", 2)]


def test_txt_with_nul_bytes_is_corrupt():
    refused(CorruptDocument, b"abc\x00\x01def", "binaire.txt", code="corrupt_document")


def test_blank_txt_is_empty():
    refused(EmptyDocument, b" \n\n\t\n", "vide.txt", code="empty_document")


# --- detection --------------------------------------------------------------------------------------------
def test_accepted_declares_the_six_formats():
    assert [f.media_type for f in ACCEPTED] == [
        "application/pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.oasis.opendocument.text", "text/html", "text/markdown", "text/plain"]
    accept = formats.accept_attribute().split(",")
    assert {".pdf", ".docx", ".odt", ".html", ".md", ".txt", "application/pdf", "text/plain"} <= set(accept)


def test_a_pdf_name_on_text_bytes_is_corrupt():
    error = refused(CorruptDocument, b"Ceci n'est pas un PDF.", "faux.pdf", code="corrupt_document",
                    key="documents.formats.mismatch")
    assert "PDF" in error.message("en")


@pytest.mark.parametrize("name, data", [("rapport.docx", make.odt()), ("texte.txt", make.pdf([(None, [["x"]])])),
                                        ("page.html", make.plain_docx(1))])
def test_bytes_that_contradict_the_name_are_corrupt(name, data):
    refused(CorruptDocument, data, name, code="corrupt_document", key="documents.formats.mismatch")


def test_an_exe_is_unsupported_and_the_message_names_the_accepted_types():
    error = refused(UnsupportedDocumentType, b"MZ\x90\x00\x03", "setup.exe", code="unsupported_media_type")
    for f in ACCEPTED:
        assert f.label in error.message("fr") and f.suffixes[0] in error.message("en")
    assert ".exe" in error.message("en")
    assert error.to_openai("en")["error"]["code"] == "unsupported_media_type"


def test_detection_by_suffix_declared_type_or_bytes():
    pdf = make.pdf([(None, [["x"]])])
    assert detect_media_type("RAPPORT.PDF", pdf) == "application/pdf"
    assert detect_media_type("upload", pdf) == "application/pdf"  # no suffix: the bytes tell
    assert detect_media_type("upload", b"# Titre", "text/markdown; charset=utf-8") == "text/markdown"
    assert detect_media_type("notes.md", b"# Titre", "application/octet-stream") == "text/markdown"
    assert detect_media_type("blob", make.odt(), "application/octet-stream") == formats.ODT
    with pytest.raises(UnsupportedDocumentType):
        detect_media_type("tableur.ods", b"PK\x03\x04junk")


def test_parse_takes_the_type_an_upload_declared():
    assert parse(make.plain_docx(1), "rapport.docx", "application/octet-stream").media_type == formats.DOCX
    assert parse(b"# Titre\n\nTexte.", "upload", "text/markdown").blocks[0].is_heading
    with pytest.raises(CorruptDocument):
        parse(b"texte", "upload", "application/pdf")


def test_every_document_error_has_its_code_and_catalogue_key():
    classes = [EncryptedDocument, CorruptDocument, ArchiveTooLarge, NeedsOcr, EmptyDocument]
    assert len({c.code for c in classes}) == len(classes)
    for cls in classes:
        assert issubclass(cls, DocumentError) and cls.status == 400
        assert cls.catalogue_key in MESSAGES
