"""Speech benchmark: synthesis speed, time to the first audio byte of a 500-word story over HTTP, and
transcription speed (with the round-trip word error rate as a by-product).

    python bench/speech_bench.py --out docs/benchmarks.md

1. Synthesis, in process: a 500-word story (French, then English) normalized, spoken by espeak-ng and
   encoded, 3 runs each; *x real time* = seconds of audio / seconds of compute. Measured twice: raw PCM
   (synthesis alone) and MP3 (synthesis + resampling + LAME encoding, what the API sends by default).
2. Time to first audio byte: `causerie serve` (on the small LLM, unused here) is started, and the story is
   POSTed to /v1/audio/speech (mp3, streamed) 5 times per voice; first byte = from sending the request to
   the first body bytes; also the time to the last byte.
3. Transcription: Whisper base (CTranslate2 int8, CPU) on the English and French stories as spoken by
   espeak-ng, with 1 and 2 threads (`--stt-runs` each); RTF = compute / audio (lower is faster); WER
   against the text.

With `--out`, the results replace the section between the speech-bench markers of that file, or are
appended to it: the other sections are left as they are.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

from causerie import __version__
from causerie.settings import Settings
from causerie.speech.audio import decode
from causerie.speech.synthesis import Synthesizer
from causerie.speech.transcribe import Transcriber
from causerie.speech.wer import word_error_rate

sys.path.insert(0, str(Path(__file__).parent))
from report_section import git_head, write_section  # noqa: E402  (bench/ is on sys.path when a script here runs)
from servers import start_server  # noqa: E402
from speech_stories import ENGLISH_STORY, FRENCH_STORY  # noqa: E402

SERVER_MODEL = "smollm2-135m-instruct"


def words(text: str) -> int:
    return len(text.split())


# --- 1. synthesis -------------------------------------------------------------------------------------------


def synthesis(settings: Settings, text: str, voice: str, fmt: str, runs: int = 3) -> dict:
    synthesizer = Synthesizer(settings)
    speeds, seconds = [], 0.0
    for _ in range(runs):
        start = time.perf_counter()
        plan = synthesizer.plan(text, voice=voice, response_format=fmt)
        size = sum(len(data) for data in synthesizer.stream(plan))
        elapsed = time.perf_counter() - start
        seconds = plan.seconds
        speeds.append(seconds / elapsed)
    return {"voice": voice, "format": fmt, "audio_s": seconds, "x_realtime": statistics.median(speeds),
            "runs": speeds, "bytes": size, "sentences": len(plan.sentences)}


# --- 2. first byte over HTTP ----------------------------------------------------------------------------------


def first_byte(url: str, text: str, voice: str, runs: int = 5) -> dict:
    firsts, totals = [], []
    with httpx.Client(base_url=url, timeout=120, trust_env=False) as client:
        for _ in range(runs):
            start = time.perf_counter()
            body = {"model": "tts-1", "input": text, "voice": voice, "response_format": "mp3"}
            with client.stream("POST", "/v1/audio/speech", json=body) as response:
                response.raise_for_status()
                chunks = response.iter_bytes()
                next(chunks)
                firsts.append(time.perf_counter() - start)
                for _chunk in chunks:
                    pass
            totals.append(time.perf_counter() - start)
    return {"voice": voice, "first_ms": statistics.median(firsts) * 1000, "first_runs": firsts,
            "total_ms": statistics.median(totals) * 1000}


# --- 3. transcription ---------------------------------------------------------------------------------------


def transcription(settings: Settings, text: str, voice: str, threads: int, runs: int) -> dict:
    synthesizer = Synthesizer(settings)
    audio = decode(b"".join(synthesizer.stream(synthesizer.plan(text, voice=voice, response_format="wav"))))
    seconds = len(audio) / 16000
    transcriber = Transcriber(settings.model_copy(update={"whisper_threads": threads}))
    start = time.perf_counter()
    transcriber.model()
    load = time.perf_counter() - start
    rtfs, transcript = [], None
    for _ in range(runs):
        start = time.perf_counter()
        transcript = transcriber.transcribe(audio, language=voice_lang(voice))
        rtfs.append((time.perf_counter() - start) / seconds)
    return {"voice": voice, "threads": threads, "audio_s": seconds, "rtf": statistics.median(rtfs), "runs": rtfs,
            "load_s": load, "wer": word_error_rate(text, transcript.text)}


def voice_lang(voice: str) -> str:
    return "fr" if voice in ("camille", "louis") else "en"


# --- report -------------------------------------------------------------------------------------------------


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    return f"{cpu}, {len(os.sched_getaffinity(0))} cores available, Linux {platform.release()}"


def report(synth: list[dict], http: list[dict], stt: list[dict], info: dict) -> str:
    lines = ["# Speech: synthesis, first audio byte, transcription", ""]
    if info["busy"]:
        lines += [f"> **Busy machine.** The load average was {info['load']} at start on "
                  f"{len(os.sched_getaffinity(0))} cores (other work was running): every figure below is "
                  "pessimistic, and 2 Whisper threads can be slower than 1.", ""]
    lines += [f"Written by `bench/speech_bench.py` on {info['date']} ({info['elapsed']:.0f} s in all). "
              f"Machine: {info['machine']}; load average at start {info['load']}. "
              f"causerie {__version__} (git {info['git']}), Python {platform.python_version()}.", "",
              f"Command: `{info['command']}`", "",
              f"Texts: a French story of {info['fr_words']} words and an English one of {info['en_words']} words "
              "(bench/speech_stories.py), with numbers, dates and abbreviations to normalize.", "",
              "## Synthesis (in process)", "",
              "| voice | format | audio | sentences | x real time (median of 3; joe: 1 run) |",
              "|---|---|---:|---:|---:|"]
    lines += [f"| {r['voice']} | {r['format']} | {r['audio_s']:.1f} s | {r['sentences']} | {r['x_realtime']:.0f}× |"
              for r in synth]
    lines += ["", "*x real time* = seconds of audio made per second of compute (normalization, the voice, "
              "and for MP3 resampling to 24 kHz and LAME encoding). camille and ava are espeak-ng; joe, when "
              "installed, is the optional Piper (neural, ONNX) voice.", "",
              "## Time to first audio byte, 500-word story over HTTP", "",
              "| voice | first byte (median of 5) | runs | last byte (median) |", "|---|---:|---|---:|"]
    lines += [f"| {r['voice']} | {r['first_ms']:.0f} ms | {', '.join(f'{x * 1000:.0f}' for x in r['first_runs'])} "
              f"| {r['total_ms']:.0f} ms |" for r in http]
    lines += ["", "`POST /v1/audio/speech` (mp3) to a local `causerie serve`, streamed with httpx; `alloy` "
              "leaves the language to detection (lingua), the others fix it.", "",
              "## Transcription (Whisper base, CTranslate2 int8, CPU)", "",
              f"| speech | threads | audio | RTF (compute / audio, median of {info['stt_runs']}) | x real time "
              "| model load | WER |",
              "|---|---:|---:|---:|---:|---:|---:|"]
    lines += [f"| {r['voice']} ({voice_lang(r['voice'])}) | {r['threads']} | {r['audio_s']:.0f} s | {r['rtf']:.3f} "
              f"| {1 / r['rtf']:.1f}× | {r['load_s']:.1f} s | {r['wer'] * 100:.0f} % |" for r in stt]
    lines += ["", "Speech made by espeak-ng (the voices above), decoded to 16 kHz, transcribed with the language "
              "given, beam size 5. WER: word error rate against the story text (lower case, punctuation ignored; "
              "Whisper writes numbers as digits where the story spells some out, which counts as errors). "
              "The model load includes the first assembly check of `model.bin` (sha256 of 145 MB) only on the "
              "first row."]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, help="Markdown file whose speech section to write")
    parser.add_argument("--home", type=Path, help="data directory (default: a temporary one)")
    parser.add_argument("--stt-runs", type=int, default=1, help="transcriptions per story and thread count")
    args = parser.parse_args()
    began = time.perf_counter()
    info = {"date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "machine": machine(),
            "load": ", ".join(f"{x:.2f}" for x in os.getloadavg()), "command": " ".join(["python", *sys.argv]),
            "git": git_head(),
            "fr_words": words(FRENCH_STORY), "en_words": words(ENGLISH_STORY),
            "busy": os.getloadavg()[0] > len(os.sched_getaffinity(0))}
    home = args.home or Path(tempfile.mkdtemp(prefix="speech-bench-"))
    settings = Settings(home=home)
    stories = [(FRENCH_STORY, "camille"), (ENGLISH_STORY, "ava")]
    synth = [synthesis(settings, text, voice, fmt) for text, voice in stories for fmt in ("pcm", "mp3")]
    piper = "joe" in Synthesizer(settings).book.get().speakers  # the optional Piper voice, when installed
    if piper:
        synth.append(synthesis(settings, ENGLISH_STORY, "joe", "mp3", runs=1))
    print(*synth, sep="\n", flush=True)
    info["stt_runs"] = args.stt_runs
    stt = [transcription(settings, text, voice, threads, args.stt_runs)
           for text, voice in stories for threads in (1, 2)]
    print(*stt, sep="\n", flush=True)
    process, url = start_server(home, SERVER_MODEL)
    try:
        voices = [*stories, (FRENCH_STORY, "alloy"), *([(ENGLISH_STORY, "joe")] if piper else [])]
        http = [first_byte(url, text, voice) for text, voice in voices]
    finally:
        process.terminate()
        process.wait(timeout=30)
    print(*http, sep="\n", flush=True)
    info["elapsed"] = time.perf_counter() - began
    section = report(synth, http, stt, info)
    print(section)
    if args.out:
        write_section(args.out, "speech-bench", section)


if __name__ == "__main__":
    main()
