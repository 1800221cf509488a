"""Dismissing triage segments: read, judged to belong to no theme, out of the queue; a revert restores them."""

from __future__ import annotations

from typer.testing import CliRunner

from workbench.cli.main import app
from workbench.core.decisions import Log, describe
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


def test_coded_segments_are_not_dismissed_and_coding_ends_a_dismissal(small):
    study = Study.open(small)
    study.accept("C00", "Waiting", by="ana")
    member = sorted(study.codebook().themes["T-001"].members)[0]
    assert "coded to a theme" in str(_refused(lambda: study.dismiss([member], by="ana")))
    study.dismiss(["odd"], by="ana", why="off topic")
    study.assign(["odd"], "T-001", by="ana")
    study.unassign(["odd"], "T-001", by="ana")
    assert [a.segment_id for a, _ in study.triage()] == ["odd"], "back in triage once no theme holds it"


def test_a_refused_split_on_accepting_leaves_nothing_behind(small):
    study = Study.open(small)
    members = study.candidate_members("C00")
    refused = _refused(lambda: study.accept_in_parts("C00", [("A", members[:3]), ("B", members[3:5])], by="ana",
                                                     why="two ideas"))
    assert "in no part" in str(refused), refused
    assert study.events() == [] and study.codebook().candidates == {}
    done = study.accept_in_parts("C00", [("A", members[:3]), ("B", members[3:])], by="ana", why="two ideas")
    assert [e.kind for e in done] == ["accept", "split"] and [e.seq for e in done] == [1, 2]
