"""Messages of remote pools (several upstream servers behind one remote model), in French and English."""

from __future__ import annotations

POOL: dict[str, dict[str, str]] = {
    # --- config.toml: a [[remotes]] entry ---
    "pool.url_both": {
        "fr": "Modèle distant « {name} » : « base_url » et « base_urls » sont tous deux donnés. Gardez « base_url » "
        "pour un seul serveur, ou « base_urls » pour un groupe de serveurs, pas les deux.",
        "en": "Remote model '{name}': both 'base_url' and 'base_urls' are set. Keep 'base_url' for one server, or "
        "'base_urls' for a pool of servers, not both.",
    },
    "pool.url_missing": {
        "fr": "Modèle distant « {name} » : aucune adresse de serveur. Donnez « base_url » (un serveur, par exemple "
        "« http://127.0.0.1:11434/v1 ») ou « base_urls » (une liste de serveurs).",
        "en": "Remote model '{name}': no server address. Set 'base_url' (one server, e.g. "
        "'http://127.0.0.1:11434/v1') or 'base_urls' (a list of servers).",
    },
    "pool.urls_empty": {
        "fr": "Modèle distant « {name} » : « base_urls » est une liste vide. Mettez-y au moins une adresse de serveur, "
        "ou utilisez « base_url ».",
        "en": "Remote model '{name}': 'base_urls' is an empty list. Put at least one server address in it, or use "
        "'base_url'.",
    },
    "pool.url_scheme": {
        "fr": "Modèle distant « {name} » : l'adresse « {url} » de « base_urls » ne commence pas par http:// ni "
        "https://. Écrivez l'adresse complète, par exemple « http://gpu-a:8000/v1 ».",
        "en": "Remote model '{name}': the address '{url}' in 'base_urls' does not start with http:// or https://. "
        "Write the full address, e.g. 'http://gpu-a:8000/v1'.",
    },
    "pool.url_duplicate": {
        "fr": "Modèle distant « {name} » : l'adresse « {url} » figure deux fois dans « base_urls ». Retirez le "
        "doublon ; pour envoyer plus de requêtes à ce serveur, augmentez son poids dans « weights ».",
        "en": "Remote model '{name}': the address '{url}' appears twice in 'base_urls'. Remove the duplicate; to "
        "send more requests to that server, raise its weight in 'weights'.",
    },
    "pool.weights_without_pool": {
        "fr": "Modèle distant « {name} » : « weights » n'a de sens qu'avec « base_urls ». Retirez « weights », ou "
        "remplacez « base_url » par « base_urls ».",
        "en": "Remote model '{name}': 'weights' only applies to 'base_urls'. Remove 'weights', or replace "
        "'base_url' with 'base_urls'.",
    },
    "pool.weights_length": {
        "fr": "Modèle distant « {name} » : {weights} poids dans « weights » pour {urls} serveur(s) dans "
        "« base_urls ». Donnez un poids par serveur, dans le même ordre, ou retirez « weights » (1 chacun).",
        "en": "Remote model '{name}': {weights} weight(s) in 'weights' for {urls} server(s) in 'base_urls'. Give "
        "one weight per server, in the same order, or remove 'weights' (1 each).",
    },
    "pool.weight_not_positive": {
        "fr": "Modèle distant « {name} » : le poids {weight} du serveur « {url} » doit être un entier positif "
        "(1 ou plus). Pour ne plus utiliser ce serveur, retirez-le de « base_urls ».",
        "en": "Remote model '{name}': the weight {weight} of server '{url}' must be a positive integer (1 or "
        "more). To stop using that server, remove it from 'base_urls'.",
    },
    # --- serving ---
    "pool.all_down": {
        "fr": "Aucun serveur du groupe « {name} » ne répond : {upstreams} sont hors service (dernière erreur : "
        "{detail}). Vérifiez qu'ils tournent et sont joignables depuis causerie ; ils sont réessayés "
        "automatiquement, réessayez dans {retry_after} s.",
        "en": "No server of pool '{name}' answers: {upstreams} are down (last error: {detail}). Check that they "
        "run and that causerie can reach them; they are probed again automatically, retry in {retry_after} s.",
    },
    "pool.all_down_health": {
        "fr": "Tous les serveurs du groupe « {name} » sont hors service : {upstreams} (dernière erreur : "
        "{detail}). Vérifiez qu'ils tournent et sont joignables ; ils sont réessayés automatiquement.",
        "en": "Every server of pool '{name}' is down: {upstreams} (last error: {detail}). Check that they run and "
        "are reachable; they are probed again automatically.",
    },
    "pool.stream_broken": {
        "fr": "La connexion au serveur « {url} » du groupe « {name} » a été coupée au milieu de la réponse "
        "({detail}). La réponse est incomplète ; elle n'est pas rejouée sur un autre serveur, pour ne pas envoyer "
        "deux fois le même début. Relancez la requête.",
        "en": "The connection to server '{url}' of pool '{name}' broke in the middle of the answer ({detail}). The "
        "answer is incomplete; it is not replayed on another server, so the same beginning is never sent twice. "
        "Send the request again.",
    },
}
