"""Reviews of the identifier scan's findings: kept in the study, superseded never deleted, on both backends."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
import typer
from typer.testing import CliRunner

from workbench.cli.review import register
from workbench.errors import ConflictError, StudyError, WorkbenchError
from workbench.store.database import Store, study_url
from workbench.store.lock import make_engine
from workbench.store.schema import CURRENT_VERSION, MIGRATIONS, segments
from workbench.study import Study

from .conftest import write

# One participant turn with five sure findings, one with a title before a name (0.6), one with none.
TRANSCRIPT = """Interviewer: Who rang?
P01: Mrs Okafor rang.
Interviewer: And?
P01: She rang me on 07700 900123, from SW1A 1AA; her email is jo.smith@example.org.
Interviewer: Anything else?
P01: Nothing at all.
"""


@pytest.fixture
def scanned(study: Study, tmp_path: Path) -> Study:
    study.ingest([write(tmp_path / "int1.txt", TRANSCRIPT)], by="setup")
    return study


def finding(study: Study, kind: str):
    return next(f for _, f in study.scan() if f.type == kind)


def test_findings_start_unreviewed_and_a_verdict_is_kept(scanned):
    found = scanned.findings()
    assert {f.type for _, f, _ in found} == {"titled_name", "phone", "postcode", "email"}
    assert all(v is None for *_, v in found)
    assert scanned.unreviewed() == 3, "phone 0.85, postcode 0.85, email 0.95; the titled name scores 0.6"
    assert scanned.unreviewed(min_score=0.0) == 4
    phone = finding(scanned, "phone")
    review = scanned.review_finding(phone.segment_id, phone.type, phone.start, phone.end, phone.text, "false-alarm",
                                    by="ana", note="the study's own test number")
    assert (review.verdict, review.by, review.note) == ("false_alarm", "ana", "the study's own test number")
    assert review.at.endswith("Z")
    reopened = Study.open(scanned.location)
    try:
        verdicts = {f.type: v for _, f, v in reopened.findings()}
        assert verdicts == {"titled_name": None, "phone": "false_alarm", "postcode": None, "email": None}
        assert reopened.unreviewed() == 2
        assert reopened.unreviewed(segments=["int1-002"]) == 0, "only the segments asked about"
        assert reopened.identifiers_left() == 0
    finally:
        reopened.close()


def test_a_later_review_supersedes_an_earlier_one_and_both_are_kept(scanned):
    email = finding(scanned, "email")
    args = (email.segment_id, email.type, email.start, email.end, email.text)
    first = scanned.review_finding(*args, "false_alarm", by="ana")
    second = scanned.review_finding(*args, "identifier", by="bo", note="a real address")
    assert second.id > first.id
    assert {f.type: v for _, f, v in scanned.findings()}["email"] == "identifier"
    assert scanned.reviews()[scanned.finding_key(email)] == second
    history = scanned.review_history()
    assert [(r.verdict, r.by) for r in history] == [("false_alarm", "ana"), ("identifier", "bo")]
    assert scanned.identifiers_left() == 1 and scanned.identifiers_left(["int1-002"]) == 0
    assert len(scanned.store.finding_reviews()) == 1 and len(scanned.store.finding_reviews(latest=False)) == 2


def test_a_finding_id_is_stable_and_marks_the_finding(scanned):
    ids = [Study.finding_id(f) for _, f in scanned.scan()]
    assert len(set(ids)) == len(ids) and all(i.startswith("F-") and len(i) == 12 for i in ids)
    again = Study.open(scanned.location)
    try:
        assert [Study.finding_id(f) for _, f in again.scan()] == ids, "the same words in the same place"
    finally:
        again.close()
    postcode = finding(scanned, "postcode")
    found, review = scanned.mark_finding(Study.finding_id(postcode).lower(), "identifier", by="ana")
    assert found == postcode and review.verdict == "identifier"
    with pytest.raises(StudyError, match="no finding 'F-0000000000'"):
        scanned.mark_finding("F-0000000000", "identifier", by="ana")


def test_refusals_say_what_is_wrong_and_record_nothing(scanned):
    phone = finding(scanned, "phone")
    with pytest.raises(WorkbenchError, match="identifier or a false alarm, not 'maybe'"):
        scanned.review_finding(phone.segment_id, phone.type, phone.start, phone.end, phone.text, "maybe", by="ana")
    with pytest.raises(StudyError, match="no segment 'nope'"):
        scanned.review_finding("nope", phone.type, phone.start, phone.end, phone.text, "identifier", by="ana")
    with pytest.raises(ConflictError, match="has changed since it was scanned"):
        scanned.review_finding(phone.segment_id, phone.type, phone.start + 1, phone.end + 1, phone.text, "identifier",
                               by="ana")
    with pytest.raises(ConflictError, match="has no text at 500-510"):
        scanned.review_finding(phone.segment_id, phone.type, 500, 510, phone.text, "identifier", by="ana")
    with pytest.raises(WorkbenchError, match="not a kind of finding"):
        scanned.review_finding(phone.segment_id, "shoe_size", phone.start, phone.end, phone.text, "identifier",
                               by="ana")
    with pytest.raises(WorkbenchError, match="name who is reviewing"):
        scanned.review_finding(phone.segment_id, phone.type, phone.start, phone.end, phone.text, "identifier",
                               by="  ")
    assert scanned.review_history() == []


def _set_text(study: Study, segment_id: str, text: str) -> None:
    """Change a segment's words in place, as a later correction of the transcript might."""
    with study.store.write() as tx:
        tx.conn.execute(sa.update(segments).where(segments.c.id == segment_id).values(text=text))


