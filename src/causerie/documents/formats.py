"""Reading a user's document into `Block`s: which formats are accepted (`ACCEPTED`, the one declaration every
surface reads), what a file really is (`detect_media_type`), and `parse`. The readers live in
`causerie.documents.readers` and are imported when a file of their format comes, so importing this module
stays cheap for the CLI."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Callable

from causerie.documents.parsed import ParsedDocument
from causerie.documents.readers.common import (
    ACCEPTED,
    DOCX,
    HTML,
    MARKDOWN,
    MAX_ARCHIVE_MEMBERS,
    MAX_COMPRESSION_RATIO,
    MAX_UNCOMPRESSED_BYTES,
    ODT,
    PDF,
    RATIO_CHECKED_FROM_BYTES,
    TXT,
    ArchiveTooLarge,
    CorruptDocument,
    DocumentError,
    DocumentWarning,
    EmptyDocument,
    EncryptedDocument,
    Format,
    NeedsOcr,
    UnsupportedDocumentType,
    accepted_list,
)

__all__ = [
    "ACCEPTED", "DOCX", "HTML", "MARKDOWN", "ODT", "PDF", "TXT", "MAX_ARCHIVE_MEMBERS", "MAX_COMPRESSION_RATIO",
    "MAX_UNCOMPRESSED_BYTES", "RATIO_CHECKED_FROM_BYTES", "ArchiveTooLarge", "CorruptDocument", "DocumentError",
    "DocumentWarning", "EmptyDocument", "EncryptedDocument", "Format", "NeedsOcr", "UnsupportedDocumentType",
    "accept_attribute", "accepted_list", "detect_media_type", "format_of", "parse",
]

BINARY = (PDF, DOCX, ODT)
# What clients send when they do not know: the name (and the bytes) decide then.
_GENERIC = {"", "application/octet-stream", "binary/octet-stream", "application/zip",
            "application/x-zip-compressed", "application/x-download", "application/unknown"}
_PDF_HEADER_WITHIN = 1024  # the PDF spec lets readers find %PDF- in the first KB (after junk)


def format_of(media_type: str | None) -> Format | None:
    """The accepted format of a media type or one of its aliases ("text/plain; charset=utf-8" too)."""
    wanted = (media_type or "").split(";", 1)[0].strip().lower()
    return next((f for f in ACCEPTED if wanted == f.media_type or wanted in f.aliases), None)


def accept_attribute() -> str:
    """The web file picker's `accept=`: every suffix and media type of ACCEPTED."""
    return ",".join([s for f in ACCEPTED for s in f.suffixes] + [f.media_type for f in ACCEPTED])


def _suffix(filename: str) -> str:
    return os.path.splitext(filename)[1].lower()


def _sniff(data: bytes) -> str | None:
    """PDF, DOCX or ODT by their bytes; "zip" for another zip, "broken" for a zip that cannot be opened
    (truncated); None for anything else."""
    if b"%PDF-" in data[:_PDF_HEADER_WITHIN]:
        return PDF
    if not data.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            mimetype = archive.getinfo("mimetype") if "mimetype" in names else None
            if mimetype is not None and mimetype.file_size < 200 and \
                    archive.read(mimetype).strip() == ODT.encode():
                return ODT
            if "word/document.xml" in names:
                return DOCX
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return "broken"
    return "zip"


def detect_media_type(filename: str, data: bytes, declared: str | None = None) -> str:
    """The media type of an upload: by its suffix (the name its owner gave it), else by the declared type,
    else (a name without a known suffix) by its bytes; then checked against the bytes. Raises
    UnsupportedDocumentType (415) for another type, CorruptDocument when the bytes contradict the name."""
    claimed = next((f for f in ACCEPTED if _suffix(filename) in f.suffixes), None) or format_of(declared)
    sniffed = _sniff(data)
    if claimed is None:
        if sniffed in BINARY:
            return sniffed
        declared_type = (declared or "").split(";", 1)[0].strip().lower()
        found = _suffix(filename) or (declared_type if declared_type not in _GENERIC else "") or "?"
        raise UnsupportedDocumentType(filename, found)
    if claimed.media_type in BINARY:
        if sniffed == "broken" and claimed.media_type != PDF:
            raise CorruptDocument(filename, kind=claimed.label)
        if sniffed != claimed.media_type:
            raise CorruptDocument(filename, key="documents.formats.mismatch", kind=claimed.label)
    elif sniffed is not None:  # a PDF or a zip under a text name
        raise CorruptDocument(filename, key="documents.formats.mismatch", kind=claimed.label)
    return claimed.media_type


def parse(data: bytes, filename: str, media_type: str | None = None,
          on_page: Callable[[int, int], None] | None = None) -> ParsedDocument:
    """The blocks of a document, in reading order, with headings and pages. `media_type` is the type the
    upload declared (or one already detected): it goes through `detect_media_type` with the name and the
    bytes, so an HTTP client's "application/octet-stream" is fine. `on_page(done, total)` reports progress
    through a PDF's pages. Raises the DocumentError subclasses (400) for a bad file,
    UnsupportedDocumentType (415) for another type."""
    kind = detect_media_type(filename, data, media_type)
    if kind == PDF:
        from causerie.documents.readers import pdf

        return pdf.read(data, filename, on_page)
    if kind in (DOCX, ODT):
        from causerie.documents.readers import office

        return office.read_docx(data, filename) if kind == DOCX else office.read_odt(data, filename)
    from causerie.documents.readers import markup

    reader = {HTML: markup.read_html, MARKDOWN: markup.read_markdown, TXT: markup.read_txt}[kind]
    return reader(data, filename)
