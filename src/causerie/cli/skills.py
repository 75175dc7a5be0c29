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

TEXT = typer.Argument(None, help="Text, or '-' / nothing to read stdin.")
FILE = typer.Option(None, "--file", "-f", help="Read the text from this file (.txt, .md, .html, .py…).",
                    exists=True, dir_okay=False)
MODEL = typer.Option(None, "--model", "-m", help="Model name or .gguf path.")
JSON = typer.Option(False, "--json", help="Print the skill's full output as JSON.")
TESTS = typer.Option(None, "--tests", help="File of tests (asserts or test_* functions) to verify with.",
                     exists=True, dir_okay=False)


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
    @app.command(help=t("cli.help.draft", lang))
    def draft(ctx: typer.Context, points: str = TEXT, file: Path = FILE,
              kind: str = typer.Option("email", "--kind", "-k", help="email | sms | letter | post"),
              tone: str = typer.Option("friendly", "--tone", help="formal | friendly | firm"),
              to: str = typer.Option(None, "--to", help="Language: fr | en."),
              length: str = typer.Option("medium", "--length", help="short | medium | long"),
              recipient: str = typer.Option(None, "--recipient"), sender: str = typer.Option(None, "--sender"),
              model: str = MODEL, as_json: bool = JSON) -> None:
        data = {"points": _text(ctx, points, file), "kind": kind, "tone": tone, "lang": to, "length": length,
                "recipient": recipient, "sender": sender}
        run_skill(ctx, "draft", data, model=model, as_json=as_json)

    @app.command(help=t("cli.help.improve", lang))
    def improve(ctx: typer.Context, text: str = TEXT, file: Path = FILE,
                mode: str = typer.Option("proofread", "--mode", help="proofread | rewrite"),
                tone: str = typer.Option("keep", "--tone", help="keep | formal | friendly"),
                model: str = MODEL, as_json: bool = JSON) -> None:
        data = {"text": _text(ctx, text, file), "mode": mode, "tone": tone}
        run_skill(ctx, "improve", data, model=model, as_json=as_json)

    @app.command(help=t("cli.help.translate", lang))
    def translate(ctx: typer.Context, text: str = TEXT, file: Path = FILE,
                  to: str = typer.Option("fr", "--to", help="Target language: fr | en | de | es | it | pt | nl."),
                  source: str = typer.Option(None, "--from", help="Source language (default: detected)."),
                  model: str = MODEL, as_json: bool = JSON) -> None:
        data = {"text": _text(ctx, text, file), "target": to, "source": source}
        run_skill(ctx, "translate", data, model=model, as_json=as_json)

    @app.command(help=t("cli.help.summarize", lang))
    def summarize(ctx: typer.Context, text: str = TEXT, file: Path = FILE,
                  length: str = typer.Option("paragraph", "--length", help="line | paragraph | bullets"),
                  to: str = typer.Option(None, "--to", help="Language of the summary (default: the text's)."),
                  model: str = MODEL, as_json: bool = JSON) -> None:
        fmt = {".html": "html", ".htm": "html", ".md": "markdown"}.get(file.suffix.lower(), "auto") if file else "auto"
        data = {"text": _text(ctx, text, file), "format": fmt, "length": length, "lang": to}
        run_skill(ctx, "summarize", data, model=model, as_json=as_json)

    @app.command(help=t("cli.help.story", lang))
    def story(ctx: typer.Context, theme: str = typer.Argument(None, help="What the story is about."),
              age: int = typer.Option(6, "--age", help="Age of the child (2-12)."),
              length: str = typer.Option("short", "--length", help="short | medium | long"),
              character: list[str] = typer.Option(None, "--character", "-c", help="A character (repeatable)."),
              place: str = typer.Option(None, "--place"), to: str = typer.Option(None, "--to", help="fr | en"),
              read_aloud: bool = typer.Option(False, "--read-aloud", help="Also write the story's text and "
                                              "its audio (mp3) in the current folder."),
              model: str = MODEL, as_json: bool = JSON) -> None:
        data = {"theme": theme, "age": age, "length": length, "characters": character or [], "place": place,
                "lang": to}
        output = run_skill(ctx, "story", data, model=model, as_json=as_json)
        if read_aloud and output is not None:
            read_story_aloud(ctx, output)

    @app.command(help=t("cli.help.code", lang))
    def code(ctx: typer.Context, description: str = TEXT, file: Path = FILE,
             language: str = typer.Option("python", "--language", "-l"),
             with_tests: bool = typer.Option(False, "--with-tests", help="Also write tests and run them."),
             model: str = MODEL, as_json: bool = JSON) -> None:
        data = {"description": _text(ctx, description, file), "language": language, "with_tests": with_tests}
        run_skill(ctx, "code", data, model=model, as_json=as_json)

    @app.command(help=t("cli.help.optimize", lang))
    def optimize(ctx: typer.Context, code: str = TEXT, file: Path = FILE, tests: Path = TESTS,
                 entry: str = typer.Option(None, "--entry", help="Function to optimize."),
                 model: str = MODEL, as_json: bool = JSON) -> None:
        data = {"code": _text(ctx, code, file), "tests": _optional_file(tests), "entry": entry}
        run_skill(ctx, "optimize", data, model=model, as_json=as_json)

    @app.command(help=t("cli.help.fix", lang))
    def fix(ctx: typer.Context, code: str = TEXT, file: Path = FILE, tests: Path = TESTS,
            error: str = typer.Option(None, "--error", "-e", help="The error message or traceback."),
            description: str = typer.Option(None, "--description", "-d", help="What goes wrong."),
            attempts: int = typer.Option(3, "--attempts", help="Fix-and-test rounds (1-6)."),
            model: str = MODEL, as_json: bool = JSON) -> None:
        data = {"code": _text(ctx, code, file), "tests": _optional_file(tests), "error": error,
                "description": description, "max_attempts": attempts}
        run_skill(ctx, "fix", data, model=model, as_json=as_json)

    @app.command(help=t("cli.help.explain", lang))
    def explain(ctx: typer.Context, code: str = TEXT, file: Path = FILE,
                language: str = typer.Option("python", "--language", "-l"),
                level: str = typer.Option("beginner", "--level", help="beginner | expert"),
                to: str = typer.Option(None, "--to", help="Language of the explanation: fr | en."),
                model: str = MODEL, as_json: bool = JSON) -> None:
        data = {"code": _text(ctx, code, file), "language": language, "level": level, "lang": to}
        run_skill(ctx, "explain", data, model=model, as_json=as_json)
