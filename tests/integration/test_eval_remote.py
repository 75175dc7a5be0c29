"""`causerie eval` against a remote OpenAI-compatible model: a live causerie server on SmolLM2, declared as a
remote in config.toml, scored on three rows. Structure only: SmolLM2's scores mean nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .causerie_it import REMOTE_MODEL, ServerProcess, remote_config, run_cli

pytestmark = pytest.mark.integration

ROWS = [
    {"id": "a", "en": "The cat sleeps on the sofa.", "fr": "Le chat dort sur le canapé."},
    {"id": "b", "en": "It is raining in Paris today.", "fr": "Il pleut à Paris aujourd'hui."},
    {"id": "c", "en": "Thank you very much.", "fr": "Merci beaucoup."},
    {"id": "d", "en": "Good night.", "fr": "Bonne nuit."},
]


def test_eval_on_a_remote_model_resumes_and_reports(server: ServerProcess, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text(remote_config(server.url), encoding="utf-8")
    data = tmp_path / "tiny.jsonl"
    data.write_text("".join(json.dumps(row) + "\n" for row in ROWS), encoding="utf-8")
    args = ["--lang", "en", "eval", "run", "flores-en-fr", "--model", REMOTE_MODEL, "--data", str(data),
            "--split", "all", "--limit", "3", "--naive", "--max-tokens", "48", "--out", str(tmp_path / "runs")]
    first = run_cli(args, home, timeout=300)
    assert first.returncode == 0, first.stderr + first.stdout
    [summary_path] = (tmp_path / "runs").glob("*/summary.json")
    summary = json.loads(summary_path.read_text())
    assert summary["rows"] == 3 and summary["complete"] and summary["errors"] == 0
    assert summary["model"]["name"] == REMOTE_MODEL and summary["model"]["engine"] == "remote"
    assert 0 <= summary["metrics"]["chrf++"] <= 100 and summary["completion_tokens"] > 0
    assert "--limit 3" in summary["command"]
    # a second run of the same command finds every row cached: nothing is generated again
    again = run_cli(args, home, timeout=120)
    assert again.returncode == 0 and "3 already cached" in again.stdout
    assert json.loads(summary_path.read_text())["rows_this_run"] == 0
    report = run_cli(["--lang", "en", "eval", "report", "--runs", str(tmp_path / "runs"), "--out",
                      str(tmp_path / "table.md"), "--plot", str(tmp_path / "plot.png")], home)
    assert report.returncode == 0, report.stderr
    assert f"| flores-en-fr | chrf++ | {REMOTE_MODEL} |" in (tmp_path / "table.md").read_text()
    assert (tmp_path / "plot.png").read_bytes()[:4] == b"\x89PNG"
