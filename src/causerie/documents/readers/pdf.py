"""PDF through PDFium (pypdfium2): text per page, lines joined into paragraphs by their geometry, and the
outline (bookmarks) as headings, so that a passage can be cited as "p. 4, § Tarifs"."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from causerie.documents.parsed import ParsedDocument
from causerie.documents.readers.common import (
    PDF,
    Blocks,
    CorruptDocument,
    DocumentWarning,
    EmptyDocument,
    EncryptedDocument,
    NeedsOcr,
    clean,
)

# PDFium is not thread-safe: one document at a time in the process (the server parses in worker threads).
_PDFIUM = threading.Lock()

# A line starts a new paragraph when the space above it is this many times the usual line pitch of the page,
# or this many times its own height (a page of one-line paragraphs has no usual pitch to compare with)…
PARAGRAPH_PITCH = 1.4
PARAGRAPH_STEP = 2.2
# …or its text is this much bigger or smaller than the line above (a heading, a caption) with more space
# above than the usual pitch (inline code in another font keeps the pitch), or much bigger or smaller at all…
FONT_CHANGE = 0.15
FONT_CHANGE_ALONE = 0.4
# …or the line above ends a sentence and stops short of the column's right edge (a one-line paragraph).
SHORT_LINE = 0.8
# List items: a bullet, "1." / "2)", "a)" (not "M. Dupont": a capital and a full stop is a name).
_BULLET = re.compile(r"^(?:[•◦▪‣∙·\-–—*]|\(?\d{1,3}[.)]|\(?[a-z]\))\s")
_SENTENCE_END = re.compile(r"[.!?…:;»”\"')]$")
_HYPHENATED = re.compile(r"[^\W\d_]-$")
# A first or last line found on this share of the pages (at least RUNNING_MIN_PAGES) is a running header or
# footer ("Shared MIME-info Database", "Rapport annuel – page 3"), dropped as page furniture.
RUNNING_SHARE = 0.5
RUNNING_MIN_PAGES = 4
BARE_NUMBER_SHARE = 0.25  # a bare number ("12", "iv") as first or last line of a quarter of the pages
_NUMBERING = re.compile(r"^(?:(?:chapitre|chapter|section|partie|part|annexe|appendix)\s+)?"
                        r"(?:\d+|[A-Z]|[IVXLC]+)(?:\.\d+)*[.)]?\s+", re.IGNORECASE)
_LEADERS = re.compile(r"(?:\.\s?){5,}\s*(?:\d+|[ivxlc]+)\b")  # "Tarifs . . . . . 4": a table of contents
_OFFICE_PREFIX = re.compile(r"^Microsoft (?:Word|PowerPoint) - ")  # "Microsoft Word - rapport.docx" titles
_PAGE_NUMBER = re.compile(r"^(?:page\s*)?[-–—(]?\s*(\d{1,5})\s*[-–—)]?(?:\s*/\s*\d{1,5})?$", re.IGNORECASE)


@dataclass
class _Line:
    text: str
    top: float
    bottom: float
    left: float
    right: float
    end: float  # bottom of its last character: lower than `bottom` when PDFium joined a hyphenated line

    @property
    def height(self) -> float:
        return max(self.top - self.bottom, 0.1)


@dataclass
class _Entry:
    title: str
    level: int


def read(data: bytes, file: str, on_page: Callable[[int, int], None] | None = None) -> ParsedDocument:
    with _PDFIUM:
        try:
            pdf = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as error:
            if error.err_code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
                raise EncryptedDocument(file) from error
            raise CorruptDocument(file, kind="PDF") from error
        try:
            return _read(pdf, file, on_page)
        except pdfium.PdfiumError as error:
            raise CorruptDocument(file, kind="PDF") from error
        finally:
            pdf.close()


def _read(pdf: pdfium.PdfDocument, file: str, on_page: Callable[[int, int], None] | None) -> ParsedDocument:
    total = len(pdf)
    outline = _outline(pdf, total)
    blocks = Blocks()
    no_text: list[int] = []  # pages with images but no text layer
    pages: list[list[_Line]] = []
    for index in range(total):
        page = pdf[index]
        try:
            textpage = page.get_textpage()
            try:
                lines = _lines(textpage)
            finally:
                textpage.close()
            if not lines and _has_images(page):
                no_text.append(index + 1)
        finally:
            page.close()
        pages.append(_drop_page_number(lines, index + 1))
        if on_page:
            on_page(index + 1, total)
    furniture = _running_lines(pages)
    for index, lines in enumerate(pages):
        if index and furniture:
            lines = [line for n, line in enumerate(lines)
                     if not (n in (0, len(lines) - 1) and _furniture_key(line.text) in furniture)]
        _page_blocks(blocks, lines, outline.get(index, []), index + 1)
    if not blocks.items:
        if no_text:
            raise NeedsOcr(file, pages=len(no_text))
        raise EmptyDocument(file)
    warnings = [DocumentWarning("documents.formats.pages_without_text", file=file, pages=_ranges(no_text),
                                count=len(no_text))] if no_text else []
    title = _OFFICE_PREFIX.sub("", clean(pdf.get_metadata_dict().get("Title", ""))) or None
    return ParsedDocument(PDF, blocks.items, title=title, pages=total, warnings=list(warnings))


def _outline(pdf: pdfium.PdfDocument, total: int) -> dict[int, list[_Entry]]:
    """Bookmarks by page index, in outline order; level 1 is the top."""
    entries: dict[int, list[_Entry]] = {}
    for bookmark in pdf.get_toc(max_depth=8):
        dest = bookmark.get_dest()
        index = dest.get_index() if dest is not None else None
        title = clean(bookmark.get_title())
        if title and index is not None and 0 <= index < total:
            entries.setdefault(index, []).append(_Entry(title, bookmark.level + 1))
    return entries


def _lines(textpage: pdfium.PdfTextPage) -> list[_Line]:
    """The page's text lines with their loose boxes (font ascent to descent, so all lines of one size have
    the same height). PDFium counts its generated line breaks as characters, so offsets in the text are
    character indices."""
    text = textpage.get_text_range()
    count = textpage.count_chars()
    lines: list[_Line] = []
    start = 0
    for raw in re.split(r"(\r\n|\n|\r)", text):
        if raw in ("\r\n", "\n", "\r"):
            start += len(raw)
            continue
        stripped = raw.strip()
        if stripped:
            letter = next((i for i, char in enumerate(raw) if char.isalnum()), len(raw) - len(raw.lstrip()))
            first = start + letter  # a bullet's glyph may come from another font: measure a letter
            last = start + len(raw.rstrip()) - 1
            if last < count:
                left, bottom, _, top = textpage.get_charbox(first, loose=True)
                _, end, right, _ = textpage.get_charbox(last, loose=True)
            else:  # offsets drifted (a character PDFium expanded): keep the text, guess the geometry
                above = lines[-1] if lines else _Line("", 0.0, 0.0, 0.0, 0.0, 0.0)
                top, bottom, left, right = above.end, above.end - above.height, above.left, above.right
                end = bottom
            lines.append(_Line(stripped, top, bottom, left, right, min(end, bottom)))
        start += len(raw)
    return lines


def _has_images(page: pdfium.PdfPage) -> bool:
    return any(True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=4))


def _drop_page_number(lines: list[_Line], number: int) -> list[_Line]:
    """The page's own number ("4", "- 4 -", "4/50", "Page 4") as its first or last line is furniture."""
    def is_number(line: _Line) -> bool:
        match = _PAGE_NUMBER.match(line.text)
        return match is not None and int(match.group(1)) == number
    if lines and is_number(lines[-1]):
        lines = lines[:-1]
    if lines and is_number(lines[0]):
        lines = lines[1:]
    return lines


