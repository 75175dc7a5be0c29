"""`causerie store`: where the history lives (`info`) and the retention policy (`purge`). Also opens the
store for the `users`, `keys` and `history` commands."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.table import Table

from causerie.cli.common import add_group, fail, fail_text, print_table, session
from causerie.errors import CauserieError
from causerie.i18n import t
from causerie.settings import Settings
from causerie.store import Store

console = Console(highlight=False)


def open_store(settings: Settings, lang: str) -> Store:
    try:
        return Store.open(settings.store_url)
    except CauserieError as error:
        fail(error, lang)


@contextmanager
def opened(ctx: typer.Context) -> Iterator[tuple[Store, Settings, str]]:
    """(store, settings, language) for one command; a store error is printed in the user's language."""
    settings, lang = session(ctx)
    store = open_store(settings, lang)
    try:
        yield store, settings, lang
    except CauserieError as error:
        fail(error, lang)
    finally:
        store.close()


def stamp(moment: object) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "-"


def info(ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="cli.opt.json")) -> None:
    with opened(ctx) as (store, settings, lang_):
        facts = store.info()
    if as_json:
        print(json.dumps(facts, indent=1))
        return
    table = Table(show_header=False, title=t("store.info.title", lang_))
    for key, value in facts.items():
        table.add_row(key, str(value))
    table.add_row("retention_days", str(settings.retention_days or "-"))
    print_table(console, table)


def purge(ctx: typer.Context,
          days: int = typer.Option(None, "--days", min=1, help="cli.opt.purge_days")) -> None:
    settings, lang_ = session(ctx)
    days = days or settings.retention_days
    if not days:
        fail_text(t("store.purge.no_policy", lang_), code=2)
    with opened(ctx) as (store, _, _):
        gone = store.purge(days)
    console.print(t("store.purge.done", lang_, count=gone, days=days))


def register(app: typer.Typer, lang: str) -> None:
    add_group(app, "store", "cli.help.store", {
        "info": (info, "cli.help.store_info"),
        "purge": (purge, "cli.help.store_purge"),
    }, lang)
