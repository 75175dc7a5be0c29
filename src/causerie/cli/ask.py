"""`causerie ask`: one question, streamed to the terminal; reads stdin when piped."""

from __future__ import annotations

import io
import json
import sys

import typer

from causerie.cli.common import (
    ai_notice,
    answer_cap,
    err_console,
    exit_interrupted,
    fail,
    fail_text,
    load_engine,
    localized,
    read_stdin,
    session,
    stop_notice,
    stream_text,
)
from causerie.engines.base import Engine, GenerationRequest, Usage
from causerie.errors import CauserieError
from causerie.i18n import t


def build_messages(question: str, system: str | None) -> list[dict]:
    messages = [{"role": "system", "content": system}] if system else []
    return messages + [{"role": "user", "content": question}]


def default_system(system: str | None, lang: str) -> str | None:
    """The user's system prompt, else causerie's own; an empty string means none at all."""
    if system is None:
        return t("assistant.system", lang)
    return system or None


def question_text(prompt: str | None, piped: str) -> str:
    if prompt and piped.strip():
        return f"{prompt}\n\n{piped}"
    return prompt or piped


def _run(engine: Engine, request: GenerationRequest, quiet: bool) -> tuple[str, Usage, str | None]:
    parts: list[str] = []
    usage, finish = Usage(), None
    out = io.StringIO() if quiet else sys.stdout  # --json prints everything at the end
    for chunk in stream_text(engine, request, out=out):
        parts.append(chunk.text)
        usage = chunk.usage or usage
        finish = chunk.finish_reason or finish
    return "".join(parts), usage, finish


def ask(
    ctx: typer.Context,
    prompt: str = typer.Argument(None, help="cli.opt.question"),
    model: str = typer.Option(None, "--model", "-m", help="cli.opt.model"),
    system: str = typer.Option(None, "--system", "-s", help="cli.opt.system"),
    temperature: float = typer.Option(None, "--temperature", "-t", min=0, max=2,
                                      help="cli.opt.temperature"),
    max_tokens: int = typer.Option(None, "--max-tokens", "-n", min=1, help="cli.opt.max_tokens"),
    seed: int = typer.Option(None, "--seed", help="cli.opt.seed"),
    as_json: bool = typer.Option(False, "--json", help="cli.opt.ask_json"),
) -> None:
    settings, lang_ = session(ctx, model=model)
    question = question_text(prompt, read_stdin())
    if not question.strip():
        fail_text(t("cli.no_prompt", lang_), code=2)
    engine = load_engine(settings, settings.model, lang_)
    messages = build_messages(question, default_system(system, lang_))
    request = GenerationRequest(messages=messages, temperature=temperature,
                                max_tokens=answer_cap(settings, max_tokens), seed=seed)
    try:
        text, usage, finish = _run(engine, request, quiet=as_json)
    except KeyboardInterrupt:
        exit_interrupted(lang_)
    except CauserieError as error:
        fail(error, lang_)
    finally:
        engine.close()
    if as_json:
        print(json.dumps({"model": engine.name, "content": text, "finish_reason": finish,
                          "usage": vars(usage) | {"total_tokens": usage.total_tokens},
                          "card": engine.card.public()}, ensure_ascii=False))
    else:
        print(flush=True)
        notice = stop_notice(finish, request.max_tokens, lang_)
        if notice:
            err_console.print(notice, style="yellow", markup=False, highlight=False)
        err_console.print(f"[dim]{ai_notice(engine, lang_)}[/]", highlight=False)


def register(app: typer.Typer, lang: str) -> None:
    app.command(help=t("cli.help.ask", lang))(localized(ask, lang))