def _furniture_key(text: str) -> str:
    key = _key(text)
    return "#" if re.fullmatch(r"[ivxlc]+", key) else re.sub(r"\d+", "#", key)


def _running_lines(pages: list[list[_Line]]) -> set[str]:
    """Running headers and footers: a first or last line that recurs (numbers aside) on at least
    RUNNING_SHARE of the pages, from the second page on (on the first it is often the title: kept there)."""
    if len(pages) < RUNNING_MIN_PAGES:
        return set()
    seen: dict[str, int] = {}
    for lines in pages[1:]:
        for key in {_furniture_key(line.text) for line in (lines[:1] + lines[-1:])}:
            seen[key] = seen.get(key, 0) + 1
    running = {key for key, times in seen.items() if key and times >= RUNNING_SHARE * (len(pages) - 1)}
    if seen.get("#", 0) >= BARE_NUMBER_SHARE * (len(pages) - 1):  # page numbers not matching the page index
        running.add("#")
    return running


def _page_blocks(blocks: Blocks, lines: list[_Line], entries: list[_Entry], page: int) -> None:
    """Lines into paragraphs; a line that is the title of one of the page's bookmarks becomes that heading.
    A bookmark whose title is not found on the page is opened just after the previous one (or at the top)."""
    # 1. where each bookmark opens: its line, else the place of the one before it
    keys = [_title_key(line.text) for line in lines]
    opens: dict[int, list[tuple[_Entry, bool]]] = {}
    cursor = place = 0
    for entry in entries:
        wanted = _title_key(entry.title)
        hit = next((i for i in range(cursor, len(lines)) if keys[i] == wanted), None)
        if hit is None:
            opens.setdefault(place, []).append((entry, False))
        else:
            opens.setdefault(hit, []).append((entry, True))
            cursor, place = hit + 1, hit
    # 2. paragraphs, by the geometry of consecutive lines
    pitch = _usual_pitch(lines)
    left = min((line.left for line in lines), default=0.0)
    width = max((line.right for line in lines), default=0.0) - left
    paragraph: list[_Line] = []
    for i, line in enumerate(lines):
        if _LEADERS.search(line.text):  # an entry of a table of contents: the outline has it, better
            continue
        if i in opens:
            _flush(blocks, paragraph, page)
            paragraph = []
            consumed = False
            for entry, on_this_line in opens.pop(i):
                if on_this_line:
                    blocks.heading(line.text, entry.level, page)
                    consumed = True
                else:
                    blocks.enter(entry.title, entry.level)
            if consumed:
                continue
        elif paragraph and _starts_paragraph(paragraph[-1], line, pitch, left, width):
            _flush(blocks, paragraph, page)
            paragraph = []
        paragraph.append(line)
    _flush(blocks, paragraph, page)
    for rest in opens.values():  # a page without text: its bookmarks still open their sections
        for entry, _ in rest:
            blocks.enter(entry.title, entry.level)


