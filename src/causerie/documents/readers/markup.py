"""HTML (lxml), Markdown (markdown-it-py) and plain text: the text formats. Their bytes are decoded here
(BOM, declared charset, else UTF-8, else cp1252); a NUL byte means a binary file under a text name."""

from __future__ import annotations

import codecs
import re
from typing import Any

from causerie.documents.parsed import ParsedDocument
from causerie.documents.readers.common import (
    HTML,
    MARKDOWN,
    TXT,
    Blocks,
    CorruptDocument,
    EmptyDocument,
    clean,
    decode_text,
)
from causerie.text.chunks import split_paragraphs
from causerie.text.html import html_to_text


def _done(blocks: Blocks, file: str, media_type: str, title: str | None = None,
          pages: int | None = None) -> ParsedDocument:
    if not blocks.items:
        raise EmptyDocument(file)
    return ParsedDocument(media_type, blocks.items, title=title or None, pages=pages)


# --- plain text -------------------------------------------------------------------------------------------
def read_txt(data: bytes, file: str) -> ParsedDocument:
    """Paragraphs on blank lines, their lines joined. Form feeds (as pdftotext writes them) separate pages."""
    text = decode_text(data, file, "TXT")
    sheets = text.split("\f")
    paged = len(sheets) > 1
    blocks = Blocks()
    for number, sheet in enumerate(sheets, start=1):
        for paragraph in split_paragraphs(sheet):
            blocks.text(paragraph, number if paged else None)
    return _done(blocks, file, TXT, pages=len(sheets) if paged else None)


# --- Markdown ---------------------------------------------------------------------------------------------
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.{0,20000}?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_FRONT_TITLE = re.compile(r"^title:\s*[\"']?(.*?)[\"']?\s*$", re.MULTILINE)


def read_markdown(data: bytes, file: str) -> ParsedDocument:
    """ATX and setext headings, paragraphs, list items, code blocks, table rows; inline markup dropped
    (a link keeps its text, an image its alt text); a YAML front matter gives the title."""
    from markdown_it import MarkdownIt

    source = decode_text(data, file, "Markdown")
    title = None
    if front := _FRONT_MATTER.match(source):
        found = _FRONT_TITLE.search(front.group(1))
        title = clean(found.group(1)) if found else None
        source = source[front.end():]
    tokens = MarkdownIt("commonmark").enable("table").parse(source)
    blocks = Blocks()
    level: int | None = None
    row: list[str] | None = None
    for token in tokens:
        if token.type == "heading_open":
            level = int(token.tag[1:])
        elif token.type == "heading_close":
            level = None
        elif token.type == "tr_open":
            row = []
        elif token.type == "tr_close" and row is not None:
            blocks.row(row)
            row = None
        elif token.type == "inline":
            text = _inline(token)
            if row is not None:
                row.append(text)
            elif level is not None:
                blocks.heading(text, level)
                title = title or (clean(text) if level == 1 else None)
            else:
                blocks.text(text)
        elif token.type in ("fence", "code_block"):
            blocks.text(token.content, preformatted=True)
        elif token.type == "html_block":
            for paragraph in split_paragraphs(html_to_text(token.content)):
                blocks.text(paragraph)
    return _done(blocks, file, MARKDOWN, title)


def _inline(token: Any) -> str:
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline", "image"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)


# --- HTML -------------------------------------------------------------------------------------------------
# Not text a reader sees: code, styles, embedded objects, and the site's navigation menus.
_DROP = {"script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed", "canvas",
         "nav", "head", "button", "select", "datalist", "audio", "video"}
_BLOCK = {"p", "div", "li", "dt", "dd", "blockquote", "section", "article", "main", "header", "footer",
          "aside", "figure", "figcaption", "caption", "address", "details", "summary", "form", "fieldset",
          "legend", "ul", "ol", "dl", "table", "thead", "tbody", "tfoot", "body", "html", "center", "hr"}
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def read_html(data: bytes, file: str) -> ParsedDocument:
    """h1-h6 headings; p, li, pre, table rows and other blocks as paragraphs; scripts, styles and menus
    dropped; <title> as the title."""
    import lxml.etree
    import lxml.html

    text = _decode_html(data, file)
    text = re.sub(r"\A\s*<\?xml[^>]*\?>", "", text)  # lxml refuses a str that declares its encoding
    if not text.strip():
        raise EmptyDocument(file)
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
    except (lxml.etree.ParserError, ValueError) as error:
        if "empty" in str(error).lower():
            raise EmptyDocument(file) from error
        raise CorruptDocument(file, kind="HTML") from error
    found = root.find(".//title")
    title = clean(found.text_content()) if found is not None else None
    walker = _HtmlWalker()
    try:
        walker.walk(root)
    except RecursionError as error:  # elements nested thousands deep: not a page anyone wrote
        raise CorruptDocument(file, kind="HTML") from error
    walker.flush()
    return _done(walker.blocks, file, HTML, title)


def _decode_html(data: bytes, file: str) -> str:
    if not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        if declared := _META_CHARSET.search(data[:4096]):
            try:
                codec = codecs.lookup(declared.group(1).decode("ascii"))
            except LookupError:
                codec = None
            if codec is not None and codec.name not in ("utf-16", "utf-16-le", "utf-16-be"):
                if b"\x00" in data:
                    raise CorruptDocument(file, kind="HTML")
                return data.decode(codec.name, errors="replace")
    return decode_text(data, file, "HTML")


class _HtmlWalker:
    """Inline text gathers into the current paragraph; entering or leaving a block flushes it."""

    def __init__(self) -> None:
        self.blocks = Blocks()
        self._buffer: list[str] = []

    def flush(self) -> None:
        if self._buffer:
            self.blocks.text("".join(self._buffer))
            self._buffer = []

    def walk(self, element: Any) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        tag = tag.rsplit("}", 1)[-1].lower()  # XHTML's namespaced tags
        if tag in _DROP or not tag:
            return
        if tag in _HEADINGS:
            self.flush()
            self.blocks.heading(_inner_text(element), _HEADINGS[tag])
        elif tag == "pre":
            self.flush()
            self.blocks.text(_inner_text(element), preformatted=True)
        elif tag == "tr":
            self.flush()
            self.blocks.row([_inner_text(cell) for cell in element if _tag(cell) in ("td", "th")])
        elif tag == "br":
            self._buffer.append(" ")
        else:
            block = tag in _BLOCK
            if block:
                self.flush()
            self._buffer.append(element.text or "")
            for child in element:
                self.walk(child)
                self._buffer.append(child.tail or "")
            if block:
                self.flush()


def _tag(element: Any) -> str:
    return element.tag.rsplit("}", 1)[-1].lower() if isinstance(element.tag, str) else ""


def _inner_text(element: Any) -> str:
    """Text of an element without its dropped parts (a script in a cell), blocks inside it spaced."""
    parts = [element.text or ""]
    for child in element:
        if _tag(child) not in _DROP and _tag(child):
            parts.append("\n" if _tag(child) == "br" else " " if _tag(child) in _BLOCK else "")
            parts.append(_inner_text(child))
        parts.append(child.tail or "")
    return "".join(parts)
