"""Text skills (draft, improve, translate, summarize, story) and their helpers, on FakeEngine: the replies
a model would give are queued, and what the skill sent is read back from `FakeEngine.requests`."""

from __future__ import annotations

import itertools

import pytest

from causerie import text as tt
from causerie.engines.fake import FakeEngine
from causerie.errors import InvalidRequest
from causerie.i18n import t
from causerie.skills.base import Delta, Progress, Result
from causerie.skills.draft import Draft
from causerie.skills.improve import Improve
from causerie.skills.registry import skill_class
from causerie.skills.story import Story, unsafe_words
from causerie.skills.summarize import Summarize
from causerie.skills.translate import Slot, Translate, parse

FR_TEXT = ("La réunion de demain est annulée car le directeur est malade. Nous vous tiendrons au courant "
           "de la nouvelle date dès que possible.")
EN_TEXT = ("Tomorrow's meeting is cancelled because the director is ill. We will let you know the new "
           "date as soon as possible.")


def small_engine(context: int, *replies: str) -> FakeEngine:
    engine = FakeEngine(replies=list(replies))
    engine.card = engine.card.model_copy(update={"context_length": context})
    return engine


def events(skill, data) -> list:
    return list(skill.stream(data))


def result(evts: list):
    return next(e.output for e in evts if isinstance(e, Result))


def contents(request) -> str:
    return "\n".join(m["content"] for m in request.messages)


def error_key(call) -> str:
    with pytest.raises(InvalidRequest) as info:
        call()
    assert info.value.message("fr") != info.value.message("en")
    return info.value.key


