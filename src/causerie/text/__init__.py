"""Text helpers shared by the skills, speech and eval: input checks, language detection, chunking by token
budget, protection of what a model must not touch (code, URLs, placeholders), cleaning replies, HTML and
Markdown to plain text, word diffs. Deterministic and model-free, so it is unit-tested without an engine.

`from causerie import text as tt` gives them all; each module holds one idea."""

from __future__ import annotations

from causerie.text.checks import (
    SUPPORTED,
    check_lang,
    check_text,
    decode_bytes,
    lang_name,
    language_names,
    looks_binary,
    prompt_lang,
    read_document,
)
from causerie.text.chunks import Counter, chunk_text, pack, split_paragraphs, split_sentences, split_unit
from causerie.text.diff import Change, classify, unified_diff, word_diff
from causerie.text.html import html_to_text, looks_like_html
from causerie.text.language import MIN_DETECT_LETTERS, detect_language
from causerie.text.markdown import strip_markdown
from causerie.text.masking import Masked, lost_items, mask, mask_ids, numbers, unmask
from causerie.text.replies import clean_reply, trim_unfinished

__all__ = [
    "SUPPORTED", "check_text", "looks_binary", "check_lang", "language_names", "lang_name", "prompt_lang",
    "read_document", "decode_bytes", "MIN_DETECT_LETTERS", "detect_language", "Counter", "split_paragraphs",
    "split_sentences", "split_unit", "pack", "chunk_text", "Masked", "mask", "unmask", "mask_ids", "numbers",
    "lost_items", "clean_reply", "trim_unfinished", "html_to_text", "looks_like_html", "Change", "classify",
    "word_diff", "unified_diff", "strip_markdown",
]
