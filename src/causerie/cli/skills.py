"""`causerie draft|improve|translate|summarize|story|code|optimize|fix|explain`.

Each command reads its text from the argument, `--file` or stdin, maps its options onto the skill's
typed input, and hands over to `skill_runner.run_skill` (streaming display, progress, verdict, `--json`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from causerie.cli.common import fail, state
from causerie.cli.skill_runner import read_text, run_skill
from causerie.i18n import t


class SharedOptions:
    """The options most skill commands share. Built in `register`, not at import, because their help
    comes from the catalogue in the language of this run."""

    def __init__(self, lang: str) -> None:
        self.text = typer.Argument(None, help=t("cli.opt.text_arg", lang))
        self.file = typer.Option(None, "--file", "-f", help=t("cli.opt.skill_file", lang), exists=True,
                                 dir_okay=False)
        self.model = typer.Option(None, "--model", "-m", help=t("cli.opt.model", lang))
        self.json = typer.Option(False, "--json", help=t("cli.opt.skill_json", lang))
        self.tests = typer.Option(None, "--tests", help=t("cli.opt.tests", lang), exists=True, dir_okay=False)


def _text(ctx: typer.Context, text: str | None, file: Path | None) -> str:
    return read_text(text, file, state(ctx).language())


def _optional_file(path: Path | None) -> str | None:
    return path.read_text(encoding="utf-8", errors="replace") if path else None


def read_story_aloud(ctx: typer.Context, output: Any) -> None:
    from causerie.cli.speak import read_aloud
    from causerie.errors import CauserieError

    st = state(ctx)
    settings = st.settings()
    try:
        read_aloud(settings, output.title, output.text, output.lang, Path.cwd())
    except CauserieError as error:
        fail(error, st.language(settings))


def register(app: typer.Typer, lang: str) -> None:
    opt = SharedOptions(lang)

    @app.command(help=t("cli.help.draft", lang))
    def draft(ctx: typer.Context, points: str = opt.text, file: Path = opt.file,
              kind: str = typer.Option("email", "--kind", "-k", help="email | sms | letter | post"),
              tone: str = typer.Option("friendly", "--tone", help="formal | friendly | firm"),
              to: str = typer.Option(None, "--to", help=t("cli.opt.draft_lang", lang)),
              length: str = typer.Option("medium", "--length", help="short | medium | long"),
              recipient: str = typer.Option(None, "--recipient", help=t("cli.opt.draft_recipient", lang)),
              sender: str = typer.Option(None, "--sender", help=t("cli.opt.draft_sender", lang)),
              model: str = opt.model, as_json: bool = opt.json) -> None:
        data = {"points": _text(ctx, points, file), "kind": kind, "tone": tone, "lang": to, "length": length,
                "recipient": recipient, "sender": sender}
        run_skill(ctx, "draft", data, model=model, as_json=as_json)

    @app.command(help=t("cli.help.improve", lang))
    def improve(ctx: typer.Context, text: str = opt.text, file: Path = opt.file,
                mode: str = typer.Option("proofread", "--mode", help="proofread | rewrite"),
                tone: str = typer.Option("keep", "--tone", help="keep | formal | friendly"),
                model: str = opt.model, as_json: bool = opt.json) -> None:
        data = {"text": _text(ctx, text, file), "mode": mode, "tone": tone}
        run_skill(ctx, "improve", data, model=model, as_json=as_json)

    @app.command(help=t("cli.help.translate", lang))
    def translate(ctx: typer.Context, text: str = opt.text, file: Path = opt.file,
                  to: str = typer.Option("fr", "--to", help=t("cli.opt.translate_to", lang)),
                  source: str = typer.Option(None, "--from", help=t("cli.opt.translate_from", lang)),
                  model: str = opt.model, as_json: bool = opt.json) -> None:
        data = {"text": _text(ctx, text, file), "target": to, "source": source}
        run_skill(ctx, "translate", data, model=model, as_json=as_json)

    @app.command(help=t("cli.help.summarize", lang))
    def summarize(ctx: typer.Context, text: str = opt.text, file: Path = opt.file,
                  length: str = typer.Option("paragraph", "--length", help="line | paragraph | bullets"),
                  to: str = typer.Option(None, "--to", help=t("cli.opt.summary_lang", lang)),
                  model: str = opt.model, as_json: bool = opt.json) -> None:
        fmt = {".html": "html", ".htm": "html", ".md": "markdown"}.get(file.suffix.lower(), "auto") if file else "auto"
        data = {"text": _text(ctx, text, file), "format": fmt, "length": length, "lang": to}
        run_skill(ctx, "summarize", data, model=model, as_json=as_json)

    @app.command(help=t("cli.help.story", lang))
    def story(ctx: typer.Context, theme: str = typer.Argument(None, help=t("cli.opt.story_theme", lang)),
              age: int = typer.Option(6, "--age", help=t("cli.opt.story_age", lang)),
              length: str = typer.Option("short", "--length", help="short | medium | long"),
              character: list[str] = typer.Option(None, "--character", "-c", help=t("cli.opt.story_character", lang)),
              place: str = typer.Option(None, "--place", help=t("cli.opt.story_place", lang)),
              to: str = typer.Option(None, "--to", help="fr | en"),
              read_aloud: bool = typer.Option(False, "--read-aloud", help=t("cli.opt.story_read_aloud", lang)),
              model: str = opt.model, as_json: bool = opt.json) -> None:
        data = {"theme": theme, "age": age, "length": length, "characters": character or [], "place": place,
                "lang": to}
        output = run_skill(ctx, "story", data, model=model, as_json=as_json)
        if read_aloud and output is not None:
            read_story_aloud(ctx, output)

    @app.command(help=t("cli.help.code", lang))
    def code(ctx: typer.Context, description: str = opt.text, file: Path = opt.file,
             language: str = typer.Option("python", "--language", "-l", help=t("cli.opt.code_language", lang)),
             with_tests: bool = typer.Option(False, "--with-tests", help=t("cli.opt.with_tests", lang)),
             model: str = opt.model, as_json: bool = opt.json) -> None:
        data = {"description": _text(ctx, description, file), "language": language, "with_tests": with_tests}
        run_skill(ctx, "code", data, model=model, as_json=as_json)

    @app.command(help=t("cli.help.optimize", lang))
    def optimize(ctx: typer.Context, code: str = opt.text, file: Path = opt.file, tests: Path = opt.tests,
                 entry: str = typer.Option(None, "--entry", help=t("cli.opt.entry", lang)),
                 model: str = opt.model, as_json: bool = opt.json) -> None:
        data = {"code": _text(ctx, code, file), "tests": _optional_file(tests), "entry": entry}
        run_skill(ctx, "optimize", data, model=model, as_json=as_json)

    @app.command(help=t("cli.help.fix", lang))
    def fix(ctx: typer.Context, code: str = opt.text, file: Path = opt.file, tests: Path = opt.tests,
            error: str = typer.Option(None, "--error", "-e", help=t("cli.opt.fix_error", lang)),
            description: str = typer.Option(None, "--description", "-d", help=t("cli.opt.fix_description", lang)),
            attempts: int = typer.Option(3, "--attempts", help=t("cli.opt.fix_attempts", lang)),
            model: str = opt.model, as_json: bool = opt.json) -> None:
        data = {"code": _text(ctx, code, file), "tests": _optional_file(tests), "error": error,
                "description": description, "max_attempts": attempts}
        run_skill(ctx, "fix", data, model=model, as_json=as_json)

    @app.command(help=t("cli.help.explain", lang))
    def explain(ctx: typer.Context, code: str = opt.text, file: Path = opt.file,
                language: str = typer.Option("python", "--language", "-l", help=t("cli.opt.explain_language", lang)),
                level: str = typer.Option("beginner", "--level", help="beginner | expert"),
                to: str = typer.Option(None, "--to", help=t("cli.opt.explain_lang", lang)),
                model: str = opt.model, as_json: bool = opt.json) -> None:
        data = {"code": _text(ctx, code, file), "language": language, "level": level, "lang": to}
        run_skill(ctx, "explain", data, model=model, as_json=as_json)
