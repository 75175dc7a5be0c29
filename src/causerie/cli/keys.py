"""`causerie keys`: create, list and revoke the API keys of users. A key is shown once, at creation; the
store keeps only its hash and its prefix."""

from __future__ import annotations

import json
from datetime import timedelta

import typer
from rich.table import Table

from causerie.cli.common import err_console, print_table
from causerie.cli.store import console, opened, stamp
from causerie.i18n import t
from causerie.store import SCOPES
from causerie.store.export import key_dict
from causerie.store.records import KeyRecord, now


def _scopes(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.replace(" ", ",").split(",") if part.strip())


def _state(key: KeyRecord, lang: str) -> str:
    state_ = key.state()
    colour = {"active": "green", "expired": "yellow", "revoked": "red"}[state_]
    return f"[{colour}]{t(f'keys.state.{state_}', lang)}[/]"


def register(app: typer.Typer, lang: str) -> None:
    keys_app = typer.Typer(help=t("cli.help.keys", lang), no_args_is_help=True)
    app.add_typer(keys_app, name="keys")

    @keys_app.command("create", help=t("cli.help.keys_create", lang))
    def create(
        ctx: typer.Context,
        user: str = typer.Option(..., "--user", "-u", help=t("cli.opt.key_user", lang)),
        name: str = typer.Option("", "--name", help=t("cli.opt.key_name", lang)),
        scopes: str = typer.Option(",".join(SCOPES), "--scopes", help=" | ".join(SCOPES)),
        expires_days: int = typer.Option(None, "--expires-days", min=1, help=t("cli.opt.key_expires_days", lang)),
        rate_limit: int = typer.Option(None, "--rate-limit", min=0, help=t("cli.opt.rate_limit", lang)),
        quota: int = typer.Option(None, "--quota", min=1, help=t("cli.opt.quota", lang)),
    ) -> None:
        expires = now() + timedelta(days=expires_days) if expires_days else None
        with opened(ctx) as (store, settings, lang_):
            record, token = store.create_key(user, name=name, scopes=_scopes(scopes), expires_at=expires,
                                             rate_limit_per_minute=rate_limit, token_quota_per_day=quota)
        err_console.print(t("keys.created", lang_, user=record.user_name, prefix=record.prefix,
                            scopes=" ".join(sorted(record.scopes))))
        print(token)  # alone on stdout, so scripts can capture it

    @keys_app.command("list", help=t("cli.help.keys_list", lang))
    def list_keys(ctx: typer.Context,
                  user: str = typer.Option(None, "--user", "-u", help=t("cli.opt.key_list_user", lang)),
                  as_json: bool = typer.Option(False, "--json", help=t("cli.opt.json", lang))) -> None:
        with opened(ctx) as (store, settings, lang_):
            keys = store.list_keys(user)
        if as_json:
            print(json.dumps([key_dict(k) | {"user": k.user_name, "state": k.state()} for k in keys], indent=1))
            return
        table = Table(title=t("keys.title", lang_))
        for column in ("prefix", "user", "name", "scopes", "state", "created", "expires", "last_used", "limits"):
            table.add_column(t(f"keys.col.{column}", lang_))
        for key in keys:
            limits = f"{key.rate_limit_per_minute if key.rate_limit_per_minute is not None else '·'}/min, " \
                     f"{key.token_quota_per_day or '·'}/{t('keys.day', lang_)}"
            table.add_row(key.prefix + "…", key.user_name, key.name, " ".join(sorted(key.scopes)),
                          _state(key, lang_), stamp(key.created_at), stamp(key.expires_at),
                          stamp(key.last_used_at), limits)
        print_table(console, table)

    @keys_app.command("revoke", help=t("cli.help.keys_revoke", lang))
    def revoke(ctx: typer.Context, prefix: str = typer.Argument(..., help=t("cli.opt.key_prefix", lang))) -> None:
        with opened(ctx) as (store, settings, lang_):
            key = store.revoke_key(prefix.rstrip("…").strip())
        console.print(f"[green]✓[/] {t('keys.revoked', lang_, prefix=key.prefix, user=key.user_name)}")
