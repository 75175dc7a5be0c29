"""Catalogue entries of the server under load and bad input: the queue in front of the engines, health,
time limits, and the checks every request body passes (text, numbers, nesting)."""

SERVING: dict[str, dict[str, str]] = {
    # --- the queue in front of an engine's slots ---
    "api.queue_full": {
        "fr": "Serveur occupé : {running} génération(s) en cours et {queued} en attente, la file est pleine "
        "(max_queue = {limit}). Réessayez dans {retry_after} s, ou augmentez CAUSERIE_MAX_QUEUE.",
        "en": "Server busy: {running} generation(s) running and {queued} waiting, the queue is full "
        "(max_queue = {limit}). Retry in {retry_after} s, or raise CAUSERIE_MAX_QUEUE.",
    },
    "api.queue_timeout": {
        "fr": "Aucune place ne s'est libérée en {waited} s (queue_timeout = {timeout} s) : {running} génération(s) "
        "en cours, {queued} en attente. Réessayez dans {retry_after} s, ou augmentez CAUSERIE_QUEUE_TIMEOUT.",
        "en": "No slot became free within {waited} s (queue_timeout = {timeout} s): {running} generation(s) "
        "running, {queued} waiting. Retry in {retry_after} s, or raise CAUSERIE_QUEUE_TIMEOUT.",
    },
    "api.skill_timeout": {
        "fr": "La compétence « {skill} » n'a pas fini en {limit} s et a été arrêtée. Essayez un texte plus court, "
        "réessayez quand le serveur est moins chargé, ou augmentez CAUSERIE_SKILL_TIMEOUT.",
        "en": "Skill '{skill}' did not finish within {limit} s and was stopped. Try a shorter text, retry when "
        "the server is less busy, or raise CAUSERIE_SKILL_TIMEOUT.",
    },
    # --- health ---
    "health.stalled": {
        "fr": "Le moteur de « {model} » n'a rien produit depuis {seconds} s alors que {running} génération(s) "
        "tournent (limite : {limit} s, CAUSERIE_STALL_TIMEOUT).",
        "en": "The engine of '{model}' has produced nothing for {seconds} s while {running} generation(s) "
        "run (limit: {limit} s, CAUSERIE_STALL_TIMEOUT).",
    },
    # --- request bodies ---
    "api.invalid_utf8": {
        "fr": "Le corps de la requête n'est pas de l'UTF-8 valide (octet {position}). Envoyez du JSON en UTF-8.",
        "en": "The request body is not valid UTF-8 (byte {position}). Send JSON encoded as UTF-8.",
    },
    "api.too_deep": {
        "fr": "Le JSON est imbriqué sur plus de {limit} niveaux. Aplatissez la requête.",
        "en": "The JSON is nested deeper than {limit} levels. Flatten the request.",
    },
    "api.lone_surrogate": {
        "fr": "Champ « {field} » : le texte contient un demi-caractère Unicode isolé ({code_point}), qui n'est pas "
        "du texte valide. Corrigez l'encodage de ce texte.",
        "en": "Field '{field}': the text holds a lone Unicode surrogate ({code_point}), which is not valid text. "
        "Fix the encoding of this text.",
    },
    "api.too_large": {
        "fr": "Champ « {field} » : {value} est trop grand ; le maximum est {limit}.",
        "en": "Field '{field}': {value} is too large; the maximum is {limit}.",
    },
    "api.too_small": {
        "fr": "Champ « {field} » : {value} est trop petit ; le minimum est {limit}.",
        "en": "Field '{field}': {value} is too small; the minimum is {limit}.",
    },
    "api.missing_field": {
        "fr": "Champ « {field} » manquant : il est obligatoire.",
        "en": "Field '{field}' is missing: it is required.",
    },
    "api.blank_field": {
        "fr": "Champ « {field} » vide : donnez un nom qui ne soit pas fait que d'espaces.",
        "en": "Field '{field}' is blank: give a name that is not only spaces.",
    },
    "api.empty_stop": {
        "fr": "Champ « stop » : une séquence d'arrêt vide arrêterait la réponse avant son début. "
        "Retirez-la ou donnez du texte.",
        "en": "Field 'stop': an empty stop sequence would end the answer before it starts. "
        "Remove it or give some text.",
    },
    "api.too_many_stops": {
        "fr": "Champ « stop » : {count} séquences d'arrêt, au plus {limit} sont acceptées.",
        "en": "Field 'stop': {count} stop sequences, at most {limit} are accepted.",
    },
    "api.empty_prompt": {
        "fr": "Champ « {field} » : le texte à continuer est vide, il n'y a rien à compléter. Donnez du texte.",
        "en": "Field '{field}': the text to continue is empty, there is nothing to complete. Give some text.",
    },
    "api.empty_model": {
        "fr": "Champ « model » vide. Nommez un modèle ({available}) ou omettez le champ pour le modèle par défaut.",
        "en": "Field 'model' is empty. Name a model ({available}) or leave the field out for the default model.",
    },
}
