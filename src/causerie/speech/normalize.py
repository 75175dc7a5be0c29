"""Text normalization before speaking, in French and English.

espeak-ng reads digits and symbols poorly ("14/07/1789" becomes "quatorze barre zéro sept…") and reads
markdown aloud ("astérisque astérisque"). This module turns what a chat model writes into what a person
would say: markdown and emojis removed, abbreviations expanded, and dates, times, ordinals, decimals,
money and percentages written out in words (num2words), each with the rules of its language.
The steps run in order; each one is a small function so it can be tested alone.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from num2words import num2words

from causerie.text.markdown import strip_markdown

MONTHS = {
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"],
}
# Whole-word abbreviations (matched case-sensitively, a dot included when written).
ABBREVIATIONS = {
    "fr": {
        "M.": "Monsieur", "MM.": "Messieurs", "Mme": "Madame", "Mmes": "Mesdames", "Mlle": "Mademoiselle",
        "Dr": "Docteur", "Dr.": "Docteur", "Pr": "Professeur", "St": "Saint", "Ste": "Sainte",
        "etc.": "et cetera", "p. ex.": "par exemple", "c.-à-d.": "c'est-à-dire", "cf.": "voir",
        "av. J.-C.": "avant Jésus-Christ", "apr. J.-C.": "après Jésus-Christ", "env.": "environ",
        "n°": "numéro", "N°": "numéro", "km/h": "kilomètres heure", "km": "kilomètres", "kg": "kilos",
        "min": "minutes", "h": "heures",
    },
    "en": {
        "Mr.": "Mister", "Mr": "Mister", "Mrs.": "Missus", "Mrs": "Missus", "Ms.": "Miz", "Dr.": "Doctor",
        "Prof.": "Professor", "St.": "Saint", "Jr.": "Junior", "Sr.": "Senior", "e.g.": "for example",
        "i.e.": "that is", "etc.": "et cetera", "vs.": "versus", "approx.": "approximately", "No.": "number",
        "km/h": "kilometers per hour", "mph": "miles per hour", "km": "kilometers", "kg": "kilograms",
    },
}
# Abbreviations that are only units after a number ("5 h", "10 min"): elsewhere "h" or "min" is a word.
UNITS_AFTER_NUMBER = {"km/h", "km", "kg", "min", "h", "mph"}
# Abbreviations that are only themselves before a number ("No. 5"): "I said No." is a word.
BEFORE_NUMBER = {"No.", "n°", "N°"}
SYMBOLS = {
    "fr": {"%": " pour cent", "€": " euros", "$": " dollars", "£": " livres", "°C": " degrés",
           "°": " degrés", "&": " et ", "+": " plus ", "=": " égale ", "@": " arobase "},
    "en": {"%": " percent", "€": " euros", "$": " dollars", "£": " pounds", "°C": " degrees Celsius",
           "°F": " degrees Fahrenheit", "°": " degrees", "&": " and ", "+": " plus ", "=": " equals ",
           "@": " at "},
}
DECIMAL_WORD = {"fr": "virgule", "en": "point"}
MINUS_WORD = {"fr": "moins", "en": "minus"}
_CURRENCY_BEFORE = re.compile(r"([€$£])\s?(\d[\d,.]*\d|\d)")
_MONEY = re.compile(r"(?<![\d.,])(\d+)(?:[.,](\d{2}))?\s?([€$£])")
CURRENCY = {"fr": {"€": ("euro", "euros"), "$": ("dollar", "dollars"), "£": ("livre", "livres")},
            "en": {"€": ("euro", "euros"), "$": ("dollar", "dollars"), "£": ("pound", "pounds")}}
# Not "Le" nor "Ce": a lone L or C before "e" is a word, not the 50th or 100th.
_ROMAN_ORDINAL = re.compile(r"\b(?!(?:L|C)e\b)([IVXLC]+)(?:e|ème|er)\b")
ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
_ORDINAL = {"fr": re.compile(r"\b(\d+)(?:er|re|ère|e|è|ème|eme)\b"), "en": re.compile(r"\b(\d+)(?:st|nd|rd|th)\b")}
_DATE_NUMERIC = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b")
_DATE_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_TIME_FR = re.compile(r"\b([01]?\d|2[0-3])\s?h\s?([0-5]\d)?\b")
_TIME_COLON = re.compile(r"\b([01]?\d|2[0-3]):([0-5]\d)\b")
_GROUPED = {"fr": re.compile(r"\b\d{1,3}(?:[  \u202f]\d{3})+\b"), "en": re.compile(r"\b\d{1,3}(?:,\d{3})+\b")}
_DECIMAL = {"fr": re.compile(r"(?<![\d,])(\d+),(\d+)\b"), "en": re.compile(r"(?<![\d.])(\d+)\.(\d+)\b")}
_NEGATIVE = re.compile(r"(?<![\w])[-−](\d)")
_INTEGER = re.compile(r"\d+")
KEEP_SYMBOLS = "°"  # a symbol (So) like emojis, but said: "20 °C", "n° 5"
MAX_DIGITS = 15  # longer runs (phone numbers, ids) are read digit by digit


def words(number: int, lang: str, to: str = "cardinal") -> str:
    if len(str(abs(number))) > MAX_DIGITS:
        return " ".join(num2words(int(d), lang=lang) for d in str(number))
    return num2words(number, lang=lang, to=to)


def _year(year: int, lang: str) -> str:
    # English years are read in pairs ("nineteen eighty-four"); French ones as plain numbers.
    return words(year, lang, "year" if lang == "en" and 1000 < year < 10000 else "cardinal")


def _date(day: int, month: int, year: int, lang: str) -> str | None:
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    name = MONTHS[lang][month - 1]
    if lang == "fr":
        return f"{'premier' if day == 1 else words(day, 'fr')} {name} {_year(year, 'fr')}"
    return f"{name} {words(day, 'en', 'ordinal')}, {_year(year, 'en')}"


def expand_dates(text: str, lang: str) -> str:
    def numeric(match: re.Match) -> str:
        first, second, year = (int(g) for g in match.groups())
        # French (and British) write day/month; American English month/day, unless the first can't be one.
        day, month = (second, first) if lang == "en" and first <= 12 else (first, second)
        return _date(day, month, year, lang) or match.group(0)

    def iso(match: re.Match) -> str:
        year, month, day = (int(g) for g in match.groups())
        return _date(day, month, year, lang) or match.group(0)

    return _DATE_NUMERIC.sub(numeric, _DATE_ISO.sub(iso, text))


def expand_times(text: str, lang: str) -> str:
    def fr(match: re.Match) -> str:
        hours, minutes = int(match.group(1)), match.group(2)
        said = f"{words(hours, 'fr')} heure{'s' if hours > 1 else ''}"
        return f"{said} {words(int(minutes), 'fr')}" if minutes and int(minutes) else said

    def colon(match: re.Match) -> str:
        hours, minutes = int(match.group(1)), int(match.group(2))
        if lang == "fr":
            return fr(match)
        if minutes == 0:
            return f"{words(hours, 'en')} o'clock"
        return f"{words(hours, 'en')} {'oh ' if minutes < 10 else ''}{words(minutes, 'en')}"

    text = _TIME_COLON.sub(colon, text)
    return _TIME_FR.sub(fr, text) if lang == "fr" else text


def roman(numeral: str) -> int:
    values = [ROMAN[c] for c in numeral]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


def expand_ordinals(text: str, lang: str) -> str:
    def said(number: int) -> str:
        return "premier" if lang == "fr" and number == 1 else words(number, lang, "ordinal")

    if lang == "fr":  # "le XIXe siècle"
        text = _ROMAN_ORDINAL.sub(lambda m: said(roman(m.group(1))), text)
    return _ORDINAL[lang].sub(lambda m: said(int(m.group(1))), text)


def expand_abbreviations(text: str, lang: str) -> str:
    for short, long in sorted(ABBREVIATIONS[lang].items(), key=lambda item: -len(item[0])):
        before = r"(?<=\d)\s?" if short in UNITS_AFTER_NUMBER else r"(?<![\w.])"
        after = r"(?!\w)" if short.endswith(".") or not short[-1].isalnum() else r"\b(?!\.\w)"
        after += r"(?=\s?\d)" if short in BEFORE_NUMBER else ""
        text = re.sub(before + re.escape(short) + after, (" " if short in UNITS_AFTER_NUMBER else "") + long, text)
    return text


def _money(match: re.Match, lang: str) -> str:
    """"3,50 €" is said "trois euros cinquante", "$3.50" "three dollars fifty"."""
    units, cents = int(match.group(1)), int(match.group(2) or 0)
    one, many = CURRENCY[lang][match.group(3)]
    said = f"{words(units, lang)} {one if units == 1 else many}"
    return f"{said} {words(cents, lang)}" if cents else said


def expand_symbols(text: str, lang: str) -> str:
    text = _CURRENCY_BEFORE.sub(r"\2 \1", text)  # "$5" is said "five dollars"
    text = _MONEY.sub(lambda m: _money(m, lang), text)
    for symbol, said in SYMBOLS[lang].items():
        text = text.replace(symbol, said)
    return text


def _fraction(digits: str, lang: str) -> str:
    # French reads "3,14" as "trois virgule quatorze"; English reads digits one by one ("three point one four").
    if lang == "fr" and not digits.startswith("0") and len(digits) <= 3:
        return words(int(digits), "fr")
    return " ".join(words(int(d), lang) for d in digits)


def collapse_groups(text: str, lang: str) -> str:
    """"12 000" and "12,000" become "12000" first, so that later steps see one number."""
    return _GROUPED[lang].sub(lambda m: re.sub(r"\D", "", m.group(0)), text)


def expand_numbers(text: str, lang: str) -> str:
    text = _DECIMAL[lang].sub(lambda m: f"{words(int(m.group(1)), lang)} {DECIMAL_WORD[lang]} "
                                        f"{_fraction(m.group(2), lang)}", text)
    text = _NEGATIVE.sub(lambda m: f"{MINUS_WORD[lang]} {m.group(1)}", text)
    return _INTEGER.sub(lambda m: f" {_integer(m.group(0), lang)} ", text)


def _integer(digits: str, lang: str) -> str:
    # "06" and long runs are codes (phone numbers, ids), read digit by digit; the rest are quantities.
    if len(digits) > MAX_DIGITS or (digits.startswith("0") and len(digits) > 1):
        return " ".join(words(int(d), lang) for d in digits)
    return words(int(digits), lang)


def strip_emojis(text: str) -> str:
    """Emojis, pictographs, their modifiers and joiners go: espeak would spell their Unicode names."""
    return "".join(" " if _is_emoji(char) else char for char in text)


def _is_emoji(char: str) -> bool:
    if char in KEEP_SYMBOLS:
        return False
    # Joiners, variation selectors, keycaps and skin tones glue emojis together: they go with them.
    return unicodedata.category(char) in ("So", "Cs", "Co") or char in "\u200d\ufe0f\ufe0e\u20e3" \
        or "\U0001f3fb" <= char <= "\U0001f3ff"


def tidy(text: str) -> str:
    text = re.sub(r"[«»“”„\"]", "", text)  # quotes are not read; their pause comes from the punctuation
    text = re.sub(r"[ \t\u00a0\u202f]+", " ", text)
    text = re.sub(r" +([,.;:!?…)\]])", r"\1", text)
    text = re.sub(r"([(\[]) +", r"\1", text)
    text = re.sub(r"([,;:])(?:\s*[,;:])+", r"\1", text)
    return "\n".join(line.strip() for line in text.split("\n"))


STEPS: tuple[Callable[[str, str], str], ...] = (
    collapse_groups, expand_dates, expand_times, expand_ordinals, expand_abbreviations, expand_symbols, expand_numbers,
)


def normalize(text: str, lang: str) -> str:
    """What to say for `text` in `lang` ('fr' or 'en'): markdown and emojis removed, numbers in words."""
    lang = lang if lang in MONTHS else "fr"
    text = strip_emojis(strip_markdown(unicodedata.normalize("NFC", text)))
    for step in STEPS:
        text = step(text, lang)
    return tidy(text)
