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
    # --- CLI: help ---
    "cli.help.store": {"fr": "Gérer la base de l'historique : état et rétention.",
                       "en": "Manage the history database: status and retention."},
    "cli.help.store_info": {"fr": "Montrer où est la base, sa version de schéma et ce qu'elle contient.",
                            "en": "Show where the database is, its schema version and what it holds."},
    "cli.help.store_purge": {
        "fr": "Supprimer définitivement les conversations inactives depuis N jours (--days, sinon retention_days).",
        "en": "Permanently delete conversations untouched for N days (--days, otherwise retention_days).",
    },
    "cli.help.users": {"fr": "Gérer les utilisateurs du serveur.", "en": "Manage the server's users."},
    "cli.help.users_add": {"fr": "Ajouter un utilisateur.", "en": "Add a user."},
    "cli.help.users_list": {"fr": "Lister les utilisateurs.", "en": "List the users."},
    "cli.help.users_delete": {
        "fr": "Supprimer un utilisateur et tout ce qui lui appartient (clés, conversations, avis).",
        "en": "Delete a user and everything they own (keys, conversations, feedback).",
    },
    "cli.help.keys": {"fr": "Gérer les clés d'API des utilisateurs.", "en": "Manage the users' API keys."},
    "cli.help.keys_create": {
        "fr": "Créer une clé d'API (affichée une seule fois) : portées, expiration, limite de débit, quota.",
        "en": "Create an API key (shown once): scopes, expiry, rate limit, quota.",
    },
    "cli.help.keys_list": {"fr": "Lister les clés (préfixe, état, limites) ; jamais la clé elle-même.",
                           "en": "List the keys (prefix, state, limits); never the key itself."},
    "cli.help.keys_revoke": {"fr": "Révoquer une clé, désignée par son préfixe.",
                             "en": "Revoke a key, given by its prefix."},
    "cli.help.history": {"fr": "Consulter et gérer l'historique des conversations.",
                         "en": "Browse and manage the conversation history."},
    "cli.help.history_list": {"fr": "Lister les conversations, les plus récentes d'abord.",
                              "en": "List conversations, most recent first."},
    "cli.help.history_show": {"fr": "Afficher une conversation (Markdown, ou --json).",
                              "en": "Show a conversation (Markdown, or --json)."},
    "cli.help.history_search": {"fr": "Chercher des mots dans l'historique.", "en": "Search the history for words."},
    "cli.help.history_export": {
        "fr": "Exporter une conversation, ou toutes les données d'un utilisateur, en JSON ou Markdown.",
        "en": "Export one conversation, or all of a user's data, as JSON or Markdown.",
    },
    "cli.help.history_delete": {
        "fr": "Supprimer définitivement une conversation, ou toutes (--all).",
        "en": "Permanently delete one conversation, or all of them (--all).",
    },
    # --- CLI: output ---
    "store.info.title": {"fr": "Base de l'historique", "en": "History database"},
    "store.purge.no_policy": {
        "fr": "Aucune durée de rétention : passez --days N ou définissez CAUSERIE_RETENTION_DAYS.",
        "en": "No retention period: pass --days N or set CAUSERIE_RETENTION_DAYS.",
    },
    "store.purge.done": {
        "fr": "{count} conversation(s) inactive(s) depuis plus de {days} jours supprimée(s).",
        "en": "{count} conversation(s) untouched for more than {days} days deleted.",
    },
    "users.added": {"fr": "Utilisateur « {name} » ajouté.", "en": "User '{name}' added."},
    "users.deleted": {"fr": "Utilisateur « {name} » et toutes ses données supprimés.",
                      "en": "User '{name}' and all their data deleted."},
    "users.confirm_delete": {
        "fr": "Supprimer « {name} », ses clés et ses {count} conversation(s) ? C'est définitif.",
        "en": "Delete '{name}', their keys and their {count} conversation(s)? This cannot be undone.",
    },
    "users.title": {"fr": "Utilisateurs", "en": "Users"},
    "users.col.name": {"fr": "nom", "en": "name"},
    "users.col.admin": {"fr": "admin", "en": "admin"},
    "users.col.created": {"fr": "créé le", "en": "created"},
    "users.col.conversations": {"fr": "conversations", "en": "conversations"},
    "users.col.keys": {"fr": "clés actives", "en": "active keys"},
    "keys.created": {
        "fr": "Clé créée pour {user} (préfixe {prefix}, portées : {scopes}). Copiez-la maintenant : elle ne sera "
        "plus jamais affichée.",
        "en": "Key created for {user} (prefix {prefix}, scopes: {scopes}). Copy it now: it will never be shown "
        "again.",
    },
    "keys.revoked": {"fr": "Clé {prefix} de {user} révoquée.", "en": "Key {prefix} of {user} revoked."},
    "keys.title": {"fr": "Clés d'API", "en": "API keys"},
    "keys.day": {"fr": "jour", "en": "day"},
    "keys.col.prefix": {"fr": "préfixe", "en": "prefix"},
    "keys.col.user": {"fr": "utilisateur", "en": "user"},
    "keys.col.name": {"fr": "nom", "en": "name"},
    "keys.col.scopes": {"fr": "portées", "en": "scopes"},
    "keys.col.state": {"fr": "état", "en": "state"},
    "keys.col.created": {"fr": "créée le", "en": "created"},
    "keys.col.expires": {"fr": "expire le", "en": "expires"},
    "keys.col.last_used": {"fr": "dernier usage", "en": "last used"},
    "keys.col.limits": {"fr": "limites", "en": "limits"},
    "keys.state.active": {"fr": "active", "en": "active"},
    "keys.state.expired": {"fr": "expirée", "en": "expired"},
    "keys.state.revoked": {"fr": "révoquée", "en": "revoked"},
    "history.title": {"fr": "Conversations de {user} ({shown} sur {total})",
                      "en": "Conversations of {user} ({shown} of {total})"},
    "history.search_title": {"fr": "« {query} » : {count} résultat(s)", "en": "'{query}': {count} result(s)"},
    "history.col.id": {"fr": "id", "en": "id"},
    "history.col.title": {"fr": "titre", "en": "title"},
    "history.col.messages": {"fr": "messages", "en": "messages"},
    "history.col.updated": {"fr": "mise à jour", "en": "updated"},
    "history.col.role": {"fr": "rôle", "en": "role"},
    "history.col.snippet": {"fr": "extrait", "en": "snippet"},
    "history.exported": {"fr": "{count} conversation(s) exportée(s) dans {path}.",
                         "en": "{count} conversation(s) exported to {path}."},
    "history.delete_what": {"fr": "Donnez l'id d'une conversation, ou --all pour tout supprimer.",
                            "en": "Give a conversation id, or --all to delete everything."},
    "history.confirm_delete_all": {"fr": "Supprimer toutes les conversations de {user} ? C'est définitif.",
                                   "en": "Delete all of {user}'s conversations? This cannot be undone."},
    "history.deleted": {"fr": "{count} conversation(s) supprimée(s).", "en": "{count} conversation(s) deleted."},
}
