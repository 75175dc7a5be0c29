"""What every command shares: settings and language, error display, engine loading, streaming output."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NoReturn

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from causerie.cli.progress_view import ProgressView
from causerie.engines.base import Chunk, Engine, GenerationRequest
from causerie.engines.repetition import RepetitionGuard
from causerie.errors import CauserieError
from causerie.i18n import resolve_lang, t
from causerie.models.catalog import Catalog
from causerie.settings import Settings, load_settings

err_console = Console(stderr=True)


def print_table(console: Console, table: Table) -> None:
    """A table on a terminal, every cell folded rather than cut (a name or a hash is never shortened); into
    a pipe or a file, plain tab-separated lines, a header first, for `cut` and `awk` at any width."""
    if console.is_terminal:
        for column in table.columns:
            column.overflow = "fold"
        console.print(table)
        return
    rows = []
    if table.show_header:
        rows.append([Text.from_markup(str(column.header)).plain for column in table.columns])
    cells = [[Text.from_markup(str(cell)).plain if isinstance(cell, str) else str(cell) for cell in column.cells]
             for column in table.columns]
    rows += [list(row) for row in zip(*cells, strict=True)]
    for row in rows:
        print("\t".join(cell.replace("\n", " ") for cell in row))
    if table.caption:  # a note under the table (aliases, a total): kept, after the rows
        print(Text.from_markup(str(table.caption)).plain)


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
    """The catalog's one builder, its progress (joining, hashing, loading) drawn on stderr."""
    view = ProgressView(err_console)
    try:
        return Catalog(settings).load(name, lang=lang, progress=view)
    except CauserieError as error:
        fail(error, lang)
    finally:
        view.close()


def ai_notice(engine: Engine, lang: str) -> str:
    card = engine.card
    return t("card.ai_notice", lang, model=card.name, license=card.license, quantization=card.quantization,
             sha=card.short_sha())


def stream_text(engine: Engine, request: GenerationRequest, out=None) -> Iterator[Chunk]:
    """Generate, writing text to `out` as it comes; Ctrl-C stops the generation, not the program. A model
    that loops is stopped: the last chunk then has finish_reason "repetition" (see `stop_notice`)."""
    out = out or sys.stdout
    guard = RepetitionGuard()
    stream = engine.stream(request)
    try:
        for chunk in stream:
            if chunk.text:
                out.write(chunk.text)
                out.flush()
            yield chunk
            if chunk.text and guard.feed(chunk.text):
                yield Chunk(finish_reason="repetition")
                return
    finally:
        request.cancel.set()
        stream.close()


def answer_cap(settings: Settings, max_tokens: int | None) -> int | None:
    """The CLI's token cap: --max-tokens, else `cli_max_tokens` (0: none)."""
    return max_tokens or settings.cli_max_tokens or None


def stop_notice(finish: str | None, max_tokens: int | None, lang: str) -> str | None:
    """Why an answer stopped early, said to the user: its token cap, or a loop."""
    if finish == "length" and max_tokens:
        return t("cli.stopped_length", lang, max_tokens=max_tokens)
    if finish == "repetition":
        return t("cli.stopped_repetition", lang)
    return None


def read_stdin() -> str:
    return "" if sys.stdin is None or sys.stdin.isatty() else sys.stdin.read()
