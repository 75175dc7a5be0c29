"""Catalogue entries of the code skills (code, optimize, fix, explain) and the sandbox's reports."""

SANDBOX: dict[str, dict[str, str]] = {
    "sandbox.bad_file_name": {
        "fr": "Nom de fichier refusé dans le bac à sable : « {name} » (chemin relatif simple attendu).",
        "en": "File name refused in the sandbox: '{name}' (a plain relative path is expected).",
    },
    "sandbox.limit.wall": {
        "fr": "arrêté par le bac à sable : durée maximale dépassée ({value} s)",
        "en": "stopped by the sandbox: time limit exceeded ({value} s)",
    },
    "sandbox.limit.cpu": {
        "fr": "arrêté par le bac à sable : temps de calcul maximal dépassé ({value} s de CPU)",
        "en": "stopped by the sandbox: CPU time limit exceeded ({value} s of CPU)",
    },
    "sandbox.limit.memory": {
        "fr": "arrêté par le bac à sable : mémoire maximale dépassée ({value} Mio)",
        "en": "stopped by the sandbox: memory limit exceeded ({value} MiB)",
    },
    "sandbox.limit.processes": {
        "fr": "arrêté par le bac à sable : trop de processus ou de fils d'exécution (maximum {value})",
        "en": "stopped by the sandbox: too many processes or threads (at most {value})",
    },
    "sandbox.limit.file_size": {
        "fr": "arrêté par le bac à sable : fichier trop gros (maximum {value} Mio)",
        "en": "stopped by the sandbox: file too large (at most {value} MiB)",
    },
    "sandbox.limit.disk": {
        "fr": "arrêté par le bac à sable : espace disque épuisé ({value} Mio pour /work et autant pour /tmp)",
        "en": "stopped by the sandbox: out of disk space ({value} MiB for /work and as much for /tmp)",
    },
    "sandbox.limit.output": {
        "fr": "arrêté par le bac à sable : sortie trop longue (maximum {value} Mio)",
        "en": "stopped by the sandbox: too much output (at most {value} MiB)",
    },
    "sandbox.blocked.network": {
        "fr": "bloqué par le bac à sable : pas d'accès au réseau ({error})",
        "en": "blocked by the sandbox: no network access ({error})",
    },
    "sandbox.blocked.file": {
        "fr": "bloqué par le bac à sable : {path} est hors de son dossier de travail ({error})",
        "en": "blocked by the sandbox: {path} is outside its working folder ({error})",
    },
    "sandbox.failed": {
        "fr": "le programme a échoué (code de sortie {code}) : {error}",
        "en": "the program failed (exit code {code}): {error}",
    },
    "sandbox.no_report": {
        "fr": "le programme s'est arrêté avant de rendre son rapport (sortie anticipée ?)",
        "en": "the program stopped before giving its report (an early exit?)",
    },
}

