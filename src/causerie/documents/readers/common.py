"""What every reader shares: the accepted formats, the errors a bad file raises, the limits, text clean-up
and the heading path that turns a flat list of headings and paragraphs into `Block`s."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from typing import Any

from causerie.documents.parsed import Block
from causerie.errors import CauserieError, InvalidRequest
from causerie.i18n import t


@dataclass(frozen=True)
class Format:
    label: str  # what a person calls it: "PDF", "Markdown"
    media_type: str
    suffixes: tuple[str, ...]  # lower case, with the dot; the first is the usual one
    aliases: tuple[str, ...] = ()  # other media types seen for it in the wild


# The one declaration of what causerie reads: the HTTP 415 message, the CLI help and the web file picker's
# `accept=` all come from it.
ACCEPTED: tuple[Format, ...] = (
    Format("PDF", "application/pdf", (".pdf",), ("application/x-pdf",)),
    Format("DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",)),
    Format("ODT", "application/vnd.oasis.opendocument.text", (".odt",)),
    Format("HTML", "text/html", (".html", ".htm", ".xhtml"), ("application/xhtml+xml",)),
    Format("Markdown", "text/markdown", (".md", ".markdown"), ("text/x-markdown",)),
    Format("TXT", "text/plain", (".txt", ".text")),
)
PDF, DOCX, ODT, HTML, MARKDOWN, TXT = (f.media_type for f in ACCEPTED)

# --- limits -----------------------------------------------------------------------------------------------
# DOCX and ODT are zip files, and their libraries load every member in memory (python-docx keeps each
# part's bytes, odfpy its pictures). A zip member of a few MB can inflate to GBs: so the sizes the zip
# declares are checked before anything is extracted (Python's zipfile never inflates a member past its
# declared size, so a lying header only ends in a CRC error, a corrupt document).
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024  # a 300-page report with pictures is ~50 MB unpacked
# Text XML deflates ~10:1 and pictures ~1:1; 100:1 only comes from padding (runs of zeros): a bomb.
MAX_COMPRESSION_RATIO = 100
# The ratio is only judged for members big enough to matter (a tiny, highly compressible styles.xml is fine).
RATIO_CHECKED_FROM_BYTES = 10 * 1024 * 1024
MAX_ARCHIVE_MEMBERS = 10_000  # a real document has tens to a few hundred parts; more is a crafted file
MiB = 1024 * 1024


# --- errors -----------------------------------------------------------------------------------------------
def accepted_list() -> str:
    """'PDF (.pdf), DOCX (.docx), …' for messages and help."""
    return ", ".join(f"{f.label} ({', '.join(f.suffixes)})" for f in ACCEPTED)


class UnsupportedDocumentType(CauserieError):
    """415: not one of the ACCEPTED formats. The message names the file and the accepted types."""

    status = 415
    type = "invalid_request_error"
    code = "unsupported_media_type"

    def __init__(self, file: str, found: str):
        super().__init__("documents.formats.unsupported", param="file", file=file, found=found,
                         accepted=accepted_list())


class DocumentError(InvalidRequest):
    """400 about one uploaded file (param `file`); each subclass has its own code and catalogue key."""

    catalogue_key = ""

    def __init__(self, file: str, *, key: str | None = None, **values: Any):
        super().__init__(key or self.catalogue_key, param="file", file=file, **values)


class EncryptedDocument(DocumentError):
    code = "encrypted_document"
    catalogue_key = "documents.formats.encrypted"


class CorruptDocument(DocumentError):
    """Damaged, truncated, or not what its name says (keys `corrupt` and `mismatch`)."""

    code = "corrupt_document"
    catalogue_key = "documents.formats.corrupt"


class ArchiveTooLarge(DocumentError):
    """A DOCX/ODT whose zip would inflate past the limits (keys `archive_total`, `archive_ratio`,
    `archive_members`): refused from the zip's directory, before extracting anything."""

    code = "archive_too_large"
    catalogue_key = "documents.formats.archive_total"


class NeedsOcr(DocumentError):
    code = "needs_ocr"
    catalogue_key = "documents.formats.needs_ocr"


class EmptyDocument(DocumentError):
    code = "empty_document"
    catalogue_key = "documents.formats.empty"


