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
    "cli.opt.seed": {
        "fr": "Graine aléatoire, pour une génération reproductible.",
        "en": "Random seed, for reproducible generation.",
    },
    "cli.opt.json": {"fr": "Afficher en JSON.", "en": "Print as JSON."},
    "cli.opt.yes": {"fr": "Ne pas demander de confirmation.", "en": "Do not ask for confirmation."},
    # click's own --help option, on every command and group.
    "cli.opt.help": {"fr": "Afficher cette aide et quitter.", "en": "Show this message and exit."},
    "cli.opt.home": {"fr": "Dossier des données de causerie : modèles, réglages, base (défaut : $CAUSERIE_HOME, "
                           "sinon ~/.local/share/causerie).",
                     "en": "causerie's data folder: models, settings, database (default: $CAUSERIE_HOME, else "
                           "~/.local/share/causerie)."},
    # --- ask ---
    "cli.opt.question": {
        "fr": "La question (ou du texte envoyé sur l'entrée standard).",
        "en": "Question (or pipe text on stdin).",
    },
    "cli.opt.ask_json": {
        "fr": "Afficher un seul objet JSON avec la réponse et la fiche du modèle.",
        "en": "Print one JSON object with the answer and model card.",
    },
    "cli.opt.temperature": {
        "fr": "Température, de 0 (la plus prévisible) à 2 (la plus variée). Par défaut : celle du modèle.",
        "en": "Temperature, from 0 (most predictable) to 2 (most varied). Default: the model's.",
    },
    "cli.opt.max_tokens": {
        "fr": "Longueur maximale de la réponse, en jetons (par défaut : le réglage cli_max_tokens, 1024 ; "
        "une réponse qui tourne en boucle est arrêtée avant).",
        "en": "Longest answer, in tokens (default: the cli_max_tokens setting, 1024; an answer that loops is "
        "stopped sooner).",
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
    "cli.opt.chat_continue": {"fr": "Reprendre la dernière conversation.", "en": "Continue the latest conversation."},
    "cli.opt.chat_conversation": {"fr": "Reprendre cette conversation (son identifiant, voir causerie history list).",
                                  "en": "Continue this conversation (its id, see causerie history list)."},
    "cli.opt.chat_no_save": {"fr": "Ne pas enregistrer cette conversation dans l'historique.",
                             "en": "Do not save this conversation in the history."},
    "cli.opt.read_aloud": {
        "fr": "Écrire aussi le texte et son audio (mp3) dans le dossier courant.",
        "en": "Also write the text and its audio (mp3) in the current folder.",
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
    "cli.opt.replicas": {
        "fr": "Servir le modèle depuis N répliques sur Ray Serve (démarre Ray ici, sauf avec --ray-address).",
        "en": "Serve the model from N replicas on Ray Serve (starts Ray here unless --ray-address is given).",
    },
    "cli.opt.ray_address": {
        "fr": "Rejoindre ce cluster Ray (hôte:port d'une tête lancée par « ray start --head »).",
        "en": "Join this Ray cluster (host:port of a head started with 'ray start --head').",
    },
    "cli.opt.server_url": {
        "fr": "Adresse du serveur causerie à interroger (par défaut : celle des réglages host et port).",
        "en": "URL of the causerie server to ask (default: from the host and port settings).",
    },
    # --- models ---
    "cli.opt.model_name": {
        "fr": "Nom du modèle (voir `causerie models`).",
        "en": "Model name (see `causerie models`).",
    },
    # --- eval ---
    "cli.opt.eval_data": {
        "fr": "Fichier JSONL/JSON/TSV, ou le dossier des données d'évaluation",
        "en": "JSONL/JSON/TSV file, or the eval-data folder",
    },
    "cli.opt.eval_limit": {"fr": "Les N premières lignes de la partition", "en": "N first rows of the split"},
    "cli.opt.eval_temperature": {
        "fr": "Température, de 0 (la plus prévisible) à 2 (la plus variée).",
        "en": "Temperature, from 0 (most predictable) to 2 (most varied).",
    },
    "cli.opt.eval_max_tokens": {
        "fr": "Longueur maximale de chaque réponse, en jetons.",
        "en": "Longest answer to each row, in tokens.",
    },
    "cli.opt.eval_concurrency": {
        "fr": "Lignes traitées en même temps (requêtes simultanées au modèle).",
        "en": "Rows processed at once (simultaneous requests to the model).",
    },
    "cli.opt.eval_report_out": {
        "fr": "Fichier Markdown (par défaut : affiché)",
        "en": "Markdown file (default: print)",
    },
    "cli.opt.eval_plot": {"fr": "Fichier PNG du graphique", "en": "PNG file"},
    # --- users, keys, history and store ---
    "cli.opt.user_name": {"fr": "Nom de l'utilisateur.", "en": "User name."},
    "cli.opt.admin": {"fr": "L'ajouter comme administrateur.", "en": "Add them as an administrator."},
    "cli.opt.key_user": {"fr": "L'utilisateur à qui appartient la clé.", "en": "User who owns the key."},
    "cli.opt.key_name": {
        "fr": "Un nom pour reconnaître la clé dans la liste.",
        "en": "A label to recognize the key by in the list.",
    },
    "cli.opt.key_expires_days": {
        "fr": "Durée de validité, en jours (par défaut : la clé n'expire pas).",
        "en": "Days until the key expires (default: never).",
    },
    "cli.opt.key_list_user": {"fr": "Seulement les clés de cet utilisateur.", "en": "Only this user's keys."},
    "cli.opt.key_prefix": {
        "fr": "Le préfixe de la clé (voir `causerie keys list`).",
        "en": "The key's prefix (see `causerie keys list`).",
    },
    "cli.opt.history_user": {
        "fr": "L'utilisateur dont c'est l'historique (local : celui du mode mono-utilisateur).",
        "en": "Whose history it is (local: the user of single-user mode).",
    },
    "cli.opt.history_limit": {"fr": "Nombre maximal de conversations affichées.", "en": "Most conversations shown."},
    "cli.opt.history_offset": {
        "fr": "Nombre de conversations à sauter d'abord (pour paginer).",
        "en": "Conversations to skip first (for paging).",
    },
    "cli.opt.conversation_id": {
        "fr": "Identifiant de la conversation (voir `causerie history list`).",
        "en": "Conversation id (see `causerie history list`).",
    },
    "cli.opt.search_query": {"fr": "Les mots à chercher.", "en": "Words to search for."},
    "cli.opt.search_limit": {"fr": "Nombre maximal de résultats.", "en": "Most results shown."},
    "cli.opt.export_conversation": {
        "fr": "La conversation à exporter (par défaut : toutes).",
        "en": "Conversation to export (default: all of them).",
    },
    "cli.opt.export_output": {
        "fr": "Fichier à écrire (par défaut : la sortie standard).",
        "en": "File to write (default: stdout).",
    },
    "cli.opt.delete_conversation": {
        "fr": "La conversation à supprimer (ou --all).",
        "en": "Conversation to delete (or --all).",
    },
    "cli.opt.delete_all": {
        "fr": "Supprimer toutes les conversations de l'utilisateur.",
        "en": "Delete all of the user's conversations.",
    },
    "cli.opt.rate_limit": {"fr": "requêtes/min", "en": "requests/min"},
    "cli.opt.quota": {"fr": "jetons/jour", "en": "tokens/day"},
    "cli.opt.purge_days": {
        "fr": "Nombre de jours (par défaut : retention_days).",
        "en": "Number of days (default: retention_days).",
    },
}