def test_a_changed_segment_does_not_inherit_a_verdict(scanned):
    phone = finding(scanned, "phone")
    scanned.review_finding(phone.segment_id, phone.type, phone.start, phone.end, phone.text, "false_alarm", by="ana")
    scanned.review_finding(*(lambda f: (f.segment_id, f.type, f.start, f.end, f.text))(finding(scanned, "email")),
                           "false_alarm", by="ana")
    row = scanned.segment_index()[phone.segment_id]

    _set_text(scanned, row.id, row.text.replace("07700 900123", "07700 900999"))  # other digits, same place
    changed = Study.open(scanned.location)
    try:
        verdicts = {f.type: (f.text, v) for _, f, v in changed.findings()}
        assert verdicts["phone"] == ("07700 900999", None), "other words at the same offsets: no verdict"
        assert verdicts["email"][1] == "false_alarm", "the words reviewed are still there, in the same place"
        with pytest.raises(ConflictError, match="'07700 900999' at"):
            changed.review_finding(phone.segment_id, phone.type, phone.start, phone.end, phone.text, "identifier",
                                   by="ana")
    finally:
        changed.close()

    _set_text(scanned, row.id, "Well, " + row.text)  # the same words, moved along
    moved = Study.open(scanned.location)
    try:
        assert all(v is None for *_, v in moved.findings()), "moved words are not the words reviewed"
        assert moved.unreviewed() == 3
    finally:
        moved.close()


def _study_at_version(location: str, version: int) -> Store:
    """A study as the workbench of schema ``version`` created it: its migrations only."""
    url, folder = study_url(location)
    if folder is not None:
        folder.mkdir(parents=True)
    store = Store(make_engine(url), folder, url)
    with store.write() as tx:
        for number, _what, apply in MIGRATIONS:
            if number <= version:
                apply(tx.conn)
        tx.set_meta("schema_version", str(version))
        tx.set_meta("name", "old study")
    return store


def test_a_study_of_the_previous_schema_opens_upgrades_and_keeps_its_data(study_location, tmp_path):
    previous = 5  # the schema before finding_reviews (migration 6), whose upgrade this checks
    old = _study_at_version(study_location, previous)
    assert not sa.inspect(old.engine).has_table("finding_reviews")
    Study(old).ingest([write(tmp_path / "int1.txt", TRANSCRIPT)], by="setup")  # only the tables it had
    old.dispose()

    study = Study.open(study_location)
    try:
        assert study.store.schema_version() == CURRENT_VERSION
        assert sa.inspect(study.store.engine).has_table("finding_reviews")
        assert len(study.rows()) == 6 and study.store.meta()["name"] == "old study"
        if study.store.folder is not None:
            backup = study.store.backup_path
            assert backup is not None and backup.parent == study.store.folder
            with sqlite3.connect(backup) as copy:
                assert copy.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == (str(previous),)
                assert copy.execute("SELECT count(*) FROM segments").fetchone() == (6,)
        else:
            assert study.store.backup_path is None, "a server has backups of its own"
        email = finding(study, "email")
        study.review_finding(email.segment_id, email.type, email.start, email.end, email.text, "identifier", by="ana")
        assert study.unreviewed() == 2
    finally:
        study.close()
    again = Store.open(study_location)
    assert again.backup_path is None, "upgraded once"
    again.dispose()


