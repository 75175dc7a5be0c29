"""Catalogue entries of the web chat's documents: the Documents panel, files attached to a conversation and
their upload progress, the collections a conversation answers from, and the sources an answer cites. The
keys start with `web.` so that the page gets them with its other words (web/router.py UI_PREFIXES).

Counts come in pairs, `…_one` and `…_other`, picked by the page with Intl.PluralRules (French says
"0 document", English "0 documents")."""


def _both(fr: str, en: str) -> dict[str, str]:
    return {"fr": fr, "en": en}


WEB_DOCUMENTS: dict[str, dict[str, str]] = {
    # --- the Documents panel ---
    "web.docs_open": _both("Documents", "Documents"),
    "web.docs_title": _both("Vos documents", "Your documents"),
    "web.docs_intro": _both("Les réponses d'une conversation s'appuient sur les collections choisies et citent "
                            "leurs passages. Tout reste sur cette machine.",
                            "A conversation's answers draw on the collections chosen for it and cite their "
                            "passages. Everything stays on this machine."),
    "web.docs_collection_name": _both("Nom de la nouvelle collection", "Name of the new collection"),
    "web.docs_new_placeholder": _both("Nouvelle collection", "New collection"),
    "web.docs_create": _both("Créer", "Create"),
    "web.docs_none": _both("Aucune collection pour l'instant : créez-en une, ou joignez un fichier à une "
                           "conversation (trombone).",
                           "No collection yet: create one, or attach a file to a conversation (paperclip)."),
    "web.docs_collections": _both("Collections", "Collections"),
    "web.docs_documents_one": _both("{count} document", "{count} document"),
    "web.docs_documents_other": _both("{count} documents", "{count} documents"),
    "web.docs_passages_one": _both("{count} passage", "{count} passage"),
    "web.docs_passages_other": _both("{count} passages", "{count} passages"),
    "web.docs_pages_one": _both("{count} page", "{count} page"),
    "web.docs_pages_other": _both("{count} pages", "{count} pages"),
    "web.docs_show": _both("Voir les documents de « {name} »", "Show the documents of '{name}'"),
    "web.docs_use": _both("Utiliser ici", "Use here"),
    "web.docs_use_title": _both("Les réponses de cette conversation citent « {name} »",
                                "This conversation's answers cite '{name}'"),
    "web.docs_add_to": _both("Ajouter des fichiers à « {name} »", "Add files to '{name}'"),
    "web.docs_delete_collection": _both("Supprimer la collection « {name} »", "Delete collection '{name}'"),
    "web.docs_delete_collection_confirm": _both(
        "Supprimer la collection « {name} » ({documents}) ? Ses documents et leurs passages seront effacés "
        "définitivement.",
        "Delete collection '{name}' ({documents})? Its documents and their passages will be erased for good."),
    "web.docs_back": _both("Toutes les collections", "All collections"),
    "web.docs_add_files": _both("Ajouter des fichiers", "Add files"),
    "web.docs_no_documents": _both("Aucun document dans cette collection.", "No document in this collection."),
    "web.docs_delete_document": _both("Retirer « {name} »", "Remove '{name}'"),
    "web.docs_delete_document_confirm": _both("Retirer « {name} » de « {collection} » ? Ses passages ne "
                                              "seront plus cités.",
                                              "Remove '{name}' from '{collection}'? Its passages will no "
                                              "longer be cited."),
    "web.docs_remove": _both("Retirer", "Remove"),
    "web.docs_formats": _both("Formats acceptés : {formats}.", "Accepted formats: {formats}."),
    "web.docs_unread": _both("Non lu : {detail}", "Not read: {detail}"),
    # --- attaching files to a conversation ---
    "web.docs_attach": _both("Joindre des fichiers", "Attach files"),
    "web.docs_attach_documents": _both("Ajouter aux documents (réponses avec sources)…",
                                       "Add to the documents (answers with sources)…"),
    "web.docs_attach_text": _both("Lire un fichier texte dans le message (résumer, traduire)…",
                                  "Read a text file into the message (summarize, translate)…"),
    "web.docs_manage": _both("Gérer les documents…", "Manage documents…"),
    "web.docs_chips": _both("Documents de la conversation", "The conversation's documents"),
    "web.docs_choose": _both("Choisir des collections", "Choose collections"),
    "web.docs_unuse": _both("Ne plus utiliser « {name} »", "Stop using '{name}'"),
    "web.docs_missing": _both("« {name} » n'existe plus : elle est ignorée.",
                              "'{name}' no longer exists: it is ignored."),
    "web.docs_default_name": _both("Documents du {date}", "Documents of {date}"),
    "web.docs_drop_hint": _both("Déposez vos fichiers pour les ajouter aux documents de la conversation",
                                "Drop your files to add them to the conversation's documents"),
    # --- uploads ---
    "web.docs_uploading": _both("Ajout à « {name} »", "Adding to '{name}'"),
    "web.docs_waiting": _both("En attente", "Waiting"),
    "web.docs_sending": _both("Envoi…", "Sending…"),
    "web.docs_progress": _both("{stage} : {done}/{total} ({percent} %)", "{stage}: {done}/{total} ({percent}%)"),
    "web.docs_added": _both("Ajouté : {details}", "Added: {details}"),
    "web.docs_unchanged": _both("Déjà dans la collection, à l'identique : {details}",
                                "Already in the collection, unchanged: {details}"),
    "web.docs_file_progress": _both("Progression de « {name} »", "Progress of '{name}'"),
    "web.docs_uploads_close": _both("Fermer la liste des envois", "Close the list of uploads"),
    # --- sources of an answer ---
    "web.sources": _both("Sources", "Sources"),
    "web.source_cited": _both("citée", "cited"),
    "web.source_not_cited": _both("non citée", "not cited"),
    "web.cite_label": _both("Source {index} : {label}", "Source {index}: {label}"),
    "web.passage_heading": _both("Source {index}", "Source {index}"),
    "web.passage_cited": _both("Citée dans la réponse.", "Cited in the answer."),
    "web.passage_not_cited": _both("Non citée : la réponse ne s'appuie pas sur ce passage.",
                                   "Not cited: the answer does not rely on this passage."),
    "web.passage_page": _both("p. {page}", "p. {page}"),
    "web.passage_collection": _both("Collection « {name} »", "Collection '{name}'"),
    "web.passage_neighbours": _both("Voir les passages voisins", "Show the neighbouring passages"),
    "web.passage_close": _both("Fermer le passage", "Close the passage"),
}
