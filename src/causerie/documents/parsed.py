"""What a parser gives and what the chunker makes of it: the shapes shared by formats, chunking, the store
and citations."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Block:
    """One paragraph (or list item, table row, heading) of a document, in reading order. `page` is 1-based
    where the format knows pages (PDF; DOCX and ODT when the file records its page breaks), else None.
    `heading` is the nearest heading above the block, as a path ("Conditions › Tarifs"), or None."""

    text: str
    page: int | None = None
    heading: str | None = None
    is_heading: bool = False


@dataclass
class ParsedDocument:
    media_type: str
    blocks: list[Block]
    title: str | None = None
    pages: int | None = None  # pages in the file, where the format has pages
    warnings: list[str] = field(default_factory=list)  # catalogue keys, e.g. pages with no text layer


@dataclass(frozen=True)
class Chunk:
    """A passage that is embedded and searched: paragraphs and sentences packed up to a token budget.
    `page` and `heading` are those where the chunk starts, for the citation ("p. 4, § Tarifs")."""

    seq: int
    text: str
    tokens: int
    page: int | None = None
    heading: str | None = None
