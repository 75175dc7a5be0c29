"""`causerie speak`, `causerie voices` and the errors of `causerie transcribe`, run in process (the Whisper
round trip through the CLI is in tests/integration/test_speech_roundtrip.py)."""

from __future__ import annotations

import io
import json
import wave
from pathlib import Path

import av
import pytest
from typer.testing import CliRunner

from causerie.cli import build_app
from causerie.cli.speak import format_for, slug


def invoke(*args: str, input: str | None = None, code: int = 0):
    result = CliRunner().invoke(build_app("en"), ["--lang", "en", *args], input=input, catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result


def test_speak_writes_a_wav_with_its_real_length(tmp_path: Path) -> None:
    out = tmp_path / "story.wav"
    result = invoke("speak", "Il était une fois un renard.", "-o", str(out))
    assert "camille" in result.output and "story.wav" in result.output
    with wave.open(str(out)) as saved:
        assert saved.getframerate() == 24000 and saved.getnframes() > 24000


def test_speak_reads_a_file_and_follows_the_suffix(tmp_path: Path) -> None:
    text = tmp_path / "tale.md"
    text.write_text("# The fox\n\nThe fox sleeps under the **old** tree.", encoding="utf-8")
    out = tmp_path / "tale.ogg"
    invoke("speak", "--file", str(text), "-o", str(out), "--voice", "oliver", "--speed", "1.2")
    with av.open(str(out)) as container:
        assert container.format.name == "ogg" and container.streams.audio[0].codec_context.name == "opus"


def test_speak_reads_stdin(tmp_path: Path) -> None:
    out = tmp_path / "from-stdin.mp3"
    invoke("speak", "-o", str(out), "--format", "mp3", input="Hello from the standard input.")
    with av.open(io.BytesIO(out.read_bytes())) as container:
        assert container.streams.audio[0].codec_context.name.startswith("mp3")


@pytest.mark.parametrize(("args", "message"), [
    (["speak", "", "-o", "x.wav"], "empty"),
    (["speak", "Bonjour", "--voice", "zorglub", "-o", "x.wav"], "Unknown voice"),
    (["speak", "Bonjour", "--format", "ogg", "-o", "x.wav"], "Unsupported audio format"),
    (["speak", "Bonjour", "--speed", "9", "-o", "x.wav"], "out of range"),
])
def test_speak_errors_exit_2_with_the_reason(tmp_path: Path, args: list[str], message: str,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke(*args, code=2)
    assert message in " ".join(result.output.split())
    assert not (tmp_path / "x.wav").exists()


def test_voices_as_json() -> None:
    body = json.loads(invoke("voices", "--json").output)
    names = {voice["name"]: voice for voice in body["voices"]}
    assert names["camille"]["default"] and names["ava"]["default"] and not names["louis"]["default"]
    assert body["openai_aliases"]["shimmer"] == "female"


def test_voices_table_names_the_defaults() -> None:
    output = invoke("voices").output
    assert "camille" in output and "★" in output and "alloy" in output


def test_transcribe_refuses_a_bad_language_before_loading_whisper(tmp_path: Path) -> None:
    audio = tmp_path / "a.wav"
    audio.write_bytes(b"RIFF")
    result = invoke("transcribe", str(audio), "--language", "klingon", code=2)
    assert "klingon" in result.output


def test_formats_follow_the_suffix() -> None:
    assert [format_for(Path(f"a{suffix}"), None) for suffix in (".wav", ".MP3", ".ogg", ".opus", ".flac", ".txt")] \
        == ["wav", "mp3", "opus", "opus", "flac", "wav"]
    assert format_for(Path("a.wav"), "mp3") == "mp3" and format_for(None, None) == "wav"


def test_story_files_are_named_after_the_title() -> None:
    assert slug("Le Renard et la Lanterne !") == "le-renard-et-la-lanterne"
    assert slug("🎉") == "histoire"


def test_story_read_aloud_writes_the_text_and_its_audio_side_by_side(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import causerie.cli.skill_runner as skill_runner
    from causerie.engines.fake import FakeEngine

    story = "Title: The Fox and the Firefly\n\nOnce upon a time, a little fox met a firefly. They became friends."
    monkeypatch.setattr(skill_runner, "load_engine", lambda *args: FakeEngine(replies=[story]))
    monkeypatch.chdir(tmp_path)
    result = invoke("story", "a fox", "--to", "en", "--read-aloud")
    assert "the-fox-and-the-firefly.mp3" in "".join(result.output.split())  # Rich wraps long paths
    text = (tmp_path / "the-fox-and-the-firefly.txt").read_text(encoding="utf-8")
    assert text.startswith("The Fox and the Firefly\n\nOnce upon a time")
    with av.open(str(tmp_path / "the-fox-and-the-firefly.mp3")) as container:
        assert container.streams.audio[0].codec_context.name.startswith("mp3")
        assert container.duration / 1_000_000 > 4  # the title and both sentences


def test_story_without_read_aloud_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import causerie.cli.skill_runner as skill_runner
    from causerie.engines.fake import FakeEngine

    monkeypatch.setattr(skill_runner, "load_engine", lambda *args: FakeEngine(replies=["Title: A\n\nOnce."]))
    monkeypatch.chdir(tmp_path)
    invoke("story", "a fox", "--to", "en")
    assert list(tmp_path.iterdir()) == []
