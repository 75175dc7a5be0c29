"""DOCX (python-docx) and ODT (odfpy): headings from styles and outline levels, paragraphs, list items and
table rows in reading order, and pages where the file records its page breaks. Both are zip files, whose
directory is checked against the limits before either library extracts anything."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

from causerie.documents.parsed import ParsedDocument
from causerie.documents.readers.common import (
    DOCX,
    ODT,
    Blocks,
    CauserieError,
    CorruptDocument,
    EmptyDocument,
    check_archive,
    clean,
)


class _Pages:
    """The page counter. A page starts at each break the file records: Word's rendered page breaks (where it
    last laid the pages out) and hard ones (page break, pageBreakBefore, a section on a new page). A
    rendered break right after a hard one, with no text between, is the same page turn."""

    def __init__(self, recorded: bool):
        self.page: int | None = 1 if recorded else None
        self._after_hard = False

    def hard(self) -> None:
        if self.page is not None:
            self.page += 1
            self._after_hard = True

    def rendered(self) -> None:
        if self.page is not None:
            if self._after_hard:
                self._after_hard = False
            else:
                self.page += 1

    def text(self) -> None:
        self._after_hard = False


def _failed(error: Exception) -> bool:
    """Any library error on a bad file is a corrupt document; ours and running out of memory are not."""
    return not isinstance(error, CauserieError | MemoryError)


# --- DOCX -------------------------------------------------------------------------------------------------
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_HEADING_STYLE = re.compile(r"^(?:heading|titre|überschrift|titolo|título)\s*(\d)$", re.IGNORECASE)
_TITLE_STYLE = {"title", "titre", "titel", "titolo", "título"}
_TOC_STYLE = re.compile(r"^(?:toc|tdm|table des matières)\s*\d", re.IGNORECASE)
_TOC_GALLERY = "Table of Contents"
_BODY_TEXT = -1  # a style that is plain text


def read_docx(data: bytes, file: str) -> ParsedDocument:
    check_archive(data, file, "DOCX")
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
        body = document.element.body
        for fallback in list(body.iter(MC_FALLBACK)):  # text boxes are written twice: keep the modern copy
            fallback.getparent().remove(fallback)
        levels = _StyleLevels(document.styles.element)
        pages = _Pages(_records_pages(body))
        blocks = Blocks()
        for element in _docx_blocks(body):
            if element.tag == f"{W}p":
                _docx_paragraph(element, levels, pages, blocks)
            else:
                for row in element.iter(f"{W}tr"):
                    if _table_of(row) is element:  # a nested table's rows are in their outer cell's text
                        _docx_row(row, pages, blocks)
        title = clean(document.core_properties.title or "") or None
    except Exception as error:
        if _failed(error):
            raise CorruptDocument(file, kind="DOCX") from error
        raise
    if not blocks.items:
        raise EmptyDocument(file)
    return ParsedDocument(DOCX, blocks.items, title=title, pages=pages.page)


def _docx_blocks(container: Any) -> Iterator[Any]:
    """Body paragraphs and tables in order, through content controls (w:sdt), skipping a generated table of
    contents (its entries are the headings again, with page numbers)."""
    for child in container:
        if child.tag in (f"{W}p", f"{W}tbl"):
            yield child
        elif child.tag == f"{W}sdt":
            gallery = child.find(f"{W}sdtPr/{W}docPartObj/{W}docPartGallery")
            content = child.find(f"{W}sdtContent")
            if content is not None and (gallery is None or gallery.get(f"{W}val") != _TOC_GALLERY):
                yield from _docx_blocks(content)


def _table_of(row: Any) -> Any:
    parent = row.getparent()
    while parent is not None and parent.tag != f"{W}tbl":
        parent = parent.getparent()
    return parent


def _records_pages(body: Any) -> bool:
    for node in body.iter(f"{W}lastRenderedPageBreak", f"{W}br", f"{W}pageBreakBefore", f"{W}sectPr"):
        if node.tag != f"{W}br" or node.get(f"{W}type") == "page":
            if node.tag != f"{W}sectPr" or node.getparent().tag == f"{W}pPr":
                return True
    return False


class _StyleLevels:
    """Heading level of each paragraph style id: 'Heading N'/'Titre N' names, 'Title' (level 0), an outline
    level, or those of the style it is based on. `_BODY_TEXT` for the rest; None for a table of contents."""

    def __init__(self, styles: Any):
        self._styles = {s.get(f"{W}styleId"): s for s in styles.iter(f"{W}style")}
        self._levels: dict[str, int | None] = {}

    def level(self, style_id: str | None, seen: frozenset[str] = frozenset()) -> int | None:
        if style_id is None:
            return _BODY_TEXT
        if style_id not in self._levels:
            self._levels[style_id] = self._find(style_id, seen | {style_id})
        return self._levels[style_id]

    def _find(self, style_id: str, seen: frozenset[str]) -> int | None:
        style = self._styles.get(style_id)
        name_node = style.find(f"{W}name") if style is not None else None
        name = (name_node.get(f"{W}val") if name_node is not None else None) or style_id
        if _TOC_STYLE.match(name) or _TOC_STYLE.match(style_id):
            return None
        if match := _HEADING_STYLE.match(name) or _HEADING_STYLE.match(style_id):
            return int(match.group(1))
        if name.casefold() in _TITLE_STYLE or style_id.casefold() in _TITLE_STYLE:
            return 0
        if style is None:
            return _BODY_TEXT
        outline = style.find(f"{W}pPr/{W}outlineLvl")
        if outline is not None and (value := outline.get(f"{W}val", "")).isdigit() and int(value) < 9:
            return int(value) + 1
        based = style.find(f"{W}basedOn")
        parent = based.get(f"{W}val") if based is not None else None
        return self.level(parent, seen) if parent and parent not in seen else _BODY_TEXT


def _docx_text(element: Any, pages: _Pages) -> tuple[str, int | None]:
    """The text of a paragraph or cell, and the page where that text starts."""
    parts: list[str] = []
    start: int | None = None
    seen_text = False
    for node in element.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr", f"{W}noBreakHyphen",
                             f"{W}lastRenderedPageBreak"):
        tag = node.tag
        if tag == f"{W}t":
            if node.text:
                if not seen_text:
                    start, seen_text = pages.page, True
                pages.text()
                parts.append(node.text)
        elif tag == f"{W}lastRenderedPageBreak":
            pages.rendered()
        elif tag == f"{W}br" and node.get(f"{W}type") == "page":
            pages.hard()
        elif tag == f"{W}noBreakHyphen":
            parts.append("-")
        else:
            parts.append(" ")
    return "".join(parts), start


def _docx_paragraph(p: Any, levels: _StyleLevels, pages: _Pages, blocks: Blocks) -> None:
    ppr = p.find(f"{W}pPr")
    style_id = None
    if ppr is not None:
        style = ppr.find(f"{W}pStyle")
        style_id = style.get(f"{W}val") if style is not None else None
        before = ppr.find(f"{W}pageBreakBefore")
        if before is not None and before.get(f"{W}val", "true") not in ("0", "false", "off"):
            pages.hard()
    level = levels.level(style_id)
    outline = ppr.find(f"{W}outlineLvl") if ppr is not None else None
    if outline is not None and (value := outline.get(f"{W}val", "")).isdigit():
        level = int(value) + 1 if int(value) < 9 else _BODY_TEXT
    text, page = _docx_text(p, pages)
    if level is not None:  # None: an entry of a table of contents
        if level == _BODY_TEXT:
            blocks.text(text, page)
        else:
            blocks.heading(text, level, page)
    section = ppr.find(f"{W}sectPr") if ppr is not None else None
    if section is not None:
        kind = section.find(f"{W}type")
        if kind is None or kind.get(f"{W}val") in ("nextPage", "evenPage", "oddPage", None):
            pages.hard()


def _docx_row(row: Any, pages: _Pages, blocks: Blocks) -> None:
    cells, start = [], None
    for cell in row.iter(f"{W}tc"):
        if _table_of(cell) is not _table_of(row):
            continue  # a nested table's cell: its text is in its outer cell's
        text, page = _docx_text(cell, pages)
        start = start if start is not None else page
        cells.append(text)
    blocks.row(cells, start)


# --- ODT --------------------------------------------------------------------------------------------------
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
DRAW = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
_ODT_CONTAINERS = {(TEXT, "list"), (TEXT, "list-item"), (TEXT, "list-header"), (TEXT, "section"),
                   (TEXT, "index-body"), (OFFICE, "text")}
# Generated indexes (their entries repeat the headings), tracked deletions, comments, footnotes' bodies.
_ODT_SKIPPED = {(TEXT, "table-of-content"), (TEXT, "illustration-index"), (TEXT, "alphabetical-index"),
                (TEXT, "object-index"), (TEXT, "user-index"), (TEXT, "table-index"), (TEXT, "bibliography"),
                (TEXT, "tracked-changes"), (OFFICE, "annotation"), (TEXT, "note"), (TEXT, "sequence-decls"),
                (TEXT, "variable-decls"), (TEXT, "user-field-decls"), (OFFICE, "forms")}
_ROW_GROUPS = {(TABLE, "table-header-rows"), (TABLE, "table-rows"), (TABLE, "table-row-group")}


def read_odt(data: bytes, file: str) -> ParsedDocument:
    check_archive(data, file, "ODT")
    from odf import dc, opendocument
    from odf.office import Text as OfficeText
    from odf.text import SoftPageBreak

    try:
        document = opendocument.load(io.BytesIO(data))
        body = document.body.getElementsByType(OfficeText)[0]  # not `document.text`: may be a blank node
        pages = _Pages(bool(body.getElementsByType(SoftPageBreak)))
        blocks = Blocks()
        _odt_walk(body, pages, blocks)
        titles = document.meta.getElementsByType(dc.Title)
        title = clean(_odt_text(titles[0], _Pages(False))[0]) if titles else ""
    except Exception as error:
        if _failed(error):
            raise CorruptDocument(file, kind="ODT") from error
        raise
    if not blocks.items:
        raise EmptyDocument(file)
    return ParsedDocument(ODT, blocks.items, title=title or None, pages=pages.page)


def _odt_walk(container: Any, pages: _Pages, blocks: Blocks) -> None:
    for node in container.childNodes:
        if node.nodeType != node.ELEMENT_NODE or node.qname in _ODT_SKIPPED:
            continue
        name = node.qname
        if name == (TEXT, "soft-page-break"):
            pages.rendered()
        elif name == (TEXT, "h"):
            level = node.getAttrNS(TEXT, "outline-level")
            text, page = _odt_text(node, pages)
            blocks.heading(text, int(level) if level and str(level).isdigit() else 1, page)
        elif name == (TEXT, "p"):
            blocks.text(*_odt_text(node, pages))
        elif name == (TABLE, "table"):
            _odt_table(node, pages, blocks)
        elif name in _ODT_CONTAINERS:
            _odt_walk(node, pages, blocks)


def _odt_table(table: Any, pages: _Pages, blocks: Blocks) -> None:
    for node in table.childNodes:
        if node.nodeType != node.ELEMENT_NODE:
            continue
        if node.qname in _ROW_GROUPS:
            _odt_table(node, pages, blocks)
        elif node.qname == (TEXT, "soft-page-break"):
            pages.rendered()
        elif node.qname == (TABLE, "table-row"):
            cells, start = [], None
            for cell in node.childNodes:
                if cell.nodeType == cell.ELEMENT_NODE and cell.qname == (TABLE, "table-cell"):
                    text, page = _odt_text(cell, pages)
                    start = start if start is not None else page
                    cells.append(text)
            blocks.row(cells, start)


def _odt_text(element: Any, pages: _Pages) -> tuple[str, int | None]:
    """The text of a paragraph, heading or cell (spans, links, spaces, tabs, line breaks, frames' text),
    and the page where it starts; a soft page break inside it turns the page for what follows."""
    parts: list[str] = []
    start: list[int | None] = []

    def walk(node: Any) -> None:
        for child in node.childNodes:
            if child.nodeType == child.TEXT_NODE:
                if child.data:
                    if not start:
                        start.append(pages.page)
                    parts.append(child.data)
                continue
            if child.nodeType != child.ELEMENT_NODE or child.qname in _ODT_SKIPPED:
                continue
            name = child.qname
            if name in ((TEXT, "s"), (TEXT, "tab"), (TEXT, "line-break")):  # spaces collapse anyway
                parts.append(" ")
            elif name == (TEXT, "soft-page-break"):
                pages.rendered()
            else:
                if name in ((TEXT, "p"), (TEXT, "h")) and parts:
                    parts.append(" ")  # paragraphs of a cell or a text frame
                walk(child)

    walk(element)
    return "".join(parts), (start[0] if start else None)
