"""`causerie keys`: create, list and revoke the API keys of users. A key is shown once, at creation; the
store keeps only its hash and its prefix."""

from __future__ import annotations

import json
from datetime import timedelta

import typer
from rich.table import Table

from causerie.cli.common import Commands, add_group, err_console, print_table
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


def create(
    ctx: typer.Context,
    user: str = typer.Option(..., "--user", "-u", help="cli.opt.key_user"),
    name: str = typer.Option("", "--name", help="cli.opt.key_name"),
    scopes: str = typer.Option(",".join(SCOPES), "--scopes", help=" | ".join(SCOPES)),
    expires_days: int = typer.Option(None, "--expires-days", min=1, help="cli.opt.key_expires_days"),
    rate_limit: int = typer.Option(None, "--rate-limit", min=0, help="cli.opt.rate_limit"),
    quota: int = typer.Option(None, "--quota", min=1, help="cli.opt.quota"),
) -> None:
    expires = now() + timedelta(days=expires_days) if expires_days else None
    with opened(ctx) as (store, settings, lang_):
        record, token = store.create_key(user, name=name, scopes=_scopes(scopes), expires_at=expires,
                                         rate_limit_per_minute=rate_limit, token_quota_per_day=quota)
    err_console.print(t("keys.created", lang_, user=record.user_name, prefix=record.prefix,
                        scopes=" ".join(sorted(record.scopes))))
    print(token)  # alone on stdout, so scripts can capture it


def list_keys(ctx: typer.Context,
              user: str = typer.Option(None, "--user", "-u", help="cli.opt.key_list_user"),
              as_json: bool = typer.Option(False, "--json", help="cli.opt.json")) -> None:
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


def revoke(ctx: typer.Context, prefix: str = typer.Argument(..., help="cli.opt.key_prefix")) -> None:
    with opened(ctx) as (store, settings, lang_):
        key = store.revoke_key(prefix.rstrip("…").strip())
    console.print(f"[green]✓[/] {t('keys.revoked', lang_, prefix=key.prefix, user=key.user_name)}")


def register(app: typer.Typer, lang: str) -> None:
    commands: Commands = {"create": (create, "cli.help.keys_create"), "list": (list_keys, "cli.help.keys_list"),
                          "revoke": (revoke, "cli.help.keys_revoke")}
    add_group(app, "keys", "cli.help.keys", commands, lang)