class DocumentWarning(str):
    """A warning of `ParsedDocument.warnings`: the catalogue key itself (it compares equal to it), with the
    values of its message, e.g. the pages with no text layer."""

    values: dict[str, object]

    def __new__(cls, key: str, **values: object) -> DocumentWarning:
        warning = super().__new__(cls, key)
        warning.values = values
        return warning

    def message(self, lang: str | None = None) -> str:
        return t(str(self), lang, **self.values)


def check_archive(data: bytes, file: str, label: str) -> zipfile.ZipFile:
    """The zip of a DOCX/ODT, opened, its directory checked against the limits (nothing inflated)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise CorruptDocument(file, kind=label) from error
    if len(members) > MAX_ARCHIVE_MEMBERS:
        raise ArchiveTooLarge(file, key="documents.formats.archive_members", found=len(members),
                              limit=MAX_ARCHIVE_MEMBERS)
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise ArchiveTooLarge(file, found=-(-total // MiB), limit=MAX_UNCOMPRESSED_BYTES // MiB)
    for member in members:
        if member.file_size >= RATIO_CHECKED_FROM_BYTES and \
                member.file_size > MAX_COMPRESSION_RATIO * max(member.compress_size, 1):
            raise ArchiveTooLarge(file, key="documents.formats.archive_ratio", member=member.filename,
                                  found=member.file_size // max(member.compress_size, 1),
                                  limit=MAX_COMPRESSION_RATIO)
    return archive


# --- text -------------------------------------------------------------------------------------------------
# Soft hyphens, zero-width spaces and joiners, BOMs, PDFium's U+FFFE (its mark for a hyphen it removed at a
# line end) and C0 controls other than tab/newline: nothing a reader should see.
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff\ufffe\x00-\x08\x0b\x0e-\x1f\x7f]")
_SPACES = re.compile(r"[ \t\n\r\f\v\u2028\u2029]+")


def clean(text: str) -> str:
    """One line of prose: invisible characters dropped, runs of spaces and line breaks as one space.
    No-break spaces (French « », ; : ! ?) are kept."""
    return _SPACES.sub(" ", _INVISIBLE.sub("", text)).strip()


def clean_lines(text: str) -> str:
    """Preformatted text (code): lines kept, trailing spaces and blank edges dropped."""
    lines = [line.rstrip() for line in _INVISIBLE.sub("", text.replace("\r\n", "\n")).split("\n")]
    return "\n".join(lines).strip("\n")


class Blocks:
    """Blocks in reading order, each with the path of the headings above it ("Conditions › Tarifs")."""

    SEP = " › "

    def __init__(self) -> None:
        self.items: list[Block] = []
        self._stack: list[tuple[int, str]] = []

    @property
    def path(self) -> str | None:
        return self.SEP.join(text for _, text in self._stack) or None

    def enter(self, text: str, level: int) -> str | None:
        """Open a section (level 1 = top, 0 for a document title) without writing a block."""
        text = clean(text)
        if text:
            while self._stack and self._stack[-1][0] >= level:
                self._stack.pop()
            self._stack.append((level, text))
        return text or None

    def heading(self, text: str, level: int, page: int | None = None) -> None:
        if (title := self.enter(text, level)) is not None:
            self.items.append(Block(title, page, self.path, is_heading=True))

    def text(self, text: str, page: int | None = None, *, preformatted: bool = False) -> None:
        text = clean_lines(text) if preformatted else clean(text)
        if text:
            self.items.append(Block(text, page, self.path))

    def row(self, cells: list[str], page: int | None = None) -> None:
        """A table row as one block, its non-empty cells joined with ' | ' (a row's cells go together)."""
        self.text(" | ".join(c for c in (clean(cell) for cell in cells) if c), page)


def decode_text(data: bytes, file: str, label: str) -> str:
    """Bytes of a text file: UTF-8 (with or without BOM), UTF-16 with BOM, else cp1252, else latin-1.
    NUL characters mean a binary file: corrupt."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise CorruptDocument(file, kind=label) from error
    else:
        if b"\x00" in data:
            raise CorruptDocument(file, kind=label)
        for encoding in ("utf-8-sig", "cp1252", "latin-1"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    if "\x00" in text:
        raise CorruptDocument(file, kind=label)
    return text
