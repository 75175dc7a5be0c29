"""Catalogue entries of the conversation store: its errors, the history API, auth limits, and the
`users`, `keys`, `history` and `store` commands."""

STORE: dict[str, dict[str, str]] = {
    # --- the database ---
    "store.unavailable": {
        "fr": "Base de données injoignable ({url}) : {detail}. L'historique est indisponible pour l'instant ; "
        "les routes /v1 sans état continuent de fonctionner. Réessayez dans quelques secondes.",
        "en": "Database unreachable ({url}): {detail}. History is unavailable for now; the stateless /v1 "
        "routes keep working. Retry in a few seconds.",
    },
    "store.bad_url": {
        "fr": "URL de base de données invalide ({url}) : {detail}. Exemple : "
        "postgresql+psycopg://utilisateur:motdepasse@hote/base",
        "en": "Invalid database URL ({url}): {detail}. Example: postgresql+psycopg://user:password@host/db",
    },
    "store.too_new": {
        "fr": "La base {url} a été écrite par une version plus récente de causerie ({detail}). "
        "Mettez causerie à jour.",
        "en": "The database {url} was written by a newer causerie ({detail}). Upgrade causerie.",
    },
    # --- users and keys ---
    "store.bad_user_name": {
        "fr": "Nom d'utilisateur invalide : « {name} ». De 1 à 64 lettres, chiffres ou . @ + - _",
        "en": "Invalid user name: '{name}'. Use 1 to 64 letters, digits or . @ + - _",
    },
    "store.user_exists": {
        "fr": "L'utilisateur « {name} » existe déjà.",
        "en": "User '{name}' already exists.",
    },
    "store.user_not_found": {
        "fr": "Utilisateur inconnu : « {name} ». Voyez : causerie users list",
        "en": "Unknown user: '{name}'. See: causerie users list",
    },
    "store.bad_scopes": {
        "fr": "Portées inconnues ou absentes : {given}. Portées possibles : {known}.",
        "en": "Unknown or missing scopes: {given}. Known scopes: {known}.",
    },
    "store.key_not_found": {
        "fr": "Aucune clé ne commence par « {prefix} ». Voyez : causerie keys list",
        "en": "No key starts with '{prefix}'. See: causerie keys list",
    },
    "store.key_expired": {
        "fr": "La clé d'API {prefix}… a expiré. Créez-en une nouvelle : causerie keys create",
        "en": "API key {prefix}… has expired. Create a new one: causerie keys create",
    },
    "store.key_revoked": {
        "fr": "La clé d'API {prefix}… a été révoquée. Créez-en une nouvelle : causerie keys create",
        "en": "API key {prefix}… has been revoked. Create a new one: causerie keys create",
    },
    # --- conversations ---
    "store.conversation_not_found": {
        "fr": "Conversation introuvable : « {id} ».",
        "en": "Conversation not found: '{id}'.",
    },
    "store.message_not_found": {
        "fr": "Message introuvable : {id}.",
        "en": "Message not found: {id}.",
    },
    "store.feedback_on_answers": {
        "fr": "Le message {id} n'est pas une réponse de l'assistant : seules les réponses reçoivent un avis.",
        "en": "Message {id} is not an assistant answer: only answers take feedback.",
    },
    "store.page_out_of_range": {
        "fr": "Page hors limites : décalage {offset}, mais il n'y a que {total} conversation(s). "
        "Utilisez un décalage inférieur à {total}.",
        "en": "Page out of range: offset {offset}, but there are only {total} conversation(s). "
        "Use an offset below {total}.",
    },
    "store.empty_search": {
        "fr": "Recherche vide : donnez au moins un mot.",
        "en": "Empty search: give at least one word.",
    },
    "store.search_unsupported": {
        "fr": "La recherche plein texte n'est pas disponible sur {backend} (SQLite ou PostgreSQL seulement).",
        "en": "Full-text search is not available on {backend} (SQLite or PostgreSQL only).",
    },
    # --- the history API ---
    "history.too_long": {
        "fr": "Message trop long : {size} caractères, la limite est de {limit}. Découpez-le en plusieurs messages.",
        "en": "Message too long: {size} characters, the limit is {limit}. Split it into several messages.",
    },
    "history.nul_character": {
        "fr": "Le champ « {field} » contient un caractère nul (\\u0000), qui ne peut pas être enregistré. "
        "Retirez-le.",
        "en": "Field '{field}' contains a NUL character (\\u0000), which cannot be stored. Remove it.",
    },
    "history.invalid_utf8": {
        "fr": "Le champ « {field} » n'est pas de l'Unicode valide (demi-paire de substitution isolée à la "
        "position {position}). Envoyez du texte UTF-8 valide.",
        "en": "Field '{field}' is not valid Unicode (a lone surrogate at position {position}). Send valid UTF-8 "
        "text.",
    },
    "history.untitled": {"fr": "Conversation sans titre", "en": "Untitled conversation"},
    "history.md.user": {"fr": "Vous", "en": "You"},
    "history.md.assistant": {"fr": "Assistant", "en": "Assistant"},
    "history.md.system": {"fr": "Invite système :", "en": "System prompt:"},
    "history.md.meta": {
        "fr": "_Créée le {created} · modèle {model} · {id}_",
        "en": "_Created {created} · model {model} · {id}_",
    },
    "history.status.complete": {"fr": "terminée", "en": "complete"},
    "history.status.interrupted": {"fr": "interrompue", "en": "interrupted"},
    "history.status.error": {"fr": "erreur", "en": "error"},
    # --- auth and limits ---
    "auth.missing_scope": {
        "fr": "Cette clé n'a pas la portée « {scope} » (elle a : {scopes}). Créez une clé qui l'a : "
        "causerie keys create --scopes {scope}",
        "en": "This key lacks the '{scope}' scope (it has: {scopes}). Create a key that has it: "
        "causerie keys create --scopes {scope}",
    },
    "auth.keys_required_off_loopback": {
        "fr": "Le mode sans clé n'est permis que depuis cette machine (loopback). Envoyez une clé d'API.",
        "en": "Keyless mode is allowed from this machine only (loopback). Send an API key.",
    },
    "auth.rate_limited": {
        "fr": "Trop de requêtes : cette clé est limitée à {limit} requêtes par minute. Réessayez dans "
        "{retry_after} s.",
        "en": "Too many requests: this key is limited to {limit} requests per minute. Retry in {retry_after} s.",
    },
    "auth.quota_exceeded": {
        "fr": "Quota de jetons épuisé : {used} jetons utilisés aujourd'hui sur {quota}. Il se renouvelle à minuit "
        "UTC, dans {retry_after} s.",
        "en": "Token quota spent: {used} of {quota} tokens used today. It renews at midnight UTC, in "
        "{retry_after} s.",
    },
}
