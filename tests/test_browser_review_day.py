"""A day of reviewing in a real browser: thirty and more decisions in one session, across every page.

Debian's chromium, driven by Playwright, against ``workbench app`` on a copy of the
discovered sample study, as one researcher works: accept, reject and merge candidates
(the page moving on to the next candidate each time), tick triage segments and assign or
dismiss them, pick themes and rename, define, move, assign and write memos on them,
split a candidate, map several themes to a logic-model node, vote in a validation
session, revert a decision, code segments chosen on the map. After each decision the
log in the store is checked: exactly the decision made, on the item that was on screen,
with the words typed. Every request the browser makes goes to the app's own address:
a theme named with Markdown for an outside image fetches nothing.
"""

from __future__ import annotations

import re
import shutil
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from workbench.study import Study

from .browser_harness import browser, choose, go, serve, settle, start, tick_option

FEAR = "![n](http://example.org/x.png) Fear"


class Review:
    """The browser page and the study behind it: act, then check what the log gained."""

    def __init__(self, page, location: str) -> None:
        self.page = page
        self.location = location
        self.seen = len(Study.open(location).events())
        self.decisions = 0

    def field(self, label: str):
        return self.page.locator(f"[aria-label='{label}']:visible").first

    def click(self, name: str) -> None:
        self.page.get_by_role("button", name=name, exact=True).click()

    def tab(self, name: str) -> None:
        self.page.get_by_role("tab", name=name, exact=True).click()
        settle(self.page)

    def decided(self, banner: str, *kinds: str) -> list:
        """Wait for the success banner; the log gained exactly ``kinds``; returns those events."""
        try:
            self.page.get_by_test_id("stAlert").filter(has_text=banner).first.wait_for(timeout=30_000)
        except Exception:
            self.page.screenshot(path="/tmp/review-day-failure.png", full_page=True)
            raise
        settle(self.page)
        events = Study.open(self.location).events()
        fresh = events[self.seen:]
        assert [e.kind for e in fresh] == list(kinds), (banner, [e.kind for e in fresh])
        self.seen = len(events)
        self.decisions += len(fresh)
        return fresh

    def heading(self) -> str:
        return self.page.get_by_test_id("stHeading").nth(1).inner_text()


@pytest.fixture
def study_copy(discovered_sample, tmp_path) -> str:
    target = tmp_path / "study"
    discovered_sample.close()
    shutil.copytree(discovered_sample.location, target)
    study = Study.open(str(target))
    from .conftest import ROOT

    study.load_logic_model(ROOT / "models" / "mash-ipe.yaml", by="setup")
    study.close()
    return str(target)


