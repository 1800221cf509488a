"""``workbench scan``: identifiers left in de-identified transcripts, reported with exact places."""

from __future__ import annotations

import json

from workbench.study import Study

from .conftest import write
from .test_cli import wb

TRANSCRIPT = """Interviewer: Can you tell me about the referral?
P01: It was a long week.
Interviewer: Who rang?
P01: Mrs Okafor rang me on 07700 900123 about Jayden, born 12/03/2015, near SW1A 1AA. \
His NHS number is 943 476 5919; I emailed jo.smith@example.org.
Interviewer: And then?
P01: [NAME] went to [SCHOOL] and Child A was fine, in 2015, at 10:30, for £1,200.
"""


def test_scan_reports_each_identifier_where_it_is(tmp_path):
    study = str(tmp_path / "study")
    wb("init", study)
    wb("ingest", str(write(tmp_path / "int1.txt", TRANSCRIPT)), "--study", study)
    names = write(tmp_path / "names.txt", "# people the team knows were named\nJayden\nOkafor\n")
    found = json.loads(wb("scan", "--study", study, "--names", str(names), "--format", "json").stdout)
    by_type = {f["type"]: f for f in found}
    assert set(by_type) == {"name", "phone", "date_of_birth", "postcode", "nhs_number", "email"}
    assert {f["segment_id"] for f in found} == {"int1-004"}, "placeholders, years, times and money are not flagged"
    transcript = Study.open(study).store.transcript_texts(["int1"])["int1"]
    segment = {r.id: r for r in Study.open(study).rows()}["int1-004"]
    for f in found:
        assert transcript[f["start"]:f["end"]] == f["text"], "start and end are offsets into the transcript"
        assert segment.text[f["segment_start"]:f["segment_end"]] == f["text"]
        assert 0 < f["score"] <= 1 and f["why"] and f["text"] in f["context"]
    assert by_type["nhs_number"]["text"] == "943 476 5919"
    assert [f["text"] for f in found if f["type"] == "name"] == ["Mrs Okafor", "Jayden"]

    table = wb("scan", "--study", study, "--min-score", "0.9").stdout
    assert "possible identifier(s) in 1 segment(s)" in table and "Nothing was changed" in table
    assert "07700" not in table, "a mobile number scores under 0.9"
    bad = wb("scan", "--study", study, "--names", str(write(tmp_path / "bad.txt", "Jayden\nJ\n")), check=False)
    assert bad.returncode == 1 and "bad.txt, line 2" in bad.stderr and "Traceback" not in bad.stderr


def test_scan_finds_the_study_s_own_places(tmp_path):
    study = str(tmp_path / "study")
    wb("init", study)
    text = "Interviewer: Where do they live?\nP01: Out past Nab End, near the allotments.\n"
    wb("ingest", str(write(tmp_path / "int2.txt", text)), "--study", study)
    plain = json.loads(wb("scan", "--study", study, "--format", "json").stdout)
    assert not [f for f in plain if f["text"] == "Nab End" and f["score"] >= 0.9]
    places = write(tmp_path / "places.txt", "# the study's local places\nNab End\n")
    found = json.loads(wb("scan", "--study", study, "--places", str(places), "--format", "json").stdout)
    (place,) = [f for f in found if f["text"] == "Nab End"]
    assert place["type"] == "place" and place["score"] == 1.0 and place["segment_id"] == "int2-002"
    bad = wb("scan", "--study", study, "--places", str(write(tmp_path / "bad.txt", "Nab End\nX\n")), check=False)
    assert bad.returncode == 1 and "bad.txt, line 2" in bad.stderr and "Traceback" not in bad.stderr
