"""`causerie history`: list, show, search, export and delete a user's stored conversations (the local
user of single-user mode unless --user says otherwise)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from causerie.cli.common import add_group, print_table
from causerie.cli.store import console, opened, stamp
from causerie.conversations import LOCAL_USER
from causerie.i18n import t
from causerie.store.export import conversation_dict, to_json, to_markdown

# Shared by every subcommand; their helps are catalogue keys, put in the session's language by `localized`.
USER = typer.Option(LOCAL_USER, "--user", "-u", help="cli.opt.history_user")
JSON = typer.Option(False, "--json", help="cli.opt.json")


def list_conversations(ctx: typer.Context, user: str = USER,
                       limit: int = typer.Option(20, min=1, max=1000, help="cli.opt.history_limit"),
                       offset: int = typer.Option(0, min=0, help="cli.opt.history_offset"),
                       as_json: bool = JSON) -> None:
    with opened(ctx) as (store, _, lang_):
        page, total = store.list_conversations(store.get_user(user).id, limit=limit, offset=offset)
    if as_json:
        print(json.dumps({"total": total, "data": [
            {"id": c.id, "title": c.title, "model": c.model, "messages": c.message_count,
             "updated_at": c.updated_at.isoformat()} for c in page]}, ensure_ascii=False, indent=1))
        return
    table = Table(title=t("history.title", lang_, user=user, shown=len(page), total=total))
    for column in ("id", "title", "messages", "updated"):
        table.add_column(t(f"history.col.{column}", lang_))
    for c in page:
        table.add_row(c.id, escape(c.title or t("history.untitled", lang_)), str(c.message_count),
                      stamp(c.updated_at))
    print_table(console, table)


def show(ctx: typer.Context, conversation_id: str = typer.Argument(..., help="cli.opt.conversation_id"),
         user: str = USER, as_json: bool = JSON) -> None:
    with opened(ctx) as (store, _, lang_):
        detail = store.get_conversation(store.get_user(user).id, conversation_id)
    if as_json:
        print(json.dumps(conversation_dict(detail), ensure_ascii=False, indent=1))
    else:
        print(to_markdown([detail], lang_), end="")


def search(ctx: typer.Context, query: str = typer.Argument(..., help="cli.opt.search_query"),
           user: str = USER,
           limit: int = typer.Option(20, min=1, max=200, help="cli.opt.search_limit"),
           as_json: bool = JSON) -> None:
    with opened(ctx) as (store, _, lang_):
        hits = store.search(store.get_user(user).id, query, limit=limit)
    if as_json:
        print(json.dumps([{"conversation_id": h.conversation_id, "message_id": h.message_id, "role": h.role,
                           "snippet": h.snippet} for h in hits], ensure_ascii=False, indent=1))
        return
    table = Table(title=t("history.search_title", lang_, query=escape(query), count=len(hits)))
    for column in ("id", "title", "role", "snippet"):
        table.add_column(t(f"history.col.{column}", lang_))
    for hit in hits:
        table.add_row(hit.conversation_id, escape(hit.conversation_title), hit.role, escape(hit.snippet))
    print_table(console, table)


def export(ctx: typer.Context,
           conversation_id: str = typer.Argument(None, help="cli.opt.export_conversation"),
           user: str = USER, fmt: str = typer.Option("json", "--format", help="json | markdown"),
           output: Path = typer.Option(None, "--output", "-o", help="cli.opt.export_output")) -> None:
    with opened(ctx) as (store, _, lang_):
        owner = store.get_user(user)
        details = store.export(owner.id, conversation_id)
        keys = store.list_keys(user) if conversation_id is None else None
        documents = store.export_documents(owner.id) if conversation_id is None else None
    text = to_markdown(details, lang_) if fmt == "markdown" else to_json(user, details, keys, documents)
    if output is None:
        print(text, end="" if text.endswith("\n") else "\n")
        return
    output.write_text(text, encoding="utf-8")
    console.print(f"[green]✓[/] {t('history.exported', lang_, count=len(details), path=output)}")


def delete(ctx: typer.Context,
           conversation_id: str = typer.Argument(None, help="cli.opt.delete_conversation"),
           user: str = USER,
           everything: bool = typer.Option(False, "--all", help="cli.opt.delete_all"),
           yes: bool = typer.Option(False, "--yes", "-y", help="cli.opt.yes")) -> None:
    with opened(ctx) as (store, _, lang_):
        owner = store.get_user(user)
        if conversation_id is None and not everything:
            raise typer.BadParameter(t("history.delete_what", lang_))
        if conversation_id is None:
            if not yes:
                typer.confirm(t("history.confirm_delete_all", lang_, user=user), abort=True)
            gone = store.delete_all_conversations(owner.id)
        else:
            store.delete_conversation(owner.id, conversation_id)
            gone = 1
    console.print(f"[green]✓[/] {t('history.deleted', lang_, count=gone)}")


COMMANDS: dict[str, Callable[..., None]] = {
    "list": list_conversations, "show": show, "search": search, "export": export, "delete": delete,
}


def register(app: typer.Typer, lang: str) -> None:
    add_group(app, "history", "cli.help.history",
              {name: (command, f"cli.help.history_{name}") for name, command in COMMANDS.items()}, lang)