def _key(text: str) -> str:
    return re.sub(r"\W+", "", text.casefold())


def _title_key(text: str) -> str:
    """A heading compared with its bookmark: case, spaces, punctuation and numbering ("2.1", "A.") aside."""
    return _key(_NUMBERING.sub("", text)) or _key(text)


def _usual_pitch(lines: list[_Line]) -> float | None:
    """The line pitch inside a paragraph: a low quantile of the steps between consecutive lines (paragraph
    gaps and headings only make steps bigger)."""
    steps = sorted(a.end - b.bottom for a, b in zip(lines, lines[1:], strict=False) if a.end > b.bottom)
    return steps[len(steps) // 4] if steps else None


def _starts_paragraph(above: _Line, line: _Line, pitch: float | None, left: float, width: float) -> bool:
    step = above.end - line.bottom
    if step <= 0:  # back up the page: a new column or a float
        return True
    if _BULLET.match(line.text):
        return True
    change = abs(line.height - above.height) / above.height
    if change > FONT_CHANGE_ALONE or (change > FONT_CHANGE and (pitch is None or step > 1.1 * pitch)):
        return True
    if (pitch is not None and step > PARAGRAPH_PITCH * pitch) or step > PARAGRAPH_STEP * max(line.height,
                                                                                              above.height):
        return True
    return bool(_SENTENCE_END.search(above.text)) and width > 0 and (above.right - left) < SHORT_LINE * width


def _flush(blocks: Blocks, lines: list[_Line], page: int) -> None:
    if not lines:
        return
    text = lines[0].text
    for line in lines[1:]:
        if _HYPHENATED.search(text) and line.text[:1].islower():
            text = text[:-1] + line.text  # "infor-" + "mation"
        else:
            text = f"{text} {line.text}"
    blocks.text(text, page)


def _ranges(pages: list[int]) -> str:
    """[2, 3, 4, 7] -> "2-4, 7"."""
    parts: list[str] = []
    for page in pages:
        if parts and page == int(parts[-1].rsplit("-", 1)[-1]) + 1:
            parts[-1] = f"{parts[-1].split('-')[0]}-{page}"
        else:
            parts.append(str(page))
    return ", ".join(parts)
