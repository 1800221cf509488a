"""The Decision log page with AppTest: event numbers, reverting exactly the chosen event, and text kept as text.

The study is conftest's ``small``: three clear topics discovered, candidates C00, C01 and C02.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1.errors import AppTestError

from workbench.study import Study

from .app_harness import said
from .test_app_pages import ok, page

pytestmark = pytest.mark.usefixtures("browser_like")  # select boxes answer as a browser's do

MARKED = "![n](http://example.org/x.png) **Fear**"
REASON = "see [this](http://evil.example) and **act** <b>now</b>"


def decided(small: str) -> Study:
    """Four events: #1 accept (T-001 'First'), #2 rename to 'Second', #3 accept (T-002), #4 a memo."""
    study = Study.open(small)
    study.accept("C00", "First", by="ana")
    study.rename("T-001", "Second", by="ana")
    study.accept("C01", "Police desk", by="bob")
    study.memo("Ask the evening shift about this", theme="T-002", by="bob")
    return study


def confirm_button(at):
    return [b for b in at.button if b.label.startswith("Yes, revert")]


def test_the_table_shows_every_events_number_and_what_it_counts_for(small):
    study = decided(small)
    study.revert(2, by="cat", why="wrong name")
    at = ok(page("log_page", small, "cat"))
    table = at.dataframe[0].value
    assert list(table["#"]) == [5, 4, 3, 2, 1], "the number Revert and the full view ask for is a column"
    assert list(table["status"]) == ["reverts #2", "active", "active", "undone by #5", "active"]
    assert list(table["what"])[:2] == ["undoes #2 (rename by ana): T-001 renamed 'Second' (was 'First')",
                                       "memo on T-002 'Police desk': “Ask the evening shift about this”"]
    assert list(table["why"])[:2] == ["wrong name", ""]


def test_revert_asks_which_event_then_a_reason_and_a_confirmation_and_undoes_exactly_that_one(small):
    study = decided(small)
    at = ok(page("log_page", small, "cat"))
    assert at.selectbox(key="revert-event").value is None, "no event is chosen for the researcher"
    assert not confirm_button(at)
    assert 5 not in at.selectbox(key="revert-event").options and len(at.selectbox(key="revert-event").options) == 5

    at.selectbox(key="revert-event").set_value(2).run()
    ok(at)
    assert said(at.warning[0]).startswith("This undoes #2: T-001 renamed 'Second' (was 'First') (by ana, ")
    go = confirm_button(at)
    assert [b.label for b in go] == ["Yes, revert #2"] and go[0].disabled, "disabled until the researcher confirms"

    with pytest.raises(AppTestError, match="disabled"):
        go[0].click()
    assert len(study.events()) == 4, "nothing recorded before the confirmation"

    at.checkbox[0].check().run()
    confirm_button(at)[0].click().run()  # confirmed, but no reason
    assert "reason is required" in at.error[0].value and len(study.events()) == 4

    at.text_input[-1].input("wrong name").run()
    assert at.checkbox[0].value, "the confirmation stays while the reason is typed"
    confirm_button(at)[0].click().run()
    ok(at)
    last = study.events()[-1]
    assert (last.kind, last.payload, last.by, last.rationale) == ("revert", {"event": 2}, "cat", "wrong name")
    assert study.codebook().themes["T-001"].name == "First" and len(study.events()) == 5
    assert said(at.success[0]).startswith("Reverted #2 (T-001 renamed 'Second' (was 'First')) (event #5")
    assert at.selectbox(key="revert-event~1").value is None, "after a revert nothing is chosen again"
    assert not confirm_button(at)


def test_choosing_another_event_starts_the_confirmation_afresh(small):
    study = decided(small)
    at = ok(page("log_page", small, "cat"))
    at.selectbox(key="revert-event").set_value(4).run()
    at.text_input[-1].input("not needed")
    at.checkbox[0].check().run()
    at.selectbox(key="revert-event").set_value(3).run()
    assert not at.checkbox[0].value and at.text_input[-1].value == "", "no confirmation carried to another event"
    assert [b.label for b in confirm_button(at)] == ["Yes, revert #3"] and confirm_button(at)[0].disabled
    assert len(study.events()) == 4


def test_reverting_a_revert_reads_as_restoring(small):
    study = decided(small)
    study.revert(2, by="cat", why="wrong name")
    at = ok(page("log_page", small, "dan"))
    options = at.selectbox(key="revert-event").options
    assert any(o.startswith("#5 · revert · undoes #2") for o in options)
    assert not any(o.startswith("#2 ·") for o in options), "an undone event is restored by reverting its revert"
    at.selectbox(key="revert-event").set_value(5).run()
    assert said(at.warning[0]).startswith("This undoes revert #5 (by cat, ")
    assert "so #2 counts again: T-001 renamed 'Second' (was 'First') (by ana, " in said(at.warning[0])
    at.text_input[-1].input("the new name was right")
    at.checkbox[0].check().run()
    confirm_button(at)[0].click().run()
    ok(at)
    assert study.codebook().themes["T-001"].name == "Second"
    assert at.dataframe[0].value["what"][0] == ("restores #2 (T-001 renamed 'Second' (was 'First')) by undoing "
                                                "revert #5")


