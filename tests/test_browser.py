"""The app in a real browser: Debian's chromium driven by Playwright against `workbench app`.

One researcher's session end to end (accept, reject, merge, triage-assign, define,
rename, revert; each shown in the log), the launcher's settings in force, and quotes
carrying HTML shown as literal text everywhere, with no script run.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from workbench.engine.discover import DiscoveryParams
from workbench.study import Study

from .browser_harness import browser, choose, go, serve, settle, start, tick_option
from .conftest import ROOT, topic_table

SCRIPT = "<script>window.pwned=1</script>"
IMAGE = '<img src=x onerror="window.pwned=1">'
HOSTILE = f"Quantum chromodynamics of gluon plasma {SCRIPT} and {IMAGE} in the reactor"


def make_study(folder: Path) -> str:
    table = topic_table(folder / "answers.csv", [("xss", HOSTILE)])
    study = Study.init(folder / "study", by="setup", logic_model=ROOT / "models" / "mash-ipe.yaml")
    study.ingest([table])
    study.discover(DiscoveryParams(min_size=5, runs=2, min_similarity=0.5), by="setup")
    assert [a.segment_id for a, _ in study.triage()] == ["xss"], "the hostile segment waits in triage"
    assert len(study.candidates()[1]) == 3
    study.close()
    return str(folder / "study")


def visible(page, label: str):
    return page.locator(f"[aria-label='{label}']:visible").first


def no_script_ran(page) -> None:
    assert page.evaluate("() => typeof window.pwned") == "undefined"


def test_settings_in_force(chromium, tmp_path):
    study = make_study(tmp_path)
    with serve(study, tmp_path / "app.log") as (url, port), browser() as page:
        listening = Path("/proc/net/tcp").read_text().splitlines()[1:]
        mine = [line.split()[1] for line in listening if line.split()[1].endswith(f":{port:04X}")
                and line.split()[3] == "0A"]
        assert mine == [f"0100007F:{port:04X}"], f"the server listens on 127.0.0.1 only, not {mine}"
        start(page, url, "Ana")
        page.get_by_text("Privacy settings in force").click()
        sidebar = page.get_by_test_id("stSidebar")
        for line in ("Server address: 127.0.0.1", "Usage statistics: off", "XSRF protection: on",
                     "Upload limit: 50 MB", "Headless: yes"):
            expect(sidebar).to_contain_text(line)
        assert any(c["name"] == "_streamlit_xsrf" for c in page.context.cookies()), "XSRF token cookie set"


def test_a_review_session_in_the_browser(chromium, tmp_path):
    study = make_study(tmp_path)
    transcript = tmp_path / "upload.txt"
    transcript.write_text("Interviewer: How was it?\nP40: The police desk helped a lot.\n", encoding="utf-8")
    with serve(study, tmp_path / "app.log") as (url, _), browser() as page:
        start(page, url, "Ana")
        # By label, not "the first file input": while the page renders, the participants
        # uploader's input is sometimes first in the document, and the transcript went there
        # (1 run in 4 here; an Import then had no transcript). The uploader gives the form its
        # value only once the upload has answered, so wait for that answer too.
        uploader = page.get_by_test_id("stFileUploader").filter(has_text="Transcripts (.txt")
        with page.expect_response(lambda r: "/_stcore/upload_file" in r.url and r.request.method == "PUT"):
            uploader.locator("input[type=file]").set_input_files(str(transcript))
        uploader.get_by_text("upload.txt").wait_for()
        settle(page)
        # Check first, as the page advises: the parse is shown and nothing is written.
        page.get_by_role("button", name="Check (imports nothing)").click()
        page.get_by_text("Check (nothing imported)").wait_for()
        expect(page.get_by_test_id("stExpander").filter(has_text="upload: ")).to_contain_text("2 turn(s), 2 speaker(s)")
        settle(page)
        page.get_by_role("button", name="Import", exact=True).click()
        try:
            page.get_by_text("Imported 1 transcript(s)").wait_for()
        except PlaywrightTimeout:
            alerts = page.get_by_test_id("stAlert").all_inner_texts()
            pytest.fail(f"no import message; the page's messages were {alerts}")

        go(page, "Candidates")
        visible(page, "Theme name").fill("Slow referrals")
        page.get_by_role("button", name="Accept as a theme").click()
        page.get_by_text("Accepted R1-C00 as 'Slow referrals'").wait_for()
        settle(page)

        page.get_by_role("tab", name="Reject").click()
        settle(page)  # a tab's click reruns the page: a field filled meanwhile is lost
        visible(page, "Reason (required)").fill("not a theme")
        page.get_by_role("button", name="Reject", exact=True).click()
        page.get_by_text("Rejected R1-C01").wait_for()
        settle(page)

        page.get_by_role("tab", name="Merge").click()
        settle(page)  # a tab's click reruns the page: a field filled meanwhile is lost
        visible(page, "Reason (required)").fill("the same delay")
        page.get_by_role("button", name="Merge", exact=True).click()
        page.get_by_text("Merged R1-C02 into T-001").wait_for()
        settle(page)

        page.get_by_role("tab", name=re.compile("Unassigned segments")).click()
        settle(page)  # a tab's click reruns the page: a field filled meanwhile is lost
        page.get_by_text(SCRIPT).first.wait_for()  # the quote is shown as written
        page.get_by_text(IMAGE).first.wait_for()
        no_script_ran(page)
        page.get_by_test_id("stCheckbox").filter(has_text=re.compile(r"^xss ")).click()
        settle(page)
        page.get_by_role("button", name="Assign the ticked segments").click()
        page.get_by_text("Assigned 1 segment(s) to T-001").wait_for()
        settle(page)
        no_script_ran(page)

        go(page, "Themes")
        page.get_by_role("tab", name="Define").click()
        settle(page)  # a tab's click reruns the page: a field filled meanwhile is lost
        visible(page, "Definition").fill("Referrals that wait too long")
        exemplars = page.locator("[data-testid='stMultiSelect']:visible input").first
        exemplars.click()
        exemplars.fill("xss")
        page.get_by_role("option").filter(has_text="xss: ").first.click()
        page.keyboard.press("Escape")
        page.get_by_role("button", name="Save definition").click()
        page.get_by_text("Defined T-001").wait_for()
        settle(page)
        page.get_by_text(SCRIPT).first.wait_for()  # the exemplar quote
        no_script_ran(page)
        page.get_by_role("tab", name="Rename").click()
        settle(page)  # a tab's click reruns the page: a field filled meanwhile is lost
        visible(page, "New name").fill("Referral delays")
        page.get_by_role("button", name="Rename", exact=True).click()
        page.get_by_text("Renamed T-001 to 'Referral delays'").wait_for()
        settle(page)

        go(page, "Logic model")
        choose(page, "Node", "Trust between agencies (mechanism)")

        def metric(label: str):
            return page.get_by_test_id("stMetric").filter(has_text=label).first.get_by_test_id("stMetricValue")

        # expect(...) retries until the page has re-rendered: no reading of a stale value.
        expect(metric("Themes")).to_have_text("0")
        expect(metric("Participants")).to_have_text("0")
        themes = page.locator("[data-testid='stMultiSelect']:visible").filter(
            has_text="Themes not yet mapped to this node")
        tick_option(page, themes, "T-001")
        visible(page, "How they evidence this node (optional; kept with each theme)").fill("staff describe trust")
        page.get_by_role("button", name="Map to this node").click()
        page.get_by_text("Mapped T-001 to mech-trust").wait_for()
        settle(page)
        expect(metric("Themes")).to_have_text("1")  # the node's evidence changed
        expect(metric("Participants")).not_to_have_text("0")
        page.get_by_text("Why it evidences this node: staff describe trust").wait_for()
        page.get_by_text(SCRIPT).first.wait_for()  # its exemplar quote, as text
        no_script_ran(page)

        go(page, "Map")
        page.get_by_role("button", name=re.compile("Lay out the map")).click()
        page.locator(".js-plotly-plot").first.wait_for()
        settle(page)
        no_script_ran(page)

        go(page, "Decision log")
        page.get_by_text("The log is intact").wait_for()
        mapped = Study.open(study).events()[-1]
        assert mapped.kind == "map"
        choose(page, "Decision to undo", f"#{mapped.seq} · map")
        visible(page, "Reason (required)").fill("mapped too early")
        page.get_by_text(f"I understand what reverting #{mapped.seq} undoes").click()
        settle(page)
        page.get_by_role("button", name=f"Yes, revert #{mapped.seq}").click()
        try:
            page.get_by_text(re.compile(rf"Reverted #{mapped.seq}")).wait_for(timeout=30_000)
        except PlaywrightTimeout:
            page.screenshot(path="/tmp/revert-failure.png", full_page=True)
            raise
        settle(page)
        kinds = [e.kind for e in Study.open(study).events()]
        for kind in ("accept", "reject", "merge", "assign", "define", "rename", "map", "revert"):
            assert kind in kinds  # each decision made above is in the log

        go(page, "Validation")
        visible(page, "Name of the new session").fill("panel 1")
        page.keyboard.press("Enter")
        settle(page)
        page.get_by_text(SCRIPT).first.wait_for()  # the theme's exemplar quote, beside the vote, as text
        no_script_ran(page)
        verdict = page.get_by_test_id("stRadio").filter(has_text="Your verdict")
        verdict.get_by_text("revise", exact=True).click()
        page.get_by_role("button", name="Record my vote").click()
        page.get_by_text("Recorded your vote on T-001").wait_for()
        settle(page)
        page.get_by_text("Show them (after you have voted)").click()
        settle(page)
        expect(metric("Reviewers")).to_have_text("1")
        expect(metric("Krippendorff's alpha")).to_have_text("not defined")  # one reviewer so far

        go(page, "Analysis")
        page.get_by_role("heading", name="Saturation").wait_for()
        expect(page.locator(".js-plotly-plot")).to_have_count(2)  # the prevalence heat map, the saturation curve
        no_script_ran(page)

        go(page, "Export")
        downloads = page.get_by_role("button", name=re.compile("Codebook|project"))
        expect(downloads).to_have_count(6)  # CSV, qdc, qdpx, XLSX, DOCX, MD
        with page.expect_download() as got:  # the file is made on the click, by Streamlit's deferred download
            page.get_by_role("button", name="Codebook (CSV)", exact=True).click()
        codebook = Path(got.value.path()).read_text(encoding="utf-8")
        assert "Referral delays" in codebook and got.value.suggested_filename == "codebook.csv"
        no_script_ran(page)

    done = Study.open(study)
    assert [e.kind for e in done.events()] == ["model", "accept", "reject", "merge", "assign", "define", "rename",
                                               "map", "revert", "vote"]
    assert {e.by for e in done.events()[1:]} == {"Ana"}
    theme = done.codebook().themes["T-001"]
    assert theme.name == "Referral delays" and not theme.nodes, "the revert undid the mapping"
    assert "xss" in done.codebook().coded
