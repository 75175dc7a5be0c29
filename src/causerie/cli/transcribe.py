"""`causerie transcribe audio.wav`: speech to text with the bundled Whisper, offline."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from causerie.cli.common import err_console, fail, fail_text, localized, session
from causerie.errors import CauserieError
from causerie.i18n import t

FORMATS = "text | json | verbose_json | srt | vtt"


def transcribe(
    ctx: typer.Context,
    audio: Path = typer.Argument(..., help="cli.opt.audio_file", exists=True, dir_okay=False),
    language: str = typer.Option(None, "--language", "-l", help="cli.opt.transcribe_language"),
    fmt: str = typer.Option("text", "--format", "-F", help=FORMATS),
    prompt: str = typer.Option(None, "--prompt", help="cli.opt.transcribe_prompt"),
) -> None:
    # Imported here: numpy, FFmpeg and CTranslate2 are not for every command's start-up.
    from causerie.api.audio.protocol import TranscriptionForm
    from causerie.api.audio.service import TranscriptionService

    settings, lang_ = session(ctx)
    service = TranscriptionService(settings)
    try:
        data = audio.read_bytes()
    except OSError as exc:
        fail_text(t("cli.error", lang_, message=f"{audio}: {exc.strerror}"), code=2)
    try:
        form = TranscriptionForm(language=language, prompt=prompt, response_format=fmt)
        service.check(form, data)
        with err_console.status(t("cli.transcribe.loading", lang_, name=settings.whisper_model)):
            service.transcriber.model()
        answer = service.transcribe(form, data)
    except CauserieError as error:
        fail(error, lang_, code=2 if error.status < 500 else 1)
    if fmt in ("json", "verbose_json"):  # pretty and readable in a terminal
        print(json.dumps(json.loads(answer.body), ensure_ascii=False, indent=1))
    else:
        print(answer.body, end="" if answer.body.endswith("\n") else "\n")


def register(app: typer.Typer, lang: str) -> None:
    app.command(help=t("cli.help.transcribe", lang))(localized(transcribe, lang))
