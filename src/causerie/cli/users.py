"""`causerie users`: add, list and delete the people who use this server (deleting erases all they own)."""

from __future__ import annotations

import json

import typer
from rich.table import Table

from causerie.cli.common import Commands, add_group, print_table
from causerie.cli.store import console, opened, stamp
from causerie.i18n import t


def add(ctx: typer.Context, name: str = typer.Argument(..., help="cli.opt.user_name"),
        admin: bool = typer.Option(False, "--admin", help="cli.opt.admin")) -> None:
    with opened(ctx) as (store, settings, lang_):
        user = store.add_user(name, admin=admin)
    console.print(f"[green]✓[/] {t('users.added', lang_, name=user.name)}")


def list_users(ctx: typer.Context,
               as_json: bool = typer.Option(False, "--json", help="cli.opt.json")) -> None:
    with opened(ctx) as (store, settings, lang_):
        users = store.list_users()
    if as_json:
        print(json.dumps([{"name": u.name, "admin": u.is_admin, "created_at": u.created_at.isoformat(),
                           "conversations": u.conversations, "active_keys": u.keys} for u in users], indent=1))
        return
    table = Table(title=t("users.title", lang_))
    for key in ("name", "admin", "created", "conversations", "keys"):
        table.add_column(t(f"users.col.{key}", lang_))
    for user in users:
        table.add_row(user.name, "✓" if user.is_admin else "", stamp(user.created_at), str(user.conversations),
                      str(user.keys))
    print_table(console, table)


def delete(ctx: typer.Context, name: str = typer.Argument(..., help="cli.opt.user_name"),
           yes: bool = typer.Option(False, "--yes", "-y", help="cli.opt.yes")) -> None:
    with opened(ctx) as (store, settings, lang_):
        user = store.get_user(name)
        if not yes:
            typer.confirm(t("users.confirm_delete", lang_, name=name, count=user_conversations(store, name)),
                          abort=True)
        store.delete_user(name)
    console.print(f"[green]✓[/] {t('users.deleted', lang_, name=user.name)}")


def register(app: typer.Typer, lang: str) -> None:
    commands: Commands = {"add": (add, "cli.help.users_add"), "list": (list_users, "cli.help.users_list"),
                          "delete": (delete, "cli.help.users_delete")}
    add_group(app, "users", "cli.help.users", commands, lang)


def user_conversations(store: object, name: str) -> int:
    return next((u.conversations for u in store.list_users() if u.name == name), 0)
