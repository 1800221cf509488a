"""The Study page's review of the identifier scan, and the Export page's warnings, with AppTest."""

from __future__ import annotations

import pytest

from workbench.study import Study

from .app_harness import by_key, said
from .conftest import write
from .test_app_pages import ok, page

# Words that look like Markdown and HTML: shown as written, never as formatting.
TRANSCRIPT = """Interviewer: Who rang?
P01: **Mrs Okafor** rang me on <b>07700 900123</b>, from SW1A 1AA.
Interviewer: And then?
P01: Her email is jo.smith@example.org, she said.
Interviewer: Anything else?
P01: Nothing at all.
"""


@pytest.fixture
def where(tmp_path) -> str:
    study = Study.init(tmp_path / "study", by="setup")
    study.ingest([write(tmp_path / "int1.txt", TRANSCRIPT)], by="setup")
    study.close()
    return str(tmp_path / "study")


def finding(location: str, kind: str):
    study = Study.open(location)
    try:
        return next(f for _, f in study.scan() if f.type == kind)
    finally:
        study.close()


def warnings(at) -> list[str]:
    return [said(w) for w in at.warning]


def test_findings_grouped_by_type_marked_and_the_count_drops(where):
    at = ok(page("study_page", where, "ana"))
    assert any("3 possible identifier(s) scored 0.7 or more have not been reviewed" in w for w in warnings(at))
    labels = [e.label for e in at.expander]
    for label in ("phone · 1 finding(s) · 1 not reviewed", "postcode · 1 finding(s) · 1 not reviewed",
                  "email · 1 finding(s) · 1 not reviewed", "titled_name · 1 finding(s) · 1 not reviewed"):
        assert label in labels, labels
    assert any("4 possible identifier(s) in 2 segment(s) (scanned without lists of names or places): 4 not reviewed yet"
               in said(c) for c in at.caption)
    texts = [t.value for t in at.text]
    assert any("**Mrs Okafor** rang me on <b>⟦07700 900123⟧</b>, from SW1A 1AA." in t for t in texts), texts

    phone = finding(where, "phone")
    fid = Study.finding_id(phone)
    by_key(at.text_input, f"scan-note:{fid}").input("the study's test number")
    by_key(at.button, f"scan-false:{fid}").click().run()
    ok(at)
    assert f"{fid} (phone in int1-002) marked false alarm by ana" in said(at.success[0])
    assert any("2 possible identifier(s) scored 0.7 or more have not been reviewed" in w for w in warnings(at))
    assert "phone · 1 finding(s) · 0 not reviewed" in [e.label for e in at.expander]
    assert any("Marked false alarm by ana" in said(c) and "the study's test number" in said(c) for c in at.caption)
    assert by_key(at.button, f"scan-false:{fid}").disabled and not by_key(at.button, f"scan-identifier:{fid}").disabled
    study = Study.open(where)
    assert {f.type: v for _, f, v in study.findings()}["phone"] == "false_alarm"
    assert [(r.verdict, r.by, r.note) for r in study.review_history()] == [
        ("false_alarm", "ana", "the study's test number")]

    by_key(at.button, f"scan-identifier:{fid}").click().run()  # changed: a later verdict supersedes
    ok(at)
    assert {f.type: v for _, f, v in study.findings()}["phone"] == "identifier"
    assert [r.verdict for r in study.review_history()] == ["false_alarm", "identifier"]
    assert not by_key(at.text_input, f"scan-note:{fid}").value, "a new verdict starts with an empty note"
    table = at.dataframe[-1].value
    assert dict(zip(table["type"], table["verdict"], strict=True))["phone"] == "identifier"

    at.checkbox(key="scan-open").check().run()
    ok(at)
    assert not any(e.label.startswith("phone") for e in at.expander), "reviewed findings can be hidden"
    study.close()


