"""``workbench pseudonymise``: de-identified copies in each format, consistent placeholders, reviews checked."""

from __future__ import annotations

import csv
import dataclasses
import inspect
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from workbench.io.ingest import parse_files
from workbench.privacy import scan as privacy
from workbench.privacy.pseudonymise import (
    COLUMNS,
    findings_csv,
    norm,
    read_key,
    replace_spans,
    scan_files,
    write_copies,
)

from .conftest import write

NAMES = "Jordan\nSam Okafor\nOakfield Primary School\n"
TXT = """Interviewer: Can you tell me about your son?
P01: My son Jordan is nine. Jordan's school is Oakfield Primary School.
Interviewer: Who else helps?
P01: Sam Okafor, his key worker. Ring me on 07700 900123 or email jo.smith@example.org.
P01: It was on 12/03/2021 that it started.
"""


def cli(*args: str | Path) -> object:
    from workbench.cli.privacy import privacy_app

    return CliRunner().invoke(privacy_app, ["pseudonymise", *map(str, args)])


def ok(*args: str | Path) -> str:
    result = cli(*args)
    assert result.exit_code == 0, result.stderr + result.stdout
    return result.stdout


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def save(path: Path, found: list[dict[str, str]], columns: list[str] | None = None) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns or list(COLUMNS), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(found)
    return path


def two_steps(tmp_path: Path, files: list[Path], *extra: str | Path,
              edit: Callable[[list[dict[str, str]]], None] | None = None, out: str = "out") -> list[dict[str, str]]:
    """Scan, let ``edit`` play the researcher, then write the copies; returns the reviewed rows."""
    names = write(tmp_path / "names.txt", NAMES)
    findings = tmp_path / f"{out}-findings.csv"
    ok(*files, "--out", tmp_path / out, "--names", names, *extra)
    found = rows(findings)
    if edit is not None:
        edit(found)
        save(findings, found)
    ok(*files, "--out", tmp_path / out, "--review", findings, *extra)
    return found


def speakers_and_turns(paths: list[Path], counter: object) -> list[tuple[int, list[str | None]]]:
    parsed = parse_files(paths, counter)
    return [(len(t.segments), sorted({s.speaker for s in t.segments}, key=str)) for t in parsed.transcripts]


def test_txt_round_trip_replaces_kept_and_keeps_ignored(tmp_path: Path, counter: object) -> None:
    source = write(tmp_path / "in" / "int1.txt", TXT)

    def edit(found: list[dict[str, str]]) -> None:
        for row in found:
            if row["type"] == "date":
                assert row["action"] == "ignore", "a bare date scores under 0.5"
            if row["type"] == "email":
                row["action"] = "ignore"

    found = two_steps(tmp_path, [source], edit=edit)
    copy = (tmp_path / "out" / "int1.txt").read_text(encoding="utf-8")
    assert copy == ("Interviewer: Can you tell me about your son?\n"
                    "P01: My son [Child 1] is nine. [Child 1]'s school is [School 1].\n"
                    "Interviewer: Who else helps?\n"
                    "P01: [Person 1], his key worker. Ring me on [Phone 1] or email jo.smith@example.org.\n"
                    "P01: It was on 12/03/2021 that it started.\n")
    for row in found:
        assert (row["text"] in copy) == (row["action"] == "ignore"), row
    assert speakers_and_turns([tmp_path / "out" / "int1.txt"], counter) == speakers_and_turns([source], counter)
    assert not (tmp_path / "key.csv").exists() and sorted(p.name for p in tmp_path.iterdir()) == [
        "in", "names.txt", "out", "out-findings.csv"], "no key, and nothing else, unless asked"


def test_scan_writes_no_copies_and_says_what_next(tmp_path: Path) -> None:
    source = write(tmp_path / "int1.txt", TXT)
    names = write(tmp_path / "names.txt", NAMES)
    said = ok(source, "--out", tmp_path / "out", "--names", names, "--key", tmp_path / "key.csv")
    assert not (tmp_path / "out").exists() and not (tmp_path / "key.csv").exists()
    assert "name 4" in said and "phone 1" in said and "--review" in said and "--key" in said
    assert [r["where"] for r in rows(tmp_path / "out-findings.csv")][:2] == ["line 2, column 13", "line 2, column 29"]
    again = cli(source, "--out", tmp_path / "out", "--names", names)
    assert again.exit_code == 1 and "already exists" in again.stderr, "a reviewed findings file is not overwritten"


