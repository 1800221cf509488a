"""Importing into a study through the facade: all or nothing, idempotent, honest about changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.core.overview import SegmentFilter
from workbench.errors import ConflictError, InputError

from .conftest import write

PEOPLE = ("participant_id,site,role,ethnicity_group\n"
          "P01,North,Parent,Asian / Asian British\nP02,South,Police,White British\n")


def interview(folder: Path, name: str, who: str = "P01", extra: str = "") -> Path:
    return write(folder / name, f"Interviewer: How was it?\n{who}: It was slow. Very slow.{extra}\n"
                                f"Interviewer: Anything else?\n{who}: No.\n")


def test_ingest_joins_participants_and_keeps_interviewer_turns(study, tmp_path):
    report = study.ingest([interview(tmp_path, "a.txt")], by="ana", participants=write(tmp_path / "p.csv", PEOPLE))
    assert report.added == ["a"] and report.segments_added == 4 and report.participants_added == 2
    rows = study.segments()
    assert [(r.speaker, r.is_interviewer, r.participant_id, r.site) for r in rows[:2]] == [
        ("Interviewer", True, None, None), ("P01", False, "P01", "North")]
    assert rows[1].groups == {"ethnicity_group": "Asian / Asian British"}
    assert any("P02" in w and "no segments" in w for w in report.warnings)


def test_reimporting_the_same_file_changes_nothing(study, tmp_path):
    path = interview(tmp_path, "a.txt")
    study.ingest([path])
    before = study.segments()
    again = study.ingest([path])
    assert not again.changed_anything and again.unchanged == ["a"]
    assert study.segments() == before
    assert len(study.store.imports()) == 1


def test_a_changed_transcript_is_refused_saying_what_differs(study, tmp_path):
    study.ingest([interview(tmp_path / "v1", "a.txt")])
    with pytest.raises(ConflictError, match=r"'a' is already in the study with different text: paragraph 2 changed: "
                                            r"'P01: It was slow\. Very slow\.' -> 'P01: It was slow\. Very slow\. "
                                            r"Really\.'.*nothing was imported"):
        study.ingest([interview(tmp_path / "v2", "a.txt", extra=" Really.")])


def test_one_bad_file_means_nothing_is_imported(study, tmp_path):
    good = interview(tmp_path, "good.txt")
    bad = write(tmp_path / "bad.csv", "id,text\n1,a\n1,b\n")
    with pytest.raises(InputError, match="repeats id"):
        study.ingest([good, bad], participants=write(tmp_path / "p.csv", PEOPLE))
    assert study.segments() == [] and study.participants() == [] and study.store.imports() == []


def test_segment_id_already_used_by_another_transcript(study, tmp_path):
    study.ingest([write(tmp_path / "one.csv", "id,text\nS1,hello\n")])
    with pytest.raises(ConflictError, match=r"two\.csv: segment id 'S1' is already used by transcript 'one'"):
        study.ingest([write(tmp_path / "two.csv", "id,text\nS1,other\n")])


def test_tables_keep_metadata_and_group_by_transcript(study, tmp_path):
    table = write(tmp_path / "fg.csv", "id,text,transcript,participant,speaker,site,wave\n"
                                       "r1,Welcome all.,FG1,,Facilitator,,1\nr2,=1+1 thanks,FG1,F1,F1,East,1\n"
                                       "r3,Next one.,FG2,F2,F2,West,2\n")
    study.ingest([table])
    rows = study.segments()
    assert [(r.id, r.transcript_id, r.is_interviewer, r.participant_id) for r in rows] == [
        ("r1", "FG1", True, None), ("r2", "FG1", False, "F1"), ("r3", "FG2", False, "F2")]
    assert rows[1].metadata == {"site": "East", "wave": "1"}
    assert [r.id for r in study.segments(SegmentFilter(site="east"))] == ["r2"]
    text = study.store.transcript_texts(["FG1"])["FG1"]
    assert text[rows[1].start:rows[1].end] == "=1+1 thanks"


def test_filters(study, tmp_path):
    study.ingest([interview(tmp_path, "a.txt"), interview(tmp_path, "b.txt", who="P02"), interview(tmp_path, "c.txt",
                 who="P09")], participants=write(tmp_path / "p.csv", PEOPLE))
    assert {r.transcript_id for r in study.segments(SegmentFilter(site="South"))} == {"b"}
    assert {r.participant_id for r in study.segments(SegmentFilter(role="parent"))} == {"P01"}
    assert len(study.segments(SegmentFilter(transcript="c", include_interviewer=False))) == 2
    white_british = SegmentFilter(groups={"ethnicity_group": "White British"})
    assert {r.transcript_id for r in study.segments(white_british)} == {"b"}
    assert {r.speaker for r in study.segments(SegmentFilter(speaker="interviewer"))} == {"Interviewer"}


def test_participants_missing_from_the_sidecar_are_listed(study, tmp_path):
    report = study.ingest([interview(tmp_path, "c.txt", who="P09")], participants=write(tmp_path / "p.csv", PEOPLE))
    assert any("participants missing from the participants file" in w and "c: P09" in w for w in report.warnings)
    assert study.overview().unsited_participants == ["P09"]


def test_overview_counts(study, tmp_path):
    study.ingest([interview(tmp_path, "a.txt"), interview(tmp_path, "b.txt", who="P02")],
                 participants=write(tmp_path / "p.csv", PEOPLE))
    view = study.overview()
    assert (view.segments, view.transcripts, view.participants, view.interviewer_segments) == (8, 2, 2, 4)
    assert view.by_site == [("North", 2), ("South", 2)]
    assert view.by_transcript == [("a", 4), ("b", 4)]
    spoken = len("How was it?") + len("Anything else?")
    assert view.interviewer_share == pytest.approx(spoken / (spoken + len("It was slow. Very slow.") + len("No.")))


def test_named_interviewer_labels_are_marked_and_left_without_participant(study, tmp_path):
    from workbench.io.ingest import IngestOptions

    path = write(tmp_path / "named.txt", "Sarah: How was it?\nP01: Slow.\nSarah: Thanks.\nP01: Bye.\n")
    study.ingest([path], options=IngestOptions(interviewer_labels=("Sarah",)))
    rows = study.segments()
    assert [(r.speaker, r.is_interviewer, r.participant_id) for r in rows[:2]] == [
        ("Sarah", True, None), ("P01", False, "P01")]


def test_a_kept_map_layout_is_read_once_until_the_segments_change(study, tmp_path, monkeypatch):
    import workbench.services.discovery_runs as discovery_runs

    asked: list[bool] = []
    kept: dict[str, tuple[float, float]] = {}

    def projection(store, rows, progress=None, compute=True):  # stands in for UMAP and the store's table
        asked.append(compute)
        if compute:
            kept.update({r.id: (0.5, 0.25) for r in rows})
        return dict(kept)

    monkeypatch.setattr(discovery_runs, "projection", projection)
    study.ingest([interview(tmp_path, "a.txt")])
    assert study.projection(compute=False) == {} and study.projection(compute=False) == {}
    assert asked == [False, False], "'not laid out yet' is asked again: another session may lay it out"
    laid = study.projection()
    assert laid and study.projection(compute=False) == laid
    assert asked == [False, False, True], "a layout found is held, not read again"
    study.ingest([interview(tmp_path, "b.txt", who="P02")])
    study.projection(compute=False)
    assert asked == [False, False, True, False], "new segments: the layout is looked up again"


def test_the_log_file_is_the_log_as_csv_or_jsonl_and_nothing_else(study, tmp_path):
    import json

    from workbench.errors import StudyError
    from workbench.io.export import log_csv

    study.ingest([interview(tmp_path, "a.txt")])
    study.create_theme("Delays", by="ana", why="seen in every interview")
    events = study.events()
    assert study.log_file("csv") == log_csv(events)
    lines = [json.loads(line) for line in study.log_file("jsonl").splitlines()]
    assert [(e["seq"], e["kind"], e["hash"]) for e in lines] == [(e.seq, e.kind, e.hash) for e in events]
    with pytest.raises(StudyError, match="csv or jsonl, not 'xml'"):
        study.log_file("xml")


def test_the_checks_before_reporting_on_either_database(study, tmp_path):
    """Scan, prevalence, saturation and agreement through the facade, on SQLite and PostgreSQL alike."""
    from workbench.core.decisions import DecisionError

    people = write(tmp_path / "p.csv", PEOPLE)
    study.ingest([interview(tmp_path, "zeta.txt", extra=" Ring Mrs Okafor on 07700 900123.")], participants=people)
    study.ingest([interview(tmp_path, "alpha.txt", "P02")])  # imported second, though first by name
    found = study.scan()
    assert [(row.id, f.type, f.text) for row, f in found] == [
        ("zeta-002", "titled_name", "Mrs Okafor"), ("zeta-002", "phone", "07700 900123")]
    slow = study.create_theme("Slow", ["zeta-002", "alpha-002"], by="ana")
    assert slow.kind == "create"
    study.create_theme("Over", ["alpha-004"], by="ana")
    sites = study.prevalence("site")
    assert (sites.cell("T-001", "North").participants, sites.cell("T-001", "South").participants) == (1, 1)
    assert sites.cell("T-002", "North").participants == 0
    assert [s.transcript for s in study.saturation(base=1, run=1).steps] == ["zeta", "alpha"]
    study.vote("panel", "T-001", "accept", by="ann")
    study.vote("panel", "T-001", "revise", by="bob")
    study.vote("panel", "T-002", "reject", by="ann")
    assert study.sessions() == [("panel", 2, 2)]
    agreed = study.agreement("panel")
    assert [i.state for i in agreed.items] == ["disagreed", "one vote"] and agreed.pairs[0].items == 1
    with pytest.raises(DecisionError, match="nobody voted on T-001 in session 'other'"):
        study.adjudicate("other", "T-001", "accept", by="ann", why="typo in the session")
    study.adjudicate("panel", "T-001", "revise", by="ann", why="narrow it")
    assert study.agreement("panel").to_discuss == [] and study.item_name("T-001") == "Slow"
