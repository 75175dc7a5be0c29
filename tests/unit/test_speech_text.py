"""Text made speakable before synthesis: markdown, emojis, numbers, dates, times, money, abbreviations (FR/EN),
and the cut into sentences with their pauses."""

from __future__ import annotations

import pytest

from causerie.speech.normalize import normalize
from causerie.speech.sentences import LINE_PAUSE_MS, MAX_CHARS, PARAGRAPH_PAUSE_MS, SENTENCE_PAUSE_MS, split_sentences
from causerie.speech.wer import word_error_rate
from causerie.text.markdown import strip_markdown


@pytest.mark.parametrize(("text", "said"), [
    ("14/07/1789", "quatorze juillet mille sept cent quatre-vingt-neuf"),
    ("le 1er janvier", "le premier janvier"),
    ("2024-05-01", "premier mai deux mille vingt-quatre"),
    ("à 14h30", "à quatorze heures trente"),
    ("à 8h", "à huit heures"),
    ("à 10:05", "à dix heures cinq"),
    ("3,14", "trois virgule quatorze"),
    ("0,05", "zéro virgule zéro cinq"),
    ("12 000 personnes", "douze mille personnes"),
    ("3,50 €", "trois euros cinquante"),
    ("1 €", "un euro"),
    ("50 %", "cinquante pour cent"),
    ("-5 °C", "moins cinq degrés"),
    ("le XIXe siècle", "le dix-neuvième siècle"),
    ("le 2e jour", "le deuxième jour"),
    ("M. Dupont et Mme Durand", "Monsieur Dupont et Madame Durand"),
    ("Dr Martin", "Docteur Martin"),
    ("n° 5", "numéro cinq"),
    ("130 km/h", "cent trente kilomètres heure"),
    ("des pommes, etc.", "des pommes, et cetera"),
    ("Le chat", "Le chat"),  # "Le" is not the roman numeral L
])
def test_french(text: str, said: str) -> None:
    assert normalize(text, "fr") == said


@pytest.mark.parametrize(("text", "said"), [
    ("07/04/1776", "July fourth, seventeen seventy-six"),
    ("25/12/2024", "December twenty-fifth, twenty twenty-four"),  # day first when it can't be a month
    ("at 10:30", "at ten thirty"),
    ("at 3:05", "at three oh five"),
    ("at 12:00", "at twelve o'clock"),
    ("the 21st time", "the twenty-first time"),
    ("3.14", "three point one four"),
    ("12,000 people", "twelve thousand people"),
    ("$3.50", "three dollars fifty"),
    ("$1", "one dollar"),
    ("50% more", "fifty percent more"),
    ("Dr. Smith and Mr. Jones", "Doctor Smith and Mister Jones"),
    ("e.g. this", "for example this"),
    ("No. 5", "number five"),
    ("I said No. Then", "I said No. Then"),  # "No." is "number" only before a number
])
def test_english(text: str, said: str) -> None:
    assert normalize(text, "en") == said


def test_long_digit_runs_are_read_digit_by_digit() -> None:
    assert normalize("0612345678901234", "en").split()[:3] == ["zero", "six", "one"]


def test_emojis_and_their_modifiers_go() -> None:
    assert normalize("Bravo 🎉👍🏽 ! Un drapeau 🇫🇷, une famille 👨‍👩‍👧.", "fr") == "Bravo! Un drapeau, une famille."


def test_markdown_markers_are_not_read() -> None:
    text = "# Le titre\n\n- **gras** et *italique*\n- `code` en ligne\n\n1. un [lien](https://x.fr)\n\n" \
           "```python\nprint('secret')\n```\n> cité\n\n---\n| a | b |\n|---|---|\n| c | d |\n<b>html</b>"
    plain = normalize(text, "fr")
    for marker in ("#", "*", "`", "](", "https", "print", "secret", "|", "---", "<b>", ">"):
        assert marker not in plain, (marker, plain)
    for word in ("Le titre.", "gras et italique.", "code en ligne.", "un lien.", "cité", "a, b.", "c, d.", "html"):
        assert word in plain, (word, plain)


def test_markdown_keeps_plain_text_as_is() -> None:
    text = "Il était une fois, dans un village, une fille.\nElle rêvait."
    assert strip_markdown(text) == text


def test_sentences_carry_their_pauses() -> None:
    sentences = split_sentences("Titre.\n\nIl était une fois. Une fille!\nLigne deux\n\nFin.")
    assert [(s.text, s.pause_ms) for s in sentences] == [
        ("Titre.", PARAGRAPH_PAUSE_MS),
        ("Il était une fois.", SENTENCE_PAUSE_MS),
        ("Une fille!", LINE_PAUSE_MS),
        ("Ligne deux", PARAGRAPH_PAUSE_MS),
        ("Fin.", PARAGRAPH_PAUSE_MS),
    ]


def test_long_sentences_are_cut_for_a_quick_first_audio() -> None:
    long = ", ".join(["un mot de plus"] * 60) + ". " + "sans virgule " * 80
    pieces = split_sentences(long)
    assert len(pieces) > 4
    assert all(len(piece.text) <= MAX_CHARS for piece in pieces)
    assert " ".join(piece.text for piece in pieces).split() == long.split()


def test_nothing_speakable_gives_no_sentence() -> None:
    assert split_sentences(normalize("🎉 👍 — …", "fr")) == []


@pytest.mark.parametrize(("reference", "hypothesis", "rate"), [
    ("the cat sat", "the cat sat", 0.0),
    ("The cat, sat!", "the cat sat", 0.0),  # case and punctuation do not count
    ("the cat sat", "the bat sat", 1 / 3),  # a substitution
    ("the cat sat", "the sat", 1 / 3),  # a deletion
    ("the cat sat", "the cat sat down now", 2 / 3),  # insertions
    ("l'école", "l école", 0.0),
    ("a b", "", 1.0),
])
def test_word_error_rate(reference: str, hypothesis: str, rate: float) -> None:
    assert word_error_rate(reference, hypothesis) == pytest.approx(rate)


def test_wrapped_lines_are_one_sentence_and_stops_end_lines() -> None:
    text = "Il vivait dans un terrier\ncreusé sous un chêne.\n« Où vas-tu ? demanda le hibou.\n— Je cherche."
    assert [s.text for s in split_sentences(text)] == [
        "Il vivait dans un terrier creusé sous un chêne.", "« Où vas-tu ? demanda le hibou.", "— Je cherche."]
