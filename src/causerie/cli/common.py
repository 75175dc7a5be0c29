"""What every command shares: settings and language, error display, engine loading, streaming output."""

from __future__ import annotations

import copy
import functools
import inspect
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text
from typer.models import ParameterInfo

from causerie.cli.progress_view import ProgressView
from causerie.engines.base import Chunk, Engine, GenerationRequest
from causerie.engines.repetition import RepetitionGuard
from causerie.errors import CauserieError
from causerie.i18n import resolve_lang, t
from causerie.i18n.messages import MESSAGES
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


def session(ctx: typer.Context, **overrides: object) -> tuple[Settings, str]:
    """(settings, language) of this run: the one line every command starts with."""
    st = state(ctx)
    settings = st.settings(**overrides)
    return settings, st.language(settings)


Commands = dict[str, tuple[Callable[..., Any], str]]  # name -> (command function, its help's catalogue key)


def add_group(app: typer.Typer, name: str, help_key: str, commands: Commands, lang: str) -> typer.Typer:
    """A command group (`causerie keys …`): its help, then its commands, each in the session's language."""
    group = typer.Typer(help=t(help_key, lang), no_args_is_help=True)
    app.add_typer(group, name=name)
    add_commands(group, commands, lang)
    return group


def add_commands(group: typer.Typer, commands: Commands, lang: str) -> None:
    """Attach `{name: (command, help key)}` to `group`, each in the session's language."""
    for name, (command, help_key) in commands.items():
        group.command(name, help=t(help_key, lang))(localized(command, lang))


def exit_interrupted(lang: str) -> NoReturn:
    """Ctrl-C: say so, and leave with the shell's code for an interrupted command."""
    err_console.print(f"\n{t('cli.interrupted', lang)}", markup=False)
    raise typer.Exit(130)


def localized(command: Callable[..., Any], lang: str) -> Callable[..., Any]:
    """`command`, a plain module-level function whose options and arguments name their help by catalogue
    key (`help="cli.opt.json"`), with those helps in `lang`. A command is declared once, at module level;
    `register(app, lang)` only attaches it in the session's language."""
    signature = inspect.signature(command, eval_str=True)
    parameters = []
    for parameter in signature.parameters.values():
        info = parameter.default
        if isinstance(info, ParameterInfo) and isinstance(info.help, str) and info.help in MESSAGES:
            info = copy.copy(info)
            info.help = t(info.help, lang)
            parameter = parameter.replace(default=info)
        parameters.append(parameter)

    @functools.wraps(command)
    def in_language(*args: Any, **kwargs: Any) -> Any:
        return command(*args, **kwargs)

    in_language.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    return in_language


def fail_text(message: str, code: int = 1) -> NoReturn:
    # soft_wrap: an error names paths and values that a script may grep; rich must not break its lines at the
    # terminal's width (the terminal wraps them for the eye). The message is text, never rich markup.
    err_console.print(Text.assemble(("✗", "bold red"), " ", message), soft_wrap=True, highlight=False)
    raise typer.Exit(code)


def fail(error: CauserieError, lang: str, code: int = 1) -> NoReturn:
    fail_text(t("cli.error", lang, message=error.message(lang)), code)


def load_engine(settings: Settings, name: str, lang: str) -> Engine:
    """The catalog's one builder, its progress (joining, hashing, loading) drawn on stderr."""
    try:
        with ProgressView(err_console) as view:
            return Catalog(settings).load(name, lang=lang, progress=view)
    except CauserieError as error:
        fail(error, lang)


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
