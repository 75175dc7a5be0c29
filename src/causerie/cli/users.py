"""`causerie users`: add, list and delete the people who use this server (deleting erases all they own)."""

from __future__ import annotations

import json

import typer
from rich.table import Table

from causerie.cli.common import print_table
from causerie.cli.store import console, opened, stamp
from causerie.i18n import t


def register(app: typer.Typer, lang: str) -> None:
    users_app = typer.Typer(help=t("cli.help.users", lang), no_args_is_help=True)
    app.add_typer(users_app, name="users")

    @users_app.command("add", help=t("cli.help.users_add", lang))
    def add(ctx: typer.Context, name: str = typer.Argument(..., help=t("cli.opt.user_name", lang)),
            admin: bool = typer.Option(False, "--admin", help=t("cli.opt.admin", lang))) -> None:
        with opened(ctx) as (store, settings, lang_):
            user = store.add_user(name, admin=admin)
        console.print(f"[green]✓[/] {t('users.added', lang_, name=user.name)}")

    @users_app.command("list", help=t("cli.help.users_list", lang))
    def list_users(ctx: typer.Context,
                   as_json: bool = typer.Option(False, "--json", help=t("cli.opt.json", lang))) -> None:
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

    @users_app.command("delete", help=t("cli.help.users_delete", lang))
    def delete(ctx: typer.Context, name: str = typer.Argument(..., help=t("cli.opt.user_name", lang)),
               yes: bool = typer.Option(False, "--yes", "-y", help=t("cli.opt.yes", lang))) -> None:
        with opened(ctx) as (store, settings, lang_):
            user = store.get_user(name)
            if not yes:
                typer.confirm(t("users.confirm_delete", lang_, name=name, count=user_conversations(store, name)),
                              abort=True)
            store.delete_user(name)
        console.print(f"[green]✓[/] {t('users.deleted', lang_, name=user.name)}")


def user_conversations(store: object, name: str) -> int:
    return next((u.conversations for u in store.list_users() if u.name == name), 0)
