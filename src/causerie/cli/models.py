"""`causerie models`: list the catalog, show one card, install a bundled model."""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from causerie.cli.common import add_commands, fail, localized, print_table, session, state
from causerie.cli.progress_view import ProgressView
from causerie.errors import CauserieError
from causerie.i18n import t
from causerie.models.assembly import VerificationRecord, assembled_path, locate_part
from causerie.models.card import ModelCard
from causerie.models.catalog import Catalog
from causerie.models.install import download_and_assemble, pip_command, pip_install

console = Console(highlight=False)


def human_size(size: int | None) -> str:
    if not size:
        return "-"
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return "-"


def status_of(catalog: Catalog, card: ModelCard) -> tuple[bool, bool]:
    """(installed, verified) without hashing anything: verified means a fresh verification record."""
    if not card.parts:  # remote models and user files: nothing to install
        return True, card.verified
    if not catalog.is_installed(card):
        return False, False
    target = (locate_part(card, card.parts[0]) if len(card.parts) == 1
              else assembled_path(card, catalog.settings.models_dir))
    return True, VerificationRecord(catalog.settings.models_dir).known_sha(target) == card.sha256


def _yes_no(value: bool, lang: str) -> str:
    return f"[green]{t('card.yes', lang)}[/]" if value else f"[yellow]{t('card.no', lang)}[/]"


def list_table(catalog: Catalog, default: str, lang: str) -> Table:
    table = Table(title=t("card.title", lang))
    for key in ("name", "parameters", "quantization", "license", "size", "engine", "installed", "verified"):
        table.add_column(t(f"card.{key}", lang))
    for card in catalog.cards.values():
        installed, verified = status_of(catalog, card)
        name = f"{card.name} [bold]★[/]" if card.name == default else card.name
        table.add_row(name, card.parameters, card.quantization, card.license, human_size(card.size_bytes),
                      card.engine, _yes_no(installed, lang), _yes_no(verified, lang))
    return table


def source_text(card: ModelCard, lang: str) -> str:
    """One line, even for a model in 22 PyPI parts (`--json` lists each part)."""
    if len(card.parts) > 1:
        return t("card.parts_summary", lang, count=len(card.parts), first=card.parts[0].package,
                 last=card.parts[-1].package, version=card.parts[-1].version)
    return "\n".join(card.source_packages) or card.source


def card_table(card: ModelCard, installed: bool, verified: bool, lang: str) -> Table:
    """The card, one row a fact; the description in the session's language."""
    table = Table(show_header=False, title=card.name)
    rows = [
        ("name", card.name), ("family", card.family), ("parameters", card.parameters),
        ("quantization", card.quantization), ("context_length", str(card.context_length or "-")),
        ("license", card.license), ("languages", ", ".join(card.languages) or "-"),
        ("source", source_text(card, lang)), ("sha256", card.sha256 or "-"),
        ("size", human_size(card.size_bytes)), ("engine", card.engine), ("description", card.describe(lang)),
    ]
    for key, value in rows:
        table.add_row(t(f"card.{key}", lang), escape(value))  # "[[remotes]]" is text, not rich markup
    table.add_row(t("card.installed", lang), _yes_no(installed, lang))
    table.add_row(t("card.verified", lang), _yes_no(verified, lang))
    return table


def install_card(catalog: Catalog, card: ModelCard, lang: str) -> ModelCard:
    """Install and verify: a multi-part model from a download folder it then deletes, so that it lies once on
    disk; a single-part one into the virtualenv, where its file is used in place."""
    if len(card.parts) > 1 and not catalog.is_installed(card):
        folder = catalog.settings.models_dir / f".download-{card.name}"
        console.print(t("install.downloading", lang, name=card.name, count=len(card.parts), folder=folder),
                      soft_wrap=True)  # paths and commands stay whole, to be copied
        with ProgressView(console) as view:
            download_and_assemble(card, catalog.settings.models_dir, lang=lang, progress=view)
        console.print(t("install.kept", lang, count=len(card.parts), size=human_size(card.size_bytes)), soft_wrap=True)
    elif not catalog.is_installed(card):
        console.print(t("install.running", lang, name=card.name, count=len(card.parts)), soft_wrap=True)
        pip_install(card)
    with ProgressView(console) as view:
        return catalog.prepare(card, lang=lang, progress=view)


def parts_in_venv(catalog: Catalog, card: ModelCard) -> bool:
    try:
        return all(locate_part(card, part) for part in card.parts)
    except CauserieError:
        return False


def list_models(ctx: typer.Context,
                as_json: bool = typer.Option(False, "--json", help="cli.opt.json")) -> None:
    if ctx.invoked_subcommand:
        return
    st = state(ctx)
    settings = st.settings()
    catalog = Catalog(settings)
    if as_json:
        print(json.dumps([card.public() | {"installed": status_of(catalog, card)[0]}
                          for card in catalog.cards.values()], ensure_ascii=False, indent=1))
        return
    print_table(console, list_table(catalog, settings.model, st.language(settings)))


def show(ctx: typer.Context, name: str = typer.Argument(..., help="cli.opt.model_name"),
         as_json: bool = typer.Option(False, "--json", help="cli.opt.json")) -> None:
    settings, lang_ = session(ctx)
    catalog = Catalog(settings)
    try:
        card = catalog.get(name)
    except CauserieError as error:
        fail(error, lang_)
    installed, verified = status_of(catalog, card)
    if as_json:
        print(json.dumps(card.public() | {"installed": installed, "verified": verified}, indent=1))
    else:
        print_table(console, card_table(card, installed, verified, lang_))


def install(ctx: typer.Context, name: str = typer.Argument(..., help="cli.opt.model_name")) -> None:
    settings, lang_ = session(ctx)
    catalog = Catalog(settings)
    try:
        card = catalog.get(name)
        ready = install_card(catalog, card, lang_)
    except CauserieError as error:
        fail(error, lang_)
    done = escape(t("install.done", lang_, name=card.name, path=ready.path))
    console.print(f"[green]✓[/] {done}", soft_wrap=True)
    if len(card.parts) > 1 and parts_in_venv(catalog, card):
        command = " ".join(pip_command(card)).replace(" install ", " uninstall -y ", 1)
        command = command.replace(" --no-deps --require-hashes", "")
        console.print(t("install.venv_parts", lang_, name=card.name, size=human_size(card.size_bytes),
                        command=command), markup=False, soft_wrap=True)  # a command stays whole


def register(app: typer.Typer, lang: str) -> None:
    models_app = typer.Typer(help=t("cli.help.models", lang), invoke_without_command=True)
    app.add_typer(models_app, name="models")
    models_app.callback()(localized(list_models, lang))
    add_commands(models_app, {
        "show": (show, "cli.help.models_show"),
        "install": (install, "cli.help.models_install"),
    }, lang)
