"""The model layer reports its progress through a callback and draws nothing itself: hashing a model is
bytes done of a total, loading an engine a wait; the CLI's view turns them into a bar and a spinner."""

from __future__ import annotations

import io

from rich.console import Console

from causerie.cli.progress_view import ProgressView
from causerie.models.catalog import Catalog
from causerie.settings import Settings


def test_loading_the_test_model_reports_hashing_then_loading(smollm2_path, causerie_home):
    events: list[tuple[str, int, int | None]] = []
    engine = Catalog(Settings()).load("smollm2-135m-instruct", lang="fr",
                                      progress=lambda *event: events.append(event))
    try:
        hashing = [e for e in events if e[2] is not None and e[2] > 1]
        assert hashing[0][1] == 0 and hashing[-1][1] == hashing[-1][2] == smollm2_path.stat().st_size
        assert [e[1:] for e in events[-2:]] == [(0, None), (1, 1)] and "smollm2" in events[-1][0]
        events.clear()
        Catalog(Settings()).prepare(Catalog(Settings()).get("smollm2-135m-instruct"),
                                    progress=lambda *event: events.append(event))
        assert events == []  # verified once: trusted from the record, nothing to hash
    finally:
        engine.close()


def test_the_view_draws_a_bar_then_a_spinner_and_leaves_nothing_behind():
    out = io.StringIO()
    view = ProgressView(Console(file=out, force_terminal=True, width=80))
    for done in (0, 50, 100):
        view("Vérification", done, 100)
    view("Chargement", 0, None)
    view("Chargement", 1, 1)
    view.close()
    assert "Vérification" in out.getvalue() and view._bar is None and view._spinner is None
