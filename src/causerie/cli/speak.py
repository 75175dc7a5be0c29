"""`causerie speak` (text to an audio file or stdout), `causerie voices`, and the story's `--read-aloud`.

Speech modules are imported inside the commands: they pull numpy and FFmpeg, which `causerie ask` need not
pay for at start-up.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from causerie.cli.common import err_console, fail, fail_text, localized, print_table, session
from causerie.cli.skill_runner import read_text
from causerie.errors import CauserieError
from causerie.i18n import t
from causerie.settings import Settings

console = Console(highlight=False)
SUFFIX_FORMATS = {".wav": "wav", ".mp3": "mp3", ".ogg": "opus", ".opus": "opus", ".flac": "flac", ".pcm": "pcm",
                  ".raw": "pcm", ".aac": "aac"}


def format_for(output: Path | None, given: str | None) -> str:
    """--format if given, else the output file's suffix, else WAV (plays everywhere)."""
    if given:
        return given
    return SUFFIX_FORMATS.get(output.suffix.lower(), "wav") if output else "wav"


def synthesize_to(settings: Settings, text: str, output: Path | None, *, voice: str | None, speed: float,
                  fmt: str) -> tuple[str, float]:
    """Speak `text` into `output` (stdout when None); returns (voice name, seconds of audio)."""
    from causerie.speech.synthesis import Synthesizer

    synthesizer = Synthesizer(settings)
    plan = synthesizer.plan(text, voice=voice, response_format=fmt, speed=speed)
    if output is None:
        for data in synthesizer.stream(plan):
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
    else:
        synthesizer.save(plan, output)
    return plan.voice.name, plan.seconds


def slug(title: str, fallback: str = "histoire") -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:60] or fallback


def read_aloud(settings: Settings, title: str, text: str, lang: str, directory: Path, fmt: str = "mp3") -> None:
    """The story's `--read-aloud`: its text in `<title>.txt` and its audio beside it, read in its language."""
    base = directory / slug(title)
    text_path, audio_path = base.with_suffix(".txt"), base.with_suffix("." + fmt)
    text_path.write_text(f"{title}\n\n{text}\n", encoding="utf-8")
    synthesize_to(settings, f"{title}.\n\n{text}", audio_path, voice=lang, speed=1.0, fmt=fmt)
    err_console.print(t("cli.story.saved", lang, text=text_path, audio=audio_path), highlight=False, markup=False)


def voices_table(lang: str, aliases: list[str]) -> Table:
    table = Table(title=t("cli.voices.title", lang), caption=t("cli.voices.aliases", lang, names=", ".join(aliases)))
    for key in ("name", "language", "gender", "default", "description"):
        table.add_column(t(f"cli.voices.{key}", lang))
    return table


def speak(
    ctx: typer.Context,
    text: str = typer.Argument(None, help="cli.opt.text_arg"),
    file: Path = typer.Option(None, "--file", "-f", help="cli.opt.text_file",
                              exists=True, dir_okay=False),
    output: Path = typer.Option(None, "--output", "-o", help="cli.opt.speak_output"),
    voice: str = typer.Option(None, "--voice", "-v", help="cli.opt.speak_voice"),
    speed: float = typer.Option(1.0, "--speed", "-s", help="cli.opt.speak_speed"),
    fmt: str = typer.Option(None, "--format", "-F", help="cli.opt.speak_format"),
) -> None:
    settings, lang_ = session(ctx)
    if output is None and sys.stdout.isatty():
        fail_text(t("cli.speak.no_output", lang_), code=2)
    try:
        name, seconds = synthesize_to(settings, read_text(text, file, lang_), output, voice=voice,
                                      speed=speed, fmt=format_for(output, fmt))
    except CauserieError as error:
        fail(error, lang_, code=2 if error.status < 500 else 1)
    if output is not None:
        err_console.print(t("cli.speak.saved", lang_, path=output, seconds=f"{seconds:.1f}", voice=name),
                          highlight=False, markup=False)


def voices(ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="cli.opt.json")) -> None:
    from causerie.speech.voices import OPENAI_VOICES, VoiceBook

    settings, lang_ = session(ctx)
    try:
        book = VoiceBook.from_settings(settings)
    except CauserieError as error:
        fail(error, lang_)
    defaults = {name.lower() for name in book.defaults.values()}
    if as_json:
        data = [info.public() | {"default": info.name.lower() in defaults} for info in book.infos()]
        print(json.dumps({"voices": data, "openai_aliases": OPENAI_VOICES}, ensure_ascii=False, indent=1))
        return
    table = voices_table(lang_, list(OPENAI_VOICES))
    for info in book.infos():
        mark = "★" if info.name.lower() in defaults else ""
        table.add_row(info.name, info.locale or info.language, t(f"cli.voices.{info.gender}", lang_), mark,
                      escape(info.description))
    print_table(console, table)


def register(app: typer.Typer, lang: str) -> None:
    app.command(help=t("cli.help.speak", lang))(localized(speak, lang))
    app.command(help=t("cli.help.voices", lang))(localized(voices, lang))
