"""``workbench analyse``: prevalence, saturation and agreement from the command line, on a real study."""

from __future__ import annotations

import csv
import io
import json

import pytest

from .conftest import topic_table
from .test_cli import wb


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory) -> str:
    """Three clear topics over nine participants at three sites; two themes accepted, no votes yet."""
    folder = tmp_path_factory.mktemp("analyse")
    study = str(folder / "study")
    wb("init", study)
    wb("ingest", str(topic_table(folder / "answers.csv")), "--study", study)
    wb("discover", "--study", study, "--min-size", "5", "--runs", "3")
    wb("decide", "accept", "C00", "--study", study, "--by", "ann")
    wb("decide", "accept", "C01", "--study", study, "--by", "ann")
    return study


def test_prevalence_counts_participants_per_site(reviewed):
    cells = json.loads(wb("analyse", "prevalence", "--study", reviewed, "--format", "json").stdout)
    assert {c["group"] for c in cells} == {"S0", "S1", "S2"}
    assert {c["theme"] for c in cells} == {"T-001", "T-002"}
    for theme in ("T-001", "T-002"):
        mine = [c for c in cells if c["theme"] == theme]
        # a topic sits in every third row, and rows go round three sites and nine participants:
        # each theme is voiced by the three participants of one site, in 15 segments
        assert sorted(c["participants"] for c in mine) == [0, 0, 3]
        assert sum(c["segments"] for c in mine) == 15
        assert all(c["group_participants"] == 3 for c in mine)
    table = wb("analyse", "prevalence", "--study", reviewed).stdout
    assert "3/3 (15 seg)" in table and "interviewer turns not counted" in table
    rows = list(csv.DictReader(io.StringIO(wb("analyse", "prevalence", "--study", reviewed, "--by", "participant",
                                              "--format", "csv").stdout)))
    assert {r["group"] for r in rows} == {f"P{i}" for i in range(9)}


def test_saturation_over_the_interviews(reviewed):
    found = json.loads(wb("analyse", "saturation", "--study", reviewed, "--format", "json").stdout)
    assert found["base"] == 4 and found["run"] == 2 and found["threshold"] == 0.05
    assert [s["total"] for s in found["steps"]][-1] == 2
    assert found["steps"][0]["transcript"] == "answers"
    table = wb("analyse", "saturation", "--study", reviewed).stdout
    assert "not assessed: needs at least 6 interviews (a base of 4 and a run of 2); the study has 1" in table
    assert not found["assessed"] and "the study has 1" in found["note"]


def test_agreement_from_votes_and_adjudication(reviewed):
    s = ["--study", reviewed]
    none_yet = wb("analyse", "agreement", *s, check=False)
    assert none_yet.returncode == 1 and "no validation session has votes yet" in none_yet.stderr
    for theme, ann, bob in (("T-001", "accept", "accept"), ("T-002", "accept", "revise")):
        wb("decide", "vote", theme, ann, *s, "--session", "panel", "--by", "ann")
        wb("decide", "vote", theme, bob, *s, "--session", "panel", "--by", "bob")
    found = json.loads(wb("analyse", "agreement", *s, "--format", "json").stdout)
    assert found["session"] == "panel" and found["reviewers"] == ["ann", "bob"]
    assert found["percent"] == 0.5 and found["pairs"][0]["items"] == 2 and found["pairs"][0]["agreed"] == 1
    assert found["pairs"][0]["kappa"] == 0.0  # ann always accepts: no agreement beyond chance
    assert found["alpha"] == pytest.approx(0.0, abs=0.3)
    assert [i["item"] for i in found["items"] if i["state"] == "disagreed"] == ["T-002"] and found["compared"] == 2
    table = wb("analyse", "agreement", *s).stdout
    assert "1 item(s) disagreed on, 1 not yet adjudicated" in table and "T-002" in table and "(slight)" in table
    refused = wb("decide", "adjudicate", "T-002", "revise", *s, "--session", "panle", "--why", "typo", check=False)
    assert refused.returncode == 1 and "nobody voted on T-002 in session 'panle'" in refused.stderr
    wb("decide", "adjudicate", "T-002", "revise", *s, "--session", "panel", "--why", "split it next week")
    assert "1 item(s) disagreed on, 0 not yet adjudicated" in wb("analyse", "agreement", *s).stdout
    rows = list(csv.DictReader(io.StringIO(wb("analyse", "agreement", *s, "--format", "csv").stdout)))
    assert rows[1]["item"] == "T-002" and rows[1]["adjudicated"] == "revise" and rows[1]["vote:bob"] == "revise"
    wb("decide", "vote", "T-001", "reject", *s, "--session", "second", "--by", "cat")
    several = wb("analyse", "agreement", *s, check=False)
    assert several.returncode == 1
    assert "2 sessions have votes (panel, second): choose one with --session" in several.stderr
    assert "Traceback" not in several.stderr
    unknown = wb("analyse", "prevalence", *s, "--by", "age", check=False)
    assert unknown.returncode == 1 and "cannot group by 'age'" in unknown.stderr
    xml = wb("analyse", "agreement", *s, "--session", "panel", "--format", "xml", check=False)
    assert xml.returncode == 1 and xml.stdout == "" and "unknown format 'xml'" in xml.stderr


def test_saturation_follows_the_import_order_and_group_names_stay_literal(tmp_path):
    study = str(tmp_path / "study")
    wb("init", study)
    for name, group in (("zeta", "North [pilot]"), ("alpha", "Mixed [/White]")):
        table = tmp_path / f"{name}.csv"
        table.write_text("id,text,participant,group\n" + "".join(
            f"{name}{i},Answer {i} about the {name} referral,{name.upper()}{i % 2},{group}\n" for i in range(4)),
            encoding="utf-8")
        wb("ingest", str(table), "--study", study)  # zeta is imported first
    wb("decide", "create", "Referrals", "--segment", "zeta0", "--segment", "alpha1", "--study", study)
    wb("decide", "create", "Waiting", "--segment", "alpha2", "--study", study)
    found = json.loads(wb("analyse", "saturation", "--study", study, "--base", "1", "--run", "1",
                          "--format", "json").stdout)
    assert [s["transcript"] for s in found["steps"]] == ["zeta", "alpha"]
    assert [s["new_themes"] for s in found["steps"]] == [["T-001"], ["T-002"]] and found["assessed"]
    verdict = wb("analyse", "saturation", "--study", study, "--base", "1", "--run", "1", "--threshold", "0.025").stdout
    assert "still added more than 2.5% of the themes in the first 1 interviews" in verdict
    table = wb("analyse", "prevalence", "--study", study, "--by", "group", check=False)
    assert table.returncode == 0, table.stderr  # "[/White]" is a value, not rich markup
    assert "North [pilot]" in table.stdout and "Mixed [/White]" in table.stdout
