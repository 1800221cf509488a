"""README screenshots of every page, from the browser harness the end-to-end tests use.

Builds (or reuses) the sample study, makes a few decisions so every page has something to
show, serves the app and photographs each page into docs/screenshots/.

    .venv/bin/python -m tests.make_screenshots [--study sample-study]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from workbench.study import Study

from .browser_harness import browser, go, serve, settle, start

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
PAGES = ["Study", "Candidates", "Themes", "Map", "Logic model", "Validation", "Analysis", "Decision log", "Export"]


def prepare(source: Path, target: Path) -> str:
    """A copy of the sample study with a few decisions, so the pictures show a review under way."""
    shutil.copytree(source, target)
    study = Study.open(target)
    run, found = study.candidates()
    by_size = sorted(found, key=lambda c: -c.size)
    study.accept(f"R{run.id}-C{by_size[1].number:02d}", by="ana")
    study.accept(f"R{run.id}-C{by_size[2].number:02d}", by="ana")
    study.reject(f"R{run.id}-C{by_size[0].number:02d}", by="ben", why="greetings and thanks, not a theme")
    theme = study.codebook().themes["T-001"]
    study.define("T-001", "What practitioners say about the theme", "Accounts of ...", "Mentions in passing",
                 sorted(theme.members)[:2], by="ana")
    study.memo("Compare the three sites on this", theme="T-001", by="ben")
    if study.logic_model() is None:
        study.load_logic_model(ROOT / "models" / "mash-ipe.yaml", by="ana")
    study.map_theme("T-001", "mech-timely-info", "practitioners describe waiting for information", by="ana")
    study.map_theme("T-002", "oc-family-experience", by="ana")
    study.accept(f"R{run.id}-C{by_size[3].number:02d}", by="ana")
    votes = (("T-001", "accept", "accept"), ("T-002", "accept", "revise"), ("T-003", "reject", "reject"))
    for theme, ana, ben in votes:
        study.vote("panel 1", theme, ana, by="ana")
        study.vote("panel 1", theme, ben, by="ben")
    study.projection()
    study.close()
    return str(target)


def check_before_import(page) -> None:
    """The Study page's check of two real public transcripts (from the test fixtures), before importing."""
    fixtures = ROOT / "tests" / "fixtures" / "real_transcripts"
    uploader = page.get_by_test_id("stFileUploader").filter(has_text="Transcripts (.txt")
    files = [fixtures / "research_interview_interviewer_bracket_id.txt", fixtures / "teams_voice_tags.vtt"]
    uploader.locator("input[type=file]").set_input_files([str(f) for f in files])
    uploader.get_by_text(files[-1].name).wait_for()  # the uploader shortens long names
    page.wait_for_timeout(1500)
    settle(page)
    page.get_by_role("button", name="Check (imports nothing)").click()
    page.get_by_text("Check (nothing imported)").wait_for()
    settle(page)
    page.get_by_role("heading", name="Check (nothing imported)").evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(1500)
    page.screenshot(path=str(OUT / "import-check.png"), full_page=False)
    print("wrote", OUT / "import-check.png")
    page.evaluate("window.scrollTo(0, 0)")


def identifiers(page) -> None:
    """The Study page's findings, grouped by type, the first group open."""
    page.get_by_role("heading", name="Check for identifiers left in").evaluate(
        "e => e.scrollIntoView({block: 'start'})")
    group = page.get_by_test_id("stExpander").filter(has_text="finding(s)").first
    group.locator("summary").click()
    settle(page)
    page.get_by_role("heading", name="Check for identifiers left in").evaluate(
        "e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(1500)
    page.screenshot(path=str(OUT / "identifiers.png"), full_page=False)
    print("wrote", OUT / "identifiers.png")
    page.evaluate("window.scrollTo(0, 0)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--study", default=str(ROOT / "sample-study"))
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        study = prepare(Path(args.study), Path(tmp) / "study")
        with serve(study, Path(tmp) / "app.log") as (url, _), browser(1400, 1000) as page:
            start(page, url, "Ana")
            for title in PAGES:
                if title != "Study":
                    go(page, title)
                if title == "Validation":
                    page.get_by_text("Show them (after you have voted)").click()
                settle(page)
                if title == "Validation":  # the group's figures and votes, rather than the quotes above them
                    page.get_by_role("heading", name="The group's votes and agreement").evaluate(
                        "e => e.scrollIntoView({block: 'start'})")
                page.wait_for_timeout(1500)
                name = title.lower().replace(" ", "-")
                page.screenshot(path=str(OUT / f"{name}.png"), full_page=False)
                print("wrote", OUT / f"{name}.png")
                if title == "Study":
                    check_before_import(page)
                    identifiers(page)
                if title == "Candidates":
                    families = page.get_by_test_id("stExpander").filter(has_text="Families of candidates")
                    families.get_by_text("Families of candidates").click()
                    settle(page)
                    page.wait_for_timeout(1500)
                    families.screenshot(path=str(OUT / "candidate-families.png"))
                    print("wrote", OUT / "candidate-families.png")


if __name__ == "__main__":
    main()
