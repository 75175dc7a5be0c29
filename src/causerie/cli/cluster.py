"""`causerie cluster status`: the nodes and replicas of a server started with `--replicas`, read from its
GET /health (the same figures a load balancer sees), as a table or as JSON."""

from __future__ import annotations

import json
from typing import Any

import httpx
import typer
from rich.console import Console
from rich.table import Table

from causerie.cli.common import add_group, fail_text, session
from causerie.i18n import t

console = Console(highlight=False)


def fetch_health(url: str, lang: str) -> dict[str, Any]:
    try:
        response = httpx.get(url.rstrip("/") + "/health", timeout=10, trust_env=False)
        return response.json()  # a 503 (an unhealthy replica set) still carries the facts
    except (httpx.HTTPError, ValueError) as error:
        fail_text(t("cluster.status.unreachable", lang, url=url, detail=str(error) or type(error).__name__))


def clustered(health: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: model for name, model in health.get("models", {}).items() if "replicas" in model}


def load_text(load: dict[str, Any]) -> str:
    """'1 / 0 / 2': running, queued, slots; '-' before the replica first reported."""
    if not load:
        return "-"
    return f"{load.get('running', 0)} / {load.get('queued', 0)} / {load.get('slots', 0)}"


def render(models: dict[str, dict[str, Any]], lang: str) -> None:
    for name, model in models.items():
        replicas = model["replicas"]
        running = sum(r["state"] == "RUNNING" for r in replicas)
        console.print(t("cluster.status.model", lang, model=name, running=running, total=len(replicas),
                        in_flight=model.get("in_flight", 0), queued=model.get("queued", 0),
                        slots=model.get("slots", 0)))
        nodes = Table(title=t("cluster.status.nodes", lang))
        for key in ("col_node", "col_address", "col_cpus", "col_state"):
            nodes.add_column(t(f"cluster.status.{key}", lang), overflow="fold")
        for node in model.get("nodes", []):
            alive = t("cluster.status.alive" if node.get("alive") else "cluster.status.dead", lang)
            nodes.add_row(node["id"], str(node.get("address")), f"{node.get('cpus', 0):g}", alive)
        console.print(nodes)
        table = Table(title=t("cluster.status.replicas", lang))
        for key in ("col_id", "col_node", "col_address", "col_state", "col_load"):
            table.add_column(t(f"cluster.status.{key}", lang), overflow="fold")
        for replica in replicas:
            table.add_row(str(replica["id"]), str(replica.get("node")), str(replica.get("node_ip")),
                          str(replica["state"]), load_text(replica.get("load") or {}))
        console.print(table)


def status(ctx: typer.Context, url: str = typer.Option(None, "--url", help="cli.opt.server_url"),
           as_json: bool = typer.Option(False, "--json", help="cli.opt.json")) -> None:
    settings, lang_ = session(ctx)
    url = url or f"http://{settings.host}:{settings.port}"
    models = clustered(fetch_health(url, lang_))
    if as_json:
        print(json.dumps({"url": url, "models": models}, indent=1))
        return
    if not models:
        fail_text(t("cluster.status.none", lang_, url=url))
    render(models, lang_)


def register(app: typer.Typer, lang: str) -> None:
    add_group(app, "cluster", "cli.help.cluster", {
        "status": (status, "cli.help.cluster_status"),
    }, lang)
