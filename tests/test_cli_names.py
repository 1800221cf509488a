"""``--by`` and ``--why`` checked as the command line reads them; recorded text shown without raw escapes."""

from __future__ import annotations

import json

import pytest

from workbench.core.names import BIDI
from workbench.study import Study

from .test_cli import wb
from .test_names import old_log, record_old_log

REFUSED_NAMES = {
    "an escape code": ("\x1b[31mEve", "--by: a name may not contain control characters (found U+001B at position 1)"),
    "a right-to-left override": ("Bob\u202eevil", "--by: a name may not contain bidirectional text controls"),
    "10,000 characters": ("x" * 10_000, "--by: a name is at most 100 characters (this one has 10,000)"),
    "empty": ("", "--by is empty: give the researcher's name, or leave --by out to use your user name"),
    "only spaces": ("   ", "--by is empty"),
}


def raw_unsafe(text: str) -> list[str]:
    return [c for c in text if c in BIDI or (ord(c) < 0x20 and c not in "\n\t") or 0x7F <= ord(c) < 0xA0]


@pytest.fixture
def fresh(tmp_path) -> str:
    location = str(tmp_path / "study")
    Study.init(location, by="ana").close()
    return location


@pytest.mark.parametrize("name", REFUSED_NAMES)
def test_a_bad_by_is_refused_in_one_line_and_nothing_is_recorded(fresh, name):
    given, message = REFUSED_NAMES[name]
    result = wb("decide", "create", "Trust", "--study", fresh, "--by", given, check=False)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith(f"error: {message}") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr and not raw_unsafe(result.stderr)
    opened = Study.open(fresh)
    assert opened.events() == []
    opened.close()


def test_a_bad_why_is_refused_and_a_good_by_is_recorded_as_given(fresh):
    refused = wb("decide", "create", "Trust", "--study", fresh, "--why", "ok\x1b]0;title\x07", check=False)
    assert refused.returncode == 1 and refused.stderr.startswith("error: --why: a reason may not contain control")
    done = wb("decide", "create", "Trust", "--study", fresh, "--by", " Zoe\u0308 ", "--why", "two\nlines")
    assert done.stdout.startswith("#1 create by Zoë:")
    opened = Study.open(fresh)
    assert [(e.by, e.rationale) for e in opened.events()] == [("Zoë", "two\nlines")]
    opened.close()


def test_old_events_with_escapes_are_shown_escaped_never_raw(fresh):
    record_old_log(fresh)
    for args in (["log", "show"], ["log", "show", "--format", "csv"], ["themes"], ["themes", "--format", "csv"]):
        shown = wb(*args, "--study", fresh).stdout
        assert not raw_unsafe(shown), args
        assert "\\x1b[31mEve\\u202e" in shown, args
    document = wb("log", "show", "--format", "json", "--study", fresh).stdout
    assert not raw_unsafe(document)
    exact = json.loads(document)
    assert [e["by"] for e in exact] == [event.by for event in old_log()]
    assert [e["why"] for e in exact] == [event.rationale for event in old_log()]
    assert wb("log", "verify", "--study", fresh).returncode == 0


def test_info_shows_sites_and_participants_from_files_as_literal_text(tmp_path, fresh):
    """Sites, roles and participant ids come from researchers' files: never markup, never a raw escape."""
    from .conftest import write

    write(tmp_path / "t.csv", "id,text,participant\nr1,We rang the hub.,[bold]P1\u202e\nr2,It took weeks.,P2\n")
    write(tmp_path / "people.csv", "participant,site,role\n[bold]P1\u202e,\x1b[31mNorth,[red]manager\n")
    wb("ingest", str(tmp_path / "t.csv"), "--participants", str(tmp_path / "people.csv"), "--study", fresh,
       "--by", "ana")
    shown = wb("info", "--study", fresh).stdout
    assert not raw_unsafe(shown)
    assert "[bold]P1\\u202e" in shown and "[red]manager" in shown and "\\x1b[31mNorth" in shown, shown
    document = wb("info", "--format", "json", "--study", fresh).stdout
    assert not raw_unsafe(document)
    view = json.loads(document)  # exact: the escapes are JSON's own
    assert dict(view["by_site"])["\x1b[31mNorth"] == 1 and dict(view["by_participant"])["[bold]P1\u202e"] == 1
