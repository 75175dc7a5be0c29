"""Help texts of the CLI's options and arguments (`causerie <command> --help`).

One key per distinct text: an option that means the same thing in several commands (`--model`, the text
argument) shares its key. Lists of values the user types (`fr | en`, `dev | test | all`) stay in the code,
since they read the same in both languages."""

CLI_HELP: dict[str, dict[str, str]] = {
    # --- shared by several commands ---
    "cli.opt.text_arg": {
        "fr": "Le texte, ou « - » ou rien pour lire l'entrée standard.",
        "en": "Text, or '-' / nothing to read stdin.",
    },
    "cli.opt.model": {
        "fr": "Nom du modèle ou chemin d'un fichier .gguf.",
        "en": "Model name or .gguf path.",
    },
    "cli.opt.system": {
        "fr": "Consigne système ('' pour aucune).",
        "en": "System prompt ('' for none).",
    },
    # --- ask ---
    "cli.opt.question": {
        "fr": "La question (ou du texte envoyé sur l'entrée standard).",
        "en": "Question (or pipe text on stdin).",
    },
    "cli.opt.ask_json": {
        "fr": "Afficher un seul objet JSON avec la réponse et la fiche du modèle.",
        "en": "Print one JSON object with the answer and model card.",
    },
    # --- skills ---
    "cli.opt.skill_file": {
        "fr": "Lire le texte dans ce fichier (.txt, .md, .html, .py…).",
        "en": "Read the text from this file (.txt, .md, .html, .py…).",
    },
    "cli.opt.skill_json": {
        "fr": "Afficher en JSON la sortie complète de la compétence.",
        "en": "Print the skill's full output as JSON.",
    },
    "cli.opt.tests": {
        "fr": "Fichier de tests (des assert ou des fonctions test_*) pour vérifier le code.",
        "en": "File of tests (asserts or test_* functions) to verify with.",
    },
    "cli.opt.draft_lang": {"fr": "Langue : fr | en.", "en": "Language: fr | en."},
    "cli.opt.translate_to": {
        "fr": "Langue cible : fr | en | de | es | it | pt | nl.",
        "en": "Target language: fr | en | de | es | it | pt | nl.",
    },
    "cli.opt.translate_from": {
        "fr": "Langue source (par défaut : détectée).",
        "en": "Source language (default: detected).",
    },
    "cli.opt.summary_lang": {
        "fr": "Langue du résumé (par défaut : celle du texte).",
        "en": "Language of the summary (default: the text's).",
    },
    "cli.opt.story_theme": {"fr": "Le sujet de l'histoire.", "en": "What the story is about."},
    "cli.opt.story_age": {"fr": "Âge de l'enfant (de 2 à 12 ans).", "en": "Age of the child (2-12)."},
    "cli.opt.story_character": {"fr": "Un personnage (répétable).", "en": "A character (repeatable)."},
    "cli.opt.story_read_aloud": {
        "fr": "Écrire aussi le texte de l'histoire et son audio (mp3) dans le dossier courant.",
        "en": "Also write the story's text and its audio (mp3) in the current folder.",
    },
    "cli.opt.with_tests": {
        "fr": "Écrire aussi des tests et les exécuter.",
        "en": "Also write tests and run them.",
    },
    "cli.opt.entry": {"fr": "La fonction à optimiser.", "en": "Function to optimize."},
    "cli.opt.fix_error": {
        "fr": "Le message d'erreur ou la trace d'appels (traceback).",
        "en": "The error message or traceback.",
    },
    "cli.opt.fix_description": {"fr": "Ce qui ne va pas.", "en": "What goes wrong."},
    "cli.opt.fix_attempts": {"fr": "Tours corriger-tester (de 1 à 6).", "en": "Fix-and-test rounds (1-6)."},
    "cli.opt.explain_lang": {
        "fr": "Langue de l'explication : fr | en.",
        "en": "Language of the explanation: fr | en.",
    },
    # --- speak ---
    "cli.opt.text_file": {"fr": "Lire le texte dans ce fichier.", "en": "Read the text from this file."},
    "cli.opt.speak_output": {
        "fr": "Fichier audio à écrire (par défaut : la sortie standard si elle est redirigée).",
        "en": "Audio file to write (default: stdout when redirected).",
    },
    "cli.opt.speak_voice": {
        "fr": "Une voix de `causerie voices`, fr, en, ou un nom OpenAI (alloy…). "
        "Par défaut : selon la langue du texte.",
        "en": "A voice of `causerie voices`, fr, en, or an OpenAI name (alloy…). Default: by the text's language.",
    },
    # The values keep their decimal point: that is how they are typed.
    "cli.opt.speak_speed": {"fr": "De 0.25 à 4.0 (1.0 : vitesse normale).", "en": "0.25 to 4.0 (1.0: normal)."},
    "cli.opt.speak_format": {
        "fr": "wav | mp3 | opus | flac | aac | pcm (par défaut : selon l'extension du fichier, sinon wav).",
        "en": "wav | mp3 | opus | flac | aac | pcm (default: from the file's suffix, else wav).",
    },
    # --- transcribe ---
    "cli.opt.audio_file": {
        "fr": "Fichier audio (wav, mp3, ogg/opus, flac, m4a, webm…).",
        "en": "Audio file (wav, mp3, ogg/opus, flac, m4a, webm…).",
    },
    "cli.opt.transcribe_language": {
        "fr": "fr, en… (par défaut : détectée).",
        "en": "fr, en… (default: detected).",
    },
    "cli.opt.transcribe_prompt": {
        "fr": "Mots attendus (noms propres, orthographe).",
        "en": "Words to expect (names, spelling).",
    },
    # --- serve ---
    "cli.opt.host": {"fr": "Adresse d'écoute (par défaut : 127.0.0.1).", "en": "Bind address (default 127.0.0.1)."},
    "cli.opt.port": {"fr": "Port (par défaut : 8000).", "en": "Port (default 8000)."},
    "cli.opt.api_key": {"fr": "Clé « bearer » acceptée (répétable).", "en": "Accepted bearer key (repeatable)."},
    "cli.opt.allow_insecure": {
        "fr": "Écouter ailleurs que sur la boucle locale sans clé.",
        "en": "Bind off-loopback without a key.",
    },
    "cli.opt.parallel": {
        "fr": "Emplacements parallèles du moteur local.",
        "en": "Parallel slots of the local engine.",
    },
    "cli.opt.context_size": {"fr": "Contexte total du moteur local.", "en": "Total context of the local engine."},
    "cli.opt.threads": {
        "fr": "Fils d'exécution (threads) CPU du moteur local.",
        "en": "CPU threads of the local engine.",
    },
    # --- eval ---
    "cli.opt.eval_data": {
        "fr": "Fichier JSONL/JSON/TSV, ou le dossier des données d'évaluation",
        "en": "JSONL/JSON/TSV file, or the eval-data folder",
    },
    "cli.opt.eval_limit": {"fr": "Les N premières lignes de la partition", "en": "N first rows of the split"},
    "cli.opt.eval_report_out": {
        "fr": "Fichier Markdown (par défaut : affiché)",
        "en": "Markdown file (default: print)",
    },
    "cli.opt.eval_plot": {"fr": "Fichier PNG du graphique", "en": "PNG file"},
    # --- keys and store ---
    "cli.opt.rate_limit": {"fr": "requêtes/min", "en": "requests/min"},
    "cli.opt.quota": {"fr": "jetons/jour", "en": "tokens/day"},
    "cli.opt.purge_days": {
        "fr": "Nombre de jours (par défaut : retention_days).",
        "en": "Number of days (default: retention_days).",
    },
}
