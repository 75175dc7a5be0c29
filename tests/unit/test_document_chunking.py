"""Cutting parsed documents into chunks, with a word counter standing in for the embedder's tokenizer."""

from __future__ import annotations

import time

import pytest
from fixtures.documents import make
from hypothesis import given, settings
from hypothesis import strategies as st

from causerie.documents.chunking import chunk_blocks, embedded_text
from causerie.documents.formats import parse
from causerie.documents.parsed import Block
from causerie.text.chunks import split_sentences


def words(text: str) -> int:
    return len(text.split())


def with_specials(text: str) -> int:
    """Like a BERT tokenizer's count: two special tokens around the text."""
    return len(text.split()) + 2


def sentence(n: int, size: int = 6) -> str:
    return " ".join(["Mot"] + [f"w{n}x{i}" for i in range(size - 1)]) + "."


def test_small_adjacent_paragraphs_are_merged_into_one_chunk():
    blocks = [Block(f"Paragraphe {n} court.", page=1) for n in range(4)]
    chunks = chunk_blocks(blocks, 50, words)
    assert len(chunks) == 1
    assert chunks[0].text == "\n\n".join(b.text for b in blocks)
    assert chunks[0].tokens == words(chunks[0].text) and chunks[0].seq == 0 and chunks[0].page == 1


