"""Issue 18: what a command reads and decides is built with the cycle collector paused and is
frozen after (gc_pause.kept_for_the_command), in every command that computes the outcome."""

from __future__ import annotations

import gc
from datetime import date
from pathlib import Path

import pytest

import selfgov_cli.pipeline as pipeline
from selfgov_cli.cli.common import outcome_or_fail
from selfgov_cli.gc_pause import kept_for_the_command

SAMPLE = Path(__file__).resolve().parent.parent / "sample_workbooks" / "puxing-2023"


def test_the_collector_is_paused_inside_and_frozen_after_even_on_failure(monkeypatch):
    frozen: list[bool] = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(gc.isenabled()))
    with kept_for_the_command():
        assert not gc.isenabled()
    assert frozen == [False] and gc.isenabled()
    with pytest.raises(RuntimeError), kept_for_the_command():
        raise RuntimeError("a reader failed")
    assert frozen == [False, False] and gc.isenabled()
    gc.disable()  # a caller that paused it itself gets it back paused
    try:
        with kept_for_the_command():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_command_computes_its_outcome_with_the_collector_paused_and_freezes_it(monkeypatch):
    calls: list[tuple[str, bool]] = []
    run = pipeline.run

    def running(*args, **kwargs):
        calls.append(("run", gc.isenabled()))
        return run(*args, **kwargs)

    monkeypatch.setattr(gc, "freeze", lambda: calls.append(("freeze", gc.isenabled())))
    monkeypatch.setattr(pipeline, "run", running)
    outcome = outcome_or_fail(SAMPLE, None, date(2023, 12, 31))
    assert outcome.projects
    # frozen once what was read is loaded, once more after the outcome is computed
    assert calls == [("freeze", False), ("run", False), ("freeze", False)]
    assert gc.isenabled()
