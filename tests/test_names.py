"""Names and reasons checked before they are recorded; recorded text escaped on its way to a terminal."""

from __future__ import annotations

import json
import string
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.core.decisions import GENESIS, DecisionError, Draft, Event, Log, canonical, event_hash, seal
from workbench.core.names import (
    BIDI,
    BIDI_MARKS,
    INVISIBLE,
    NAME_LIMIT,
    REASON_LIMIT,
    check_name,
    check_reason,
    check_text,
    json_safe,
    terminal_safe,
)
from workbench.errors import WorkbenchError

CONTROLS = [chr(c) for c in (*range(0x20), 0x7F, *range(0x80, 0xA0))]
UNSAFE_IN_REASONS = [c for c in CONTROLS if c not in "\n\t"] + sorted(BIDI - BIDI_MARKS)
UNSAFE_IN_NAMES = CONTROLS + sorted(BIDI) + sorted(INVISIBLE)
ORDINARY = st.text(st.characters(categories=["L", "Zs", "P"]), max_size=NAME_LIMIT // 2)


def unsafe_to_show(char: str) -> bool:
    return char not in "\n\t" and (char in BIDI or char in INVISIBLE
                                   or unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp"))


# --- the checks ------------------------------------------------------------------------
def test_a_name_with_an_escape_code_is_refused_naming_the_field_and_the_position():
    with pytest.raises(WorkbenchError, match=r"^--by: a name may not contain control characters "
                                             r"\(found U\+001B at position 1\)"):
        check_name("\x1b[31mEve", "--by")


def test_a_right_to_left_override_or_a_zero_width_space_is_refused_in_a_name():
    with pytest.raises(WorkbenchError, match=r"bidirectional text controls .* U\+202E at position 4"):
        check_name("Bob\u202eevil", "--by")
    with pytest.raises(WorkbenchError, match=r"invisible characters .* U\+200B at position 2"):
        check_name("A\u200bnn")


def test_a_name_is_stripped_normalised_and_bounded():
    assert check_name("  Zoe\u0308 ") == "Zoë"  # NFC: the same name however it was typed
    assert check_name("x" * NAME_LIMIT) == "x" * NAME_LIMIT
    with pytest.raises(WorkbenchError, match=r"at most 100 characters \(this one has 10,000\)"):
        check_name("x" * 10_000, "--by")
    with pytest.raises(WorkbenchError, match="is empty"):
        check_name("   ")


def test_a_reason_keeps_its_lines_and_tabs_but_not_other_controls():
    assert check_reason(" first line\r\n\tsecond ") == "first line\n\tsecond"
    assert check_reason("") == ""
    with pytest.raises(WorkbenchError, match=r"^--why: a reason may not contain control characters"):
        check_reason("bell\x07", "--why")
    with pytest.raises(WorkbenchError, match="bidirectional"):
        check_reason("\u2066hidden\u2069", "--why")
    with pytest.raises(WorkbenchError, match="at most 10,000 characters"):
        check_reason("x" * (REASON_LIMIT + 1))


@given(st.text(max_size=20), st.sampled_from(UNSAFE_IN_NAMES), st.text(max_size=20))
def test_any_name_holding_a_control_bidi_or_invisible_character_is_refused(before, bad, after):
    with pytest.raises(WorkbenchError, match="may not contain"):
        check_name(f"{before}a{bad}b{after}")


@given(st.text(max_size=20), st.sampled_from(UNSAFE_IN_REASONS), st.text(max_size=20))
def test_any_reason_holding_a_control_or_bidi_character_is_refused(before, bad, after):
    with pytest.raises(WorkbenchError, match="may not contain"):
        check_reason(f"{before}a{bad}b{after}")


@given(ORDINARY)
def test_ordinary_names_are_accepted_unchanged_after_strip_and_nfc(text):
    expected = unicodedata.normalize("NFC", text.strip())
    if expected:
        assert check_name(text) == expected
        assert check_reason(text) == expected
        check_text(text, "the name", name=True)


@given(st.text())
def test_terminal_safe_output_never_holds_a_control_or_bidi_character(text):
    shown = terminal_safe(text)
    assert not any(unsafe_to_show(c) for c in shown)
    assert terminal_safe(shown) == shown


@given(st.text(string.printable.replace("\r", "").replace("\x0b", "").replace("\x0c", "")) | ORDINARY)
def test_terminal_safe_is_the_identity_on_ordinary_text(text):
    assert terminal_safe(text) == text


def test_terminal_safe_shows_escapes_visibly():
    assert terminal_safe("\x1b[31mEve") == "\\x1b[31mEve"
    assert terminal_safe("Bob\u202eevil") == "Bob\\u202eevil"


@given(st.text())
def test_json_stays_exact_and_holds_no_raw_control_or_bidi_character(text):
    document = json_safe(json.dumps({"by": text}, ensure_ascii=False))
    assert json.loads(document) == {"by": text}
    assert not any(unsafe_to_show(c) for c in document)


# --- where the checks apply: every new decision, never replay ---------------------------
def test_a_new_decision_is_refused_for_its_name_its_reason_or_its_words():
    with pytest.raises(DecisionError, match="who is deciding may not contain control characters"):
        Draft("memo", {"text": "x"}, "\x1b[31mEve")
    with pytest.raises(DecisionError, match="the reason may not contain bidirectional"):
        Draft("memo", {"text": "x"}, "ann", "fine\u202e")
    with pytest.raises(DecisionError, match="the name may not contain"):
        Draft("create", {"theme": "T-001", "name": "Tr\u202eust", "members": []}, "ann")
    with pytest.raises(DecisionError, match="the definition may not contain"):
        Draft("define", {"theme": "T-001", "definition": "a\x1b[2Jb"}, "ann")
    with pytest.raises(DecisionError, match="the label may not contain"):
        Draft("node_add", {"node": {"id": "n1", "type": "context", "label": "\x9bx"}}, "ann")
    draft = Draft("memo", {"text": "two\nlines"}, " Zoe\u0308 ", "why\r\nnot")
    assert (draft.by, draft.rationale) == ("Zoë", "why\nnot")


def old_event(seq: int, prev: str, kind: str, payload: dict, by: str, why: str = "") -> Event:
    """An event sealed directly, as a workbench from before the checks recorded it."""
    at = f"2025-01-01T00:00:{seq:02d}Z"
    payload_json = canonical(payload)
    return Event(seq, at, by, kind, payload_json, why, prev,
                 event_hash(seq, at, by, kind, payload_json, why, prev))


EVIL = "\x1b[31mEve\u202e"


def old_log() -> list[Event]:
    first = old_event(1, GENESIS, "create", {"theme": "T-001", "name": f"Tr{EVIL}ust", "members": []}, EVIL,
                      f"because{EVIL}")
    second = old_event(2, first.hash, "memo", {"text": f"note {EVIL}", "theme": "T-001"}, f"Bob{EVIL}")
    return [first, second]


def record_old_log(location: str) -> None:
    """``old_log`` written into the study at ``location`` as a workbench from before the checks did."""
    from workbench.study import Study

    opened = Study.open(location)
    with opened.store.write() as tx:
        for event in old_log():
            tx.append_event(event)
    opened.close()


def test_old_events_with_escapes_still_replay_and_take_new_decisions():
    log = Log.replay(old_log())
    assert log.codebook.themes["T-001"].name == f"Tr{EVIL}ust"
    log.append(seal(Draft("rename", {"theme": "T-001", "name": "Trust"}, "ann"), 3, "t", log.head))
    assert log.codebook.themes["T-001"].name == "Trust"


def test_a_finding_review_checks_its_reviewer_and_note(study):
    with pytest.raises(WorkbenchError, match="may not contain control characters"):
        study.review_finding("none", "NAME", 0, 1, "x", "identifier", "\x1b[31mEve")
    with pytest.raises(WorkbenchError, match="the note may not contain"):
        study.review_finding("none", "name", 0, 1, "x", "identifier", "ann", "\x1b]0;pwned\x07")


def test_an_import_checks_who_imported(study, tmp_path):
    from .conftest import write

    transcript = write(tmp_path / "int1.txt", "Interviewer: Hello?\nP01: Hi.\n")
    with pytest.raises(WorkbenchError, match="may not contain bidirectional"):
        study.ingest([transcript], by="Bob\u202eevil")
    assert study.store.imports() == []


def test_right_to_left_marks_are_kept_in_a_reason_but_not_in_a_name():
    """Keyboards for Arabic, Urdu and Hebrew type the marks; a reason may quote such speech."""
    quoted = "\u0627\u0644\u0628\u064a\u062a\u200f (home), she said\u200e."
    assert check_reason(f"because: {quoted}") == f"because: {quoted}"
    check_text(quoted, "the definition")
    with pytest.raises(WorkbenchError, match="U\\+200F"):
        check_name("Ana\u200f")
    with pytest.raises(WorkbenchError, match="U\\+202E"):
        check_reason("because\u202e")
