"""Messages of scale-out on Ray Serve (src/causerie/cluster/, `causerie cluster`), in French and English."""

from __future__ import annotations

CLUSTER: dict[str, dict[str, str]] = {
    "cluster.bad_address": {
        "fr": "Adresse Ray « {address} » illisible : donnez hôte:port, par exemple 10.0.0.5:6379.",
        "en": "Ray address '{address}' cannot be read: give host:port, for example 10.0.0.5:6379.",
    },
    "cluster.unreachable": {
        "fr": "Aucun cluster Ray ne répond à « {address} » ({detail}). Démarrez une tête avec "
        "« ray start --head --port 6379 » sur cette machine, ou omettez --ray-address pour que causerie "
        "démarre Ray ici.",
        "en": "No Ray cluster answers at '{address}' ({detail}). Start a head there with "
        "'ray start --head --port 6379', or leave out --ray-address and causerie starts Ray here.",
    },
    "cluster.not_enough_cpus": {
        "fr": "Le cluster Ray n'a que {have} CPU, mais {replicas} réplique(s) de {cpus_each} CPU en demandent "
        "{need}. Ajoutez des machines (« ray start --address … »), ou baissez --replicas ou replica_cpus.",
        "en": "The Ray cluster has only {have} CPUs, but {replicas} replica(s) of {cpus_each} CPUs need "
        "{need}. Add machines ('ray start --address …'), or lower --replicas or replica_cpus.",
    },
    "cluster.not_ready": {
        "fr": "Les répliques de « {model} » ne sont pas prêtes après {seconds} s (état : {state}). "
        "Voyez les journaux de Ray ({detail}).",
        "en": "The replicas of '{model}' are not ready after {seconds} s (state: {state}). "
        "See Ray's logs ({detail}).",
    },
    "cluster.replica_lost": {
        "fr": "La réplique qui générait cette réponse a disparu ({detail}). Réessayez : une autre réplique "
        "prendra la demande.",
        "en": "The replica generating this answer went away ({detail}). Try again: another replica will take "
        "the request.",
    },
    "cluster.no_replica": {
        "fr": "Aucune réplique de « {model} » ne tourne ({state}). Ray la redémarre ; réessayez dans un moment.",
        "en": "No replica of '{model}' is running ({state}). Ray is restarting it; try again in a moment.",
    },
    "cluster.replicas_without_local": {
        "fr": "--replicas sert un modèle local ou enregistré ; « {model} » est distant ({kind}). Un modèle distant "
        "se répartit avec base_urls dans [[remotes]].",
        "en": "--replicas serves a local or registered model; '{model}' is remote ({kind}). A remote model is "
        "spread with base_urls in [[remotes]].",
    },
    "cli.help.cluster": {
        "fr": "Surveiller le cluster Ray d'un serveur lancé avec --replicas : nœuds et répliques.",
        "en": "Watch the Ray cluster of a server started with --replicas: nodes and replicas.",
    },
    "cli.help.cluster_status": {
        "fr": "Afficher les nœuds, les répliques, leur état et la charge, d'après GET /health du serveur.",
        "en": "Show the nodes, the replicas, their state and the load, from the server's GET /health.",
    },
    "cluster.status.unreachable": {
        "fr": "Le serveur {url} ne répond pas ({detail}). Lancez-le avec « causerie serve --replicas N », "
        "ou donnez son adresse avec --url.",
        "en": "The server at {url} does not answer ({detail}). Start it with 'causerie serve --replicas N', "
        "or give its address with --url.",
    },
    "cluster.status.none": {
        "fr": "Aucun modèle de {url} n'est servi par des répliques (lancé sans --replicas).",
        "en": "No model at {url} is served by replicas (started without --replicas).",
    },
    "cluster.status.model": {
        "fr": "Modèle {model} : {running} réplique(s) sur {total} en marche ; {in_flight} génération(s) en "
        "cours, {queued} en attente, {slots} emplacements.",
        "en": "Model {model}: {running} of {total} replica(s) running; {in_flight} generation(s) running, "
        "{queued} waiting, {slots} slots.",
    },
    "cluster.status.nodes": {"fr": "Nœuds", "en": "Nodes"},
    "cluster.status.replicas": {"fr": "Répliques", "en": "Replicas"},
    "cluster.status.col_id": {"fr": "id", "en": "id"},
    "cluster.status.col_node": {"fr": "nœud", "en": "node"},
    "cluster.status.col_address": {"fr": "adresse", "en": "address"},
    "cluster.status.col_state": {"fr": "état", "en": "state"},
    "cluster.status.col_cpus": {"fr": "CPU", "en": "CPUs"},
    "cluster.status.col_load": {"fr": "charge (en cours / en attente / places)",
                                "en": "load (running / queued / slots)"},
    "cluster.status.alive": {"fr": "actif", "en": "alive"},
    "cluster.status.dead": {"fr": "perdu", "en": "lost"},
}
