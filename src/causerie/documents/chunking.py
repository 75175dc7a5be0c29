"""Cutting a parsed document into the chunks that are embedded and searched: blocks packed up to a token
budget, never across two sections, split at sentences (then words) only when a paragraph is too long."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from causerie.documents.parsed import Block, Chunk
from causerie.text.chunks import split_unit

Counter = Callable[[str], int]
PARAGRAPH_SEP = "\n\n"  # between blocks in a chunk; the pieces of one cut paragraph are joined with a space
HEADING_SEP = "\n\n"  # the embedded text is heading + HEADING_SEP + chunk text
# A heading path may take at most this share of the budget: past it, its first levels are dropped
# ("… › Tarifs" keeps the nearest ones), so that the text always has the larger part.
HEADING_SHARE = 0.5


@dataclass
class _Unit:
    text: str
    page: int | None
    tokens: int
    joined: bool  # continues the previous unit's paragraph (a sentence of a cut paragraph)


def embedded_text(chunk: Chunk) -> str:
    """What is embedded for a chunk: its heading path, then its text."""
    return f"{chunk.heading}{HEADING_SEP}{chunk.text}" if chunk.heading else chunk.text


def chunk_blocks(blocks: Sequence[Block], budget: int, count: Counter) -> list[Chunk]:
    """Chunks of at most `budget` tokens (by `count`, the embedder's counter), heading included: consecutive
    blocks of one section packed together, a new section (a heading, or another heading path) starting a
    new chunk. A chunk's `page` and `heading` are those where it starts; seq numbers count from 0.
    A section that is only its heading makes no chunk (its title is in the path of the sections under it).
    Each block is counted once and each chunk once, so the work grows with the document, not its square."""
    if budget < 1:
        raise ValueError(f"budget must be a positive number of tokens, not {budget}")
    chunks: list[Chunk] = []
    has_text = any(not block.is_heading for block in blocks)
    for section in _sections(blocks):
        if has_text and all(block.is_heading for block in section):
            continue
        heading = _fit_heading(section[0].heading, budget, count)
        room = max(1, budget - (count(heading + HEADING_SEP) if heading else 0))
        for text, page, tokens in _pack(_units(section, room, count), room, count):
            chunks.append(Chunk(seq=len(chunks), text=text, tokens=tokens, page=page, heading=heading))
    return chunks


def _sections(blocks: Sequence[Block]) -> list[list[Block]]:
    sections: list[list[Block]] = []
    for block in blocks:
        if not sections or block.is_heading or block.heading != sections[-1][-1].heading:
            sections.append([block])
        else:
            sections[-1].append(block)
    return sections


def _fit_heading(path: str | None, budget: int, count: Counter) -> str | None:
    """The heading path, its first levels dropped (then its words cut) until it fits its share."""
    if not path:
        return None
    limit = max(1, int(budget * HEADING_SHARE))
    if count(path + HEADING_SEP) <= limit:
        return path
    parts = path.split(" › ")
    while len(parts) > 1:
        parts = parts[1:]
        shorter = "… › " + " › ".join(parts)
        if count(shorter + HEADING_SEP) <= limit:
            return shorter
    words = parts[0].split()
    while len(words) > 1 and count(" ".join(words) + " …" + HEADING_SEP) > limit:
        words = words[: max(1, len(words) * 3 // 4)]
    return " ".join(words) + " …"


def _units(section: list[Block], room: int, count: Counter) -> list[_Unit]:
    """Each block as one unit, or cut into sentences (then words) when it alone is over `room`."""
    units: list[_Unit] = []
    for block in section:
        tokens = count(block.text)
        if tokens <= room:
            units.append(_Unit(block.text, block.page, tokens, False))
            continue
        for i, piece in enumerate(split_unit(block.text, room, count)):
            units.append(_Unit(piece, block.page, count(piece), i > 0))
    return units


def _pack(units: list[_Unit], room: int, count: Counter) -> list[tuple[str, int | None, int]]:
    """Greedy packing by the sum of unit counts plus one token per separator: a bound, not a guess, for
    tokenizers that cut at spaces. The packed text is counted once to be sure; should a tokenizer merge
    across a separator and overflow, the chunk gives back its last units."""
    out: list[tuple[str, int | None, int]] = []
    start = 0
    while start < len(units):
        end, total = start + 1, units[start].tokens
        while end < len(units) and total + 1 + units[end].tokens <= room:
            total += 1 + units[end].tokens
            end += 1
        text = _join(units[start:end])
        tokens = count(text)
        while tokens > room and end - start > 1:
            end -= 1
            text = _join(units[start:end])
            tokens = count(text)
        out.append((text, units[start].page, tokens))
        start = end
    return out


def _join(units: list[_Unit]) -> str:
    parts = [units[0].text]
    for unit in units[1:]:
        parts.append(" " if unit.joined else PARAGRAPH_SEP)
        parts.append(unit.text)
    return "".join(parts)
