"""The message catalogue and language resolution (French first, English second)."""

from __future__ import annotations

import string

import pytest

from causerie.i18n import DEFAULT_LANG, LANGUAGES, lang_from_header, locale_lang, resolve_lang, t
from causerie.i18n.messages import MESSAGES

LOCALE_VARS = ("LC_ALL", "LC_MESSAGES", "LANGUAGE", "LANG")


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


@pytest.fixture
def no_locale(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for var in LOCALE_VARS:
        monkeypatch.delenv(var, raising=False)
    return monkeypatch


def test_french_is_the_default_language():
    assert DEFAULT_LANG == "fr"
    assert set(LANGUAGES) == {"fr", "en"}


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_key_has_french_and_english(key):
    entry = MESSAGES[key]
    assert set(entry) == {"fr", "en"}
    assert entry["fr"].strip() and entry["en"].strip()


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_placeholders_match_between_languages(key):
    entry = MESSAGES[key]
    assert placeholders(entry["fr"]) == placeholders(entry["en"])


@pytest.mark.parametrize("key", sorted(MESSAGES))
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_message_formats_with_its_placeholders(key, lang):
    values = {name: f"<{name}>" for name in placeholders(MESSAGES[key][lang])}
    text = t(key, lang, **values)
    for value in values.values():
        assert value in text


def test_t_formats_in_the_requested_language():
    fr = t("api.n_limit", "fr", value=9, limit=4)
    en = t("api.n_limit", "en", value=9, limit=4)
    assert fr != en
    assert "9" in fr and "4" in fr and "9" in en and "4" in en


def test_t_unknown_key_fails_loudly():
    with pytest.raises(KeyError):
        t("no.such.key", "en")


def test_t_unsupported_language_falls_back_through_the_locale(no_locale):
    no_locale.setenv("LANG", "en_GB.UTF-8")
    assert t("card.yes", "de") == MESSAGES["card.yes"]["en"]
    no_locale.delenv("LANG")
    assert t("card.yes", "de") == MESSAGES["card.yes"]["fr"]


@pytest.mark.parametrize(
    ("setting", "expected"),
    [("fr", "fr"), ("en", "en"), ("EN", "en"), ("en-US", "en"), ("fr_CA.UTF-8", "fr"), (" fr ", "fr")],
)
def test_resolve_lang_explicit_setting(no_locale, setting, expected):
    no_locale.setenv("LANG", "de_DE.UTF-8")
    assert resolve_lang(setting) == expected


@pytest.mark.parametrize("setting", ["auto", None, "", "de", "xx"])
def test_resolve_lang_auto_or_unsupported_follows_locale(no_locale, setting):
    no_locale.setenv("LANG", "en_US.UTF-8")
    assert resolve_lang(setting) == "en"
    no_locale.setenv("LANG", "fr_FR.UTF-8")
    assert resolve_lang(setting) == "fr"


def test_no_locale_means_french(no_locale):
    assert locale_lang() == "fr"
    assert resolve_lang("auto") == "fr"


@pytest.mark.parametrize("value", ["de_DE.UTF-8", "C", "C.UTF-8", "POSIX", "ja_JP"])
def test_unknown_locale_means_french(no_locale, value):
    no_locale.setenv("LANG", value)
    assert locale_lang() == "fr"


def test_lc_all_beats_lang(no_locale):
    no_locale.setenv("LANG", "fr_FR.UTF-8")
    no_locale.setenv("LC_ALL", "en_US.UTF-8")
    assert locale_lang() == "en"
    no_locale.setenv("LANG", "en_US.UTF-8")
    no_locale.setenv("LC_ALL", "fr_FR.UTF-8")
    assert locale_lang() == "fr"


def test_posix_precedence_of_locale_variables(no_locale):
    no_locale.setenv("LANG", "fr_FR.UTF-8")
    no_locale.setenv("LANGUAGE", "en_US")
    assert locale_lang() == "en"
    no_locale.setenv("LC_MESSAGES", "fr_FR.UTF-8")
    assert locale_lang() == "fr"
    no_locale.setenv("LC_ALL", "en_US.UTF-8")
    assert locale_lang() == "en"


def test_unknown_lc_all_does_not_fall_through_to_lang(no_locale):
    # LC_ALL wins even when causerie does not speak it: the answer is the default, French.
    no_locale.setenv("LANG", "en_US.UTF-8")
    no_locale.setenv("LC_ALL", "de_DE.UTF-8")
    assert locale_lang() == "fr"


def test_empty_locale_variable_is_skipped(no_locale):
    no_locale.setenv("LC_ALL", "")
    no_locale.setenv("LANG", "en_US.UTF-8")
    assert locale_lang() == "en"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("fr", "fr"),
        ("en", "en"),
        ("en-US,en;q=0.9", "en"),
        ("fr-CA,fr;q=0.9,en;q=0.8", "fr"),
        ("en;q=0.5,fr;q=0.9", "fr"),  # q-values rank, not order
        ("fr;q=0.4, en;q=0.8", "en"),
        ("de-DE,de;q=0.9,en;q=0.8,fr;q=0.7", "en"),  # unsupported languages are skipped
        ("es, fr;q=0.1", "fr"),
        ("EN-gb", "en"),
        ("en;q=0.8, fr;q=0.8", "en"),  # ties keep the header's order
        ("fr;q=0.8, en;q=0.8", "fr"),
        ("en;q=bogus, fr;q=0.1", "fr"),  # an unreadable q-value ranks last
    ],
)
def test_lang_from_header(no_locale, header, expected):
    assert lang_from_header(header) == expected


@pytest.mark.parametrize("header", [None, "", "de", "de-DE,es;q=0.5", "*", ",,,", ";q=1"])
def test_lang_from_header_falls_back(no_locale, header):
    assert lang_from_header(header) == "fr"  # no locale: French
    assert lang_from_header(header, fallback="en") == "en"
    no_locale.setenv("LANG", "en_US.UTF-8")
    assert lang_from_header(header) == "en"  # 'auto' follows the locale


def test_lang_from_header_q0_is_not_acceptable(no_locale):
    assert lang_from_header("de, en;q=0", fallback="fr") == "fr"
