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
from causerie.cli.store import open_store
from causerie.conversations import LOCAL_USER
from causerie.documents.embedders.registry import load_embedder
from causerie.documents.grounding import public_sources
from causerie.documents.ingest import Limits
from causerie.documents.library import DocumentLibrary, Grounding
from causerie.engines.base import Engine, GenerationRequest, Usage
from causerie.errors import CauserieError
from causerie.i18n import t
from causerie.settings import Settings


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
    docs: list[str] = typer.Option(None, "--docs", "-d", help="cli.opt.ask_docs"),
) -> None:
    settings, lang_ = session(ctx, model=model)
    question = question_text(prompt, read_stdin())
    if not question.strip():
        fail_text(t("cli.no_prompt", lang_), code=2)
    messages = build_messages(question, default_system(system, lang_))
    grounding = ground_question(settings, docs, messages, lang_) if docs else None
    if grounding is not None and grounding.answer is not None:  # nothing relevant: said without a model
        print_canned(grounding, as_json)
        return
    engine = load_engine(settings, settings.model, lang_)
    request = GenerationRequest(messages=grounding.messages if grounding and grounding.messages else messages,
                                temperature=temperature, max_tokens=answer_cap(settings, max_tokens), seed=seed)
    try:
        text, usage, finish = _run(engine, request, quiet=as_json)
    except KeyboardInterrupt:
        exit_interrupted(lang_)
    except CauserieError as error:
        fail(error, lang_)
    finally:
        engine.close()
    sources = public_sources(grounding.sources, text, grounding.lang) if grounding else None
    if as_json:
        extra = {"sources": sources} if sources is not None else {}
        print(json.dumps({"model": engine.name, "content": text, "finish_reason": finish,
                          "usage": vars(usage) | {"total_tokens": usage.total_tokens},
                          "card": engine.card.public(), **extra}, ensure_ascii=False))
    else:
        print(flush=True)
        if sources:
            print_sources(sources, lang_)
        notice = stop_notice(finish, request.max_tokens, lang_)
        if notice:
            err_console.print(notice, style="yellow", markup=False, highlight=False)
        err_console.print(f"[dim]{ai_notice(engine, lang_)}[/]", highlight=False)


def ground_question(settings: Settings, collections: list[str], messages: list[dict], lang: str) -> Grounding:
    """The question's passages from the local user's collections (cli/docs.py's `docs add`)."""
    store = open_store(settings, lang)
    embedder = load_embedder(settings)
    try:
        user = store.ensure_user(LOCAL_USER, admin=True)
        return DocumentLibrary(store, embedder, Limits.of(settings)).ground(user.id, collections, messages, lang)
    except CauserieError as error:
        fail(error, lang)
    finally:
        embedder.close()
        store.close()


def print_canned(grounding: Grounding, as_json: bool) -> None:
    if as_json:
        print(json.dumps({"model": None, "content": grounding.answer, "finish_reason": "stop", "sources": []},
                         ensure_ascii=False))
    else:
        print(grounding.answer, flush=True)


def print_sources(sources: list[dict], lang: str) -> None:
    """After the answer: its numbered sources, the cited ones in bold."""
    print(t("documents.cli.sources", lang))
    for source in sources:
        mark = "" if source["cited"] else t("documents.cli.not_cited", lang)
        print(f"  [{source['index']}] {source['label']}{mark}")


def register(app: typer.Typer, lang: str) -> None:
    app.command(help=t("cli.help.ask", lang))(localized(ask, lang))
