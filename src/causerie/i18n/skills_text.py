"""Catalogue entries of the text skills (draft, improve, translate, summarize, story)."""

SKILLS_TEXT: dict[str, dict[str, str]] = {
    # --- shared input errors ---
    "text.empty": {
        "fr": "Le texte est vide : donnez au moins quelques mots.",
        "en": "The text is empty: give at least a few words.",
    },
    "text.binary": {
        "fr": "Ce contenu ne ressemble pas à du texte (octets nuls ou encodage illisible). Donnez un texte "
        "ou un fichier .txt, .md ou .html, de préférence en UTF-8.",
        "en": "This content does not look like text (NUL bytes or unreadable encoding). Give a text or a "
        ".txt, .md or .html file, preferably in UTF-8.",
    },
    "text.unknown_language": {
        "fr": "Code de langue inconnu : « {given} ». Codes pris en charge : {supported}.",
        "en": "Unknown language code: '{given}'. Supported codes: {supported}.",
    },
    "text.too_long_chars": {
        "fr": "Texte trop long : {size} caractères, la limite est de {limit}. Découpez-le en plusieurs parties.",
        "en": "Text too long: {size} characters, the limit is {limit}. Split it into several parts.",
    },
    "text.too_long": {
        "fr": "Texte trop long pour ce modèle : environ {tokens} jetons, au plus {limit} ici. "
        "Raccourcissez-le ou découpez-le.",
        "en": "Text too long for this model: about {tokens} tokens, at most {limit} here. Shorten or split it.",
    },
    "text.unsupported_file": {
        "fr": "Type de fichier non pris en charge : {suffix}. Types acceptés : {supported}.",
        "en": "Unsupported file type: {suffix}. Accepted types: {supported}.",
    },
    # --- language names (prompts and messages) ---
    "text.lang.fr": {"fr": "français", "en": "French"},
    "text.lang.en": {"fr": "anglais", "en": "English"},
    "text.lang.de": {"fr": "allemand", "en": "German"},
    "text.lang.es": {"fr": "espagnol", "en": "Spanish"},
    "text.lang.it": {"fr": "italien", "en": "Italian"},
    "text.lang.pt": {"fr": "portugais", "en": "Portuguese"},
    "text.lang.nl": {"fr": "néerlandais", "en": "Dutch"},
    # --- kinds of edits (improve's diff) ---
    "text.change.spelling": {"fr": "orthographe", "en": "spelling"},
    "text.change.punctuation": {"fr": "ponctuation", "en": "punctuation"},
    "text.change.grammar": {"fr": "grammaire", "en": "grammar"},
    "text.change.wording": {"fr": "formulation", "en": "wording"},
    # --- translate ---
    "skill.translate.progress": {
        "fr": "Traduction : partie {step} sur {total}",
        "en": "Translating: part {step} of {total}",
    },
    "skill.translate.same_language": {
        "fr": "Le texte est déjà en {lang} : il est rendu tel quel.",
        "en": "The text is already in {lang}: returned unchanged.",
    },
    "skill.translate.lost": {
        "fr": "Partie {chunk} : la traduction a perdu des éléments à garder tels quels, même après un second "
        "essai : {items}. Vérifiez ce passage.",
        "en": "Part {chunk}: the translation lost items that must be kept as is, even after a second try: "
        "{items}. Please check this passage.",
    },
    "skill.translate.untranslated": {
        "fr": "Partie {chunk} : le modèle n'a pas donné de traduction utilisable ; le passage « {start}… » "
        "est laissé dans sa langue d'origine.",
        "en": "Part {chunk}: the model gave no usable translation; the passage '{start}…' is left in its "
        "original language.",
    },
    # --- summarize ---
    "skill.summarize.reading": {"fr": "Lecture du texte ({chars} caractères)…",
                                "en": "Reading the text ({chars} characters)…"},
    "skill.summarize.splitting": {
        "fr": "{tokens} jetons, plus que les {budget} qu'une passe peut lire : découpage en parties, résumées une "
        "à une, puis leur synthèse…",
        "en": "{tokens} tokens, more than the {budget} one pass can read: cutting it into parts, summarized one "
        "by one, then combined…",
    },
    "skill.summarize.progress_map": {
        "fr": "Résumé de la partie {step} sur {total}",
        "en": "Summarizing part {step} of {total}",
    },
    "skill.summarize.progress_reduce": {
        "fr": "Synthèse de {count} résumés partiels (niveau {level})",
        "en": "Combining {count} partial summaries (level {level})",
    },
    "skill.summarize.too_long": {
        "fr": "Texte trop long même par morceaux : environ {tokens} jetons, au plus {limit} avec ce modèle "
        "({budget} jetons par morceau × {fan_in} morceaux, pour un contexte de {context} jetons). "
        "Découpez le document ou choisissez un modèle à plus grand contexte.",
        "en": "Text too long even in parts: about {tokens} tokens, at most {limit} with this model "
        "({budget} tokens a part × {fan_in} parts, for a {context}-token context). Split the document or "
        "pick a model with a larger context.",
    },
    "skill.summarize.context_too_small": {
        "fr": "Le contexte du modèle ({context} jetons) est trop petit pour résumer.",
        "en": "The model's context ({context} tokens) is too small to summarize.",
    },
    # --- improve ---
    "skill.improve.progress": {"fr": "Relecture du texte…", "en": "Proofreading the text…"},
    "skill.improve.retry_language": {
        "fr": "La réponse était en {output} au lieu de {source} : nouvel essai.",
        "en": "The answer was in {output} instead of {source}: trying again.",
    },
    "skill.improve.language_changed": {
        "fr": "Le modèle a répondu en {output} au lieu de {source}, deux fois : le texte d'origine est rendu "
        "sans modification.",
        "en": "The model answered in {output} instead of {source}, twice: the original text is returned "
        "unchanged.",
    },
    # --- story ---
    "skill.story.age": {
        "fr": "L'âge doit être compris entre 2 et 12 ans (reçu : {age}).",
        "en": "The age must be between 2 and 12 (got: {age}).",
    },
    "skill.story.characters": {
        "fr": "Trop de personnages : {limit} au plus, chacun nommé en quelques mots.",
        "en": "Too many characters: {limit} at most, each named in a few words.",
    },
    "skill.story.progress": {"fr": "Écriture de l'histoire…", "en": "Writing the story…"},
    "skill.story.retry_empty": {
        "fr": "Le modèle n'a écrit qu'un titre : nouvel essai…",
        "en": "The model wrote only a title: trying again…",
    },
    "skill.story.empty": {
        "fr": "Le modèle n'a pas écrit d'histoire, même au second essai : relancez, ou choisissez un modèle "
              "plus grand.",
        "en": "The model wrote no story, even on a second try: run it again, or choose a larger model.",
    },
    "skill.story.regenerating": {
        "fr": "L'histoire contenait des mots inadaptés aux enfants : nouvelle version.",
        "en": "The story contained words unsuitable for children: writing a new version.",
    },
    "skill.story.unsafe": {
        "fr": "Attention : même réécrite, l'histoire contient des mots à vérifier avant de la lire à un "
        "enfant : {words}.",
        "en": "Warning: even rewritten, the story contains words to check before reading it to a child: {words}.",
    },
    "skill.story.default_title": {"fr": "Une histoire pour {names}", "en": "A story for {names}"},
    "skill.story.default_title_none": {"fr": "Une histoire du soir", "en": "A bedtime story"},
}
