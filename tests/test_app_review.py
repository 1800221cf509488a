"""A review session through several actions in a row: each decision lands on the item on screen.

Each test here first reproduced a defect a researcher met in the browser: a decision
saved on T-001 after the chosen theme's label changed, a reason carried from one accept
into the next, an error hidden in a tab no longer on screen.
"""

from __future__ import annotations

from workbench.study import Study

from .app_harness import by_key, said
from .test_app_pages import button, ok, page


def three_themes(location: str) -> Study:
    study = Study.open(location)
    for n, name in enumerate(("First", "Second", "Third")):
        study.accept(f"C{n:02d}", name, by="ana")
    return study


def test_a_definition_after_a_rename_lands_on_the_theme_on_screen(small, browser_like):
    study = three_themes(small)
    at = ok(page("themes_page", small, "bob"))
    by_key(at.selectbox, "theme").set_value("T-003").run()
    by_key(at.text_input, "rename").input("Third, renamed")
    button(at, "Rename").click().run()
    ok(at)
    assert study.codebook().themes["T-003"].name == "Third, renamed"
    assert by_key(at.selectbox, "theme").value == "T-003", "the page stays on the renamed theme"
    by_key(at.text_area, "definition").input("What the third theme means")
    button(at, "Save definition").click().run()
    ok(at)
    assert "Defined T-003" in said(at.success[0])
    book = study.codebook()
    assert book.themes["T-003"].definition == "What the third theme means"
    assert not book.themes["T-001"].definition


def test_a_memo_after_a_move_lands_on_the_theme_on_screen(small, browser_like):
    study = three_themes(small)
    at = ok(page("themes_page", small, "bob"))
    by_key(at.selectbox, "theme").set_value("T-003").run()
    members = sorted(study.codebook().themes["T-003"].members)
    by_key(at.multiselect, "move").select(members[0])
    by_key(at.selectbox, "move-target").set_value("T-002")
    button(at, "Apply").click().run()
    ok(at)
    assert by_key(at.selectbox, "theme").value == "T-003"
    by_key(at.text_area, "memo-text").input("for the third")
    button(at, "Add memo").click().run()
    ok(at)
    assert [m.theme for m in study.codebook().memos] == ["T-003"]


def test_a_reason_is_not_carried_into_the_next_accept(small, browser_like):
    study = Study.open(small)
    at = ok(page("candidates_page", small, "ana"))
    first = by_key(at.selectbox, "candidate").value
    by_key(at.text_input, "accept-why").input("clear and distinct")
    button(at, "Accept as a theme").click().run()
    ok(at)
    shown = by_key(at.selectbox, "candidate").value
    assert shown != first, "after an accept the next undecided candidate is shown"
    assert by_key(at.text_input, "accept-why").value == "", "the last accept's reason is not pre-filled"
    button(at, "Accept as a theme").click().run()
    ok(at)
    events = study.events()
    assert [e.rationale for e in events] == ["clear and distinct", ""]
    assert [e.payload["candidate"] for e in events] == [f"R1-C{first:02d}", f"R1-C{shown:02d}"]


def test_a_refusal_after_a_success_says_what_is_missing_in_the_apps_words(small, browser_like):
    """That the refusal is on screen, in the Reject tab the researcher is on, is checked in
    Chromium (test_browser_review_day: AppTest draws every tab at once)."""
    at = ok(page("candidates_page", small, "ana"))
    button(at, "Accept as a theme").click().run()
    ok(at)
    button(at, "Reject").click().run()
    assert at.error and "reason is required" in at.error[0].value
    assert "--why" not in at.error[0].value, "the app names no command-line flag"


def test_a_form_for_a_theme_merged_away_meanwhile_records_nothing(small, browser_like):
    study = three_themes(small)
    at = ok(page("themes_page", small, "bob"))
    by_key(at.selectbox, "theme").set_value("T-003").run()
    by_key(at.text_area, "definition").input("Meant for the third theme")
    study.merge(["T-003"], "T-002", by="ana", why="the same idea")  # another researcher, meanwhile
    button(at, "Save definition").click().run()
    assert not at.exception
    assert "T-003 is no longer there" in said(at.error[0]) and "Nothing was recorded" in said(at.error[0])
    assert [e.kind for e in study.events()][-1] == "merge", "no definition recorded on the theme shown instead"
    assert not study.codebook().themes["T-001"].definition
    by_key(at.text_area, "definition").input("Now for the theme on screen")
    button(at, "Save definition").click().run()
    ok(at)
    shown = by_key(at.selectbox, "theme").value
    assert study.codebook().themes[shown].definition == "Now for the theme on screen"


def test_a_merge_target_renamed_before_sending_still_receives_the_merge(small, browser_like):
    study = Study.open(small)
    study.accept("C00", "First", by="ana")
    study.accept("C01", "Second", by="ana")
    at = ok(page("candidates_page", small, "bob"))  # R1-C02 on screen, the only one to review
    by_key(at.selectbox, "merge-target").set_value("T-002")
    by_key(at.text_input, "merge-why").input("the same idea")
    study.rename("T-002", "Second, renamed by Ana", by="ana")  # another researcher, before the form is sent
    at.run()  # any rerun in between (a tab switched): the browser still shows, and sends, "T-002 · Second"
    by_key(at.text_input, "merge-why").input("the same idea")
    button(at, "Merge").click().run()
    ok(at)
    merged = study.events()[-1]
    assert (merged.kind, merged.payload["into"]) == ("merge", "T-002")


def test_a_read_only_picker_whose_event_is_filtered_out_blocks_no_revert(small):
    study = Study.open(small)
    study.accept("C00", "First", by="ana")
    study.rename("T-001", "Second name", by="ana")
    at = ok(page("log_page", small, "cat"))
    by_key(at.selectbox, "log-detail").set_value(2).run()
    next(t for t in at.text_input if t.label.startswith("Search")).input("nothing matches this").run()
    next(t for t in at.text_input if t.label.startswith("Search")).input("").run()
    by_key(at.selectbox, "revert-event").set_value(2).run()
    by_key(at.text_input, "revert-why").input("wrong name")
    by_key(at.checkbox, "revert-sure").check().run()
    by_key(at.button, "revert-go").click().run()
    ok(at)
    assert study.events()[-1].kind == "revert" and study.events()[-1].payload == {"event": 2}


def test_a_submission_recorded_but_never_shown_is_not_recorded_twice(small, browser_like):
    """The decision was committed, but the page's run was cut short before it showed it (a dropped
    connection, a reload): the researcher submits the same form again, and it is recorded once."""
    study = three_themes(small)
    at = ok(page("themes_page", small, "bob"))
    by_key(at.selectbox, "theme").set_value("T-003").run()
    generation = at.session_state["_decided"] if "_decided" in at.session_state else 0  # noqa: SIM401 - no .get
    by_key(at.text_area, "memo-text").input("for the third")
    button(at, "Add memo").click().run()
    ok(at)
    assert len(study.codebook().memos) == 1
    at.session_state["_decided"] = generation  # as if the success had never reached the page
    by_key(at.text_area, "memo-text").input("for the third")
    button(at, "Add memo").click().run()
    ok(at)
    assert len(study.codebook().memos) == 1, "the same submission is recorded once"
    assert "already recorded" in said(at.success[0])
    by_key(at.text_area, "memo-text").input("a second memo, after the message")
    button(at, "Add memo").click().run()
    ok(at)
    assert [m.text for m in study.codebook().memos] == ["for the third", "a second memo, after the message"]
