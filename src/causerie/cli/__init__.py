"""The `causerie` command. The app is built in `main()` once the language is known, so help texts come
from the catalogue in French or English; each command group lives in its own module."""

from __future__ import annotations

import sys

import typer

from causerie.cli import ask, chat, history, keys, models, serve, skills, speak, transcribe, users
from causerie.cli import eval as eval_cli
from causerie.cli import store as store_cli
from causerie.cli.common import State
from causerie.i18n import resolve_lang, t


def _lang_from_argv(argv: list[str]) -> str | None:
    for index, arg in enumerate(argv):
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
        if arg == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
    return None


def build_app(lang: str) -> typer.Typer:
    app = typer.Typer(help=t("cli.help.root", lang), no_args_is_help=True, add_completion=False,
                      rich_markup_mode="rich", pretty_exceptions_enable=False)

    @app.callback()
    def root(
        ctx: typer.Context,
        lang_option: str = typer.Option(None, "--lang", help="fr | en"),
        home: str = typer.Option(None, "--home", help="CAUSERIE_HOME", show_default=False),
    ) -> None:
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
    store_cli.register(app, lang)
    return app


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    explicit = _lang_from_argv(argv)
    lang = resolve_lang(explicit) if explicit else resolve_lang("auto")
    build_app(lang)(args=argv, prog_name="causerie")