def test_the_full_view_and_the_filters(small):
    study = decided(small)
    study.map_theme("T-002", "mech-trust", "staff describe trust", by="ana")
    at = ok(page("log_page", small, "cat"))
    search = next(t for t in at.text_input if t.label.startswith("Search"))
    search.input("evening").run()
    assert list(at.dataframe[0].value["#"]) == [4], "the search reads memo texts"
    search.input("TRUST staff").run()
    assert list(at.dataframe[0].value["#"]) == [5], "and map notes, word by word"
    search.input("").run()
    next(t for t in at.text_input if t.label.startswith("Theme id")).input("t-002").run()
    assert list(at.dataframe[0].value["#"]) == [5, 4, 3]
    at.multiselect[0].select("ana").run()
    assert list(at.dataframe[0].value["#"]) == [5]

    at.selectbox(key="log-detail").set_value(5).run()
    ok(at)
    assert any(t.value == "What: T-002 'Police desk' mapped to mech-trust, because “staff describe trust”"
               for t in at.text)
    fields = dict(zip(at.dataframe[1].value["field"], at.dataframe[1].value["value"], strict=True))
    assert fields["note"] == "staff describe trust" and fields["node"] == "mech-trust"
    assert fields["hash"] == study.events()[4].hash


def test_names_and_reasons_are_shown_as_text_never_markup(small):
    study = Study.open(small)
    study.accept("C00", MARKED, by="ana", why=REASON)
    study.memo(f"about {MARKED}", theme="T-001", by="ana")
    at = ok(page("log_page", small, "cat"))
    table = at.dataframe[0].value
    assert list(table["what"]) == [f"memo on T-001 {MARKED!r}: “about {MARKED}”",
                                   f"R1-C00 accepted as T-001 {MARKED!r} (15 segments)"]
    assert list(table["why"]) == ["", REASON], "the dataframe holds the exact text"

    at.selectbox(key="log-detail").set_value(1).run()
    at.selectbox(key="revert-event").set_value(2).run()
    ok(at)
    assert f"This undoes #2: memo on T-001 {MARKED!r}: “about {MARKED}”" in said(at.warning[0])
    at.text_input[-1].input(REASON)
    at.checkbox[0].check().run()
    confirm_button(at)[0].click().run()
    ok(at)
    assert study.events()[-1].payload == {"event": 2}
    for at_now in (at, ok(page("log_page", small, "cat"))):
        shown = [e.value for kind in ("markdown", "caption", "subheader", "title", "success", "warning", "error",
                                      "info") for e in getattr(at_now, kind)]
        labels = [w.label for kind in ("selectbox", "multiselect", "text_input", "checkbox", "button", "number_input")
                  for w in getattr(at_now, kind)]
        assert shown and labels
        assert not [x for x in shown + labels if "![" in x or "](" in x or "<b>" in x], "Markdown is escaped"
    assert any(MARKED in (t.value or "") for t in at.text), "the full view shows the name as it was typed"


def test_the_event_chosen_stays_chosen_when_its_line_changes(small):
    study = decided(small)
    study.memo("Check this theme", theme="T-001", by="ana")  # #5
    at = ok(page("log_page", small, "cat"))
    at.selectbox(key="revert-event").set_value(5).run()
    before = at.selectbox(key="revert-event").format_func(5)
    assert "memo on T-001 'Second'" in before
    Study.open(small).revert(2, by="bob", why="wrong name")  # meanwhile, in another browser
    at.run()
    ok(at)
    assert at.selectbox(key="revert-event").format_func(5) != before, "the chosen event's line changed"
    assert said(at.warning[0]).startswith("This undoes #5: memo on T-001 'First': “Check this theme”")
    assert [b.label for b in confirm_button(at)] == ["Yes, revert #5"]


def test_old_events_with_escapes_or_bidi_overrides_are_shown_as_visible_escapes(small):
    """A log from before names and reasons were checked: nothing on the page reorders or hides its text."""
    from workbench.core.names import BIDI

    from .test_names import record_old_log

    record_old_log(small)
    at = ok(page("log_page", small, "cat"))
    table = at.dataframe[0].value
    cells = [str(v) for column in ("by", "what", "why") for v in table[column]]
    at.selectbox(key="log-detail").set_value(1).run()
    ok(at)
    shown = cells + [t.value for t in at.text] + [c.value for c in at.caption]
    assert any("\\u202e" in text for text in shown) and any("\\x1b" in text for text in shown)
    assert not [text for text in shown if "\x1b" in text or any(c in text for c in BIDI)]