def test_docx_runs_styles_and_table_cells(tmp_path: Path, counter: object) -> None:
    document = docx.Document()
    document.add_paragraph("Interviewer: Tell me about home.")
    paragraph = document.add_paragraph("P01: My son ")
    bold = paragraph.add_run("Jor")
    bold.bold = True
    italic = paragraph.add_run("dan")
    italic.italic = True
    paragraph.add_run("'s teacher rang on 07700 900123.")
    document.add_paragraph("Interviewer: And then?")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "P01"
    table.cell(0, 1).text = "Sam Okafor came round."
    source = tmp_path / "int2.docx"
    document.save(source)

    found = two_steps(tmp_path, [source])
    assert any("(table 1, row 1, cell 2)" in r["where"] for r in found)
    copy = docx.Document(tmp_path / "out" / "int2.docx")
    runs = copy.paragraphs[1].runs
    assert [r.text for r in runs] == ["P01: My son ", "[Child 1]", "", "'s teacher rang on [Phone 1]."]
    assert runs[1].bold and not runs[1].italic and runs[2].italic, "the placeholder takes the first run's style"
    assert copy.tables[0].cell(0, 1).text == "[Person 1] came round."
    with zipfile.ZipFile(tmp_path / "out" / "int2.docx") as archive:
        everything = b"".join(archive.read(n) for n in archive.namelist())
    for text in ("Jor", "Okafor", "07700"):
        assert text.encode() not in everything
    assert speakers_and_turns([tmp_path / "out" / "int2.docx"], counter) == speakers_and_turns([source], counter)