CODE: dict[str, dict[str, str]] = {
    "code.empty": {
        "fr": "Le champ « {field} » est vide : il n'y a rien à traiter.",
        "en": "The field '{field}' is empty: there is nothing to work on.",
    },
    "code.syntax_error": {
        "fr": "erreur de syntaxe ligne {line}, colonne {column} : {message} (« {text} »)",
        "en": "syntax error at line {line}, column {column}: {message} ('{text}')",
    },
    "code.invalid_input": {
        "fr": "Le champ « {field} » n'est pas du Python valide : {detail}",
        "en": "The field '{field}' is not valid Python: {detail}",
    },
    "code.no_function": {
        "fr": "Fonction à traiter introuvable (« {name} »). Fonctions définies : {available}.",
        "en": "Function to work on not found ('{name}'). Defined functions: {available}.",
    },
    "code.bad_inputs": {
        "fr": "Les entrées doivent être une liste Python de tuples d'arguments adaptée aux paramètres de la "
        "fonction, en valeurs littérales (plus list(range(n)) et [valeur] * n pour les grandes), par exemple "
        "[(10,), (list(range(1000)),)].",
        "en": "The inputs must be a Python list of argument tuples matching the function's parameters, in "
        "literal values (plus list(range(n)) and [value] * n for large ones), for example "
        "[(10,), (list(range(1000)),)].",
    },
    "code.tests_passed": {"fr": "Tests : {passed}/{total} réussis.", "en": "Tests: {passed}/{total} passed."},
    "code.tests_failed": {
        "fr": "Tests : {passed}/{total} réussis, {failed} en échec.",
        "en": "Tests: {passed}/{total} passed, {failed} failing.",
    },
    "code.tests_code_error": {
        "fr": "Les tests n'ont pas pu tourner : le code plante dès son chargement ({error}).",
        "en": "The tests could not run: the code fails as soon as it is loaded ({error}).",
    },
    "code.tests_tests_error": {
        "fr": "Les tests n'ont pas pu tourner : {error}",
        "en": "The tests could not run: {error}",
    },
    "code.tests_limit": {
        "fr": "Les tests n'ont pas pu aller au bout : {error}",
        "en": "The tests could not finish: {error}",
    },
    "code.tests_broken": {
        "fr": "les tests eux-mêmes sont en erreur ligne {line} : {error} (le code s'importe sous le nom "
        "`solution`, ses fonctions sont aussi directement disponibles)",
        "en": "the tests themselves fail at line {line}: {error} (the code is importable as `solution`, and "
        "its functions are also available directly)",
    },
    "code.no_test_cases": {
        "fr": "aucun cas de test trouvé (attendu : des lignes assert ou des fonctions test_…)",
        "en": "no test case found (expected: assert lines or test_… functions)",
    },
    "code.case_failed": {
        "fr": "ligne {line} : {source} → {error}{detail}",
        "en": "line {line}: {source} → {error}{detail}",
    },
    "code.case_wrong_value": {
        "fr": "ligne {line} : {source} → {expr} a donné {got}, alors que le test attend {expected}",
        "en": "line {line}: {source} → {expr} gave {got}, but the test expects {expected}",
    },
    "code.version_original": {"fr": "la version d'origine", "en": "the original version"},
    "code.version_candidate": {"fr": "la nouvelle version", "en": "the new version"},
    "code.version_broken": {
        "fr": "{version} ne se charge pas : {error}",
        "en": "{version} does not load: {error}",
    },
    "code.mismatch": {
        "fr": "pour les arguments {args}, l'original donne {original} et la nouvelle version {candidate}",
        "en": "for arguments {args}, the original gives {original} and the new version {candidate}",
    },
}

SKILL_CODE: dict[str, dict[str, str]] = {
    "skill.code.generating": {"fr": "Écriture du code…", "en": "Writing the code…"},
    "skill.code.retrying": {
        "fr": "Le code proposé n'est pas valide ({error}) : nouvel essai.",
        "en": "The proposed code is not valid ({error}): trying again.",
    },
    "skill.code.fix_parse": {
        "fr": "Ce code n'est pas valide : {error}. Réponds à nouveau avec le code complet corrigé, dans un "
        "seul bloc ```python, sans explication.",
        "en": "This code is not valid: {error}. Answer again with the complete corrected code, in a single "
        "```python block, without explanation.",
    },
    "skill.code.testing": {"fr": "Exécution des tests dans le bac à sable…", "en": "Running the tests in the sandbox…"},
    "skill.code.no_code": {"fr": "la réponse ne contient pas de code", "en": "the answer contains no code"},
    "skill.code.failed": {
        "fr": "Pas de code utilisable après deux essais : {error}",
        "en": "No usable code after two tries: {error}",
    },
    "skill.code.tests_system": {
        "fr": "Écris 3 à 5 lignes `assert` qui testent ce code sur des cas typiques et limites. Calcule "
        "soigneusement les valeurs attendues. Réponds uniquement par un bloc ```python.",
        "en": "Write 3 to 5 `assert` lines that test this code on typical and edge cases. Work out the expected "
        "values carefully. Answer with a single ```python block only.",
    },
    "skill.code.tests_header": {"fr": "Tests :", "en": "Tests:"},
    "skill.code.trimmed": {
        "fr": "La réponse s'arrêtait au milieu d'une ligne (le modèle se répétait jusqu'à sa limite de longueur) : "
              "les dernières lignes inachevées ont été retirées, et les tests répétés gardés une seule fois.",
        "en": "The answer stopped mid-line (the model repeated itself up to its length limit): the unfinished "
              "last lines were removed, and repeated tests kept once.",
    },
    "skill.code.no_tests": {
        "fr": "Pas de tests : le modèle n'en a pas écrit d'utilisables.",
        "en": "No tests: the model wrote none that could be used.",
    },
    "skill.code.tests_python_only": {
        "fr": "Les tests ne sont écrits et exécutés que pour Python.",
        "en": "Tests are only written and run for Python.",
    },
    "skill.code.model_tests_caveat": {
        "fr": "Attention : les tests aussi viennent du modèle ; un échec peut venir d'un test faux.",
        "en": "Note: the tests come from the model too; a failure may be a wrong test.",
    },
}

