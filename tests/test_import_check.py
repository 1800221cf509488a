"""The check report: what a parse found, shown before anything is written, and after an import.

Each warning is triggered by a transcript made for it and is absent on clean files (the
real public transcripts in fixtures/real_transcripts among them).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from workbench.cli.main import app
from workbench.io.ingest import parse_files
from workbench.study import Study

from .conftest import write
from .test_real_transcripts import as_docx

FIXTURES = Path(__file__).parent / "fixtures" / "real_transcripts"
ISSUE_EXAMPLE = ("Interviewer: How does a contact reach the hub?\n\nP03 (Social Worker): Mostly by phone from schools."
                 "\n\nInterviewer: And then?\n\nP03 (Social Worker): We do checks with police.\n")


def check_of(path: Path, counter, **kw):
    parsed = parse_files([path], counter, **kw)
    return parsed.checks[0], parsed


def test_the_issue_example_gives_each_speaker_their_own_turns(tmp_path, counter):
    check, parsed = check_of(write(tmp_path / "p03.txt", ISSUE_EXAMPLE), counter)
    assert [(s.speaker, s.description, s.turns, s.interviewer) for s in check.speakers] == [
        ("P03", "Social Worker", 2, False), ("Interviewer", None, 2, True)]
    assert check.layout == "paragraph" and check.warnings == ()
    (transcript,) = parsed.transcripts
    participant = [s for s in transcript.segments if not s.is_interviewer]
    assert [s.text for s in participant] == ["Mostly by phone from schools.", "We do checks with police."]
    assert {s.participant_id for s in participant} == {"P03"}
    assert "P03 (Social Worker): Mostly by phone" in transcript.text
    report = "\n".join(parsed.report)
    assert "P03 (Social Worker)" in report and "2 turns" in report and "interviewer" in report


def test_label_like_text_inside_turns_is_asked_about(tmp_path, counter):
    flattened = "\n\n".join(f"Interviewer: Question {i}? P07 (Parent): Answer {i} about the hub." for i in range(14))
    check, _ = check_of(write(tmp_path / "flat.txt", flattened), counter)
    assert any('"P07 (Parent):" appears 14 times inside 1 turn' in w and "was it a speaker?" in w
               for w in check.warnings)


def test_a_label_left_inside_a_paragraph_is_asked_about(tmp_path, counter):
    text = ("Interviewer: Tell me.\n\nP01: Well, it started in May.\nSarah: I rang them.\n\n"
            "Interviewer: Then?\n\nP01: Then nothing.\n")
    check, _ = check_of(write(tmp_path / "inside.txt", text), counter)
    assert [s.speaker for s in check.speakers] == ["P01", "Interviewer"]
    assert any('line 4: "Sarah:" opens a line inside a turn' in w for w in check.warnings)


def test_one_speaker_with_nearly_all_the_words_is_flagged(tmp_path, counter):
    body = " ".join(["the referral came in and we did the checks"] * 12)
    text = f"P01: {body}\nInterviewer asked: why?\nP01: {body}\n\nP02: ok\n\nP01: {body}\n"
    check, _ = check_of(write(tmp_path / "one.txt", text), counter)
    assert any('"P01" holds 100% of the words' in w and "missed" in w for w in check.warnings)


def test_labels_and_participants_that_do_not_match(tmp_path, counter):
    people = write(tmp_path / "people.csv", "participant_id,site,role\nP01,A,Parent\nP02,A,Parent\n")
    text = "Interviewer: Hi.\n\nP01: Hello.\n\nInterviewer: And you?\n\nP09: Hi.\n"
    check, parsed = check_of(write(tmp_path / "mix.txt", text), counter, participants_file=people)
    assert any("1 speaker label matches no participant: P09" in w for w in check.warnings)
    assert any("lists 1 participant with no turn in these files: P02" in w for w in parsed.report_warnings)


def test_every_speaker_an_interviewer_is_flagged(tmp_path, counter):
    check, _ = check_of(write(tmp_path / "int.txt", "Interviewer: Hi.\n\nInt1: Hello.\n"), counter)
    assert check.speakers[0].interviewer or check.speakers[1].interviewer
    text = "INT1: Hi there.\n\nINT2: Hello.\n"
    check, _ = check_of(write(tmp_path / "ints.txt", text), counter)
    assert any("every speaker counts as an interviewer" in w for w in check.warnings)


def test_an_abbreviated_code_beside_a_written_out_interviewer_is_a_participant(tmp_path, counter):
    text = "Interviewer: What is your role?\n\n[Int2]: I am a developer.\n\nInterviewer: Thanks.\n"
    check, _ = check_of(write(tmp_path / "int2.txt", text), counter)
    assert {s.speaker: s.interviewer for s in check.speakers} == {"Int2": False, "Interviewer": True}


@pytest.mark.parametrize("fixture", sorted(p for p in FIXTURES.iterdir() if (FIXTURES / f"{p.name}.expected.json")
                                           .exists()), ids=lambda p: p.name)
def test_real_transcripts_give_no_warnings(fixture: Path, tmp_path: Path, counter):
    expected = FIXTURES / f"{fixture.name}.expected.json"
    if fixture.name.endswith(".docx-source.txt"):
        fixture = as_docx(fixture, tmp_path)
    check, _ = check_of(fixture, counter)
    assert check.warnings == ()
    want = json.loads(expected.read_text(encoding="utf-8"))
    assert check.turns == len(want["turns"])


def test_ingest_check_writes_nothing_and_import_prints_the_same_report(tmp_path):
    runner = CliRunner()
    study = tmp_path / "s"
    assert runner.invoke(app, ["init", str(study)]).exit_code == 0
    source = write(tmp_path / "p03.txt", ISSUE_EXAMPLE)
    checked = runner.invoke(app, ["ingest", str(source), "--study", str(study), "--check"])
    assert checked.exit_code == 0, checked.output
    assert "P03 (Social Worker)" in checked.stdout and "nothing was imported" in checked.stdout
    opened = Study.open(study)
    assert opened.overview().transcripts == 0
    imported = runner.invoke(app, ["ingest", str(source), "--study", str(study)])
    assert imported.exit_code == 0, imported.output
    assert checked.stdout.splitlines()[:3] == imported.stdout.splitlines()[:3]
    assert "roles taken from speaker labels (the participants file gave none): P03: Social Worker" in imported.stdout
    assert {p.id: p.role for p in Study.open(study).store.participants()} == {"P03": "Social Worker"}


def test_a_participants_file_role_wins_over_the_label(tmp_path):
    study = Study.init(tmp_path / "s")
    people = write(tmp_path / "people.csv", "participant_id,site,role\nP03,North,MASH manager\n")
    report = study.ingest([write(tmp_path / "p03.txt", ISSUE_EXAMPLE)], participants=people)
    assert report.roles_from_labels == {}
    assert {p.id: p.role for p in study.store.participants()} == {"P03": "MASH manager"}


def test_a_study_imported_earlier_is_not_resegmented_behind_its_back(tmp_path):
    """A changed parse of a file already in the study is refused with what differs, not applied."""
    study = Study.init(tmp_path / "s")
    path = write(tmp_path / "int.txt", "Interviewer: How does a contact reach the hub?\n"
                 "P03 (Social Worker): Mostly by phone from schools.\n")
    study.ingest([path])
    before = [(s.id, s.text) for s in study.store.segment_rows()]
    path.write_text("Interviewer: How does a contact reach the hub?\n\nP03 (Social Worker): Mostly by phone.\n",
                    encoding="utf-8")
    with pytest.raises(Exception, match=r"already in the study with different text.*paragraph 2 changed"):
        study.ingest([path])
    assert [(s.id, s.text) for s in study.store.segment_rows()] == before