def test_no_warning_once_every_sure_finding_is_reviewed(where):
    study = Study.open(where)
    for _, f in study.scan():
        if f.score >= study.HIGH_SCORE:
            study.review_finding(f.segment_id, f.type, f.start, f.end, f.text, "false_alarm", by="ana")
    study.close()
    at = ok(page("study_page", where))
    assert not any("have not been reviewed" in w for w in warnings(at))
    assert "titled_name · 1 finding(s) · 1 not reviewed" in [e.label for e in at.expander]


def test_export_warns_beside_the_files_that_quote(where):
    study = Study.open(where)
    study.create_theme("Who called", ["int1-002"], by="ana")
    at = ok(page("export_page", where))
    shown = warnings(at)
    assert any("3 possible identifier(s) scored 0.7 or more have not been reviewed" in w and "Study page" in w
               for w in shown), shown
    assert any(w.startswith("The codebook's CSV, spreadsheet, Word and Markdown files quote segments that hold 2 "
                             "unreviewed") for w in shown), shown
    assert any(w.startswith("The whole project carries every transcript's full text, with 3 unreviewed")
               for w in shown), shown
    assert len(at.get("download_button")) == 8, "every file can still be downloaded"

    for _, f in study.scan():
        if f.segment_id == "int1-002" and f.score >= study.HIGH_SCORE:
            study.review_finding(f.segment_id, f.type, f.start, f.end, f.text,
                                 "identifier" if f.type == "phone" else "false_alarm", by="ana")
    at = ok(page("export_page", where))
    shown = warnings(at)
    assert any(w.startswith("The codebook's CSV, spreadsheet, Word and Markdown files quote segments that hold 1 "
                            "finding(s) marked as identifiers and not yet corrected") for w in shown), shown
    assert any("1 possible identifier(s) scored 0.7 or more" in w for w in shown), "the email, not quoted"
    study.close()


def test_export_on_a_study_with_nothing_found_warns_of_nothing(tmp_path):
    study = Study.init(tmp_path / "study", by="setup")
    study.ingest([write(tmp_path / "int1.txt", "Interviewer: Hello?\nP01: Nothing to see here.\n")])
    study.create_theme("Greeting", ["int1-002"], by="ana")
    study.close()
    at = ok(page("export_page", str(tmp_path / "study")))
    assert not at.warning


def test_marking_findings_one_after_another_while_the_list_shrinks(where):
    """A researcher works down the not-yet-reviewed list: each finding drops out as it is marked,
    and each verdict lands on the finding whose button was pressed, as the banner says."""
    from itertools import cycle

    study = Study.open(where)
    plan = [(Study.finding_id(f), f.type, verdict)
            for (_, f), verdict in zip(study.scan(), cycle(["false_alarm", "identifier"]), strict=False)]
    study.close()
    assert len(plan) >= 4
    at = ok(page("study_page", where, "ana"))
    at.checkbox(key="scan-open").check().run()
    for done, (fid, kind, verdict) in enumerate(plan, start=1):
        button = f"scan-false:{fid}" if verdict == "false_alarm" else f"scan-identifier:{fid}"
        by_key(at.button, button).click().run()
        ok(at)
        words = "false alarm" if verdict == "false_alarm" else "identifier"
        assert f"{fid} ({kind} in" in said(at.success[0]) and f"marked {words} by ana" in said(at.success[0])
        still = {k for k in (f"scan-false:{f}" for f, _, _ in plan) if any(b.key == k for b in at.button)}
        assert still == {f"scan-false:{f}" for f, _, _ in plan[done:]}, "only the findings not reviewed are listed"
    study = Study.open(where)
    assert {Study.finding_id(f): v for _, f, v in study.findings()} == {fid: v for fid, _, v in plan}
    assert [(r.by, r.verdict) for r in study.review_history()] == [("ana", v) for _, _, v in plan]
    study.close()
    assert not any("have not been reviewed" in w for w in warnings(at))
