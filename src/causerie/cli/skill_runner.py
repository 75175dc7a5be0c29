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

from causerie.cli.common import ai_notice, err_console, fail, fail_text, load_engine, read_stdin, state
from causerie.cli.meter import Meter, MeteredEngine
from causerie.errors import CauserieError
from causerie.i18n import t
from causerie.skills.base import Delta, Progress, Result, Skill, SkillCancelled, SkillOutput
from causerie.skills.registry import skill_class

console = Console(highlight=False)
MAIN_FIELDS = ("text", "code", "summary", "translation")


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


def main_text(output: SkillOutput) -> str | None:
    for name in MAIN_FIELDS:
        value = getattr(output, name, None)
        if isinstance(value, str):
            return value
    return None


def show_output(output: SkillOutput, streamed: bool, lang: str) -> None:
    """What the stream did not already show: the main text, then a verdict and a diff if the skill has them."""
    title = getattr(output, "title", None)
    if not streamed and isinstance(title, str) and title:  # a streamed story already began with its title
        console.print(f"\n[bold]{escape(title)}[/]")
    if not streamed and (text := main_text(output)) is not None:
        console.print(text, markup=False)
    verified = getattr(output, "verified", None)
    if isinstance(verified, bool):
        mark = f"[green]✓ {t('cli.verified', lang)}[/]" if verified else f"[yellow]✗ {t('cli.not_verified', lang)}[/]"
        console.print(mark)
    diff = getattr(output, "diff", None)
    if isinstance(diff, str) and diff.strip():
        console.print(Syntax(diff, "diff", theme="ansi_dark", background_color="default", word_wrap=True))
    show_flags(output, lang)


def show_flags(output: SkillOutput, lang: str) -> None:
    """What a skill says about its own result (lost placeholders, an unsafe story, a language switch),
    on stderr so a piped result stays clean."""
    for warning in getattr(output, "warnings", None) or []:
        err_console.print(f"[yellow]⚠[/] {escape(warning)}", highlight=False)
    if getattr(output, "complete", True) is False:
        err_console.print(f"[yellow]⚠[/] {escape(t('cli.incomplete', lang))}", highlight=False)
    if getattr(output, "safe", True) is False:
        err_console.print(f"[yellow]⚠[/] {escape(t('cli.unsafe', lang))}", highlight=False)
    if getattr(output, "language_changed", False) is True:
        err_console.print(f"[yellow]⚠[/] {escape(t('cli.language_changed', lang))}", highlight=False)


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
    st = state(ctx)
    settings = st.settings(model=model)
    lang = st.language(settings)
    engine = load_engine(settings, settings.model, lang)
    meter = Meter(err_console, lang)
    skill = skill_class(name)(MeteredEngine(engine, meter), lang)
    try:
        output, streamed = show_events(skill, data, meter, show_text=not as_json)
    except (KeyboardInterrupt, SkillCancelled):
        skill.cancel.set()
        err_console.print(f"\n{t('cli.interrupted', lang)}", markup=False)
        raise typer.Exit(130) from None
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
