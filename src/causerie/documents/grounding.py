"""Answers grounded on a user's documents: the retrieved passages become numbered sources in a system
message, the model is told to cite them ([1], [2]) and to say so when they do not hold the answer, and the
sources are handed back as structured data with the answer.

Two guards against inventing. Before the model: when no passage is close enough to the question (the
embedder's `relevance`), the answer is the catalogue's "not in the documents" sentence, without generating. In the
prompt: the sources are data, wrapped in <source> tags a document cannot close (its own tags are
neutralized), and the instructions say to obey nothing written inside them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from causerie.documents.search import Hit
from causerie.i18n import t
from causerie.store.document_records import PassageRecord

# A passage may hold the answer when its cosine with the question reaches the embedder's `relevance`
# (e5: 0.80, see embedders/e5.py), or when it is in the full-text list's first ranks and not far below it.
TEXT_RELEVANT_RANK = 3
TEXT_MARGIN = 0.05
CITATION = re.compile(r"\[(\d{1,3}(?:\s*[,;]\s*\d{1,3})*)\]")
TAG = re.compile(r"</?\s*source\b[^>]*>", re.IGNORECASE)


@dataclass(frozen=True)
class Source:
    index: int  # the [n] the answer cites
    passage: PassageRecord
    score: float

    def label(self, lang: str | None) -> str:
        """'tarifs.pdf, p. 4, § Tarifs'."""
        parts = [self.passage.filename]
        if self.passage.page is not None:
            parts.append(t("documents.cite.page", lang, page=self.passage.page))
        if self.passage.heading:
            parts.append(f"§ {self.passage.heading.split(' › ')[-1]}")
        return ", ".join(parts)

    def public(self, lang: str | None, cited: bool) -> dict[str, Any]:
        passage = self.passage
        return {"index": self.index, "label": self.label(lang), "collection": passage.collection,
                "document_id": passage.document_id, "filename": passage.filename, "title": passage.title,
                "page": passage.page, "heading": passage.heading, "chunk_id": passage.chunk_id, "text": passage.text,
                "score": round(self.score, 4), "cited": cited}


def relevant(hits: Sequence[Hit], threshold: float) -> list[Hit]:
    """The hits that may hold the answer; none means the documents do not."""
    return [hit for hit in hits if (hit.similarity is not None and hit.similarity >= threshold)
            or (hit.text_rank is not None and hit.text_rank <= TEXT_RELEVANT_RANK
                and (hit.similarity is None or hit.similarity >= threshold - TEXT_MARGIN))]


def sources_of(hits: Sequence[Hit]) -> list[Source]:
    return [Source(index, hit.passage, hit.score) for index, hit in enumerate(hits, start=1)]


def _quoted(text: str) -> str:
    return TAG.sub(lambda match: match.group(0).replace("<", "‹").replace(">", "›"), text)


def sources_block(sources: Sequence[Source], lang: str | None) -> str:
    return "\n\n".join(f'<source n="{source.index}" ref="{_quoted(source.label(lang))}">\n'
                       f"{_quoted(source.passage.text)}\n</source>" for source in sources)


def not_found_answer(lang: str | None) -> str:
    return t("documents.not_found", lang)


def system_prompt(sources: Sequence[Source], lang: str | None, instructions: str | None = None) -> str:
    """The grounding system message; `instructions` (the caller's own system prompt) comes first."""
    rules = t("documents.grounding", lang, not_found=not_found_answer(lang))
    head = f"{instructions.strip()}\n\n" if instructions and instructions.strip() else ""
    return f"{head}{rules}\n\n{sources_block(sources, lang)}"


def grounded_messages(messages: Sequence[dict[str, Any]], sources: Sequence[Source], lang: str | None
                      ) -> list[dict[str, Any]]:
    """The conversation with its system message replaced by the grounding one (which keeps the caller's)."""
    system = [m["content"] for m in messages if m.get("role") == "system"]
    rest = [m for m in messages if m.get("role") != "system"]
    prompt = system_prompt(sources, lang, "\n\n".join(str(s) for s in system) or None)
    return [{"role": "system", "content": prompt}, *rest]


def cited_indexes(answer: str, count: int) -> set[int]:
    """The [n] an answer cites ([1], [2][3], [1, 2]), within 1..count."""
    found: set[int] = set()
    for match in CITATION.finditer(answer):
        found.update(int(n) for n in re.split(r"\s*[,;]\s*", match.group(1)))
    return {n for n in found if 1 <= n <= count}


def says_not_found(answer: str, lang: str | None) -> bool:
    normalized = answer.strip().strip("«»\"' ").rstrip(".").lower()
    return any(normalized.startswith(not_found_answer(code).rstrip(".").lower()) for code in ("fr", "en", lang))


def public_sources(sources: Sequence[Source], answer: str, lang: str | None) -> list[dict[str, Any]]:
    cited = cited_indexes(answer, len(sources))
    return [source.public(lang, source.index in cited) for source in sources]


def mark_cited(sources: Sequence[dict[str, Any]], answer: str) -> list[dict[str, Any]]:
    """Stored sources (written before the answer) with `cited` set from the answer as it stands."""
    cited = cited_indexes(answer, len(sources))
    return [{**source, "cited": source.get("index") in cited} for source in sources]