# --- registry and render ------------------------------------------------------------------------------
SAMPLES = {
    "draft": {"points": "remercier Marie pour son aide ; dîner samedi", "kind": "email"},
    "improve": {"text": FR_TEXT},
    "translate": {"text": FR_TEXT, "target": "en"},
    "summarize": {"text": FR_TEXT},
    "story": {"age": 5, "characters": ["Lina la tortue"]},
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_skills_are_registered(name):
    assert skill_class(name).name == name


@pytest.mark.parametrize("name", sorted(SAMPLES))
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_render_gives_system_then_user_messages_in_each_language(name, lang):
    cls = skill_class(name)
    skill = cls(FakeEngine(), lang)
    data = dict(SAMPLES[name])
    if name in ("draft", "story", "summarize"):
        data["lang"] = lang
    if name == "improve":  # improve's prompts follow the text's language (one more guard against translating)
        data["text"] = FR_TEXT if lang == "fr" else EN_TEXT
    messages = skill.render(skill.parse(data))
    assert messages[0]["role"] == "system" and messages[-1]["role"] == "user"
    assert all(m["role"] in ("system", "user", "assistant") and m["content"].strip() for m in messages)
    other = cls(FakeEngine(), "en" if lang == "fr" else "fr")
    other_data = {**data, "lang": "en" if lang == "fr" else "fr"} if "lang" in data else data
    if name == "improve":
        other_data = {"text": EN_TEXT if lang == "fr" else FR_TEXT}
    assert other.render(other.parse(other_data))[0]["content"] != messages[0]["content"]
    assert cls.system[lang] in messages[0]["content"]


# --- bad input, for every skill -----------------------------------------------------------------------
TEXT_FIELD = {"draft": "points", "improve": "text", "translate": "text", "summarize": "text"}


@pytest.mark.parametrize("name", sorted(TEXT_FIELD))
@pytest.mark.parametrize(("value", "key"), [("", "text.empty"), ("   \n ", "text.empty"),
                                            ("abc\x00def", "text.binary"), ("\x01\x02\x03\x04" * 10, "text.binary")])
def test_empty_and_binary_text_are_refused_clearly(name, value, key):
    skill = skill_class(name)(FakeEngine(), "fr")
    assert error_key(lambda: skill.run({**SAMPLES[name], TEXT_FIELD[name]: value})) == key


@pytest.mark.parametrize(("name", "field"), [("translate", "target"), ("translate", "source"), ("summarize", "lang"),
                                             ("draft", "lang"), ("story", "lang")])
def test_unknown_language_code_names_the_supported_codes(name, field):
    skill = skill_class(name)(FakeEngine(), "fr")
    with pytest.raises(InvalidRequest) as info:
        skill.run({**SAMPLES[name], field: "xx"})
    assert info.value.key == "text.unknown_language"
    assert "xx" in info.value.message("fr") and "« xx »" not in info.value.message("en")
    assert "fr, en" in info.value.message("fr") and "fr, en" in info.value.message("en")


def test_translate_accepts_regional_codes_and_draft_only_french_or_english():
    assert Translate(FakeEngine()).parse({"text": "x", "target": "PT-br"}).target == "pt"
    assert error_key(lambda: Draft(FakeEngine()).parse({"points": "x", "lang": "de"})) == "text.unknown_language"


def test_too_long_inputs_are_refused_with_the_limit():
    with pytest.raises(InvalidRequest) as info:
        Translate(FakeEngine()).parse({"text": "a" * 200_001, "target": "en"})
    assert info.value.key == "text.too_long_chars" and "200000" in info.value.message("en")
    assert error_key(lambda: Improve(small_engine(300)).run({"text": "mot " * 400})) == "text.too_long"
    assert error_key(lambda: Draft(FakeEngine()).run({"points": "note " * 2000})) == "text.too_long"


def test_story_rejects_bad_age_and_too_many_characters():
    assert error_key(lambda: Story(FakeEngine()).parse({"age": 1})) == "skill.story.age"
    assert error_key(lambda: Story(FakeEngine()).parse({"age": 13})) == "skill.story.age"
    names = [f"ami {n}" for n in range(10)]
    assert error_key(lambda: Story(FakeEngine()).parse({"age": 6, "characters": names})) == "skill.story.characters"


def test_documents_are_read_and_binary_files_refused(tmp_path):
    (tmp_path / "a.md").write_text("# Titre\n\nTexte.", encoding="utf-8")
    (tmp_path / "b.txt").write_bytes("Été à Paris".encode("cp1252"))
    (tmp_path / "c.txt").write_bytes(b"\x89PNG\x00\x00\x01")
    (tmp_path / "d.pdf").write_bytes(b"%PDF")
    assert tt.read_document(tmp_path / "a.md") == ("# Titre\n\nTexte.", "markdown")
    assert tt.read_document(tmp_path / "b.txt") == ("Été à Paris", "text")
    assert error_key(lambda: tt.read_document(tmp_path / "c.txt")) == "text.binary"
    assert error_key(lambda: tt.read_document(tmp_path / "d.pdf")) == "text.unsupported_file"


# --- text_tools: detection, chunking, masking, cleaning, HTML, diff ---------------------------------------
def test_language_detection_among_supported_languages():
    assert tt.detect_language(FR_TEXT) == "fr"
    assert tt.detect_language(EN_TEXT) == "en"
    assert tt.detect_language("Das Treffen morgen fällt aus, weil der Direktor krank ist.") == "de"
    assert tt.detect_language("ok 42") is None  # too short to say


def test_sentences_split_on_end_marks_but_not_initials():
    text = "M. Dupont arrive. Il dit « Bonjour ! » Puis il part… Vraiment ? Oui."
    assert tt.split_sentences(text) == ["M. Dupont arrive.", "Il dit « Bonjour ! »", "Puis il part…",
                                        "Vraiment ?", "Oui."]


def test_chunks_follow_paragraphs_then_sentences_within_budget():
    count = lambda s: len(s.split())  # noqa: E731
    text = "Un deux trois.\n\nQuatre cinq six. Sept huit neuf. Dix onze douze.\n\n" + "mot " * 25
    chunks = tt.chunk_text(text, 7, count)
    assert all(count(c) <= 7 for c in chunks)
    assert " ".join(" ".join(chunks).split()) == " ".join(text.split())
    assert chunks[0] == "Un deux trois."  # paragraphs are not merged across the budget
    assert "Quatre cinq six." in chunks[1] and chunks[1].endswith(".")  # cut between sentences
    assert tt.chunk_text("a b.\n\nc d.", 10, count) == ["a b.\n\nc d."]  # small paragraphs are packed


def test_masking_protects_urls_placeholders_code_and_restores_them():
    text = "Voir https://ex.com/a?b=1, écrire à a@b.fr : `pip install x`, {name}, %s, %(n)d, {{ var }}, ${HOME}."
    masked = tt.mask(text, start=3)
    for original in ("https://ex.com/a?b=1", "a@b.fr", "`pip install x`", "{name}", "%s", "%(n)d", "{{ var }}",
                     "${HOME}"):
        assert original not in masked.text and original in masked.originals
    assert masked.text.startswith("Voir ⟦3⟧, écrire à ⟦4⟧")
    back = tt.unmask(masked.text.replace("⟦5⟧", "⟦ 5 ⟧"), dict(enumerate(masked.originals, 3)))
    assert back == text
    assert tt.mask("50 % des gens").originals == []  # a French percentage is not a %d


def test_lost_items_finds_missing_tokens_and_numbers_but_tolerates_number_formats():
    originals = {0: "https://ex.com"}
    assert tt.lost_items("Prix : 1 000,50 € ⟦0⟧", "Price: 1,000.50 € ⟦0⟧", originals) == []
    assert tt.lost_items("Le 12 mai, voir ⟦0⟧", "On May 12, see", originals) == ["https://ex.com"]
    assert tt.lost_items("Le 12 mai à 10 h", "On May 12", {}) == ["10"]


def test_clean_reply_drops_chatter_fences_and_quotes():
    assert tt.clean_reply("Voici la traduction :\nHello.") == "Hello."
    assert tt.clean_reply("```\nHello.\n```") == "Hello."
    assert tt.clean_reply("« Bonjour. »") == "Bonjour."
    assert tt.clean_reply("Voici mon plan.") == "Voici mon plan."


def test_unfinished_answers_are_cut_back_to_the_last_sentence():
    assert tt.trim_unfinished("Il était une fois un chat. Il aimait la pluie. Un jour, il") == \
        "Il était une fois un chat. Il aimait la pluie."
    assert tt.trim_unfinished("Il a dit « oui ! » Puis il dort") == "Il a dit « oui ! »"
    assert tt.trim_unfinished("Fini.") == "Fini."
    assert tt.trim_unfinished("Court. Mais la suite est bien plus longue que le début").startswith("Court. Mais")


def test_strip_markdown_leaves_plain_text():
    md = "# Titre\n\n**Il était** une *fois* un [chat](http://x).\n\n- un\n- deux"
    assert tt.strip_markdown(md, pauses=False) == "Titre\n\nIl était une fois un chat.\n\nun\ndeux"
    plain = tt.strip_markdown("Un __mot__ et _un autre_ ; snake_case reste.", pauses=False)
    assert plain == "Un mot et un autre ; snake_case reste."


def test_html_is_stripped_without_scripts_and_styles():
    html = ("<html><head><style>p{}</style><script>alert(1)</script></head><body><h1>Titre</h1>"
            "<p>Premier &amp; <b>second</b>.</p><script>x()</script><p>Fin</p></body></html>")
    assert tt.looks_like_html(html)
    assert tt.html_to_text(html) == "Titre\n\nPremier & second.\n\nFin"


def test_word_diff_lists_changes_with_a_kind_and_an_inline_diff():
    changes, inline = tt.word_diff("je vous ecrit pour la reunion de demain , elle est annulé",
                                   "Je vous écris pour la réunion de demain, elle est annulée.")
    kinds = {(c.before, c.after): c.kind for c in changes}
    assert kinds[("je", "Je")] == "spelling"
    assert kinds[("ecrit", "écris")] == "grammar"
    assert kinds[("reunion", "réunion")] == "spelling"
    assert kinds[("annulé", "annulée.")] == "grammar"
    assert any(k == "punctuation" for k in kinds.values())
    assert "[-ecrit-]{+écris+}" in inline and inline.startswith("[-je-]{+Je+} vous")
    assert kinds[("demain ,", "demain,")] == "punctuation"  # a spacing fix shows with its neighbours
    assert tt.classify("tomorow", "tomorrow") == "spelling"
    assert tt.classify("", "ne") == "grammar"
    assert tt.classify("a big problem", "a major issue") == "wording"


def test_a_final_newline_dropped_is_no_change():
    changes, inline = tt.word_diff("Cordialement,\nPaul Martin\n", "Cordialement,\nPaul Martin")
    assert changes == [] and "[-" not in inline


# --- translate ----------------------------------------------------------------------------------------
DOC = """## Installer l'outil

Il faut Python et une connexion.

- Téléchargez https://ex.com/outil.zip
- Lancez `outil --init`

```bash
pip install causerie
echo "ne pas traduire"
```

| Nom | Valeur |
|-----|--------|
| Port | 8080 |
"""


def test_parse_keeps_every_character_outside_slots():
    segments = parse(DOC)
    rebuilt = "".join(s.text if isinstance(s, Slot) else s for s in segments)
    assert rebuilt == DOC
    slots = [s.text for s in segments if isinstance(s, Slot)]
    assert slots[:4] == ["Installer l'outil", "Il faut Python et une connexion.", "Téléchargez https://ex.com/outil.zip",
                         "Lancez `outil --init`"]
    assert not any("pip install" in s for s in slots)


def test_translate_keeps_code_markers_and_urls_and_never_sends_code():
    engine = FakeEngine(replies=["Install the tool\n\nYou need Python and a connection.\n\nDownload ⟦0⟧\n\n"
                                 "Run ⟦1⟧\n\nName\n\nValue\n\nPort"])
    evts = events(Translate(engine, "en"), {"text": DOC, "target": "en"})
    out = result(evts)
    assert out.source == "fr" and out.complete and out.warnings == []
    assert out.text.startswith("## Install the tool\n\nYou need Python and a connection.\n\n- Download "
                               "https://ex.com/outil.zip\n- Run `outil --init`\n\n```bash\npip install causerie\n")
    assert "| Name | Value |\n|-----|--------|\n| Port | 8080 |\n" in out.text
    sent = contents(engine.requests[0])
    assert "pip install" not in sent and "ne pas traduire" not in sent and "https://ex.com" not in sent
    assert "## " not in sent and "\n- " not in sent.split("connexion.")[-1]
    assert "".join(e.text for e in evts if isinstance(e, Delta)) == out.text


def test_translate_retries_once_when_a_token_or_number_is_lost():
    engine = FakeEngine(replies=["See the page on May 12.", "See ⟦0⟧ on May 12."])
    out = Translate(engine, "fr").run({"text": "Voir https://ex.com/p le 12 mai.", "target": "en"})
    assert out.text == "See https://ex.com/p on May 12." and out.complete
    assert len(engine.requests) == 2 and engine.requests[1].temperature == 0.0
    assert "⟦n⟧" in engine.requests[1].messages[-1]["content"]


def test_translate_reports_what_is_still_lost_after_the_retry():
    engine = FakeEngine(replies=["See the page.", "See the page on May."])
    out = Translate(engine, "fr").run({"text": "Voir https://ex.com/p le 12 mai.", "target": "en"})
    assert not out.complete and len(engine.requests) == 2
    assert "https://ex.com/p" in out.warnings[0] and "12" in out.warnings[0]
    assert out.text == "See the page on May."


def test_translate_falls_back_to_one_call_per_paragraph_when_the_model_merges_them():
    engine = FakeEngine(replies=["One and two.", "One and two.", "First.", "Second."])
    out = Translate(engine, "fr").run({"text": "Premier paragraphe ici.\n\nSecond paragraphe là.", "target": "en"})
    assert out.text == "First.\n\nSecond." and len(engine.requests) == 4


def test_long_texts_are_translated_in_chunks_in_order_with_context():
    filler = " ".join(["la suite du texte"] * 12)
    paragraphs = [f"Voici le paragraphe {letter} de ce long document, avec {filler}." for letter in "ABCDEFGH"]
    engine = small_engine(600, *[f"Part {letter} done." for letter in "ABCDEFGH"])
    skill = Translate(engine, "fr")
    evts = events(skill, {"text": "\n\n".join(paragraphs), "target": "en", "source": "fr"})
    progress = [e for e in evts if isinstance(e, Progress)]
    assert len(progress) > 2 and [p.step for p in progress] == list(range(1, len(progress) + 1))
    assert all(p.total == len(progress) for p in progress) and len(engine.requests) == len(progress)
    second = engine.requests[1].messages  # previous source and translation, as a prior turn
    assert "paragraphe A " in second[-3]["content"] and second[-2] == {"role": "assistant", "content": "Part A done."}
    assert "paragraphe B " in second[-1]["content"] and "paragraphe A " not in second[-1]["content"]
    assert all(r.max_tokens and r.max_tokens < 600 for r in engine.requests)
    out = result(evts)
    assert out.chunks == len(progress) and out.text.startswith("Part A done.\n\nPart B done.")
    assert [e.text for e in evts if isinstance(e, Delta)][:2] == ["Part A done.\n\n", "Part B done.\n\n"]


def test_translate_returns_text_already_in_the_target_language_unchanged():
    engine = FakeEngine()
    out = Translate(engine, "fr").run({"text": EN_TEXT, "target": "en"})
    assert out.text == EN_TEXT and engine.requests == [] and "anglais" in out.warnings[0]


# --- summarize ----------------------------------------------------------------------------------------
LONG_FR = "\n\n".join(
    f"Paragraphe {n}. La ville de Nantes a voté un budget pour ses écoles et ses parcs. Les habitants en "
    f"discutent au marché, chaque samedi, depuis des semaines, avec passion et parfois avec humour." for n in range(80)
)


def test_short_text_is_summarized_in_one_streamed_call():
    engine = FakeEngine(replies=["Nantes vote un budget."])
    evts = events(Summarize(engine, "fr"), {"text": FR_TEXT, "length": "line"})
    assert len(engine.requests) == 1 and result(evts).text == "Nantes vote un budget."
    assert any(isinstance(e, Delta) for e in evts) and result(evts).chunks == 1
    assert "une seule phrase" in engine.requests[0].messages[-1]["content"]


def test_long_text_is_summarized_map_reduce():
    engine = small_engine(1400, *[f"Résumé partiel {n}." for n in range(10)], "Résumé final.")
    evts = events(Summarize(engine, "fr"), {"text": LONG_FR})
    out = result(evts)
    assert out.chunks >= 3 and out.levels == 1 and out.text.startswith("Résumé")
    assert len(engine.requests) == out.chunks + 1
    final = engine.requests[-1].messages[-1]["content"]
    assert "Résumé partiel 0." in final and f"Résumé partiel {out.chunks - 1}." in final
    assert "Paragraphe 3." not in final
    counted = [e for e in evts if isinstance(e, Progress) and e.total]
    assert len(counted) == out.chunks + 1


def test_a_long_summary_says_what_it_reads_and_why_it_cuts_before_the_first_part():
    engine = small_engine(1400, *[f"Résumé partiel {n}." for n in range(10)], "Résumé final.")
    evts = events(Summarize(engine, "fr"), {"text": LONG_FR})
    before = [e for e in itertools.takewhile(lambda e: not (isinstance(e, Progress) and e.total), evts)]
    assert [e.total for e in before] == [0, 0]  # outside the step count
    assert f"{len(LONG_FR):,}".replace(",", "\u202f") in before[0].message and "Lecture" in before[0].message
    assert "découpage en parties" in before[1].message


def test_a_text_far_too_long_is_refused_before_it_is_counted(monkeypatch):
    engine = small_engine(1400)
    counted: list[int] = []
    monkeypatch.setattr(engine, "count_tokens", lambda text: counted.append(len(text)) or len(text.split()))
    with pytest.raises(InvalidRequest) as info:
        Summarize(engine, "fr").run({"text": "mot " * 2_000_000})
    assert info.value.key == "skill.summarize.too_long"
    assert max(counted) < 10_000  # only the prompt was counted, never the 8 MB text


def test_summaries_that_still_do_not_fit_are_summarized_again(monkeypatch):
    # Under the size limit one reduce level suffices; lift the limit to exercise the recursion.
    monkeypatch.setattr(Summarize, "check_size", lambda self, tokens, budget: None)
    long_partial = " ".join(["mot"] * 199)
    engine = small_engine(1400, *[long_partial] * 30)
    evts = events(Summarize(engine, "fr"), {"text": LONG_FR * 3})
    out = result(evts)
    assert out.levels >= 2 and out.chunks >= 7
    assert any(isinstance(e, Progress) and e.detail.get("level") == 1 for e in evts)


def test_text_too_long_even_for_map_reduce_names_the_limit():
    engine = small_engine(1400)
    with pytest.raises(InvalidRequest) as info:
        Summarize(engine, "fr").run({"text": LONG_FR * 4})
    assert info.value.key == "skill.summarize.too_long" and engine.requests == []
    values = info.value.values
    assert values["limit"] == values["budget"] * values["fan_in"] and str(values["limit"]) in info.value.message("fr")
    assert error_key(lambda: Summarize(small_engine(500)).run({"text": FR_TEXT})) == "skill.summarize.context_too_small"


def test_html_is_summarized_without_markup_and_scripts():
    engine = FakeEngine(replies=["- Point un.\n* Point deux\n3. Point trois"])
    html = "<html><body><script>secret()</script><p>Nantes vote un budget pour les écoles.</p></body></html>"
    out = Summarize(engine, "fr").run({"text": html, "length": "bullets", "lang": "en"})
    sent = engine.requests[0].messages[-1]["content"]
    assert "secret" not in sent and "<p>" not in sent and "Nantes vote" in sent and "English" in sent
    assert out.bullets == ["Point un.", "Point deux", "Point trois"] and out.text.startswith("- Point un.")
    empty = "<html><script>only()</script></html>"
    assert error_key(lambda: Summarize(FakeEngine()).run({"text": empty, "format": "html"})) == "text.empty"


# --- improve ------------------------------------------------------------------------------------------
def test_improve_returns_text_and_diff():
    engine = FakeEngine(replies=["Voici le texte corrigé :\nLa réunion de demain est annulée."])
    out = Improve(engine, "fr").run({"text": "la reunion de demain est annulé"})
    assert out.text == "La réunion de demain est annulée." and out.lang == "fr"
    assert {c.kind for c in out.changes} >= {"spelling", "grammar"}
    assert out.unified.startswith("--- ") and "{+" in out.diff


def test_improve_retries_when_the_model_translates_then_gives_up():
    engine = FakeEngine(replies=[EN_TEXT, EN_TEXT])
    evts = events(Improve(engine, "fr"), {"text": FR_TEXT})
    out = result(evts)
    assert out.text == FR_TEXT and out.language_changed and out.changes == [] and "anglais" in out.warnings[0]
    assert len(engine.requests) == 2 and "Ne traduis pas" in engine.requests[1].messages[-1]["content"]
    assert any(isinstance(e, Progress) and "nouvel essai" in e.message for e in evts)


def test_improve_accepts_the_retry_when_it_keeps_the_language():
    better = FR_TEXT.replace("dès que possible", "au plus vite")
    engine = FakeEngine(replies=[EN_TEXT, better])
    out = Improve(engine, "en").run({"text": FR_TEXT, "mode": "rewrite", "tone": "formal"})
    assert out.text == better and not out.language_changed and out.lang == "fr"
    assert "registre soutenu" in engine.requests[0].messages[-1]["content"]  # French prompt for French text


# --- draft --------------------------------------------------------------------------------------------
def test_draft_email_splits_off_the_subject_line():
    engine = FakeEngine(replies=["**Objet : Merci pour ton aide**\n\nBonjour Marie,\n\nMerci !"])
    out = Draft(engine, "fr").run(SAMPLES["draft"])
    assert out.subject == "Merci pour ton aide" and out.text == "Bonjour Marie,\n\nMerci !"
    assert "Objet" in engine.requests[0].messages[-1]["content"]


def test_draft_sms_has_no_subject_and_follows_the_requested_language():
    engine = FakeEngine(replies=["Thanks Marie! Dinner on Saturday?"])
    out = Draft(engine, "fr").run({**SAMPLES["draft"], "kind": "sms", "lang": "en", "tone": "firm"})
    assert out.subject is None and out.lang == "en"
    assert "in English" in engine.requests[0].messages[-1]["content"]


# --- story --------------------------------------------------------------------------------------------
def test_story_has_a_title_and_plain_text():
    engine = FakeEngine(replies=["# Lina et la pluie\n\n**Lina** la tortue aime la *pluie*."])
    evts = events(Story(engine, "fr"), {"age": 4, "characters": ["Lina la tortue"], "lang": "fr"})
    out = result(evts)
    assert out.title == "Lina et la pluie" and out.text == "Lina la tortue aime la pluie."
    assert out.safe and not out.regenerated and len(engine.requests) == 1
    assert "Âge : 4 ans" in engine.requests[0].messages[-1]["content"]
    assert engine.requests[0].frequency_penalty == Story.frequency_penalty > 0  # no looping last sentence


def test_a_title_on_the_line_after_its_label_is_the_title():
    engine = FakeEngine(replies=["Title:\nThe Brave Rabbit\n\nPip hopped home."])
    out = Story(engine, "en").run({"age": 4, "lang": "en"})
    assert (out.title, out.text) == ("The Brave Rabbit", "Pip hopped home.")


def test_a_story_with_only_a_title_is_written_again_with_the_next_seed():
    engine = FakeEngine(replies=["Title: The story", "Title: The story\n\nPip found a carrot."])
    story = Story(engine, "en")
    story.seed = 7
    out = story.run({"age": 4, "lang": "en"})
    assert out.text == "Pip found a carrot." and out.regenerated and not out.warnings
    assert [request.seed for request in engine.requests] == [7, 8]


def test_no_story_after_two_tries_is_said_not_hidden():
    out = Story(FakeEngine(replies=["Title: A", "Titre : B"]), "fr").run({"age": 4, "lang": "fr"})
    assert out.text == "" and out.warnings == [t("skill.story.empty", "fr")]


def test_story_is_regenerated_once_when_the_word_check_fires():
    engine = FakeEngine(replies=["Titre : Le loup\n\nLe loup prend un couteau.", "Titre : Le loup\n\nLe loup chante."])
    out = Story(engine, "fr").run({"age": 6, "lang": "fr"})
    assert out.regenerated and out.safe and out.text == "Le loup chante."
    assert len(engine.requests) == 2 and "Attention" in engine.requests[1].messages[-1]["content"]


def test_story_still_unsafe_after_regeneration_is_flagged():
    engine = FakeEngine(replies=["Title: War\n\nA gun.", "Title: War\n\nBlood everywhere."])
    out = Story(engine, "en").run({"age": 8, "lang": "en", "characters": []})
    assert not out.safe and "blood" in out.warnings[0]


def test_story_without_title_gets_a_default_one():
    out = Story(FakeEngine(replies=["Il était une fois Tom."]), "fr").run({"age": 3, "characters": ["Tom"]})
    assert out.title == "Une histoire pour Tom" and out.text == "Il était une fois Tom."


def test_unsafe_words_ignore_case_and_accents_but_need_whole_words():
    assert unsafe_words("Il a TUÉ le dragon") == ["tue"]
    assert unsafe_words("Une larme coule, des armes brillent") == ["armes"]
    assert unsafe_words("Le chat dort dans le panier.") == []


def test_strip_markdown_leaves_no_stray_marks() -> None:
    from causerie.text import strip_markdown

    text = strip_markdown("#Title\n**The story**\nOnce upon a **time, Pip\n## Chapter 2\nThe end.", pauses=False)
    assert "**" not in text and not any(line.startswith("#") for line in text.splitlines())
    assert "Title" in text and "The story" in text and "Once upon a time, Pip" in text
