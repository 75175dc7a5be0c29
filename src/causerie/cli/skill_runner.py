"""Running a skill from the terminal: streamed text, a progress line per step, then the verdict/diff."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.syntax import Syntax

from causerie.cli.common import (
    ai_notice,
    err_console,
    exit_interrupted,
    fail,
    fail_text,
    load_engine,
    read_stdin,
    session,
)
from causerie.cli.meter import Meter, MeteredEngine
from causerie.errors import CauserieError
from causerie.i18n import t
from causerie.skills.base import Delta, Progress, Result, Skill, SkillCancelled, SkillOutput
from causerie.skills.registry import skill_class

console = Console(highlight=False)


def read_text(text: str | None, file: Path | None, lang: str) -> str:
    """The text argument, else the file, else stdin; '-' also means stdin. Binary files are refused."""
    if file is not None:
        try:
            raw = file.read_bytes()
        except OSError as exc:
            fail_text(t("cli.error", lang, message=f"{file}: {exc.strerror}"), code=2)
        if b"\x00" in raw[:8192]:
            fail_text(t("cli.binary_file", lang, path=file), code=2)
        return raw.decode("utf-8", errors="replace")
    if text is None or text == "-":
        return read_stdin()
    return text


def progress_line(event: Progress) -> str:
    """"• [2/5] message"; a step outside any count (reading the text) has no counter."""
    counter = f"[{event.step}/{event.total}] " if event.total else ""
    return f"[cyan]•[/] {counter}{escape(event.message)}"


def main_text(output: SkillOutput, lang: str) -> str:
    """What a chat keeps of a result as the assistant's answer."""
    view = output.view(lang)
    return view.text or view.code or ""


def show_output(output: SkillOutput, streamed: bool, lang: str) -> None:
    """What the stream did not already show, from the result's view: title, text and code, then the verdict,
    the diff and the warnings (on stderr, so that a piped result stays clean)."""
    view = output.view(lang)
    if not streamed:
        if view.title:
            console.print(f"\n[bold]{escape(view.title)}[/]")
        if view.text:
            console.print(view.text, markup=False)
        if view.code:
            console.print(Syntax(view.code, view.language or "text", theme="ansi_dark", background_color="default"))
    if view.verdict is not None:
        ok = view.verdict.ok
        console.print(f"[green]✓ {t('cli.verified', lang)}[/]" if ok else f"[yellow]✗ {t('cli.not_verified', lang)}[/]")
    if view.diff and view.diff.strip():
        console.print(Syntax(view.diff, "diff", theme="ansi_dark", background_color="default", word_wrap=True))
    for warning in view.warnings:
        err_console.print(f"[yellow]⚠[/] {escape(warning)}", highlight=False)


def show_events(skill: Skill, data: dict[str, Any], meter: Meter, *,
                show_text: bool = True) -> tuple[SkillOutput, bool]:
    """Run the skill, streaming its text to stdout and its steps to stderr; returns (output, streamed)."""
    streamed, output, line_open = False, None, False
    for event in skill.stream(data):
        if isinstance(event, Delta) and show_text:
            meter.streaming()
            sys.stdout.write(event.text)
            sys.stdout.flush()
            streamed = True
            if event.text:  # an empty delta leaves the line as it was
                line_open = not event.text.endswith("\n")
        elif isinstance(event, Progress):
            if line_open:  # a progress line starts on its own line, after streamed text
                print(flush=True)
                line_open = False
            err_console.print(progress_line(event), highlight=False, soft_wrap=True)
            meter.new_step(f"[{event.step}/{event.total}]" if event.total else "")
        elif isinstance(event, Result):
            output = event.output
    if streamed:
        print(flush=True)
    assert output is not None, f"skill {skill.name} produced no result"
    return output, streamed


def run_skill(ctx: typer.Context, name: str, data: dict[str, Any], *, model: str | None,
              as_json: bool) -> SkillOutput | None:
    settings, lang = session(ctx, model=model)
    engine = load_engine(settings, settings.model, lang)
    meter = Meter(err_console, lang)
    skill = skill_class(name)(MeteredEngine(engine, meter), lang)
    try:
        output, streamed = show_events(skill, data, meter, show_text=not as_json)
    except (KeyboardInterrupt, SkillCancelled):
        skill.cancel.set()
        exit_interrupted(lang)
    except CauserieError as error:
        fail(error, lang)
    finally:
        meter.hide()
        engine.close()
    if as_json:
        print(json.dumps({"skill": name, "model": engine.name, "output": output.model_dump(mode="json"),
                          "card": engine.card.public()}, ensure_ascii=False, indent=1))
        return output
    show_output(output, streamed, lang)
    err_console.print(f"[dim]{escape(ai_notice(engine, lang))}[/]", highlight=False)
    return output
