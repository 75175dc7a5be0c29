"""What every command shares: settings and language, error display, engine loading, streaming output."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NoReturn

import typer
from rich.console import Console
from rich.text import Text

from causerie.engines.base import Chunk, Engine, GenerationRequest
from causerie.errors import CauserieError
from causerie.i18n import resolve_lang, t
from causerie.models.catalog import Catalog
from causerie.settings import Settings, load_settings

err_console = Console(stderr=True)


@dataclass
class State:
    lang: str | None = None
    home: str | None = None

    def settings(self, **overrides: object) -> Settings:
        try:
            return load_settings(home=self.home, **overrides)
        except ValueError as exc:  # pydantic's ValidationError: a bad env var or config file
            fail_text(str(exc), code=2)

    def language(self, settings: Settings | None = None) -> str:
        return self.lang or resolve_lang(settings.lang if settings else "auto")


def state(ctx: typer.Context) -> State:
    return ctx.obj if isinstance(ctx.obj, State) else State()


def fail_text(message: str, code: int = 1) -> NoReturn:
    # soft_wrap: an error names paths and values that a script may grep; rich must not break its lines at the
    # terminal's width (the terminal wraps them for the eye). The message is text, never rich markup.
    err_console.print(Text.assemble(("✗", "bold red"), " ", message), soft_wrap=True, highlight=False)
    raise typer.Exit(code)


def fail(error: CauserieError, lang: str, code: int = 1) -> NoReturn:
    fail_text(t("cli.error", lang, message=error.message(lang)), code)


def load_engine(settings: Settings, name: str, lang: str) -> Engine:
    try:
        catalog = Catalog(settings)
        card = catalog.prepare(catalog.get(name), lang=lang)
        with err_console.status(t("cli.loading", lang, name=card.name)):
            from causerie.models.catalog import engine_class

            return engine_class(card.engine).from_settings(card, settings)
    except CauserieError as error:
        fail(error, lang)


def ai_notice(engine: Engine, lang: str) -> str:
    card = engine.card
    return t("card.ai_notice", lang, model=card.name, license=card.license, quantization=card.quantization,
             sha=card.short_sha())


def stream_text(engine: Engine, request: GenerationRequest, out=None) -> Iterator[Chunk]:
    """Generate, writing text to `out` as it comes; Ctrl-C stops the generation, not the program."""
    out = out or sys.stdout
    stream = engine.stream(request)
    try:
        for chunk in stream:
            if chunk.text:
                out.write(chunk.text)
                out.flush()
            yield chunk
    finally:
        request.cancel.set()
        stream.close()


def read_stdin() -> str:
    return "" if sys.stdin is None or sys.stdin.isatty() else sys.stdin.read()
