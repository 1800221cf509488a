"""The Analysis and Study pages say what their figures count, and never shade a tiny group as a share."""

from __future__ import annotations

import csv
import io
import json

import pytest

from workbench.core.analysis import SMALL_GROUP
from workbench.study import Study

from .conftest import write
from .test_app_pages import ok, page


def answers(wave: int, people: range) -> str:
    """A table for one interview wave: two turns per participant, with a team, a row ref and a note."""
    lines = ["id,text,participant,team,row_ref,note,wave"]
    for n in people:
        team = "Early <b>help</b>" if n < 6 else "Police *desk*"  # six people, and three: a small group
        for turn in (1, 2):
            lines.append(f"w{wave}-{n}-{turn},Referral {n} waited {turn} weeks,P{n},{team},ref-{n}-{turn},"
                         f"note {turn},{wave}")
    return "\n".join(lines) + "\n"


@pytest.fixture
def grouped(tmp_path) -> str:
    study = Study.init(tmp_path / "study", by="ana")
    study.ingest([write(tmp_path / "wave1.csv", answers(1, range(0, 5))),
                  write(tmp_path / "wave2.csv", answers(2, range(5, 9)))])
    study.create_theme("Waiting", ["w1-0-1", "w1-1-1", "w2-6-1", "w2-6-2"], by="ana")
    study.close()
    return str(tmp_path / "study")


def chart(at, n: int) -> dict:
    return json.loads(at.get("plotly_chart")[n].proto.spec)


def test_group_by_and_order_by_offer_only_groups(grouped):
    at = ok(page("analysis_page", grouped))
    offered = at.selectbox(key="prevalence-by").options
    assert "team" in offered and "wave" in offered
    assert "row_ref" not in offered and "note" not in offered, "a row's id or free text is not a group"
    order = at.selectbox(key="saturation-order").options
    assert "wave" in order and "row_ref" not in order and "note" not in order and "team" not in order


def test_small_groups_are_marked_not_shaded(grouped):
    at = ok(page("analysis_page", grouped))
    at.selectbox(key="prevalence-by").set_value("team").run()
    ok(at)
    table = at.dataframe[0].value
    assert table["Early <b>help</b>"][0] == "2 of 6 · 2 seg"
    small = table["Police *desk*"][0]
    assert small.startswith("1 of 3 · 2 seg") and f"small group (fewer than {SMALL_GROUP})" in small
    heat = chart(at, 0)["data"][0]
    columns = heat["x"]
    early, police = columns.index("Early &lt;b&gt;help&lt;/b&gt;"), columns.index("Police *desk*")
    assert heat["z"][0][early] == pytest.approx(2 / 6)
    assert heat["z"][0][police] is None, "a group of three is not shaded as a share"
    assert "fewer than 5" in heat["text"][0][police] and "33%" in heat["text"][0][early]
    at.selectbox(key="prevalence-by").set_value("participant").run()
    ok(at)
    assert all(v is None for v in chart(at, 0)["data"][0]["z"][0]), "one participant is not 100 %"
    assert "small group" in at.dataframe[0].value["P6"][0]


def test_the_prevalence_csv_flags_small_groups(grouped):
    at = ok(page("analysis_page", grouped))
    at.selectbox(key="prevalence-by").set_value("team").run()
    from workbench.io.export import prevalence_csv

    rows = list(csv.DictReader(io.StringIO(prevalence_csv(Study.open(grouped).prevalence("team")))))
    assert {r["group"]: r[f"fewer_than_{SMALL_GROUP}_participants"] for r in rows} == {
        "Early <b>help</b>": "FALSE", "Police *desk*": "TRUE"}


def test_the_saturation_curve_counts_whole_themes(grouped):
    at = ok(page("analysis_page", grouped))
    layout = chart(at, 1)["layout"]["yaxis"]
    assert layout["tickformat"] == "d" and layout["rangemode"] == "tozero"
    assert layout["dtick"] >= 1 and float(layout["dtick"]).is_integer()


def test_the_interviewer_metric_says_what_it_counts(tmp_path):
    study = Study.init(tmp_path / "study", by="ana")
    study.ingest([write(tmp_path / "a.txt", "Interviewer: How was the referral, in your own words?\nP01: Slow.\n"
                                            "Interviewer: Anything else?\nP01: No.\nP01: Well, the form.\n")])
    study.close()
    at = ok(page("study_page", str(tmp_path / "study")))
    metric = next(m for m in at.metric if "nterviewer" in m.label)
    spoken = len("How was the referral, in your own words?") + len("Anything else?")
    # P01's two lines in a row are one turn: "No. Well, the form."
    share = spoken / (spoken + len("Slow.") + len("No. Well, the form."))
    assert metric.label == "Interviewer text" and metric.value == f"{share:.0%}"
    assert "characters" in metric.help and "2 of 4 segments" in metric.help
    assert "left out of discovery" in metric.help