def test_docx_with_tracked_deletions_is_refused(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("P01: hello")
    source = tmp_path / "tracked.docx"
    document.save(source)
    with zipfile.ZipFile(source) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    parts["word/document.xml"] = parts["word/document.xml"].replace(
        b"<w:r><w:t>P01: hello</w:t></w:r>",
        b'<w:r><w:t>P01: hello</w:t></w:r>'
        b'<w:del w:id="1" w:author="a"><w:r><w:delText>Jordan</w:delText></w:r></w:del>')
    assert b"delText" in parts["word/document.xml"]
    with zipfile.ZipFile(source, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    result = cli(source, "--out", tmp_path / "out")
    assert result.exit_code == 1 and "tracked deletions" in result.stderr


VTT = """WEBVTT

00:00:01.000 --> 00:00:04.000
<v Sarah Jones>Hello, I am here with Jordan &amp; his sister.

00:00:04.000 --> 00:00:06.000
<v Interviewer>Thanks for coming.

00:00:06.000 --> 00:00:09.000
<v Sarah Jones>Sam Okafor rang
on 07700 900123.
"""
SRT = """1
00:00:01,000 --> 00:00:04,000
Interviewer: Hello Jordan.

2
00:00:04,000 --> 00:00:06,000
P01: Sam Okafor said hi.
"""


def test_subtitles_keep_cues_and_timings_and_replace_voice_names(tmp_path: Path, counter: object) -> None:
    vtt = write(tmp_path / "call.vtt", VTT)
    srt = write(tmp_path / "call2.srt", SRT)
    found = two_steps(tmp_path, [vtt, srt])
    voice = [r for r in found if r["type"] == "person"]
    assert [(r["text"], r["where"]) for r in voice] == [("Sarah Jones", "voice tags, cue 1 and 1 more")]
    copy = (tmp_path / "out" / "call.vtt").read_text(encoding="utf-8")
    assert copy == VTT.replace("Sarah Jones", "[Person 1]").replace("Jordan", "[Child 1]" if False else "[Person 2]") \
        .replace("Sam Okafor", "[Person 3]").replace("07700 900123", "[Phone 1]")
    assert (tmp_path / "out" / "call2.srt").read_text(encoding="utf-8") == SRT.replace("Jordan", "[Person 2]").replace(
        "Sam Okafor", "[Person 3]")
    before = speakers_and_turns([vtt, srt], counter)
    after = speakers_and_turns([tmp_path / "out" / "call.vtt", tmp_path / "out" / "call2.srt"], counter)
    assert [n for n, _ in after] == [n for n, _ in before]
    assert [len(s) for _, s in after] == [len(s) for _, s in before]
    assert after[0][1] == ["Interviewer", "Person 1"]


def test_csv_keeps_columns_rows_and_quoting(tmp_path: Path) -> None:
    text = ('id,text,speaker\r\n'
            'r1,"Jordan said ""hi"", then left",P01\r\n'
            'r2,Sam Okafor rang,Interviewer\r\n'
            'r3,nothing here,P01\r\n')
    source = tmp_path / "table.csv"
    source.write_bytes(text.encode())
    found = two_steps(tmp_path, [source])
    assert {r["where"] for r in found} == {"row 2, column B (text), character 1", "row 3, column B (text), character 1"}
    copy = (tmp_path / "out" / "table.csv").read_bytes().decode()
    assert copy == text.replace("Jordan", "[Person 1]").replace("Sam Okafor", "[Person 2]")


def test_xlsx_keeps_sheets_and_cells(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Interviews"
    sheet.append(["id", "text", "count"])
    sheet.append(["r1", "Jordan went to Oakfield Primary School", 3])
    sheet.append(["r2", "=SUM(C2:C2)", None])
    other = book.create_sheet("Notes")
    other["B5"] = "Call Sam Okafor"
    source = tmp_path / "book.xlsx"
    book.save(source)
    two_steps(tmp_path, [source])
    copy = openpyxl.load_workbook(tmp_path / "out" / "book.xlsx")
    assert copy.sheetnames == ["Interviews", "Notes"]
    assert [[c.value for c in row] for row in copy["Interviews"].iter_rows()] == [
        ["id", "text", "count"], ["r1", "[Person 1] went to [School 1]", 3], ["r2", "=SUM(C2:C2)", None]]
    assert copy["Notes"]["B5"].value == "Call [Person 2]"


def test_placeholders_agree_across_files_and_batches_with_a_key(tmp_path: Path) -> None:
    first = write(tmp_path / "a.txt", "P01: My daughter Jordan and Sam Okafor.\n")
    second = write(tmp_path / "b.txt", "P02: JORDAN was there.\n")
    key = tmp_path / "private" / "key.csv"
    key.parent.mkdir()
    two_steps(tmp_path, [first, second], "--key", key)
    assert (tmp_path / "out" / "a.txt").read_text() == "P01: My daughter [Child 1] and [Person 1].\n"
    assert (tmp_path / "out" / "b.txt").read_text() == "P02: [Child 1] was there.\n", "same person, any case"
    third = write(tmp_path / "c.txt", "P03: Jordan's friend Sam Okafor, and Mrs Patel.\n")
    two_steps(tmp_path, [third], "--key", key, out="out2")
    assert (tmp_path / "out2" / "c.txt").read_text() == "P03: [Child 1]'s friend [Person 1], and [Person 2].\n"
    assert {(e[0], e[1]) for e in read_key(key).entries.values()} == {
        ("[Child 1]", "Jordan"), ("[Person 1]", "Sam Okafor"), ("[Person 2]", "Mrs Patel")}


def test_a_placeholder_the_key_gives_someone_else_is_refused(tmp_path: Path) -> None:
    key = write(tmp_path / "key.csv", "placeholder,original,type\n[Person 1],Alex Brown,name\n")
    source = write(tmp_path / "a.txt", "P01: Sam Okafor rang.\n")
    names = write(tmp_path / "names.txt", NAMES)
    ok(source, "--out", tmp_path / "out", "--names", names)  # scanned without the key: Sam Okafor is [Person 1]
    result = cli(source, "--out", tmp_path / "out", "--review", tmp_path / "out-findings.csv", "--key", key)
    assert result.exit_code == 1 and "line 2" in result.stderr and "'Alex Brown' in the key" in result.stderr
    ok(source, "--out", tmp_path / "out", "--names", names, "--key", key, "--force")
    ok(source, "--out", tmp_path / "out", "--review", tmp_path / "out-findings.csv", "--key", key)
    assert (tmp_path / "out" / "a.txt").read_text() == "P01: [Person 2] rang.\n"


def test_an_original_left_in_a_copy_is_warned_of(tmp_path: Path) -> None:
    source = write(tmp_path / "a.txt", "P01: Jordan came. Jordan left.\n")

    def edit(found: list[dict[str, str]]) -> None:
        found[1]["action"] = "ignore"

    two_steps(tmp_path, [source], edit=edit)
    assert (tmp_path / "out" / "a.txt").read_text() == "P01: [Person 1] came. Jordan left.\n"
    result = cli(source, "--out", tmp_path / "out", "--review", tmp_path / "out-findings.csv", "--force")
    assert result.exit_code == 0 and "warning: a.txt: 'Jordan', kept elsewhere, is still in the copy" in result.stderr


def test_encoding_bom_and_line_ends_are_kept(tmp_path: Path) -> None:
    source = tmp_path / "a.txt"
    source.write_bytes(b"\xef\xbb\xbfP01: caf\xc3\xa9 with Jordan\r\nP02: ok\r\n")
    two_steps(tmp_path, [source])
    assert (tmp_path / "out" / "a.txt").read_bytes() == b"\xef\xbb\xbfP01: caf\xc3\xa9 with [Person 1]\r\nP02: ok\r\n"
    utf16 = tmp_path / "b.txt"
    utf16.write_bytes("P01: Jordan\n".encode("utf-16"))
    two_steps(tmp_path, [utf16], out="out2")
    assert (tmp_path / "out2" / "b.txt").read_bytes() == "P01: [Person 1]\n".encode("utf-16")


def test_an_edited_placeholder_is_used_and_quoted_where_a_table_needs_it(tmp_path: Path) -> None:
    source = write(tmp_path / "t.csv", "id,text\nr1,Jordan rang\n")

    def edit(found: list[dict[str, str]]) -> None:
        found[0]["placeholder"] = "[boy, 9]"

    two_steps(tmp_path, [source], edit=edit)
    assert (tmp_path / "out" / "t.csv").read_text() == 'id,text\nr1,"[boy, 9] rang"\n'


def test_voice_names_with_entities_and_roles(tmp_path: Path) -> None:
    vtt = write(tmp_path / "c.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n"
                "<v Siobhan O&#39;Brien (Social worker)>Hi\n\n00:00:02.000 --> 00:00:03.000\n<v P03>Hello\n")
    found = two_steps(tmp_path, [vtt])
    assert [(r["type"], r["text"]) for r in found] == [("person", "Siobhan O'Brien")]
    assert "<v [Person 1] (Social worker)>Hi" in (tmp_path / "out" / "c.vtt").read_text()


def test_speaker_labels_that_name_people_are_one_finding_and_still_read_as_labels(tmp_path: Path,
                                                                               counter: object) -> None:
    source = write(tmp_path / "zoom.txt", "Andrew Knight (00:00:01):\nHello all.\n\n"
                   "Dora Demszky (SW): Hi Andrew Knight.\n\nAndrew Knight (00:00:09):\nBye.\n\n"
                   "[Jane Smith] 00:00:12\nSee you.\n")
    found = two_steps(tmp_path, [source])
    labels = {r["text"]: r["where"] for r in found if r["where"].startswith("speaker label")}
    assert labels == {"Andrew Knight": "speaker labels, first at line 1, column 1, 2 in all",
                      "Dora Demszky": "speaker label, first at line 4, column 1",
                      "Jane Smith": "speaker label, first at line 9, column 2"}
    copy = (tmp_path / "out" / "zoom.txt").read_text()
    assert copy == ("Person 1 (00:00:01):\nHello all.\n\nPerson 2 (SW): Hi [Person 1].\n"
                    "\nPerson 1 (00:00:09):\nBye.\n\n[Person 3] 00:00:12\nSee you.\n"), \
        "brackets are dropped where '[Person 1] (..):' would no longer read as a label, and never doubled"
    assert speakers_and_turns([tmp_path / "out" / "zoom.txt"], counter)[0][0] == \
        speakers_and_turns([source], counter)[0][0]
    assert len(speakers_and_turns([tmp_path / "out" / "zoom.txt"], counter)[0][1]) == 3


def test_possessives_are_the_same_original() -> None:
    assert norm("Jordan's") == norm("JORDAN’s") == norm("jordan") == "jordan"
    assert norm("James'") == "james" and norm("Ross") == "ross"


def test_key_and_findings_are_refused_inside_the_folder_of_copies(tmp_path: Path) -> None:
    source = write(tmp_path / "a.txt", "P01: hello Jordan\n")
    (tmp_path / "out").mkdir()
    for option in ("--key", "--findings"):
        result = cli(source, "--out", tmp_path / "out", option, tmp_path / "out" / "x.csv")
        assert result.exit_code == 1 and "inside the folder of copies" in result.stderr
    result = cli(source, "--out", tmp_path)
    assert result.exit_code == 1


def test_an_input_is_never_overwritten(tmp_path: Path) -> None:
    source = write(tmp_path / "in" / "a.txt", "P01: hello Jordan\n")
    write(tmp_path / "names.txt", NAMES)
    result = cli(source, "--out", tmp_path / "in", "--names", tmp_path / "names.txt", "--findings", tmp_path / "f.csv")
    assert result.exit_code == 1 and "overwritten by its own copy" in result.stderr, "refused at the scan already"
    ok(source, "--out", tmp_path / "out", "--names", tmp_path / "names.txt", "--findings", tmp_path / "f.csv")
    result = cli(source, "--out", tmp_path / "in", "--review", tmp_path / "f.csv", "--force")
    assert result.exit_code == 1 and "overwritten by its own copy" in result.stderr
    assert source.read_text() == "P01: hello Jordan\n"


def _break(case: str, found: list[dict[str, str]], source: Path) -> tuple[list[dict[str, str]], list[str] | None]:
    columns = None
    if case == "unknown id":
        found[1]["id"] = "F0002-000000"
    elif case == "changed text":
        found[1]["text"] = "Jordon"
    elif case == "bad action":
        found[1]["action"] = "replace"
    elif case == "missing column":
        columns = [c for c in COLUMNS if c != "action"]
    elif case == "file changed":
        source.write_text(source.read_text() + "P01: one more line.\n")
    elif case == "two placeholders for one original":
        found[1]["placeholder"] = "[Child 9]"
    elif case == "repeated id":
        found[1]["id"] = found[0]["id"]
    elif case == "file not given":
        found[1]["file"] = "other.txt"
    return found, columns


@pytest.mark.parametrize(("case", "line", "says"), [
    ("unknown id", 3, "not a finding this scan wrote"),
    ("changed text", 3, "is not what"),
    ("bad action", 3, "write keep"),
    ("missing column", 1, "'action' column"),
    ("file changed", 2, "has changed since it was scanned"),
    ("two placeholders for one original", 3, "line 2 gives it"),
    ("repeated id", 3, "repeats finding"),
    ("file not given", 3, "not among the files given"),
])
def test_a_malformed_review_is_refused_naming_the_line_and_nothing_is_written(
        tmp_path: Path, case: str, line: int, says: str) -> None:
    source = write(tmp_path / "int1.txt", TXT)
    names = write(tmp_path / "names.txt", NAMES)
    key = tmp_path / "key.csv"
    ok(source, "--out", tmp_path / "out", "--names", names)
    findings = tmp_path / "out-findings.csv"
    found, columns = _break(case, rows(findings), source)
    save(findings, found, columns)
    result = cli(source, "--out", tmp_path / "out", "--review", findings, "--key", key)
    assert result.exit_code == 1, result.stdout
    assert f"out-findings.csv, line {line}:" in result.stderr and says in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists() and not key.exists(), "nothing written"


def test_formula_like_findings_survive_the_spreadsheet_escape(tmp_path: Path) -> None:
    source = write(tmp_path / "a.txt", "P01: call +44 7700 900123 today\n")
    found = two_steps(tmp_path, [source])
    assert found[0]["text"] == "'+44 7700 900123", "the findings file is safe to open"
    assert (tmp_path / "out" / "a.txt").read_text() == "P01: call [Phone 1] today\n"


def test_places_are_passed_only_to_a_scanner_that_takes_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = write(tmp_path / "a.txt", "P01: we met in Riverton.\n")
    seen: list[object] = []

    def with_places(text: str, names: object = None, places: object = None) -> list[privacy.Hit]:
        seen.append(places)
        at = text.find("Riverton")
        return [privacy.Hit("place", at, at + 8, 0.9, "on the team's list of places")] if at >= 0 else []

    monkeypatch.setattr(privacy, "scan_text", with_places)
    found = scan_files([source], places={"Riverton"})
    assert seen == [{"Riverton"}] and [(f.type, f.placeholder) for f in found] == [("place", "[Place 1]")]
    monkeypatch.setattr(privacy, "scan_text", lambda text, names=None: [])
    with pytest.raises(Exception, match="no list of places"):
        scan_files([source], places={"Riverton"})
    assert "places" in inspect.signature(with_places).parameters


def test_unknown_finding_types_get_a_placeholder_of_their_own(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    source = write(tmp_path / "a.txt", "P01: the car AB12 CDE.\n")
    monkeypatch.setattr(privacy, "scan_text", lambda text, names=None, places=None: [
        privacy.Hit("vehicle_registration", 13, 21, 0.8, "a number plate")])
    assert [f.placeholder for f in scan_files([source])] == ["[Vehicle registration 1]"]


# --- properties ---------------------------------------------------------------------------------
@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60), st.lists(st.tuples(st.integers(0, 60), st.integers(0, 8), st.text(max_size=5))))
def test_replace_spans_keeps_everything_else_in_order(text: str, raw: list[tuple[int, int, str]]) -> None:
    edits, at = [], 0
    for start, length, new in sorted(raw):
        start = max(start, at)
        end = min(start + length, len(text))
        if start > len(text):
            break
        edits.append((start, end, new))
        at = end if end > start else end + 1
    out = replace_spans(text, edits)
    kept = "".join(text[a:b] for a, b in zip([0] + [e for _, e, _ in edits], [s for s, _, _ in edits] + [len(text)],
                                             strict=True))
    assert "".join(_pieces_between(out, edits, text)) == kept


def _pieces_between(out: str, edits: list[tuple[int, int, str]], text: str) -> list[str]:
    """``out`` minus the placeholders, knowing where each went."""
    pieces, at, shift = [], 0, 0
    for start, end, new in edits:
        pieces.append(out[at + shift:start + shift])
        shift += len(new) - (end - start)
        at = end
    pieces.append(out[at + shift:])
    return pieces


_WORDS = st.lists(st.sampled_from(["and", "the", "went", "home", "so", "yes", "Mum", "\t", "said", "—", "it's"]),
                  max_size=8).map(" ".join)
_PLANTED = st.sampled_from(["jo.smith@example.org", "07700 900123", "Jordan", "Sam Okafor", "SW1A 1AA"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(_WORDS, _PLANTED), min_size=1, max_size=5), _WORDS, st.lists(st.booleans(), min_size=5,
                                                                                       max_size=5),
       st.lists(st.integers(1, 6), min_size=1, max_size=30))
def test_copies_keep_every_character_that_is_not_a_kept_finding(tmp_path: Path, parts: list[tuple[str, str]],
                                                                 tail: str, keep: list[bool], cuts: list[int]) -> None:
    """TXT and DOCX (text cut into runs at random places): the copy minus placeholders is the original minus
    the kept findings."""
    import tempfile

    text = "P01: " + "".join(f"{words} {planted} " for words, planted in parts) + tail
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    txt = write(folder / "t.txt", text)
    document = docx.Document()
    paragraph = document.add_paragraph()
    at = 0
    for i, size in enumerate(cuts):
        paragraph.add_run(text[at:at + size]).bold = bool(i % 2)
        at += size
    paragraph.add_run(text[at:])
    document.save(folder / "t.docx")
    names = privacy.read_names(write(folder / "names.txt", NAMES))
    found = scan_files([txt, folder / "t.docx"], names=names)
    decided, offsets = [], {}
    for file in (str(txt), str(folder / "t.docx")):
        mine = [f for f in found if f.file == file]
        assert [f.text for f in mine] == [f.text for f in found if f.file == str(txt)], "both read the same text"
        for j, finding in enumerate(mine):
            action = "keep" if keep[j % len(keep)] else "ignore"
            decided.append(dataclasses.replace(finding, action=action))
            start = int(finding.where.rpartition(" ")[2]) - 1
            if action == "keep":
                offsets.setdefault(file, []).append((start, start + len(finding.text), finding.placeholder))
    (folder / "f.csv").write_text(findings_csv(decided), encoding="utf-8-sig", newline="")
    write_copies([txt, folder / "t.docx"], folder / "f.csv", folder / "out")
    copies = {str(txt): (folder / "out" / "t.txt").read_text(),
              str(folder / "t.docx"): docx.Document(folder / "out" / "t.docx").paragraphs[0].text}
    for file, copy in copies.items():
        edits = offsets.get(file, [])
        assert copy == replace_spans(text, edits)
        kept = "".join(text[a:b] for a, b in zip([0] + [e for _, e, _ in edits], [s for s, _, _ in edits] + [len(text)],
                                                 strict=True))
        assert "".join(_pieces_between(copy, edits, text)) == kept