def test_places_reach_only_a_scanner_that_takes_them(scanned, tmp_path, monkeypatch):
    import inspect

    from workbench.privacy import scan as privacy

    places = write(tmp_path / "places.txt", "Northfield\n")
    if "places" not in inspect.signature(privacy.scan).parameters:
        with pytest.raises(StudyError, match="takes no list of places"):
            scanned.findings(places=places)
    seen = {}

    def scan(segments, names=None, places=None):
        seen["places"] = places
        return []

    monkeypatch.setattr(privacy, "scan", scan)
    assert scanned.findings(places=places) == [] and seen["places"] is not None


# --- the command line --------------------------------------------------------------------

@pytest.fixture
def cli() -> typer.Typer:
    app = typer.Typer()

    @app.command()
    def version() -> None:
        """A second command, so the app is a group as the workbench's is."""

    register(app)
    return app


def invoke(app: typer.Typer, *args: str):
    return CliRunner().invoke(app, list(args))


def test_findings_listed_marked_and_kept_from_the_command_line(scanned, cli):
    where = scanned.location
    listed = invoke(cli, "findings", "list", "--study", where, "--format", "json")
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.stdout)
    assert {r["type"] for r in rows} == {"titled_name", "phone", "postcode", "email"}
    assert all(r["verdict"] == "" and r["id"].startswith("F-") and r["text"] in r["context"] for r in rows)
    phone = next(r for r in rows if r["type"] == "phone")

    marked = invoke(cli, "findings", "mark", phone["id"], "--verdict", "false-alarm", "--why", "a test number",
                    "--by", "ana", "--study", where)
    assert marked.exit_code == 0, marked.output
    assert f"{phone['id']}: phone '07700 900123' in int1-004 marked false alarm by ana" in marked.stdout

    table = invoke(cli, "findings", "list", "--study", where, "--min-score", "0.7")
    assert table.exit_code == 0 and "false alarm" in table.stdout
    assert "3 finding(s) shown of 4: 3 unreviewed (2 scored 0.7 or more), 1 false alarm(s), 0 identifier(s)" \
        in table.stdout
    unreviewed = json.loads(invoke(cli, "findings", "list", "--study", where, "--unreviewed", "-f", "json").stdout)
    assert phone["id"] not in {r["id"] for r in unreviewed} and len(unreviewed) == 3
    again = json.loads(invoke(cli, "findings", "list", "--study", where, "--format", "json").stdout)
    kept = next(r for r in again if r["id"] == phone["id"])
    assert (kept["verdict"], kept["by"], kept["note"]) == ("false_alarm", "ana", "a test number")

    invoke(cli, "findings", "mark", phone["id"], "--verdict", "identifier", "--by", "bo", "--study", where)
    history = json.loads(invoke(cli, "findings", "history", "--study", where, "--format", "json").stdout)
    assert [(h["verdict"], h["by"]) for h in history] == [("false_alarm", "ana"), ("identifier", "bo")]
    csv_out = invoke(cli, "findings", "list", "--study", where, "--format", "csv").stdout
    assert csv_out.splitlines()[0].startswith("id,segment_id,transcript,participant,type")


def test_command_line_refusals_are_one_line(scanned, cli):
    where = scanned.location
    bad = invoke(cli, "findings", "mark", "F-0000000000", "--verdict", "identifier", "--study", where)
    assert bad.exit_code == 1 and "no finding 'F-0000000000'" in bad.output and "Traceback" not in bad.output
    verdict = invoke(cli, "findings", "mark", "F-0000000000", "--verdict", "maybe", "--study", where)
    assert verdict.exit_code == 1 and "not 'maybe' (give it with --verdict)" in verdict.output
    assert scanned.review_history() == []
