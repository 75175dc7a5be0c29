"""Messages of `causerie eval` (scorecards on benchmark files)."""

EVAL: dict[str, dict[str, str]] = {
    "eval.data_missing": {
        "fr": "Fichier de données introuvable : {path}. Donnez un fichier existant avec --data.",
        "en": "Dataset file not found: {path}. Give an existing file with --data.",
    },
    "eval.data_not_utf8": {
        "fr": "{path} n'est pas du texte UTF-8 (octet {position}). Donnez un fichier JSONL, JSON ou TSV.",
        "en": "{path} is not UTF-8 text (byte {position}). Give a JSONL, JSON or TSV file.",
    },
    "eval.data_empty": {
        "fr": "{path} ne contient aucune ligne de données.",
        "en": "{path} holds no data rows.",
    },
    "eval.data_bad_json": {
        "fr": "{path}, ligne {line} : JSON invalide ({error}). Corrigez ou supprimez cette ligne.",
        "en": "{path}, line {line}: invalid JSON ({error}). Fix or remove that line.",
    },
    "eval.data_not_object": {
        "fr": "{path}, ligne {line} : chaque ligne doit être un objet JSON.",
        "en": "{path}, line {line}: each row must be a JSON object.",
    },
    "eval.data_missing_field": {
        "fr": "{path}, ligne {line} : le champ « {field} » manque ou est vide (champs attendus : {fields}).",
        "en": "{path}, line {line}: field '{field}' is missing or empty (expected fields: {fields}).",
    },
    "eval.unknown_task": {
        "fr": "Tâche inconnue : « {name} ». Tâches disponibles : {available}.",
        "en": "Unknown task: '{name}'. Available tasks: {available}.",
    },
    "eval.no_data": {
        "fr": "Aucun fichier de données pour « {task} » : passez --data FICHIER, ou réglez eval_data "
        "(CAUSERIE_EVAL_DATA) sur le dossier eval-data.",
        "en": "No dataset file for '{task}': pass --data FILE, or set eval_data (CAUSERIE_EVAL_DATA) to the "
        "eval-data folder.",
    },
    "eval.no_rows": {
        "fr": "Aucune ligne à évaluer dans {path} pour la partition « {split} ».",
        "en": "No rows to evaluate in {path} for split '{split}'.",
    },
    "eval.bad_option": {
        "fr": "Option invalide : {detail}",
        "en": "Invalid option: {detail}",
    },
    "eval.help.group": {
        "fr": ("Évaluer un modèle sur des jeux de référence (traduction, résumé, code, maths, recherche dans des "
               "documents) et publier le tableau."),
        "en": ("Score a model on benchmarks (translation, summarization, code, maths, document search) and publish "
               "the table."),
    },
    "eval.help.run": {
        "fr": "Lancer une tâche sur un fichier de données (reprend là où un lancement interrompu s'est arrêté).",
        "en": "Run a task on a dataset file (resumes where an interrupted run stopped).",
    },
    "eval.help.tasks": {"fr": "Lister les tâches d'évaluation.", "en": "List the eval tasks."},
    "eval.help.report": {
        "fr": "Tableau Markdown et graphique PNG à partir des résultats.",
        "en": "Markdown table and PNG plot from the results.",
    },
    "eval.help.naive": {
        "fr": "Invite simple (la référence) au lieu de la compétence de causerie.",
        "en": "Plain prompt (the baseline) instead of causerie's skill.",
    },
    "eval.help.attempts": {
        "fr": "Tâches de correction, mode compétence : tours corriger-tester (1 = un seul essai).",
        "en": "Fix tasks, skill mode: fix-and-test rounds (1 = one shot).",
    },
    "eval.help.out": {
        "fr": "Dossier des résultats (par défaut : eval/ dans le dossier de données).",
        "en": "Results folder (default: eval/ in the data directory).",
    },
    "eval.starting": {
        "fr": "{task} · {variant} · {model} · {rows} lignes ({split}), dont {cached} déjà en cache",
        "en": "{task} · {variant} · {model} · {rows} rows ({split}), {cached} already cached",
    },
    "eval.interrupted": {
        "fr": "Interrompu : {done}/{total} lignes gardées. Relancez la même commande pour reprendre.",
        "en": "Interrupted: {done}/{total} rows kept. Run the same command again to resume.",
    },
    "eval.saved": {"fr": "Résultats : {path}", "en": "Results: {path}"},
    "eval.report_written": {"fr": "Écrit : {path}", "en": "Written: {path}"},
    "eval.report_empty": {
        "fr": "Aucun résultat d'évaluation trouvé.",
        "en": "No eval results found.",
    },
    "eval.missing_extra": {
        "fr": "Il manque le paquet « {package} » pour l'évaluation. Installez-le avec : pip install 'causerie[eval]'",
        "en": "The package '{package}' is needed for evaluation. Install it with: pip install 'causerie[eval]'",
    },
    "eval.col_task": {"fr": "tâche", "en": "task"},
    "eval.col_metric": {"fr": "mesure", "en": "metric"},
    "eval.col_model": {"fr": "modèle", "en": "model"},
    "eval.col_rows": {"fr": "lignes", "en": "rows"},
    "eval.col_variant": {"fr": "variante", "en": "variant"},
    "eval.col_metrics": {"fr": "mesures", "en": "metrics"},
    "eval.col_duration": {"fr": "durée", "en": "duration"},
    "eval.col_errors": {"fr": "erreurs", "en": "errors"},
    "eval.col_description": {"fr": "description", "en": "description"},
    "eval.col_file": {"fr": "fichier par défaut", "en": "default file"},
    "eval.indexing": {"fr": "indexation des documents", "en": "indexing the documents"},
    "eval.retrieval_title": {
        "fr": "Recherche documentaire : l'article de chaque résumé parmi ceux du lancement (recall et MRR ×100)",
        "en": "Document search: each summary's article among the run's (recall and MRR ×100)",
    },
    "eval.col_method": {"fr": "méthode", "en": "method"},
    "eval.col_embedder": {"fr": "embedder (sha256)", "en": "embedder (sha256)"},
    "eval.col_chunk_tokens": {"fr": "jetons par passage", "en": "tokens per chunk"},
    "eval.col_corpus": {"fr": "documents / passages", "en": "documents / chunks"},
    "eval.col_index_time": {"fr": "indexation", "en": "indexing"},
    "eval.col_search_ms": {"fr": "recherche p50 (ms)", "en": "search p50 (ms)"},
    "eval.plot_score": {"fr": "score (0-100)", "en": "score (0-100)"},
    "eval.plot_title": {"fr": "Tableau de scores de causerie : {model}", "en": "causerie scorecard: {model}"},
}
