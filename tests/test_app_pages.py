"""Every page with streamlit.testing's AppTest: it renders, and each action records its event.

Pages are run one by one, with the session's study and researcher already set (as the
entry page sets them); the entry page is tested for asking the researcher's name.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from workbench.engine.discover import DiscoveryParams
from workbench.study import Study

from .app_harness import by_key, said

PACKAGE = Path(__file__).resolve().parent.parent / "workbench"
PAGES = ["study_page", "candidates_page", "themes_page", "map_page", "logic_model_page", "validation_page",
         "analysis_page", "log_page", "export_page"]


def page(name: str, location: str, who: str = "tester") -> AppTest:
    at = AppTest.from_file(str(PACKAGE / "pages" / f"{name}.py"), default_timeout=180)
    at.session_state["study_location"] = location
    at.session_state["researcher"] = who
    return at.run()


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


@pytest.mark.parametrize("name", PAGES)
def test_every_page_renders_on_an_empty_study(tmp_path, name):
    Study.init(tmp_path / "empty", by="setup").close()
    ok(page(name, str(tmp_path / "empty")))


@pytest.mark.parametrize("name", PAGES)
def test_every_page_renders_on_the_sample_study(discovered_sample, name):
    at = ok(page(name, discovered_sample.location))
    assert at.title[0].value


def test_the_entry_page_asks_the_researchers_name_once(small):
    at = AppTest.from_file(str(PACKAGE / "app.py"), default_timeout=120)
    at.session_state["study_location"] = small
    at.run()
    assert not at.exception and at.text_input[0].label == "Your name"
    at.text_input[0].input("Ana Researcher")
    at.button[0].click().run()
    assert at.session_state["researcher"] == "Ana Researcher"
    assert not at.exception and at.title[0].value == "Study"
    assert any("Usage statistics:" in t.value for t in at.text), "privacy settings are shown (values: browser test)"


def test_candidates_accept_reject_merge_split_and_triage(small):
    at = ok(page("candidates_page", small, "ana"))
    assert at.get("plotly_chart"), "the candidates' family tree is drawn"
    first = by_key(at.selectbox, "candidate").value
    by_key(at.text_input, "accept-name").input("Slow referrals")
    button(at, "Accept as a theme").click().run()
    ok(at)
    assert first == 0 and "Accepted R1-C00" in said(at.success[0])
    study = Study.open(small)
    assert [(e.kind, e.by, e.payload["name"]) for e in study.events()] == [("accept", "ana", "Slow referrals")]

    button(at, "Reject").click().run()  # no reason: refused, nothing recorded
    assert "reason is required" in at.error[0].value and len(study.events()) == 1
    by_key(at.text_input, "reject-why").input("not a theme")
    button(at, "Reject").click().run()
    ok(at)
    assert study.events()[-1].kind == "reject"

    by_key(at.selectbox, "merge-target").set_value("T-001")
    by_key(at.text_input, "merge-why").input("the same delay")
    button(at, "Merge").click().run()
    ok(at)
    assert study.events()[-1].kind == "merge" and study.codebook().themes["T-001"].members

    at.toggle[0].set_value(True).run()
    assert "Every candidate" not in str(at.success)
    triage = Study.open(small).triage()
    assert [a.segment_id for a, _ in triage] == ["odd"], "the odd segment is far from everything: it waits in triage"
    by_key(at.checkbox, "triage-tick").check().run()
    button(at, "Assign the ticked segments").click().run()
    ok(at)
    assert "odd" in Study.open(small).codebook().themes["T-001"].members


def test_a_candidate_accepted_in_parts(small):
    at = ok(page("candidates_page", small, "ana"))
    at.number_input(key="split-parts").set_value(2)
    button(at, "Propose sub-groups").click().run()
    ok(at)
    by_key(at.text_input, "split-why").input("two kinds of delay")
    button(at, "Accept as these themes").click().run()
    ok(at)
    kinds = [e.kind for e in Study.open(small).events()]
    assert kinds == ["accept", "split"]
    assert len(Study.open(small).codebook().themes) == 2


def test_themes_rename_define_move_assign_memo_context(small):
    study = Study.open(small)
    study.accept("C00", "First", by="ana")
    study.accept("C01", "Second", by="ana")
    at = ok(page("themes_page", small, "bob"))
    by_key(at.text_input, "rename").input("Renamed")
    button(at, "Rename").click().run()
    ok(at)
    assert study.codebook().themes["T-001"].name == "Renamed"

    members = sorted(study.codebook().themes["T-001"].members)
    by_key(at.text_area, "definition").input("Referrals that wait")
    by_key(at.multiselect, "exemplars").select(members[0])
    button(at, "Save definition").click().run()
    ok(at)
    theme = study.codebook().themes["T-001"]
    assert theme.definition == "Referrals that wait" and theme.exemplars == [members[0]]

    by_key(at.multiselect, "move").select(members[1])
    by_key(at.selectbox, "move-target").set_value("T-002")
    button(at, "Apply").click().run()
    ok(at)
    assert members[1] in study.codebook().themes["T-002"].members

    outside = sorted({r.id for r in study.rows()} - study.codebook().themes["T-001"].members)[:2]
    by_key(at.text_area, "assign-ids").input(", ".join(outside))
    button(at, "Assign").click().run()
    ok(at)
    assert set(outside) <= study.codebook().themes["T-001"].members

    by_key(at.text_area, "memo-text").input("Check this with site 2")
    button(at, "Add memo").click().run()
    ok(at)
    assert study.codebook().memos[-1].text == "Check this with site 2"
    assert [e.by for e in study.events()][-4:] == ["bob"] * 4
    assert any("Check this with site 2" in t.value for t in at.text), "the page shows the new memo"


def test_log_revert_and_status(small):
    study = Study.open(small)
    study.accept("C00", "First", by="ana")
    study.rename("T-001", "Second name", by="ana")
    at = ok(page("log_page", small, "cat"))
    assert "intact" in at.success[0].value
    at.selectbox(key="revert-event").set_value(1).run()  # not the latest: the event chosen is the one reverted
    at.selectbox(key="revert-event").set_value(2).run()
    at.text_input(key="revert-why:2:0").input("wrong name")
    at.checkbox(key="revert-sure:2:0").check().run()
    button(at, "Yes, revert #2").click().run()
    ok(at)
    assert study.codebook().themes["T-001"].name == "First" and study.events()[-1].by == "cat"
    assert study.events()[-1].payload == {"event": 2}
    frame = at.dataframe[0].value
    assert list(frame["#"]) == [3, 2, 1] and list(frame["status"]) == ["reverts #2", "undone by #3", "active"]


def test_validation_votes_apart_then_agreement_and_adjudication(small):
    study = Study.open(small)
    study.accept("C00", "Slow referrals", by="ana")
    study.accept("C01", "Police desk", by="ana")
    at = ok(page("validation_page", small, "ann"))
    assert "Name the session" in at.info[0].value
    at.text_input(key="validation-new").input("panel 1").run()
    at.radio(key="validation-verdict-panel 1-T-001").set_value("accept")
    button(at, "Record my vote").click().run()
    ok(at)
    assert study.codebook().votes[("panel 1", "T-001", "ann")][0] == "accept"
    study.vote("[click](https://evil.example) **x**", "T-001", "accept", by="zed")

    at = ok(page("validation_page", small, "bob"))  # another reviewer, another browser session
    assert "\\[click\\]" in at.caption[-1].value, "a session's name is text, not a link"
    at.selectbox(key="validation-session").set_value("panel 1").run()
    assert not at.dataframe, "the group's votes are hidden until the reviewer asks"
    at.radio(key="validation-verdict-panel 1-T-001").set_value("revise")
    by_key(at.text_input, "validation-why-panel 1").input("too broad")
    button(at, "Record my vote").click().run()
    assert by_key(at.selectbox, "validation-item-panel 1").value == "T-002", "on to the next item to vote on"
    assert at.radio(key="validation-verdict-panel 1-T-002").value == "accept"  # nothing carried over
    at.radio(key="validation-verdict-panel 1-T-002").set_value("reject")
    button(at, "Record my vote").click().run()
    by_key(at.selectbox, "validation-item-panel 1").set_value("T-001").run()
    assert at.radio(key="validation-verdict-panel 1-T-001").value == "revise", "the radio shows my own vote"
    at.toggle(key="validation-show").set_value(True).run()
    ok(at)
    assert [m.value for m in at.metric][:1] == ["2"]
    votes = at.dataframe[-1].value
    assert list(votes["item"]) == ["T-001", "T-002"] and list(votes["vote: ann"]) == ["accept", ""]
    assert list(votes["vote: bob"]) == ["revise", "reject"] and list(votes["state"]) == ["disagreed", "one vote"]
    assert by_key(at.selectbox, "adjudicate-item").value == "T-001"
    assert len(by_key(at.selectbox, "adjudicate-item").options) == 1
    button(at, "Record the adjudication").click().run()
    assert "reason is required" in at.error[0].value  # nothing recorded without one
    by_key(at.text_input, "adjudicate-why").input("agreed to narrow it")
    by_key(at.radio, "adjudicate-outcome").set_value("revise")
    button(at, "Record the adjudication").click().run()
    ok(at)
    assert study.codebook().adjudications[("panel 1", "T-001")][0] == "revise"
    assert study.events()[-1].by == "bob" and study.events()[-1].rationale == "agreed to narrow it"


def test_validation_messages_quote_session_names_as_text(tmp_path):
    from .conftest import write

    study = Study.init(tmp_path / "study", by="setup")
    study.ingest([write(tmp_path / "a.txt", "Interviewer: Hi?\nP1: The referral was slow.\n")])
    study.create_theme("Slow", ["a-002"], by="ann")
    study.vote("**bold** <b>x</b>", "T-001", "accept", by="ann")
    at = ok(page("validation_page", str(tmp_path / "study"), "bob"))
    at.selectbox(key="validation-session").set_value("(a new session)").run()
    at.text_input(key="validation-new").input("Panel **one**").run()
    at.toggle(key="validation-show").set_value(True).run()
    ok(at)
    shown = at.info[-1].value
    assert "no votes in session" in shown and "\\*\\*bold\\*\\*" in shown and "\\<b\\>" in shown


def test_analysis_prevalence_and_saturation(small):
    at = ok(page("analysis_page", small))
    assert "No themes yet" in at.info[0].value
    study = Study.open(small)
    study.accept("C00", "Slow referrals", by="ana")
    at = ok(page("analysis_page", small))
    table = at.dataframe[0].value
    assert list(table["theme"]) == ["T-001"]
    cells = [table[c][0] for c in table.columns if c.startswith("S")]
    small_group = "small group (fewer than 5)"  # three participants a site: too few to read as a share
    assert sorted(cells) == [f"0 of 3 · 0 seg · {small_group}", f"0 of 3 · 0 seg · {small_group}",
                             f"3 of 3 · 15 seg · {small_group}"]  # one site's three voices
    at.selectbox(key="prevalence-by").set_value("participant").run()
    ok(at)
    assert len([c for c in at.dataframe[0].value.columns if c.startswith("P")]) == 9
    assert "Not assessed: needs at least 6 interviews" in at.info[0].value
    at.number_input(key="saturation-base").set_value(1).run()
    at.number_input(key="saturation-run").set_value(1).run()
    ok(at)
    assert "needs at least 2 interviews (a base of 1 and a run of 1); the study has 1" in at.info[0].value


def test_study_page_scans_for_identifiers_left_in(tmp_path):
    from .conftest import write
    from .test_cli_scan import TRANSCRIPT

    study = Study.init(tmp_path / "study", by="setup")
    study.ingest([write(tmp_path / "int1.txt", TRANSCRIPT)])
    at = ok(page("study_page", str(tmp_path / "study")))
    at.slider(key="scan-min").set_value(0.8)
    button(at, "Scan").click().run()
    ok(at)
    found = at.dataframe[-1].value
    assert set(found["segment"]) == {"int1-004"}
    assert {"phone", "postcode", "nhs_number", "email", "date_of_birth"} <= set(found["type"])
    assert "titled_name" not in set(found["type"]), "under the chosen score"
    assert (found["score"] >= 0.8).all()


def test_map_lays_out_once_and_colours(small):
    at = ok(page("map_page", small))
    button(at, "Lay out the map (once per set of segments; a minute or more on a large study)").click().run()
    ok(at)
    assert at.get("plotly_chart"), "the map is drawn"
    assert len(Study.open(small).projection(compute=False)) == 46


def test_export_makes_each_file_when_it_is_clicked(small, monkeypatch):
    import json
    import zipfile
    from io import BytesIO

    from workbench.pages import common

    makers = []  # what Streamlit would call on each click, in the buttons' order

    def recorded(where, make):
        makers.append(real(where, make))
        return makers[-1]

    real = common.made_at_click
    monkeypatch.setattr(common, "made_at_click", recorded)
    study = Study.open(small)
    study.accept("C00", "First", by="ana")
    at = ok(page("export_page", small))
    buttons = at.get("download_button")
    assert len(buttons) == len(makers) == 9
    assert all(b.proto.deferred_file_id and not b.proto.url for b in buttons), "nothing is made until clicked"
    study.rename("T-001", "Renamed after the page was shown", by="ana")
    made = {b.proto.label: make() for b, make in zip(buttons, makers, strict=True)}
    files = {label: data.encode("utf-8") if isinstance(data, str) else data for label, data in made.items()}
    assert "Renamed after the page was shown" in files["Codebook (CSV)"].decode("utf-8"), \
        "a file is the study as it stands at the click"
    assert files["Codebook (CSV)"] == study.codebook_file("csv")
    assert files["Codebook document (Markdown)"] == study.codebook_file("md")
    qdc = files["Codebook for NVivo, ATLAS.ti, MAXQDA, QualCoder (REFI-QDA .qdc)"]
    assert b"Renamed after the page was shown" in qdc
    for label in ("Whole project with coded transcripts (REFI-QDA .qdpx)", "Codebook as a spreadsheet (XLSX)",
                  "Codebook document (Word)"):
        assert zipfile.ZipFile(BytesIO(files[label])).testzip() is None, label
    log = [json.loads(line) for line in files["Decision log (JSON lines: exact, re-verifiable)"].splitlines()]
    assert [e["kind"] for e in log] == ["accept", "rename"]
    assert files["Decision log (CSV)"].decode("utf-8").count("\n") == 3, "header and both events"
    assignments = files["Assignments of run 1 with current themes (CSV)"].decode("utf-8").splitlines()
    assert assignments[0] == "segment_id,candidate,probability,theme" and len(assignments) == 47
    assert any(line.endswith(",T-001") for line in assignments)
    assert "1 themes, 1 decisions in the log" in at.caption[1].value, "counts are said to be as the page was shown"


def test_a_file_that_cannot_be_made_says_why_in_the_log(tmp_path, caplog):
    from workbench.errors import WorkbenchError
    from workbench.pages import common

    make = common.made_at_click(str(tmp_path / "no-such-study"), lambda fresh: fresh.codebook_file("csv"))
    with pytest.raises(WorkbenchError), caplog.at_level("ERROR", logger="workbench"):
        make()
    assert "a download could not be made" in caplog.text and "no-such-study" in caplog.text


def test_logic_model_page_load_map_and_edit(small):
    at = ok(page("logic_model_page", small, "ana"))
    assert "no logic model yet" in at.info[0].value
    at.selectbox[0].set_value(next(o for o in at.selectbox[0].options if o.endswith("mash-ipe.yaml")))
    button(at, "Load").click().run()
    ok(at)
    study = Study.open(small)
    assert study.events()[-1].kind == "model" and len(study.logic_model().nodes) >= 25
    study.accept("C00", "Delays", by="ana")

    def keyed(widgets, name: str):  # form fields are keyed per item and decision, the picker per turn
        return next(w for w in widgets if (w.key or "").split(":")[0].split("~")[0] == name)

    at = ok(page("logic_model_page", small, "ana"))
    at.selectbox(key="node").set_value("mech-timely-info").run()
    themes_metric = next(m for m in at.metric if m.label == "Themes")
    assert themes_metric.value == "0"
    keyed(at.multiselect, "map-themes").select("T-001")
    keyed(at.text_input, "map-note").input("waiting for information")
    button(at, "Map to this node").click().run()
    ok(at)
    assert next(m for m in at.metric if m.label == "Themes").value == "1"
    assert int(next(m for m in at.metric if m.label == "Participants").value) > 0
    assert Study.open(small).codebook().themes["T-001"].notes == {"mech-timely-info": "waiting for information"}

    keyed(at.text_input, "new-id").input("ctx-weekends")
    keyed(at.text_input, "new-label").input("Out-of-hours cover")
    button(at, "Add node").click().run()
    ok(at)
    assert Study.open(small).logic_model().node("ctx-weekends").type == "context"
    keyed(at.selectbox, "node").set_value("mech-timely-info").run()  # the new node was opened: back to this one
    keyed(at.text_input, "remove-why").input("mapped by mistake")
    button(at, "Remove node").click().run()
    assert "unmap first" in at.error[0].value, "a node with evidence cannot be removed"


def test_study_page_runs_discovery_with_the_layout_count_chosen_by_size(small):
    at = ok(page("study_page", small, "ana"))
    layouts = next(n for n in at.number_input if n.label.startswith("Layouts that vote"))
    assert layouts.value == 0, "by default the study's size chooses the number of layouts"
    told = next(c.value for c in at.caption if "should take" in c.value)
    assert "every text already embedded" in told and "drawing 31 layouts of 46 segments" in told, told
    button(at, "Run discovery").click().run()
    ok(at)
    told = next(c.value for c in at.caption if "should take" in c.value)
    assert "every layout kept from an earlier run" in told, "the run just made left its layouts for a re-run"
    study = Study.open(small)
    run = study.latest_run()
    assert run.id == 2 and run.by == "ana"
    assert run.params["runs"] == DiscoveryParams().layout_count(run.segments) == 31
    assert run.backend == "onnx", "full precision unless the researcher asks for the quick look"
    next(n for n in at.number_input if n.label.startswith("Layouts that vote")).set_value(3)
    next(r for r in at.radio if r.label == "Embeddings").set_value("Quick look (int8)")
    button(at, "Run discovery").click().run()
    ok(at)
    run = Study.open(small).latest_run()
    assert run.params["runs"] == 3 and run.backend == "onnx-int8"
    next(n for n in at.number_input if n.label.startswith("Layouts that vote")).set_value(1)
    button(at, "Run discovery").click().run()
    assert not at.exception and "runs must be at least 2" in at.error[0].value
    assert len(Study.open(small).runs()) == 3, "nothing recorded"


def test_study_page_shows_a_parse_to_check_as_text(tmp_path, counter):
    """The check report: per transcript its speakers and warnings, label text shown as written."""
    from workbench.io.ingest import parse_files

    from .conftest import write

    Study.init(tmp_path / "study", by="setup").close()
    flattened = "\n\n".join(f"Interviewer: Question {i}? P07 (**Parent**): Answer {i}." for i in range(3))
    parsed = parse_files([write(tmp_path / "flat.txt", "Title\n\n" + flattened)], counter)
    at = AppTest.from_file(str(PACKAGE / "pages" / "study_page.py"), default_timeout=180)
    at.session_state["study_location"] = str(tmp_path / "study")
    at.session_state["researcher"] = "tester"
    at.session_state["_import_check"] = ("Check (nothing imported)", parsed.checks, parsed.report_warnings)
    ok(at.run())
    assert [s.value for s in at.subheader] == ["Check (nothing imported)"]
    (expander,) = [e for e in at.expander if "flat" in e.label]
    assert "1 turn(s), 1 speaker(s)" in expander.label and "preamble 1 words" in expander.label
    warning = next(w.value for w in at.warning if "appears 3 times" in w.value)
    assert r"P07 \(\*\*Parent\*\*\)\:" in warning, "markdown in a label is escaped, shown as written"
    assert "Title" in [t.value for t in at.text]
    assert list(at.dataframe[-1].value["speaker"]) == ["Interviewer"]
    button(at, "Clear this report").click().run()
    assert not at.subheader
