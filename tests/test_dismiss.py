"""Dismissing triage segments: read, judged to belong to no theme, out of the queue; a revert restores them."""

from __future__ import annotations

from typer.testing import CliRunner

from workbench.cli import app
from workbench.decisions import Log, describe
from workbench.study import Study


def test_dismissed_segments_leave_triage_and_a_revert_brings_them_back(small):
    study = Study.open(small)
    study.accept("C00", "Waiting", by="ana")
    assert [a.segment_id for a, _ in study.triage()] == ["odd"]
    event = study.dismiss(["odd"], by="ana", why="off topic")
    assert study.triage() == [] and "odd" in study.codebook().dismissed
    assert "odd" not in {s for s, _, _ in study.theme_suggestions()}
    assert describe(event) == "1 segment (odd) dismissed from triage (read, and belonging to no theme)"
    assert Log.replay(study.events()).codebook.snapshot() == study.codebook().snapshot()
    assert "already dismissed" in str(_refused(lambda: study.dismiss(["odd"], by="ana")))
    study.assign(["odd"], "T-001", by="ana")  # a dismissed segment can still be coded
    study.revert(event.seq, by="ana", why="it is about waiting after all")
    assert "odd" not in study.codebook().dismissed


def test_dismiss_from_the_command_line(small):
    runner = CliRunner()
    done = runner.invoke(app, ["decide", "dismiss", "odd", "--study", small, "--by", "ana", "--why", "greeting"])
    assert done.exit_code == 0, done.output
    assert "dismiss by ana" in done.output and "odd" in done.output
    refused = runner.invoke(app, ["decide", "dismiss", "nope", "--study", small, "--by", "ana"])
    assert refused.exit_code == 1 and "no segment 'nope'" in refused.output
    assert [e.kind for e in Study.open(small).events()] == ["dismiss"]


def _refused(action):
    from workbench.errors import WorkbenchError

    try:
        action()
    except WorkbenchError as exc:
        return exc
    raise AssertionError("not refused")