def test_a_day_of_reviewing_in_the_browser(chromium, study_copy, tmp_path):
    outside: list[str] = []
    with serve(study_copy, tmp_path / "app.log") as (url, _), browser() as page:
        own = urlparse(url).netloc

        def watch(request) -> None:
            where = urlparse(request.url)
            if where.scheme in ("http", "https", "ws", "wss") and where.netloc != own:
                outside.append(request.url)

        page.on("request", watch)
        start(page, url, "Ana")
        r = Review(page, study_copy)

        # --- Candidates: accept, reject, merge; each time the next candidate is shown ------
        go(page, "Candidates")
        expect(page.get_by_test_id("stHeading").filter(has_text="R1-C00")).to_have_count(1)
        r.field("Theme name").fill(FEAR)
        r.field("Why (optional)").fill("fear of the consequences")
        r.click("Accept as a theme")
        (accepted,) = r.decided("Accepted R1-C00", "accept")
        assert (accepted.payload["name"], accepted.rationale) == (FEAR, "fear of the consequences")
        expect(page.get_by_test_id("stHeading").filter(has_text="R1-C01")).to_have_count(1)  # the next one
        assert r.field("Why (optional)").input_value() == "", "the last accept's reason is not carried over"
        r.field("Theme name").fill("Information sharing")
        r.click("Accept as a theme")
        (accepted,) = r.decided("Accepted R1-C01", "accept")
        assert accepted.payload["candidate"] == "R1-C01" and accepted.rationale == ""

        r.tab("Reject")
        r.click("Reject")  # no reason: refused, shown in the Reject tab the researcher is on
        error = page.get_by_test_id("stAlert").filter(has_text="a reason is required")
        expect(error).to_be_visible()
        expect(error).not_to_contain_text("--why")
        r.field("Reason (required)").fill("small talk, not a theme")
        r.click("Reject")
        (rejected,) = r.decided("Rejected R1-C02", "reject")
        assert rejected.rationale == "small talk, not a theme"

        r.tab("Merge")
        choose(page, "Merge into", "T-001 · " + FEAR)
        r.field("Reason (required)").fill("the same fear")
        r.click("Merge")
        (merged,) = r.decided("Merged R1-C03 into T-001", "merge")
        assert merged.payload["into"] == "T-001" and [s["id"] for s in merged.payload["sources"]] == ["R1-C03"]
        r.tab("Merge")
        assert r.field("Reason (required)").input_value() == "", "the merge form starts empty"

        for number in (4, 5, 6):
            r.tab("Accept")
            r.field("Theme name").fill(f"Theme from candidate {number}")
            r.click("Accept as a theme")
            (accepted,) = r.decided(f"Accepted R1-C{number:02d}", "accept")
            assert accepted.payload["name"] == f"Theme from candidate {number}"

        # --- Triage: tick one and assign it; tick the rest and dismiss them -----------------
        r.tab("Unassigned segments (triage)")
        queue = Study.open(study_copy).triage()
        assert len(queue) >= 2, "the sample study leaves segments for triage"
        first, *rest = (a.segment_id for a, _ in queue[:4])  # the rest as one page shows them
        page.get_by_test_id("stCheckbox").filter(has_text=re.compile(rf"^{re.escape(first)} ")).click()
        settle(page)
        choose(page, "Theme", "T-002 · Information sharing")
        r.click("Assign the ticked segments")
        (assigned,) = r.decided("Assigned 1 segment(s) to T-002", "assign")
        assert assigned.payload["segments"] == [first]
        for segment in rest:
            page.get_by_test_id("stCheckbox").filter(has_text=re.compile(rf"^{re.escape(segment)} ")).click()
            settle(page)
        r.field("Why (optional)").fill("a greeting")
        r.click("Dismiss the ticked segments")
        (dismissed,) = r.decided(f"Dismissed {len(rest)} segment(s)", "dismiss")
        assert sorted(dismissed.payload["segments"]) == sorted(rest) and dismissed.rationale == "a greeting"
        # The small-talk group, at the top of the triage tab: set aside in one click.
        talk = next(c for c in Study.open(study_copy).candidates()[1] if c.is_small_talk)
        expect(page.get_by_test_id("stHeading").filter(has_text="Small talk and interview procedure")).to_be_visible()
        r.click("Not a theme: set the whole group aside")
        (aside,) = r.decided("aside: not a theme", "reject")
        assert aside.payload["candidate"] == f"R1-C{talk.number:02d}" and "small talk" in aside.rationale
        expect(page.get_by_role("button", name="Not a theme: set the whole group aside")).to_have_count(0)

        # --- Themes: pick T-003, rename, define, move, memo, assign -------------------------
        go(page, "Themes")
        choose(page, "Theme", "T-003 · Theme from candidate 4")
        r.tab("Rename")
        r.field("New name").fill("Thresholds")
        r.click("Rename")
        (renamed,) = r.decided("Renamed T-003", "rename")
        assert renamed.payload == {"theme": "T-003", "name": "Thresholds"}
        r.tab("Define")
        r.field("Definition").fill("Where the threshold for a referral is unclear")
        r.field("Include when").fill("a professional is unsure whether to refer")
        r.click("Save definition")
        (defined,) = r.decided("Defined T-003", "define")  # the renamed theme, not T-001
        assert defined.payload["theme"] == "T-003"
        assert defined.payload["definition"] == "Where the threshold for a referral is unclear"
        r.tab("Move / assign")
        members = sorted(Study.open(study_copy).codebook().themes["T-003"].members)
        box = page.locator("[data-testid='stMultiSelect']:visible").filter(has_text="Segments of this theme")
        box.locator("input").fill(members[0])
        page.get_by_role("option").filter(has_text=f"{members[0]}: ").first.click()
        page.keyboard.press("Escape")
        choose(page, "Other theme", "T-004 · Theme from candidate 5")
        r.field("Why (optional)").fill("about waiting, not thresholds")
        r.click("Apply")
        (moved,) = r.decided("Moved 1 segment(s) from T-003 to T-004", "move")
        assert (moved.payload["from"], moved.payload["to"], moved.payload["segments"]) == ("T-003", "T-004",
                                                                                           [members[0]])
        r.tab("Memos")
        r.field("New memo on this theme").fill("Ask site 2 about their threshold document")
        r.click("Add memo")
        (memo,) = r.decided("Memo added to T-003", "memo")  # after the move, still T-003
        assert memo.payload["theme"] == "T-003"
        r.tab("Move / assign")
        r.field("Code more segments to this theme: segment ids, separated by spaces or commas").fill(members[0])
        r.click("Assign")
        (back,) = r.decided("Assigned 1 segment(s) to T-003", "assign")
        assert back.payload == {"theme": "T-003", "segments": [members[0]]}
        r.tab("Segments")
        page.get_by_label("Search these segments (words or a segment id)").fill(members[0])
        page.keyboard.press("Enter")
        settle(page)
        expect(page.get_by_text(re.compile(rf"^{re.escape(members[0])} · "))).to_have_count(1)

        choose(page, "Theme", "T-001 · " + FEAR)
        r.tab("Rename")
        r.field("New name").fill("Fear of consequences")
        r.click("Rename")
        (renamed,) = r.decided("Renamed T-001", "rename")
        assert renamed.payload["theme"] == "T-001"

        # --- Validation: a session, votes on every theme, the page moving down the list -----
        go(page, "Validation")
        r.field("Name of the new session").fill("panel 1")
        page.keyboard.press("Enter")
        settle(page)
        themes = sorted(Study.open(study_copy).codebook().themes)
        for theme in themes:
            verdict = page.get_by_test_id("stRadio").filter(has_text="Your verdict")
            verdict.get_by_text("accept" if theme != "T-004" else "revise", exact=True).click()
            r.click("Record my vote")
            (vote,) = r.decided(f"Recorded your vote on {theme}", "vote")
            assert (vote.payload["item"], vote.payload["session"]) == (theme, "panel 1")

        # --- Logic model: two themes mapped to a node at once; the node stays open -----------
        go(page, "Logic model")
        choose(page, "Node", "Trust between agencies (mechanism)")
        box = page.locator("[data-testid='stMultiSelect']:visible").filter(has_text="Themes not yet mapped")
        for theme in ("T-002", "T-003"):
            tick_option(page, box, theme)
        r.field("How they evidence this node (optional; kept with each theme)").fill("partners act on what is shared")
        r.click("Map to this node")
        mapped = r.decided("Mapped T-002, T-003 to mech-trust", "map", "map")
        assert [(e.payload["theme"], e.payload["node"], e.payload["note"]) for e in mapped] == [
            ("T-002", "mech-trust", "partners act on what is shared"),
            ("T-003", "mech-trust", "partners act on what is shared")]
        expect(page.get_by_role("heading", name="Trust between agencies (mechanism)")).to_be_visible()
        assert r.field("How they evidence this node (optional; kept with each theme)").input_value() == ""

        # --- Decision log: revert the second mapping, named and confirmed ---------------------
        go(page, "Decision log")
        undo = mapped[1].seq
        choose(page, "Decision to undo", f"#{undo} · map")
        expect(page.get_by_test_id("stAlert").filter(has_text=f"This undoes #{undo}")).to_be_visible()
        r.field("Reason (required)").fill("T-003 is about thresholds, not trust")
        page.get_by_text(f"I understand what reverting #{undo} undoes").click()
        settle(page)
        r.click(f"Yes, revert #{undo}")
        (reverted,) = r.decided(f"Reverted #{undo}", "revert")
        assert reverted.payload == {"event": undo} and reverted.rationale == "T-003 is about thresholds, not trust"

        # --- Map: a lasso around part of the map, coded to a theme -----------------------------
        go(page, "Map")
        page.get_by_role("button", name=re.compile("Lay out the map")).click()
        plot = page.locator(".js-plotly-plot").first
        plot.wait_for()
        settle(page)
        plot.locator(".nsewdrag").first.hover()
        page.locator('.modebar-btn[data-title="Lasso Select"]').first.click()
        area = plot.locator(".nsewdrag").first.bounding_box()
        x0, y0, w, h = area["x"], area["y"], area["width"], area["height"]
        page.mouse.move(x0 + 0.05 * w, y0 + 0.05 * h)
        page.mouse.down()
        for fx, fy in ((0.6, 0.05), (0.6, 0.95), (0.05, 0.95), (0.05, 0.06)):
            page.mouse.move(x0 + fx * w, y0 + fy * h, steps=15)
        page.mouse.up()
        page.get_by_role("heading", name=re.compile(r"\d+ selected segment")).wait_for()
        settle(page)
        choose(page, "Theme", "T-005 · Theme from candidate 6")
        r.click("Code the selected segments to this theme")
        (coded,) = r.decided("Coded", "assign")
        assert coded.payload["theme"] == "T-005" and coded.payload["segments"]
        expect(page.get_by_role("heading", name=re.compile(r"\d+ selected segment"))).to_be_visible()

        # --- Candidates: one split into parts, then the rest of the queue ---------------------
        go(page, "Candidates")
        left = [c.number for c in Study.open(study_copy).candidates()[1] if not c.is_small_talk
                and Study.open(study_copy).codebook().candidates.get(f"R1-C{c.number:02d}") is None]
        split_at = left[0]
        choose(page, "Candidate", f"R1-C{split_at:02d}")
        r.tab("Split")
        r.click("Propose sub-groups")
        page.get_by_role("button", name="Accept as these themes").wait_for(timeout=120_000)
        settle(page)
        r.field("Reason (required)").fill("two distinct ideas")
        r.click("Accept as these themes")
        accepted, split = r.decided(f"Accepted R1-C{split_at:02d} as", "accept", "split")
        assert accepted.payload["candidate"] == f"R1-C{split_at:02d}" and split.rationale == "two distinct ideas"
        for number in left[1:]:
            expect(page.get_by_test_id("stHeading").filter(has_text=f"R1-C{number:02d}")).to_have_count(1)
            if number % 2:
                r.tab("Reject")
                r.field("Reason (required)").fill(f"not a theme ({number})")
                r.click("Reject")
                (event,) = r.decided(f"Rejected R1-C{number:02d}", "reject")
            else:
                r.tab("Accept")
                r.click("Accept as a theme")
                (event,) = r.decided(f"Accepted R1-C{number:02d}", "accept")
            assert event.payload["candidate"] == f"R1-C{number:02d}"
        page.get_by_text("Every candidate of this run has been decided.").wait_for()

        # --- every page once more, then the tally --------------------------------------------
        for title in ("Study", "Map", "Logic model", "Analysis", "Decision log", "Export"):
            go(page, title)
            assert not page.get_by_test_id("stException").count(), title
        page.screenshot(path=str(tmp_path / "end.png"))

    assert r.decisions >= 30, r.decisions
    assert not outside, f"the browser asked for outside addresses: {outside[:5]}"
    done = Study.open(study_copy)
    assert done.verify_log() == []
