"""The `causerie` command. The app is built in `main()` once the language is known, so help texts come
from the catalogue in French or English; each command group lives in its own module."""

from __future__ import annotations

import sys

import click
import typer
import typer.rich_utils
from typer.core import TyperCommand, TyperGroup
from typer.models import TyperInfo

from causerie.cli import ask, chat, cluster, docs, history, keys, models, serve, skills, speak, transcribe, users
from causerie.cli import eval as eval_cli
from causerie.cli import store as store_cli
from causerie.cli.common import State
from causerie.cli.parser_lang import localize_parser
from causerie.i18n import LANGUAGES, resolve_lang, t


def _lang_from_argv(argv: list[str]) -> str | None:
    for index, arg in enumerate(argv):
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
        if arg == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
    return None


class _LocalizedHelpOption:
    """Mixin for click commands and groups: click's own `--help` line (English, "Show this message and
    exit.") and "Usage:" prefix replaced by `help_line` and `usage_prefix`, set per language in
    `localize_help_option`."""

    help_line = ""
    usage_prefix = ""

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=self.usage_prefix or None)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None and self.help_line:
            option.help = self.help_line
        return option


def localize_help_option(app: typer.Typer, lang: str) -> None:
    """Give every command and group of `app`, subcommands included, a `--help` line from the catalogue.

    Typer builds click objects from the `cls` recorded at registration, so setting it here, once the
    modules have registered their commands, spares each command its own `cls=`."""
    texts = {"help_line": t("cli.opt.help", lang), "usage_prefix": t("cli.frame.usage", lang) + " "}

    def localized(current: object, default: type) -> type:
        base = current if isinstance(current, type) else default  # unset: typer's placeholder or None
        return type(f"Localized{base.__name__}", (_LocalizedHelpOption, base), texts)

    def visit(instance: typer.Typer, info: TyperInfo) -> None:
        info.cls = localized(info.cls, TyperGroup)
        for command in instance.registered_commands:
            command.cls = localized(command.cls, TyperCommand)
        for group in instance.registered_groups:
            if group.typer_instance is not None:
                visit(group.typer_instance, group)

    visit(app, app.info)


# typer reads these module constants each time it draws a help screen or an error panel.
FRAME_TEXTS = {"ARGUMENTS_PANEL_TITLE": "arguments", "OPTIONS_PANEL_TITLE": "options",
               "COMMANDS_PANEL_TITLE": "commands", "ERRORS_PANEL_TITLE": "error", "ABORTED_TEXT": "aborted",
               "DEFAULT_STRING": "default", "REQUIRED_LONG_STRING": "required", "ENVVAR_STRING": "envvar",
               "DEPRECATED_STRING": "deprecated"}


def localize_help_frame(lang: str) -> None:
    """Panel titles and the [default: …] / [required] marks of the help screens, in `lang`. click's own
    parser messages ("No such option") are translated by `localize_parser`."""
    for constant, key in FRAME_TEXTS.items():
        setattr(typer.rich_utils, constant, t(f"cli.frame.{key}", lang, value="{}"))  # typer fills {} itself


def build_app(lang: str) -> typer.Typer:
    app = typer.Typer(help=t("cli.help.root", lang), no_args_is_help=True, add_completion=False,
                      rich_markup_mode="rich", pretty_exceptions_enable=False)

    @app.callback()
    def root(
        ctx: typer.Context,
        lang_option: str = typer.Option(None, "--lang", help=t("cli.opt.lang", lang)),
        home: str = typer.Option(None, "--home", help=t("cli.opt.home", lang), show_default=False),
    ) -> None:
        if lang_option and lang_option not in ("auto", *LANGUAGES):
            raise typer.BadParameter(t("cli.lang_unknown", lang, value=lang_option), param_hint="--lang")
        ctx.obj = State(lang=resolve_lang(lang_option or None) if lang_option else None, home=home)

    ask.register(app, lang)
    chat.register(app, lang)
    models.register(app, lang)
    serve.register(app, lang)
    skills.register(app, lang)
    speak.register(app, lang)
    transcribe.register(app, lang)
    eval_cli.register(app, lang)
    users.register(app, lang)
    keys.register(app, lang)
    history.register(app, lang)
    docs.register(app, lang)
    store_cli.register(app, lang)
    cluster.register(app, lang)
    localize_help_option(app, lang)
    localize_help_frame(lang)
    localize_parser(lang)
    return app


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    explicit = _lang_from_argv(argv)
    lang = resolve_lang(explicit) if explicit else resolve_lang("auto")
    build_app(lang)(args=argv, prog_name="causerie")