def test_budget_is_respected_with_the_heading_counted():
    blocks = [Block("Tarifs", 1, "Conditions › Tarifs", is_heading=True)]
    blocks += [Block(" ".join(sentence(p * 10 + s) for s in range(3)), page=1 + p // 4, heading="Conditions › Tarifs")
               for p in range(20)]
    for count in (words, with_specials):
        chunks = chunk_blocks(blocks, 40, count)
        assert len(chunks) > 1
        for chunk in chunks:
            assert count(embedded_text(chunk)) <= 40
            assert chunk.tokens == count(chunk.text)
        assert [c.seq for c in chunks] == list(range(len(chunks)))
        assert chunks[0].text.startswith("Tarifs\n\n")  # the heading block leads the chunk it opens


def test_a_chunk_never_spans_two_sections():
    blocks = [Block("Conditions", 1, "Conditions", True), Block("Le contrat lie les parties.", 1, "Conditions"),
              Block("Tarifs", 2, "Conditions › Tarifs", True), Block("Dix euros.", 2, "Conditions › Tarifs"),
              Block("Onze euros.", 3, "Conditions › Tarifs"),
              Block("Sans titre, une autre section.", 3, "Annexe")]  # a new path without a heading block
    chunks = chunk_blocks(blocks, 100, words)
    assert [(c.heading, c.page, c.text) for c in chunks] == [
        ("Conditions", 1, "Conditions\n\nLe contrat lie les parties."),
        ("Conditions › Tarifs", 2, "Tarifs\n\nDix euros.\n\nOnze euros."),
        ("Annexe", 3, "Sans titre, une autre section."),
    ]


def test_pages_are_those_where_each_chunk_starts():
    blocks = [Block(sentence(n, 10), page=n + 1) for n in range(6)]
    chunks = chunk_blocks(blocks, 21, words)  # two blocks (10 words each + a separator) per chunk
    assert [c.page for c in chunks] == [1, 3, 5]


def test_a_long_paragraph_is_cut_at_sentences_and_the_cut_joined_with_spaces():
    paragraph = " ".join(sentence(n) for n in range(30))
    chunks = chunk_blocks([Block(paragraph, page=7)], 20, words)
    sentences = set(split_sentences(paragraph))
    for chunk in chunks:
        assert words(chunk.text) <= 20 and chunk.page == 7 and "\n" not in chunk.text
        assert all(piece in sentences for piece in split_sentences(chunk.text))  # whole sentences only
    assert " ".join(c.text for c in chunks) == paragraph


def test_a_monster_sentence_is_cut_between_words():
    monster = " ".join(f"mot{n}" for n in range(500))
    chunks = chunk_blocks([Block(monster)], 64, words)
    assert all(c.tokens <= 64 for c in chunks) and len(chunks) >= 8
    assert " ".join(c.text for c in chunks) == monster


def test_a_heading_only_section_makes_no_chunk_but_its_title_stays_in_the_path():
    blocks = [Block("Partie 1", 1, "Partie 1", True), Block("Chapitre A", 1, "Partie 1 › Chapitre A", True),
              Block("Le texte.", 1, "Partie 1 › Chapitre A")]
    chunks = chunk_blocks(blocks, 50, words)
    assert [(c.heading, c.text) for c in chunks] == [("Partie 1 › Chapitre A", "Chapitre A\n\nLe texte.")]
    only_headings = chunk_blocks(blocks[:1], 50, words)
    assert [c.text for c in only_headings] == ["Partie 1"]


def test_a_heading_path_too_long_for_the_budget_keeps_its_nearest_levels():
    path = " › ".join(f"Niveau {n} avec un titre long" for n in range(6))
    chunks = chunk_blocks([Block("Un texte de cinq mots.", heading=path)], 20, words)
    assert chunks[0].heading.startswith("… › ") and chunks[0].heading.endswith("Niveau 5 avec un titre long")
    assert words(embedded_text(chunks[0])) <= 20


def test_no_blocks_no_chunks_and_the_budget_must_be_positive():
    assert chunk_blocks([], 10, words) == []
    with pytest.raises(ValueError):
        chunk_blocks([Block("x")], 0, words)


def test_ten_thousand_paragraphs_chunk_fast():
    blocks = [Block(f"Paragraphe {n} : une phrase ordinaire de dix mots ici.", page=n // 40 + 1,
                    heading=f"Partie {n // 500}") for n in range(10_000)]
    calls = 0

    def counting(text: str) -> int:
        nonlocal calls
        calls += 1
        return len(text.split())

    started = time.perf_counter()
    chunks = chunk_blocks(blocks, 256, counting)
    assert time.perf_counter() - started < 1.0
    assert calls < 12_000  # each block once, each chunk once, each section's heading once
    assert sum(c.text.count("Paragraphe") for c in chunks) == 10_000


def test_a_parsed_pdf_chunks_into_citable_passages():
    chunks = chunk_blocks(parse(make.pdf(), "contrat.pdf").blocks, 60, words)
    assert [(c.page, c.heading) for c in chunks] == [(1, "Conditions"), (2, "Conditions › Tarifs"),
                                                     (4, "Résiliation")]
    assert "Suite des tarifs" in chunks[1].text  # page 3 has no bookmark: still under Tarifs


blocks_strategy = st.lists(st.builds(
    Block,
    text=st.lists(st.sampled_from(["Le", "chat.", "dort", "Il", "pleut!", "très", "long-mot", "Fin."]),
                  min_size=1, max_size=60).map(" ".join),
    page=st.integers(1, 9) | st.none(),
    heading=st.sampled_from([None, "A", "A › B", "C"]),
    is_heading=st.booleans(),
), max_size=30)


@settings(max_examples=60, deadline=None)
@given(blocks=blocks_strategy, budget=st.integers(8, 80))
def test_chunks_keep_every_word_in_order_within_budget(blocks, budget):
    chunks = chunk_blocks(blocks, budget, words)
    for chunk in chunks:
        assert words(embedded_text(chunk)) <= budget and chunk.tokens == words(chunk.text) > 0
    kept = " ".join(c.text for c in chunks).split()
    has_text = any(not b.is_heading for b in blocks)
    expected = []
    for i, block in enumerate(blocks):  # heading-only sections are left out when there is other text
        section_has_text = any(not b.is_heading for b in _section_of(blocks, i))
        if not has_text or section_has_text:
            expected += block.text.split()
    assert kept == expected


def _section_of(blocks, index):
    start = index
    while start > 0 and not blocks[start].is_heading and blocks[start - 1].heading == blocks[start].heading:
        start -= 1
    end = index + 1
    while end < len(blocks) and not blocks[end].is_heading and blocks[end].heading == blocks[start].heading:
        end += 1
    return blocks[start:end]