SKILL_FIX: dict[str, dict[str, str]] = {
    "skill.fix.attempt_start": {
        "fr": "Tentative {number}/{total} : recherche d'une correction…",
        "en": "Attempt {number}/{total}: looking for a fix…",
    },
    "skill.fix.attempt_done": {
        "fr": "Tentative {number}/{total} : {summary}",
        "en": "Attempt {number}/{total}: {summary}",
    },
    "skill.fix.no_code": {"fr": "la réponse ne contient pas de code", "en": "the answer contains no code"},
    "skill.fix.unverified_no_tests": {
        "fr": "correction proposée, non vérifiée (pas de tests)",
        "en": "fix proposed, not verified (no tests)",
    },
    "skill.fix.code_please": {
        "fr": "Donne maintenant le code corrigé complet, dans un seul bloc ```python.",
        "en": "Now give the complete fixed code, in a single ```python block.",
    },
    "skill.fix.unchanged": {
        "fr": "la proposition ne change rien au code d'origine : il faut le modifier",
        "en": "the proposal changes nothing in the original code: it must be changed",
    },
    "skill.fix.repeated": {
        "fr": "la proposition répète la tentative {number}, qui a échoué",
        "en": "the proposal repeats attempt {number}, which failed",
    },
    "skill.fix.verdict_verified": {
        "fr": "Vérifié : tous les tests passent avec la correction (tentatives : {count}).",
        "en": "Verified: all tests pass with the fix (attempts: {count}).",
    },
    "skill.fix.verdict_not_verified": {
        "fr": "Non vérifié : les tests échouent encore après {count} tentatives. La meilleure proposition "
        "est montrée, à relire avec prudence.",
        "en": "Not verified: the tests still fail after {count} attempts. The best proposal is shown; review "
        "it with care.",
    },
    "skill.fix.verdict_no_tests": {
        "fr": "Non vérifié (pas de tests) : la correction n'a pas pu être exécutée.",
        "en": "Not verified (no tests): the fix could not be run.",
    },
    "skill.fix.verdict_no_fix": {
        "fr": "Aucune correction utilisable après {count} tentatives : le code d'origine est conservé.",
        "en": "No usable fix after {count} attempts: the original code is kept.",
    },
    "skill.fix.verdict_tests_broken": {
        "fr": "Les tests n'ont pas pu tourner, rien n'a été vérifié : {error}",
        "en": "The tests could not run, so nothing was verified: {error}",
    },
    "skill.fix.baseline_passed": {
        "fr": "Mais ces tests passaient déjà avec le code d'origine : ils ne montrent pas le bug.",
        "en": "But these tests already passed on the original code: they do not show the bug.",
    },
    "skill.fix.attempts_header": {"fr": "Tentatives :", "en": "Attempts:"},
}

