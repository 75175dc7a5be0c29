"""The parser's messages in the session's language, from the catalogue (i18n/cli_parser.py).

typer 0.29 (and the click it vendors) builds its parser errors as English f-strings, out of gettext's
reach. Each error reaches the screen through `typer.rich_utils.rich_format_error`; causerie wraps it so
that the error's text is matched against the catalogue's English templates and written in the session's
language, a value caught by a `{message}` placeholder translated the same way. typer's rich panel has its
own "Try … for help." line, set here too, and typer.core's gettext calls ("Aborted!") read the catalogue."""

from __future__ import annotations

import re
from typing import Any

import typer.core
import typer.rich_utils
from rich.text import Text

from causerie.cli.common import err_console
from causerie.i18n import t
from causerie.i18n.messages import MESSAGES

NESTED = ("message", "detail", "what", "kind")  # placeholders whose value is itself a parser phrase
# typer's type labels ("<str>", "<int range>") -> the catalogue's word for them
TYPE_WORDS = {"str": "text", "int": "integer", "int range": "integer", "float": "number",
              "float range": "number", "file": "file", "dir": "folder", "path": "path", "Path": "path"}


def templates() -> list[tuple[re.Pattern[str], str]]:
    """(regex of the English template, its key), the most specific (longest) first."""
    keys = sorted((key for key in MESSAGES if key.startswith("parser.") and key != "parser.try_help"),
                  key=lambda key: -len(MESSAGES[key]["en"]))
    return [(template_regex(MESSAGES[key]["en"]), key) for key in keys]


def template_regex(english: str) -> re.Pattern[str]:
    pattern, last = "", 0
    for match in re.finditer(r"{(\w+)}", english):
        pattern += re.escape(english[last:match.start()]) + f"(?P<{match.group(1)}>.+?)"
        last = match.end()
    return re.compile(pattern + re.escape(english[last:]) + r"\Z", re.DOTALL)


def translate(text: str, lang: str, table: list[tuple[re.Pattern[str], str]] | None = None) -> str:
    """`text` (one of typer's English messages) in `lang`; unchanged when no template matches."""
    table = templates() if table is None else table
    for regex, key in table:
        match = regex.match(text)
        if match:
            values = {name: translate(value, lang, table) if name in NESTED else value
                      for name, value in match.groupdict().items()}
            return t(key, lang, **values)
    return text


def localize_parser(lang: str) -> None:
    table = templates()

    def print_parser_error(error: Any) -> None:
        """typer's own layout (usage, "Try … --help", the error), but each as one unbroken line, like every
        causerie error: a boxed panel would cut a path or a value at the terminal's width."""
        if error.__class__.__name__ == "NoArgsIsHelpError":  # typer has already shown the help
            return
        ctx = getattr(error, "ctx", None)
        if ctx is not None:
            err_console.print(Text(ctx.get_usage()), soft_wrap=True, highlight=False)
            if ctx.command.get_help_option(ctx) is not None:
                err_console.print(Text(t("parser.try_help", lang, command=ctx.command_path,
                                         option=ctx.help_option_names[0]), style="dim"), soft_wrap=True)
        message = t("cli.error", lang, message=translate(error.format_message(), lang, table))
        err_console.print(Text.assemble(("✗", "bold red"), " ", message), soft_wrap=True, highlight=False)

    typer.rich_utils.rich_format_error = print_parser_error
    localize_type_labels(lang)
    localize_usage(lang)
    # typer.core's gettext calls: only "Aborted!" reaches the screen without the function above; its other
    # messages are completed in English afterwards ("… Did you mean …?") and translated whole above.
    aborted = MESSAGES["parser.aborted"]
    typer.core._ = lambda message: aborted[lang] if message == aborted["en"] else message  # type: ignore[attr-defined]


def localize_type_labels(lang: str) -> None:
    """Help screens say TEXTE / ENTIER / FICHIER (TEXT / INTEGER / FILE) where typer writes <str>, <int>,
    <path>; a list is its word followed by "…" (the option may be repeated). Choices keep their values."""
    parameter = typer.core._TyperParameter
    original = getattr(parameter.display_type, "__wrapped__", parameter.display_type)

    def display_type(self: Any, ctx: Any) -> str:
        label = original(self, ctx)
        inner = label[1:-1] if label.startswith("<") and label.endswith(">") else label
        repeated = inner.startswith("list[") and inner.endswith("]")
        inner = inner[5:-1] if repeated else inner
        if inner == "bool":  # a flag takes no value: no label, as click itself shows it
            return ""
        word = TYPE_WORDS.get(inner)
        if word is None:
            return label
        return t(f"parser.type.{word}", lang) + ("…" if repeated else "")

    display_type.__wrapped__ = original  # type: ignore[attr-defined]
    parameter.display_type = display_type


def localize_usage(lang: str) -> None:
    """The usage line's "COMMAND [ARGS]..." (click's subcommand metavar) in `lang`."""
    group = typer.core.TyperGroup
    original = getattr(group.collect_usage_pieces, "__wrapped__", group.collect_usage_pieces)
    english, translated = MESSAGES["parser.usage_command"]["en"], t("parser.usage_command", lang)

    def collect_usage_pieces(self: Any, ctx: Any) -> list[str]:
        return [translated if piece == english else piece for piece in original(self, ctx)]

    collect_usage_pieces.__wrapped__ = original  # type: ignore[attr-defined]
    group.collect_usage_pieces = collect_usage_pieces