SKILL_OPTIMIZE: dict[str, dict[str, str]] = {
    "skill.optimize.speedup": {"fr": "{speedup}× plus rapide", "en": "{speedup}× faster"},
    "skill.optimize.proposing": {"fr": "Recherche d'une version plus rapide…", "en": "Looking for a faster version…"},
    "skill.optimize.checking": {
        "fr": "Vérification de l'équivalence et mesure des temps dans le bac à sable…",
        "en": "Checking equivalence and timing both versions in the sandbox…",
    },
    "skill.optimize.fix_parse": {
        "fr": "Réponse inutilisable : {error}. Réponds à nouveau avec le code complet, dans un seul bloc "
        "```python, en gardant le nom de la fonction.",
        "en": "Unusable answer: {error}. Answer again with the complete code, in a single ```python block, "
        "keeping the function's name.",
    },
    "skill.optimize.no_code": {"fr": "la réponse ne contient pas de code", "en": "the answer contains no code"},
    "skill.optimize.unchanged": {
        "fr": "la proposition du modèle est le même code",
        "en": "the model proposed the same code",
    },
    "skill.optimize.entry_missing": {
        "fr": "la nouvelle version ne définit plus la fonction « {entry} »",
        "en": "the new version no longer defines the function '{entry}'",
    },
    "skill.optimize.inputs_invalid": {
        "fr": "Ce n'est pas la forme attendue : une liste Python de tuples de {count} valeur(s), {example}, "
        "en valeurs littérales (plus list(range(n)) et [valeur] * n). Réponds uniquement par cette liste.",
        "en": "That is not the expected form: a Python list of tuples of {count} value(s), {example}, in "
        "literal values (plus list(range(n)) and [value] * n). Answer with that list only.",
    },
    "skill.optimize.original_fails": {
        "fr": "les tests ne passent pas sur le code d'origine ({summary}) : l'équivalence ne peut pas être "
        "vérifiée",
        "en": "the tests do not pass on the original code ({summary}), so equivalence cannot be verified",
    },
    "skill.optimize.tests_fail": {
        "fr": "la nouvelle version échoue aux tests ({summary})",
        "en": "the new version fails the tests ({summary})",
    },
    "skill.optimize.no_inputs": {
        "fr": "aucune entrée valide pour comparer et chronométrer les deux versions",
        "en": "no valid inputs to compare and time both versions on",
    },
    "skill.optimize.inputs_all_raise": {
        "fr": "le code d'origine lève une exception sur toutes les entrées de test : elles ne prouvent rien",
        "en": "the original code raises an exception on every test input, so they prove nothing",
    },
    "skill.optimize.not_timed": {
        "fr": "les deux versions n'ont pas pu être chronométrées (trop lentes sur ces entrées)",
        "en": "the two versions could not be timed (too slow on these inputs)",
    },
    "skill.optimize.different": {
        "fr": "les deux versions ne donnent pas les mêmes résultats ({count} écart(s) ; par exemple, {first})",
        "en": "the two versions do not give the same results ({count} difference(s); for example, {first})",
    },
    "skill.optimize.not_faster": {
        "fr": "équivalente, mais pas nettement plus rapide (×{speedup}, il faut au moins ×{min})",
        "en": "equivalent, but not clearly faster (×{speedup}, at least ×{min} is needed)",
    },
    "skill.optimize.accepted": {
        "fr": "Version plus rapide retenue : ×{speedup}, vérifiée identique sur {checked} entrées ({source}).",
        "en": "Faster version kept: ×{speedup}, verified identical on {checked} inputs ({source}).",
    },
    "skill.optimize.source_user": {"fr": "les vôtres", "en": "yours"},
    "skill.optimize.source_tests": {"fr": "tirées de vos tests", "en": "taken from your tests"},
    "skill.optimize.source_generated": {"fr": "générées par le modèle", "en": "generated by the model"},
    "skill.optimize.kept": {
        "fr": "Code d'origine conservé : {reason}.",
        "en": "Original code kept: {reason}.",
    },
    "skill.optimize.timings": {
        "fr": "Temps (meilleur de plusieurs mesures, par passage sur les {checked} entrées) : original "
        "{original} ms, nouvelle version {optimized} ms, soit ×{speedup}.",
        "en": "Timings (best of several samples, per pass over the {checked} inputs): original {original} ms, "
        "new version {optimized} ms, that is ×{speedup}.",
    },
}

SKILLS_CODE: dict[str, dict[str, str]] = {**SANDBOX, **CODE, **SKILL_CODE, **SKILL_FIX, **SKILL_OPTIMIZE}
